// Migrations: order, idempotence, checksums, gaps, atomicity, on both backends.
#include "core/ids.h"
#include "storage/migrator.h"
#include "testdatabase.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace twinops;
using namespace twinops::test;

class TestMigrator final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }

    void embeddedMigrationsApplyOnceThenNothing();
    void changedAppliedMigrationIsRejectedAndChangesNothing();
    void gapInNumberingIsRejected();
    void nextReleaseSchemaWarnsAndTheOneAfterIsRejected();
    void everyDownScriptUndoesItsMigrationExactly();
    void goingDownRefusesToDeleteDataUnlessForced();
    void everyMigrationOnlyExpands();
    void missingDownScriptIsRejected();
    void failingMigrationLeavesNoTrace();
    void badFileNameIsRejected();
    void accessEndsWithUserMigrationEndsWhatTheOldRuleLeftAlive();
};

namespace {

void writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(content);
}

// A migration NNNN_name.sql with its down script.
void writeMigration(const QTemporaryDir &dir, const QString &name, const QByteArray &up, const QByteArray &down)
{
    writeFile(dir.filePath(name + QStringLiteral(".sql")), up);
    writeFile(dir.filePath(name + QStringLiteral(".down.sql")), down);
}

bool tableExists(Database &db, const QString &table)
{
    auto rows = db.dialect() == Dialect::Postgres
        ? db.query(QStringLiteral("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = $1"),
                   {table})
        : db.query(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1"), {table});
    return rows.ok() && rows->first().integer(0) == 1;
}

int appliedCount(Database &db)
{
    if (!tableExists(db, QStringLiteral("schema_migrations")))
        return 0;
    auto rows = db.query(QStringLiteral("SELECT count(*) FROM schema_migrations"));
    return rows.ok() ? int(rows->first().integer(0)) : -1;
}

} // namespace

void TestMigrator::embeddedMigrationsApplyOnceThenNothing()
{
    TWINOPS_FRESH_DATABASE(testDb);
    auto db = testDb->connect();
    QVERIFY(db);
    auto shipped = Migrator::embedded(db->dialect());
    QVERIFY2(shipped.ok(), shipped.ok() ? "" : qPrintable(shipped.error().message));
    QVERIFY(!shipped->isEmpty());

    Migrator migrator(*db, *shipped);
    auto first = migrator.migrate();
    QVERIFY2(first.ok(), first.ok() ? "" : qPrintable(first.error().message));
    QCOMPARE(first->size(), shipped->size());
    for (const char *table :
         {"tenants", "users", "twins", "sources", "chunks", "jobs", "job_logs", "graph_nodes", "graph_edges",
          "share_links", "api_keys", "audit_log", "metric_rollups", "checklist_runs"})
        QVERIFY2(tableExists(*db, QLatin1String(table)), table);

    auto second = migrator.migrate();
    QVERIFY(second.ok());
    QVERIFY(second->isEmpty());
    auto status = migrator.status();
    QVERIFY(status.ok());
    QCOMPARE(status->applied.size(), shipped->size());
    QVERIFY(status->pending.isEmpty());
    QVERIFY(status->applied.first().appliedAt.isValid());
}

void TestMigrator::changedAppliedMigrationIsRejectedAndChangesNothing()
{
    TWINOPS_FRESH_DATABASE(testDb);
    auto db = testDb->connect();
    QVERIFY(db);
    QTemporaryDir dir;
    writeMigration(dir, QStringLiteral("0001_first"), "CREATE TABLE first_table (x INTEGER);",
                   "DROP TABLE first_table;");
    writeMigration(dir, QStringLiteral("0002_second"), "CREATE TABLE second_table (y INTEGER);",
                   "DROP TABLE second_table;");
    QVERIFY(Migrator(*db, *Migrator::fromDirectory(dir.path())).migrate().ok());
    QCOMPARE(appliedCount(*db), 2);

    writeMigration(dir, QStringLiteral("0001_first"), "CREATE TABLE first_table (x INTEGER, extra TEXT);",
                   "DROP TABLE first_table;");
    writeMigration(dir, QStringLiteral("0003_third"), "CREATE TABLE third_table (z INTEGER);",
                   "DROP TABLE third_table;");
    auto result = Migrator(*db, *Migrator::fromDirectory(dir.path())).migrate();
    QVERIFY(!result.ok());
    QVERIFY2(result.error().message.contains(QLatin1String("migration 1 (first) was changed after it was applied")),
             qPrintable(result.error().message));
    QVERIFY(!result.error().message.contains(u'\n'));
    QVERIFY(!tableExists(*db, QStringLiteral("third_table")));
    QCOMPARE(appliedCount(*db), 2);
}

