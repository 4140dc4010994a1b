// Issue #14, expand/contract by behaviour: this build's `twinopsd` serves a database that the next release has already
// migrated, so rolling the binary back without touching the schema works. The next release is simulated by one more
// migration that does everything the rule allows (docs/decisions.md, "Issue #14: rolling back"): a nullable and a
// NOT NULL DEFAULT column on every table, a new table and an index. Then the runbook's smoke checks, which sign up,
// create twins and sources, chat, extract a graph through the job queue and read it all back, must pass against it.
// Any `SELECT *` read by position or INSERT without a column list would break here. SQLite and PostgreSQL.
#include "daemon.h"
#include "smokecheck.h"
#include "storage/migrator.h"
#include "testdatabase.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace twinops;
using namespace twinops::test;

namespace {

const QByteArray kSecret = "twinops-next-schema-test-secret-0123456789abcdef";

// Every ordinary table of ours (no FTS virtual or shadow tables, no bookkeeping).
QStringList tables(Database &db)
{
    auto rows = db.dialect() == Dialect::Postgres
        ? db.query(QStringLiteral("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                  "AND tablename <> 'schema_migrations' ORDER BY tablename"))
        : db.query(QStringLiteral("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' "
                                  "AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name"));
    QStringList names;
    if (rows.ok()) {
        for (const Row row : *rows)
            names.append(row.text(0));
    }
    return names;
}

// The next release's migration, as expand/contract lets it be.
Migration nextRelease(int version, const QStringList &existing, Dialect dialect)
{
    QString up;
    QString down;
    for (const QString &table : existing) {
        up += QStringLiteral("ALTER TABLE %1 ADD COLUMN next_note TEXT;\n"
                             "ALTER TABLE %1 ADD COLUMN next_flag INTEGER NOT NULL DEFAULT 0;\n")
                  .arg(table);
        down += QStringLiteral("ALTER TABLE %1 DROP COLUMN next_flag;\nALTER TABLE %1 DROP COLUMN next_note;\n")
                    .arg(table);
    }
    up += dialect == Dialect::Postgres
        ? QStringLiteral(
            "CREATE TABLE next_things (id text PRIMARY KEY, twin_id text NOT NULL, created_at timestamptz);\n")
        : QStringLiteral(
            "CREATE TABLE next_things (id TEXT PRIMARY KEY, twin_id TEXT NOT NULL, created_at INTEGER);\n");
    up += QStringLiteral("CREATE INDEX idx_next_things_twin ON next_things (twin_id);\n");
    down += QStringLiteral("DROP TABLE next_things;\n");
    return {version, QStringLiteral("next_release"), up, down,
            QString::fromLatin1(QCryptographicHash::hash(up.toUtf8(), QCryptographicHash::Sha256).toHex())};
}

} // namespace

class TestNextSchema final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void thisReleaseServesTheNextReleasesSchema();
};

void TestNextSchema::thisReleaseServesTheNextReleasesSchema()
{
    QVERIFY2(QFile::exists(qEnvironmentVariable("TWINOPSD")), "TWINOPSD must name the twinopsd binary");
    TWINOPS_FRESH_DATABASE(testDb);
    QTemporaryDir home;
    QVERIFY(home.isValid());
    {
        auto db = testDb->connectMigrated();
        QVERIFY(db);
        auto shipped = Migrator::embedded(db->dialect());
        TWINOPS_VERIFY_OK(shipped);
        const QStringList existing = tables(*db);
        QVERIFY2(existing.size() >= 10, qPrintable(existing.join(u' ')));
        QList<Migration> next = *shipped;
        next.append(nextRelease(int(shipped->size()) + 1, existing, db->dialect()));
        auto applied = Migrator(*db, next).migrate();
        TWINOPS_VERIFY_OK(applied);
        QCOMPARE(applied->size(), 1);
    }
    const QString database = currentDialect() == Dialect::Sqlite
        ? QStringLiteral("sqlite://") + testDb->url().sqlitePath()
        : testDb->url().postgresUri();
    const QProcessEnvironment environment = daemonEnvironment(home.path(), kSecret);

    // A command opens the newer schema too (with the warning), and its insert works.
    const TwinopsdRun key = twinopsd({QStringLiteral("--database"), database, QStringLiteral("admin"),
                                      QStringLiteral("create-key"), QStringLiteral("--name"), QStringLiteral("next")},
                                     environment);
    QVERIFY2(key.exitCode == 0, qPrintable(key.err));
    QVERIFY2(key.err.contains(QLatin1String("of the next release")), qPrintable(key.err));
    const TwinopsdRun status = twinopsd(
        {QStringLiteral("--database"), database, QStringLiteral("migrate"), QStringLiteral("--status")}, environment);
    QVERIFY2(status.exitCode == 0, qPrintable(status.err));
    QVERIFY2(status.out.contains(QLatin1String("next_release")), qPrintable(status.out));

    Daemon daemon;
    daemon.start({QStringLiteral("--database"), database, QStringLiteral("serve"), QStringLiteral("--listen"),
                  QStringLiteral("127.0.0.1:0"), QStringLiteral("--workers"), QStringLiteral("2")},
                 environment, home.filePath(QStringLiteral("daemon.log")));
    QVERIFY2(daemon.waitUntilServing(30'000), qPrintable(daemon.describe()));
    QVERIFY2(daemon.log().contains(QLatin1String("of the next release")), qPrintable(daemon.describe()));

    TargetEnvironment target;
    target.baseUrl = QUrl(daemon.baseUrl());
    target.adminApiKey = key.out.trimmed();
    target.requestTimeoutMs = 10'000;
    for (const char *check : {"health", "auth", "twins", "sources", "chat-graph", "conversations"}) {
        const CheckResult result = runSmokeCheck(QString::fromLatin1(check), target, 30'000);
        QVERIFY2(result.status == CheckStatus::Pass,
                 qPrintable(QStringLiteral("%1: %2\n%3")
                                .arg(QString::fromLatin1(check), result.message,
                                     QString::fromUtf8(QJsonDocument(result.evidence).toJson()))));
    }
    QVERIFY2(daemon.stop(), qPrintable(daemon.describe()));

    // The checks really wrote through the expanded tables, each row with the next release's default. (The checks'
    // own cleanup deleted the tenants they made, with their users, sessions, twins, sources, messages, graph and
    // jobs: that the checks passed shows those writes went through; the audit log keeps each deletion.)
    auto db = testDb->connect();
    QVERIFY(db);
    QStringList written;
    for (const QString &table : tables(*db)) {
        if (table == QLatin1String("next_things"))
            continue;
        auto rows = db->query(QStringLiteral("SELECT count(*), sum(next_flag), count(next_note) FROM %1").arg(table));
        TWINOPS_VERIFY_OK(rows);
        QCOMPARE(rows->first().integer(1), 0);
        QCOMPARE(rows->first().integer(2), 0);
        if (rows->first().integer(0) > 0)
            written.append(table);
    }
    qInfo().noquote() << "tables with rows:" << written.join(u' ');
    for (const char *table : {"api_keys", "audit_log", "auth_throttle", "signing_keys", "job_instances"})
        QVERIFY2(written.contains(QLatin1String(table)), table);
    auto deleted = db->query(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'tenant.delete'"));
    TWINOPS_VERIFY_OK(deleted);
    QVERIFY2(deleted->first().integer(0) > 0, "the smoke tenants' deletion is not in the audit log");
}

QTEST_GUILESS_MAIN(TestNextSchema)
#include "tst_nextschema.moc"
