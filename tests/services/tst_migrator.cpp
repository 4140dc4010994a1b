// Migrations: order, idempotence, checksums, gaps, atomicity, on both backends.
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

QTEST_GUILESS_MAIN(TestMigrator)
#include "tst_migrator.moc"