void TestMigrator::gapInNumberingIsRejected()
{
    TWINOPS_FRESH_DATABASE(testDb);
    auto db = testDb->connect();
    QVERIFY(db);
    QTemporaryDir dir;
    writeMigration(dir, QStringLiteral("0001_first"), "CREATE TABLE first_table (x INTEGER);",
                   "DROP TABLE first_table;");
    writeMigration(dir, QStringLiteral("0003_third"), "CREATE TABLE third_table (z INTEGER);",
                   "DROP TABLE third_table;");
    auto shipped = Migrator::fromDirectory(dir.path());
    QVERIFY(!shipped.ok());
    QVERIFY2(shipped.error().message.contains(QLatin1String("expected 2, found 3")),
             qPrintable(shipped.error().message));
    QVERIFY(!tableExists(*db, QStringLiteral("schema_migrations")));
}

// Expand/contract: this release's binary runs on the next release's schema (one migration ahead), with a warning and
// without being able to revert it; two ahead is refused and changes nothing.
void TestMigrator::nextReleaseSchemaWarnsAndTheOneAfterIsRejected()
{
    TWINOPS_FRESH_DATABASE(testDb);
    auto db = testDb->connect();
    QVERIFY(db);
    QTemporaryDir dir;
    writeMigration(dir, QStringLiteral("0001_first"), "CREATE TABLE first_table (x INTEGER);",
                   "DROP TABLE first_table;");
    writeMigration(dir, QStringLiteral("0002_second"), "CREATE TABLE second_table (y INTEGER);",
                   "DROP TABLE second_table;");
    writeMigration(dir, QStringLiteral("0003_third"), "CREATE TABLE third_table (z INTEGER);",
                   "DROP TABLE third_table;");
    TWINOPS_VERIFY_OK(Migrator(*db, *Migrator::fromDirectory(dir.path())).migrate());

    QVERIFY(QFile::remove(dir.filePath(QStringLiteral("0003_third.sql"))));
    QVERIFY(QFile::remove(dir.filePath(QStringLiteral("0003_third.down.sql"))));
    Migrator previous(*db, *Migrator::fromDirectory(dir.path()));
    QTest::ignoreMessage(
        QtWarningMsg,
        QRegularExpression(QStringLiteral("the database has migration 3 \\(third\\) of the next release")));
    auto runs = previous.migrate();
    TWINOPS_VERIFY_OK(runs);
    QVERIFY(runs->isEmpty());
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("of the next release")));
    auto status = previous.status();
    TWINOPS_VERIFY_OK(status);
    QCOMPARE(status->newer.size(), 1);
    QCOMPARE(status->newer.first().version, 3);
    QVERIFY(status->pending.isEmpty());
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("of the next release")));
    auto down = previous.migrateTo(1, true);
    QVERIFY(!down.ok());
    QVERIFY2(down.error().message.contains(QLatin1String("cannot revert")), qPrintable(down.error().message));
    QVERIFY(tableExists(*db, QStringLiteral("third_table")));

    QVERIFY(QFile::remove(dir.filePath(QStringLiteral("0002_second.sql"))));
    QVERIFY(QFile::remove(dir.filePath(QStringLiteral("0002_second.down.sql"))));
    auto result = Migrator(*db, *Migrator::fromDirectory(dir.path())).migrate();
    QVERIFY(!result.ok());
    QVERIFY2(result.error().message.contains(QLatin1String("runs on schemas up to 2")),
             qPrintable(result.error().message));
    QVERIFY(result.error().message.contains(QLatin1String("more than one release newer")));
    QCOMPARE(appliedCount(*db), 3);
}

