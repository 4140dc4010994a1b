// Migrations: order, idempotence, checksums, gaps, atomicity, on both backends.
#include "core/ids.h"
#include "storage/migrator.h"
#include "testdatabase.h"

#include <QDir>
#include <QFile>
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
    void databaseNewerThanBuildIsRejected();
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
    writeFile(dir.filePath(QStringLiteral("0001_first.sql")), "CREATE TABLE first_table (x INTEGER);");
    writeFile(dir.filePath(QStringLiteral("0002_second.sql")), "CREATE TABLE second_table (y INTEGER);");
    QVERIFY(Migrator(*db, *Migrator::fromDirectory(dir.path())).migrate().ok());
    QCOMPARE(appliedCount(*db), 2);

    writeFile(dir.filePath(QStringLiteral("0001_first.sql")), "CREATE TABLE first_table (x INTEGER, extra TEXT);");
    writeFile(dir.filePath(QStringLiteral("0003_third.sql")), "CREATE TABLE third_table (z INTEGER);");
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
    writeFile(dir.filePath(QStringLiteral("0001_first.sql")), "CREATE TABLE first_table (x INTEGER);");
    writeFile(dir.filePath(QStringLiteral("0003_third.sql")), "CREATE TABLE third_table (z INTEGER);");
    auto shipped = Migrator::fromDirectory(dir.path());
    QVERIFY(!shipped.ok());
    QVERIFY2(shipped.error().message.contains(QLatin1String("expected 2, found 3")),
             qPrintable(shipped.error().message));
    QVERIFY(!tableExists(*db, QStringLiteral("schema_migrations")));
}

void TestMigrator::databaseNewerThanBuildIsRejected()
{
    TWINOPS_FRESH_DATABASE(testDb);
    auto db = testDb->connect();
    QVERIFY(db);
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("0001_first.sql")), "CREATE TABLE first_table (x INTEGER);");
    writeFile(dir.filePath(QStringLiteral("0002_second.sql")), "CREATE TABLE second_table (y INTEGER);");
    QVERIFY(Migrator(*db, *Migrator::fromDirectory(dir.path())).migrate().ok());
    QVERIFY(QFile::remove(dir.filePath(QStringLiteral("0002_second.sql"))));
    auto result = Migrator(*db, *Migrator::fromDirectory(dir.path())).migrate();
    QVERIFY(!result.ok());
    QVERIFY2(result.error().message.contains(QLatin1String("newer")), qPrintable(result.error().message));
}

void TestMigrator::failingMigrationLeavesNoTrace()
{
    TWINOPS_FRESH_DATABASE(testDb);
    auto db = testDb->connect();
    QVERIFY(db);
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("0001_first.sql")), "CREATE TABLE first_table (x INTEGER);");
    writeFile(dir.filePath(QStringLiteral("0002_broken.sql")),
              "CREATE TABLE half_done (y INTEGER);\nINSERT INTO no_such_table VALUES (1);");
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