namespace {

// The schema as a sorted list of normalised definitions: what must be identical after a migration is reverted and
// applied again. SQLite: sqlite_master (whitespace collapsed: DROP COLUMN edits the CREATE TABLE text in place) but
// sqlite_sequence, which SQLite creates with the first AUTOINCREMENT table and never lets anyone drop.
// PostgreSQL: columns in order, constraints, indexes and functions of the public schema.
QStringList schemaDump(Database &db)
{
    const QString sql = db.dialect() == Dialect::Postgres
        ? QStringLiteral(
            "SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' "
            "|| coalesce(column_default, '') FROM information_schema.columns WHERE table_schema = 'public' "
            "UNION ALL SELECT 'constraint ' || c.conrelid::regclass::text || ' ' || c.conname || ' ' || "
            "pg_get_constraintdef(c.oid) FROM pg_constraint c WHERE c.connamespace = 'public'::regnamespace "
            "UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public' "
            "UNION ALL SELECT 'function ' || p.proname || ' ' || pg_get_functiondef(p.oid) FROM pg_proc p "
            "WHERE p.pronamespace = 'public'::regnamespace")
        : QStringLiteral("SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master "
                         "WHERE name <> 'sqlite_sequence'");
    auto rows = db.query(sql);
    if (!rows.ok())
        return {rows.error().message};
    static const QRegularExpression space(QStringLiteral("\\s+"));
    static const QRegularExpression spaceBeforePunctuation(QStringLiteral(" ([,)])"));
    QStringList dump;
    for (const Row row : *rows)
        dump << row.text(0).replace(space, QStringLiteral(" ")).replace(spaceBeforePunctuation, QStringLiteral("\\1"));
    dump.sort();
    return dump;
}

int schemaVersion(Database &db)
{
    auto rows = db.query(QStringLiteral("SELECT coalesce(max(version), 0) FROM schema_migrations"));
    return rows.ok() ? int(rows->first().integer(0)) : -1;
}

} // namespace

// Up one step at a time, then all the way down to 0 and up again: at every version the schema is exactly the one the
// way up produced, so each down script undoes its migration and nothing more.
void TestMigrator::everyDownScriptUndoesItsMigrationExactly()
{
    TWINOPS_FRESH_DATABASE(testDb);
    auto db = testDb->connect();
    QVERIFY(db);
    auto shipped = Migrator::embedded(db->dialect());
    TWINOPS_VERIFY_OK(shipped);
    Migrator migrator(*db, *shipped);
    const int latest = int(shipped->size());
    QList<QStringList> dumps;
    for (int version = 0; version <= latest; ++version) {
        auto steps = migrator.migrateTo(version, false);
        TWINOPS_VERIFY_OK(steps);
        QCOMPARE(steps->size(), version == 0 ? 0 : 1);
        dumps << schemaDump(*db);
    }
    QCOMPARE(schemaVersion(*db), latest);

    for (int version = latest - 1; version >= 0; --version) {
        auto steps = migrator.migrateTo(version, false);
        TWINOPS_VERIFY_OK(steps);
        QCOMPARE(steps->size(), 1);
        QVERIFY(steps->first().down);
        QCOMPARE(schemaVersion(*db), version);
        const QStringList now = schemaDump(*db);
        if (now != dumps.at(version)) {
            qWarning().noquote() << "version" << version << "\nonly after going down:"
                                 << QSet<QString>(now.cbegin(), now.cend())
                                        .subtract({dumps.at(version).cbegin(), dumps.at(version).cend()})
                                 << "\nonly on the way up:"
                                 << QSet<QString>(dumps.at(version).cbegin(), dumps.at(version).cend())
                                        .subtract({now.cbegin(), now.cend()});
            QFAIL("the schema after going down differs from the one on the way up");
        }
    }
    QCOMPARE(appliedCount(*db), 0);

    auto again = migrator.migrateTo(latest, false);
    TWINOPS_VERIFY_OK(again);
    QCOMPARE(again->size(), latest);
    QCOMPARE(schemaDump(*db), dumps.last());
}

// Going down lists every table with rows and every column with values it would delete, and changes nothing; columns
// that hold only NULL are not data; --force goes ahead.
void TestMigrator::goingDownRefusesToDeleteDataUnlessForced()
{
    TWINOPS_FRESH_DATABASE(testDb);
    auto db = testDb->connect();
    QVERIFY(db);
    auto shipped = Migrator::embedded(db->dialect());
    TWINOPS_VERIFY_OK(shipped);
    Migrator migrator(*db, *shipped);
    TWINOPS_VERIFY_OK(migrator.migrate());
    const QDateTime now = nowUtc();
    TWINOPS_VERIFY_OK(db->query(QStringLiteral("INSERT INTO job_probes (job_id, runs, last_run_at) VALUES ($1, 1, $2)"),
                                {newId(), now}));
    TWINOPS_VERIFY_OK(db->query(QStringLiteral("INSERT INTO audit_log (actor_type, action, details, created_at, "
                                               "client_address) VALUES ('system', 'test', '{}', $1, '192.0.2.7')"),
                                {now}));

    auto refused = migrator.migrateTo(4, false);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, ErrorCode::Conflict);
    QVERIFY2(refused.error().message.contains(QLatin1String("column audit_log.client_address (1 by reverting 7)")),
             qPrintable(refused.error().message));
    QVERIFY(!refused.error().message.contains(QLatin1String("job_probes")));
    QCOMPARE(schemaVersion(*db), int(shipped->size()));

    TWINOPS_VERIFY_OK(db->query(QStringLiteral("UPDATE audit_log SET client_address = NULL")));
    auto nothingLost = migrator.migrateTo(4, false);
    TWINOPS_VERIFY_OK(nothingLost);
    QCOMPARE(schemaVersion(*db), 4);

    auto losses = migrator.dataLoss(0);
    TWINOPS_VERIFY_OK(losses);
    QStringList lost;
    for (const DataLoss &loss : *losses)
        lost << QStringLiteral("%1 %2 %3").arg(loss.version).arg(loss.what).arg(loss.count);
    QCOMPARE(lost, QStringList({QStringLiteral("2 table job_probes 1"), QStringLiteral("1 table audit_log 1")}));
    refused = migrator.migrateTo(1, false);
    QVERIFY(!refused.ok());
    QVERIFY2(refused.error().message.contains(QLatin1String("table job_probes (1 by reverting 2)")),
             qPrintable(refused.error().message));
    QCOMPARE(schemaVersion(*db), 4);
    QVERIFY(tableExists(*db, QStringLiteral("job_probes")));

    auto forced = migrator.migrateTo(1, true);
    TWINOPS_VERIFY_OK(forced);
    QCOMPARE(forced->size(), 3);
    QCOMPARE(schemaVersion(*db), 1);
    QVERIFY(!tableExists(*db, QStringLiteral("job_probes")));
}

namespace {

struct Column
{
    QString type;
    bool nullable = true;
    bool defaulted = false;
};

// (table.column) -> its type, nullability and whether it has a default.
QHash<QString, Column> columns(Database &db)
{
    const QString sql = db.dialect() == Dialect::Postgres
        ? QStringLiteral("SELECT table_name || '.' || column_name, data_type, is_nullable = 'YES', "
                         "column_default IS NOT NULL FROM information_schema.columns WHERE table_schema = 'public'")
        : QStringLiteral("SELECT m.name || '.' || p.name, p.type, p.\"notnull\" = 0, p.dflt_value IS NOT NULL "
                         "FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'");
    QHash<QString, Column> result;
    auto rows = db.query(sql);
    if (rows.ok()) {
        for (const Row row : *rows)
            result.insert(row.text(0), {row.text(1), row.boolean(2), row.boolean(3)});
    }
    return result;
}

} // namespace

// Expand/contract, checked for every shipped migration: the code of the release before it finds every column it knew,
// unchanged, and can still insert rows without knowing the new columns (nullable or with a default). The previous
// release's own expectations run against the newer schema remain a next step (docs/wip-issue14-migrations.md).
void TestMigrator::everyMigrationOnlyExpands()
{
    TWINOPS_FRESH_DATABASE(testDb);
    auto db = testDb->connect();
    QVERIFY(db);
    auto shipped = Migrator::embedded(db->dialect());
    TWINOPS_VERIFY_OK(shipped);
    Migrator migrator(*db, *shipped);
    QHash<QString, Column> before = columns(*db);
    for (int version = 1; version <= shipped->size(); ++version) {
        TWINOPS_VERIFY_OK(migrator.migrateTo(version, false));
        const QHash<QString, Column> after = columns(*db);
        QVERIFY(!after.isEmpty());
        QSet<QString> tablesBefore;
        for (auto it = before.cbegin(); it != before.cend(); ++it) {
            tablesBefore.insert(it.key().section(u'.', 0, 0));
            const QString where = QStringLiteral("migration %1: %2").arg(version).arg(it.key());
            QVERIFY2(after.contains(it.key()), qPrintable(where + QStringLiteral(" was removed")));
            QVERIFY2(after[it.key()].type == it->type && after[it.key()].nullable == it->nullable,
                     qPrintable(where + QStringLiteral(" changed")));
        }
        for (auto it = after.cbegin(); it != after.cend(); ++it) {
            if (before.contains(it.key()) || !tablesBefore.contains(it.key().section(u'.', 0, 0)))
                continue;
            QVERIFY2(it->nullable || it->defaulted,
                     qPrintable(QStringLiteral("migration %1 adds %2 NOT NULL without a default: the previous "
                                               "release cannot insert rows any more")
                                    .arg(version)
                                    .arg(it.key())));
        }
        before = after;
    }
}

void TestMigrator::missingDownScriptIsRejected()
{
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("0001_first.sql")), "CREATE TABLE first_table (x INTEGER);");
    auto shipped = Migrator::fromDirectory(dir.path());
    QVERIFY(!shipped.ok());
    QVERIFY2(shipped.error().message.contains(QLatin1String("has no down script 0001_first.down.sql")),
             qPrintable(shipped.error().message));
}

void TestMigrator::failingMigrationLeavesNoTrace()
{
    TWINOPS_FRESH_DATABASE(testDb);
    auto db = testDb->connect();
    QVERIFY(db);
    QTemporaryDir dir;
    writeMigration(dir, QStringLiteral("0001_first"), "CREATE TABLE first_table (x INTEGER);",
                   "DROP TABLE first_table;");
    writeMigration(dir, QStringLiteral("0002_broken"),
                   "CREATE TABLE half_done (y INTEGER);\nINSERT INTO no_such_table VALUES (1);",
                   "DROP TABLE half_done;");
    auto result = Migrator(*db, *Migrator::fromDirectory(dir.path())).migrate();
    QVERIFY(!result.ok());
    QVERIFY2(result.error().message.startsWith(QLatin1String("migration 2 (broken) failed")),
             qPrintable(result.error().message));
    QVERIFY(tableExists(*db, QStringLiteral("first_table")));
    QVERIFY(!tableExists(*db, QStringLiteral("half_done")));
    QCOMPARE(appliedCount(*db), 1);
    QCOMPARE(db->transactionDepth(), 0);
}

void TestMigrator::badFileNameIsRejected()
{
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("1_no_padding.sql")), "SELECT 1;");
    auto shipped = Migrator::fromDirectory(dir.path());
    QVERIFY(!shipped.ok());
    QVERIFY(shipped.error().message.contains(QLatin1String("NNNN_name.sql")));
}

// Migration 0006 (issue #12): a key dies with its creator's access, also for what happened before the rule. Keys of
// creators who are revoked, inactive or deleted (so says the audit log) are revoked with their reason and an audit
// entry; keys without a user creator and keys of active users stay; sessions of revoked users end.
void TestMigrator::accessEndsWithUserMigrationEndsWhatTheOldRuleLeftAlive()
{
    TWINOPS_FRESH_DATABASE(testDb);
    auto db = testDb->connect();
    auto all = Migrator::embedded(db->dialect());
    TWINOPS_VERIFY_OK(all);
    QList<Migration> before;
    for (const Migration &m : *all) {
        if (m.version < 6)
            before << m;
    }
    TWINOPS_VERIFY_OK(Migrator(*db, before).migrate());

    const QDateTime now = nowUtc();
    const QString tenant = newId();
    TWINOPS_VERIFY_OK(db->query(QStringLiteral("INSERT INTO tenants (id, name, status, created_at, updated_at) "
                                               "VALUES ($1, 'T', 'active', $2, $2)"),
                                {tenant, now}));
    QHash<QString, QString> user;
    for (const QString &who : {QStringLiteral("alive"), QStringLiteral("gone"), QStringLiteral("off")}) {
        user[who] = newId();
        TWINOPS_VERIFY_OK(db->query(
            QStringLiteral("INSERT INTO users (id, tenant_id, email, password_hash, role, is_active, revoked_at, "
                           "created_at, updated_at) VALUES ($1, $2, $3, 'x', 'admin', $4, $5, $6, $6)"),
            {user[who], tenant, QString(who + QStringLiteral("@example.com")), who != QLatin1String("off"),
             who == QLatin1String("gone") ? QVariant(now) : QVariant(), now}));
        TWINOPS_VERIFY_OK(
            db->query(QStringLiteral("INSERT INTO refresh_tokens (id, tenant_id, user_id, family_id, "
                                     "token_hash, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"),
                      {newId(), tenant, user[who], newId(), who, now.addDays(30), now}));
    }
    QHash<QString, QString> key;
    auto addKey = [&](const QString &name, const QVariant &creator, const QVariant &revokedAt, const QString &madeBy) {
        key[name] = newId();
        TWINOPS_VERIFY_OK(
            db->query(QStringLiteral("INSERT INTO api_keys (id, tenant_id, name, prefix, key_hash, scopes, "
                                     "is_admin, created_by, revoked_at, created_at) "
                                     "VALUES ($1, $2, $3, $4, 'h', '[\"chat\"]', $5, $6, $7, $8)"),
                      {key[name], tenant, name, key[name].left(12), false, creator, revokedAt, now}));
        TWINOPS_VERIFY_OK(db->query(QStringLiteral("INSERT INTO audit_log (tenant_id, actor_type, action, target_type, "
                                                   "target_id, details, created_at) VALUES ($1, $2, 'api_key.create', "
                                                   "'api_key', $3, '{}', $4)"),
                                    {tenant, madeBy, key[name], now}));
    };
    addKey(QStringLiteral("alive's"), user[QStringLiteral("alive")], {}, QStringLiteral("user"));
    addKey(QStringLiteral("gone's"), user[QStringLiteral("gone")], {}, QStringLiteral("user"));
    addKey(QStringLiteral("off's"), user[QStringLiteral("off")], {}, QStringLiteral("user"));
    addKey(QStringLiteral("deleted user's"), {}, {}, QStringLiteral("user"));
    addKey(QStringLiteral("console's"), {}, {}, QStringLiteral("platform_admin"));
    addKey(QStringLiteral("revoked by hand"), user[QStringLiteral("alive")], now, QStringLiteral("user"));

    TWINOPS_VERIFY_OK(Migrator(*db, *all).migrate());

    const QHash<QString, QString> expected{{QStringLiteral("alive's"), QString()},
                                           {QStringLiteral("gone's"), QStringLiteral("creator_revoked")},
                                           {QStringLiteral("off's"), QStringLiteral("creator_deactivated")},
                                           {QStringLiteral("deleted user's"), QStringLiteral("creator_deleted")},
                                           {QStringLiteral("console's"), QString()},
                                           {QStringLiteral("revoked by hand"), QStringLiteral("manual")}};
    for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
        auto row = db->query(QStringLiteral("SELECT revoked_at, revoked_reason FROM api_keys WHERE id = $1"),
                             {key[it.key()]});
        TWINOPS_VERIFY_OK(row);
        QVERIFY2(row->first().isNull(0) == it.value().isEmpty(), qPrintable(it.key()));
        QCOMPARE(row->first().text(1), it.value());
        auto audited = db->query(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'api_key.revoke' "
                                                "AND actor_type = 'system' AND target_id = $1"),
                                 {key[it.key()]});
        QCOMPARE(audited->first().integer(0), it.value().isEmpty() || it.value() == QLatin1String("manual") ? 0 : 1);
    }
    for (const QString &who : {QStringLiteral("alive"), QStringLiteral("gone"), QStringLiteral("off")}) {
        const bool ended = who != QLatin1String("alive");
        auto tokens
            = db->query(QStringLiteral("SELECT count(*) FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL"),
                        {user[who]});
        QCOMPARE(tokens->first().integer(0), ended ? 0 : 1);
        auto validAfter
            = db->query(QStringLiteral("SELECT sessions_valid_after FROM users WHERE id = $1"), {user[who]});
        QCOMPARE(validAfter->first().isNull(0), !ended);
    }
}

QTEST_GUILESS_MAIN(TestMigrator)
#include "tst_migrator.moc"
