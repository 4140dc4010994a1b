// Issue #14, moving to PostgreSQL: DatabaseCopy between real SQLite files and real PostgreSQL databases of the test
// cluster. Awkward values survive SQLite → PostgreSQL → SQLite unchanged and checksum equally on both dialects, a
// changed value is caught, every table of the schema is copied, id counters continue, and the refusals (target not
// empty, source not at this build's schema) and the cancel leave the target as the documentation says.
#include "core/ids.h"
#include "storage/databasecopy.h"
#include "storage/migrator.h"
#include "testdatabase.h"

#include <QTest>

using namespace twinops;
using namespace twinops::test;

namespace {

constexpr qint64 kTime = 1733456789123; // a time with milliseconds

QString bigText()
{
    QString text;
    for (int i = 0; i < 20'000; ++i)
        text += QStringLiteral("line %1 ✓ ünïcødé 🚀 \"q\" 'a' \\ \t|").arg(i);
    return text;
}

// A migrated SQLite database with values that differ in form between the dialects. JSON is written the way the
// application writes it (compact, keys sorted), so that it comes back from jsonb byte for byte.
void fillAwkwardRows(Database &db)
{
    const QString tenant = newId(), twin = newId(), job = newId();
    const auto run = [&](const char *sql, const QVariantList &params) {
        const auto result = db.query(QLatin1String(sql), params);
        QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result.error().message));
    };
    run("INSERT INTO tenants (id, name, status, created_at, updated_at) VALUES ($1, $2, 'active', $3, $4)",
        {tenant, QStringLiteral("Ünïcødé 🚀 \"quoted\" 'single'"), kTime, kTime + 1});
    run("INSERT INTO twins (id, tenant_id, name, description, settings, status, created_at, updated_at) "
        "VALUES ($1, $2, 'Twin', $3, $4, 'archived', $5, $5)",
        {twin, tenant, bigText(), QStringLiteral(R"({"a":{"y":null,"z":[1,2.5,"x",true]},"b":"ü"})"), kTime});
    run("INSERT INTO jobs (id, tenant_id, twin_id, type, payload, state, priority, attempt, max_attempts, run_at, "
        "idempotency_key, lease_token, lease_owner, lease_expires_at, heartbeat_at, cancel_requested, last_error, "
        "result, created_at, updated_at, started_at) VALUES ($1, $2, $3, 'graph_extraction', '{\"n\":1}', "
        "'running', -3, 2, 8, $4, NULL, 'lease', 'host:1', $5, $4, 1, 'line1\nline2', NULL, $4, $4, $4)",
        {job, tenant, twin, kTime, kTime + 60'000});
    run("INSERT INTO job_logs (job_id, tenant_id, attempt, level, message, created_at) "
        "VALUES ($1, $2, 1, 'info', 'first', $3), ($1, $2, 2, 'error', '', $3)",
        {job, tenant, kTime + 7});
    for (int i = 0; i < 5; ++i)
        run("INSERT INTO audit_log (tenant_id, actor_type, actor_id, action, target_type, target_id, details, "
            "request_id, created_at, client_address) VALUES ($1, 'user', NULL, 'twin.update', 'twin', $2, $3, $4, $5, "
            "$6)",
            {i % 2 ? QVariant() : QVariant(tenant), twin, QStringLiteral(R"({"i":%1,"note":"é\n"})").arg(i),
             QStringLiteral("req\t%1").arg(i), kTime + i, i == 3 ? QVariant() : QVariant(QStringLiteral("::1"))});
    // The last audit row goes: its id is not handed out again, in the copy either.
    run("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)", {});
    // Labels that PostgreSQL's collation orders differently from SQLite's bytes, under one composite key.
    int n = 0;
    for (const char *labels : {"a", "B", "_x", "b", "A", ""})
        run("INSERT INTO metric_rollups (minute_at, instance, name, labels, count, sum, min, max, buckets) "
            "VALUES ($1, 'i', 'twinops_x', $2, $3, $4, $5, 1e300, $6)",
            {kTime - kTime % 60'000, QLatin1String(labels), n++, 0.1 + n, n % 2 ? QVariant() : QVariant(-2.5e-7),
             n % 3 ? QVariant() : QVariant(QStringLiteral("[1,2,3]"))});
    run("INSERT INTO signing_keys (id, created_at, retired_at) VALUES ('k1', $1, NULL), ('k2', $2, $3)",
        {kTime, kTime + 1, kTime + 2});
}

QStringList names(const CopyReport &report)
{
    QStringList tables;
    for (const TableVerification &table : report.tables)
        tables.append(table.table);
    tables.sort();
    return tables;
}

// Every row of every table, in primary-key order, as the driver returns it.
QList<QVariantList> everything(Database &db, const QStringList &tables)
{
    QList<QVariantList> rows;
    for (const QString &table : tables) {
        const auto result = db.query(
            QStringLiteral("SELECT * FROM %1 ORDER BY %2")
                .arg(table,
                     table == QLatin1String("metric_rollups") ? QStringLiteral("1, 2, 3, 4") : QStringLiteral("1")));
        if (!result.ok()) {
            QTest::qFail(qPrintable(result.error().message), __FILE__, __LINE__);
            return {};
        }
        rows.append(QVariantList{table});
        for (const Row row : *result) {
            QVariantList values;
            for (int c = 0; c < row.size(); ++c)
                values.append(row.value(c));
            rows.append(values);
        }
    }
    return rows;
}

Result<CopyReport> copyDatabase(Database &source, Database &target, int batchRows = 2)
{
    DatabaseCopy copy(source, target);
    copy.setBatchRows(batchRows);
    return copy.run();
}

} // namespace

class TestDatabaseCopy final : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void awkwardValuesSurviveTheRoundTrip();
    void aChangedValueIsCaught();
    void everyTableOfTheSchemaIsCopied();
    void idCountersContinue();
    void nonEmptyTargetIsRefused();
    void sourceNotAtThisSchemaIsRefused();
    void cancelEmptiesTheTarget();
    void failureEmptiesTheTarget();
    void sameDialectCopies_data();
    void sameDialectCopies();

private:
    // Each test's source, a SQLite database holding fillAwkwardRows(), and an empty PostgreSQL database.
    std::unique_ptr<TestDatabase> m_sqliteDb, m_postgresDb;
    std::unique_ptr<Database> m_source, m_postgres;
};

void TestDatabaseCopy::init()
{
    m_sqliteDb = TestDatabase::create(Dialect::Sqlite);
    m_postgresDb = TestDatabase::create(Dialect::Postgres);
    QVERIFY(m_sqliteDb && m_postgresDb);
    m_source = m_sqliteDb->connectMigrated();
    QVERIFY(m_source);
    fillAwkwardRows(*m_source);
    m_postgres = m_postgresDb->connect();
    QVERIFY(m_postgres);
}

void TestDatabaseCopy::cleanup()
{
    m_source.reset();
    m_postgres.reset();
    m_sqliteDb.reset();
    m_postgresDb.reset();
}

void TestDatabaseCopy::awkwardValuesSurviveTheRoundTrip()
{
    auto backDb = TestDatabase::create(Dialect::Sqlite);
    QVERIFY(backDb);
    Database *source = m_source.get();
    Database *postgres = m_postgres.get();
    auto back = backDb->connect();

    const auto there = copyDatabase(*source, *postgres);
    TWINOPS_VERIFY_OK(there);
    QVERIFY(there->verified());
    QCOMPARE(there->rows(), 1 + 1 + 1 + 2 + 4 + 6 + 2);
    const auto home = copyDatabase(*postgres, *back);
    TWINOPS_VERIFY_OK(home);
    QVERIFY(home->verified());
    // The checksums are dialect-neutral: each table's is the same in all three databases.
    for (int i = 0; i < there->tables.size(); ++i) {
        QCOMPARE(there->tables.at(i).table, home->tables.at(i).table);
        QCOMPARE(there->tables.at(i).sourceChecksum, home->tables.at(i).targetChecksum);
    }
    // And the SQLite that comes back holds exactly the values the first one held, type for type.
    const QStringList tables = names(*there);
    const QList<QVariantList> before = everything(*source, tables), after = everything(*back, tables);
    QCOMPARE(after.size(), before.size());
    for (qsizetype i = 0; i < before.size(); ++i)
        QCOMPARE(after.at(i), before.at(i));
    // PostgreSQL got real times, booleans and JSON, not their SQLite encodings.
    const auto job = postgres->query(QStringLiteral("SELECT run_at, cancel_requested, payload->>'n' FROM jobs"));
    TWINOPS_VERIFY_OK(job);
    QCOMPARE(job->first().time(0), utcFromMSecs(kTime));
    QCOMPARE(job->first().value(1).typeId(), QMetaType::Bool);
    QCOMPARE(job->first().text(2), QStringLiteral("1"));
}

void TestDatabaseCopy::aChangedValueIsCaught()
{
    Database *source = m_source.get();
    Database *postgres = m_postgres.get();
    TWINOPS_VERIFY_OK(copyDatabase(*source, *postgres));

    DatabaseCopy copy(*source, *postgres);
    auto unchanged = copy.verify();
    TWINOPS_VERIFY_OK(unchanged);
    QVERIFY(unchanged->verified());
    // One millisecond, one bit of a double, one character: each is a difference in its table and nowhere else.
    TWINOPS_VERIFY_OK(postgres->query(QStringLiteral("UPDATE jobs SET heartbeat_at = heartbeat_at + interval '1 ms'")));
    TWINOPS_VERIFY_OK(postgres->query(QStringLiteral("UPDATE metric_rollups SET sum = sum * (1 + 2e-16) "
                                                     "WHERE labels = 'B'")));
    TWINOPS_VERIFY_OK(postgres->query(QStringLiteral("UPDATE tenants SET name = name || ' '")));
    auto changed = copy.verify();
    TWINOPS_VERIFY_OK(changed);
    QVERIFY(!changed->verified());
    QStringList differing;
    for (const TableVerification &table : changed->tables)
        if (!table.matches())
            differing.append(table.table);
    QCOMPARE(differing,
             (QStringList{QStringLiteral("metric_rollups"), QStringLiteral("tenants"), QStringLiteral("jobs")}));
    // A missing row too.
    TWINOPS_VERIFY_OK(postgres->query(QStringLiteral("DELETE FROM job_logs WHERE message = ''")));
    auto missing = copy.verify();
    TWINOPS_VERIFY_OK(missing);
    for (const TableVerification &table : missing->tables)
        if (table.table == QLatin1String("job_logs")) {
            QCOMPARE(table.sourceRows, 2);
            QCOMPARE(table.targetRows, 1);
        }
}

// The copy reads its tables from the catalogs; this compares them with what each database says it has, so that a
// table a migration adds is copied (or this fails).
void TestDatabaseCopy::everyTableOfTheSchemaIsCopied()
{
    Database *source = m_source.get();
    Database *postgres = m_postgres.get();
    const auto report = copyDatabase(*source, *postgres);
    TWINOPS_VERIFY_OK(report);

    const auto sqliteTables = source->query(QStringLiteral(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name NOT LIKE "
        "'chunks_fts%' AND name <> 'schema_migrations' ORDER BY name"));
    TWINOPS_VERIFY_OK(sqliteTables);
    QStringList expected;
    for (const Row row : *sqliteTables)
        expected.append(row.text(0));
    QCOMPARE(names(*report), expected);
    const auto postgresTables = postgres->query(
        QStringLiteral("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND "
                       "table_type = 'BASE TABLE' AND table_name <> 'schema_migrations' ORDER BY 1"));
    TWINOPS_VERIFY_OK(postgresTables);
    QStringList onPostgres;
    for (const Row row : *postgresTables)
        onPostgres.append(row.text(0));
    QCOMPARE(onPostgres, expected);
    QVERIFY(expected.contains(QStringLiteral("signing_keys")) && expected.size() >= 20);
    // Parents before children.
    QStringList order;
    for (const TableVerification &table : report->tables)
        order.append(table.table);
    QVERIFY(order.indexOf(QStringLiteral("tenants")) < order.indexOf(QStringLiteral("users")));
    QVERIFY(order.indexOf(QStringLiteral("graph_nodes")) < order.indexOf(QStringLiteral("graph_edges")));
    QVERIFY(order.indexOf(QStringLiteral("share_links")) < order.indexOf(QStringLiteral("conversations")));
}

void TestDatabaseCopy::idCountersContinue()
{
    auto backDb = TestDatabase::create(Dialect::Sqlite);
    QVERIFY(backDb);
    Database *source = m_source.get(); // audit ids 1..4 kept, 5 handed out and deleted
    Database *postgres = m_postgres.get();
    auto back = backDb->connect();
    TWINOPS_VERIFY_OK(copyDatabase(*source, *postgres));
    TWINOPS_VERIFY_OK(copyDatabase(*postgres, *back));
    const QString insert = QStringLiteral("INSERT INTO audit_log (actor_type, action, details, created_at) "
                                          "VALUES ('system', 'test', '{}', $1) RETURNING id");
    for (Database *db : {source, postgres, back.get()}) {
        const auto id = db->query(insert, {utcFromMSecs(kTime)});
        TWINOPS_VERIFY_OK(id);
        QCOMPARE(id->first().integer(0), 6);
    }
    // An empty counted table starts at 1 (PostgreSQL's identity was never advanced by the copy).
    const auto evidence = postgres->query(QStringLiteral("SELECT pg_catalog.nextval(pg_catalog.pg_get_serial_sequence("
                                                         "'public.graph_edge_evidence', 'id'))"));
    TWINOPS_VERIFY_OK(evidence);
    QCOMPARE(evidence->first().integer(0), 1);
}

void TestDatabaseCopy::nonEmptyTargetIsRefused()
{
    Database *source = m_source.get();
    Database *postgres = m_postgres.get();
    TWINOPS_VERIFY_OK(copyDatabase(*source, *postgres));
    const auto again = copyDatabase(*source, *postgres);
    QVERIFY(!again.ok());
    QCOMPARE(again.error().code, ErrorCode::Conflict);
    QVERIFY2(again.error().message.contains(QLatin1String("is not empty")), qPrintable(again.error().message));
    QVERIFY2(!again.error().message.contains(QLatin1String("password")), qPrintable(again.error().message));
    // And the refusal touched nothing: the copy is still complete.
    DatabaseCopy check(*source, *postgres);
    const auto verified = check.verify();
    TWINOPS_VERIFY_OK(verified);
    QVERIFY(verified->verified());
    // The same database as its own target is the same refusal.
    const auto self = copyDatabase(*source, *source);
    QVERIFY(!self.ok());
    QVERIFY(self.error().message.contains(QLatin1String("is not empty")));
}

void TestDatabaseCopy::sourceNotAtThisSchemaIsRefused()
{
    auto olderDb = TestDatabase::create(Dialect::Sqlite);
    auto emptyDb = TestDatabase::create(Dialect::Postgres);
    auto targetDb = TestDatabase::create(Dialect::Postgres);
    QVERIFY(olderDb && emptyDb && targetDb);
    auto older = olderDb->connect();
    auto shipped = Migrator::embedded(Dialect::Sqlite);
    TWINOPS_VERIFY_OK(shipped);
    const int latest = int(shipped->size());
    Migrator migrator(*older, *shipped);
    TWINOPS_VERIFY_OK(migrator.migrateTo(latest - 1, false));
    auto target = targetDb->connect();
    const auto fromOlder = copyDatabase(*older, *target);
    QVERIFY(!fromOlder.ok());
    QVERIFY2(fromOlder.error().message.contains(
                 QStringLiteral("older than this build's %1: run twinopsd migrate").arg(latest)),
             qPrintable(fromOlder.error().message));
    auto empty = emptyDb->connect();
    const auto fromEmpty = copyDatabase(*empty, *target);
    QVERIFY(!fromEmpty.ok());
    QVERIFY2(fromEmpty.error().message.contains(QLatin1String("not a TwinOps database")),
             qPrintable(fromEmpty.error().message));
    // Neither refusal migrated the target.
    Migrator targetMigrator(*target, *Migrator::embedded(Dialect::Postgres));
    const auto status = targetMigrator.status();
    TWINOPS_VERIFY_OK(status);
    QVERIFY(status->applied.isEmpty());
}

void TestDatabaseCopy::cancelEmptiesTheTarget()
{
    Database *source = m_source.get();
    Database *postgres = m_postgres.get();

    std::atomic<bool> cancel{false};
    bool armed = true; // the first run only
    QList<CopyProgress> seen;
    DatabaseCopy copy(*source, *postgres);
    copy.setBatchRows(1);
    copy.setCancelFlag(&cancel);
    copy.setProgressCallback([&](const CopyProgress &progress) {
        seen.append(progress);
        if (armed && progress.table == QLatin1String("metric_rollups") && progress.rowsDone == 3)
            cancel.store(true);
    });
    const auto cancelled = copy.run();
    QVERIFY(!cancelled.ok());
    QCOMPARE(cancelled.error().code, ErrorCode::Cancelled);
    QVERIFY2(cancelled.error().message.contains(QLatin1String("emptied")), qPrintable(cancelled.error().message));
    QCOMPARE(seen.last().table, QStringLiteral("metric_rollups"));
    QCOMPARE(seen.last().rowsDone, 3);
    QCOMPARE(seen.last().rowsTotal, 6);
    // Empty again: no migration, no table; so the next copy goes through.
    const auto tables = postgres->query(
        QStringLiteral("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> "
                       "'schema_migrations'"));
    TWINOPS_VERIFY_OK(tables);
    QCOMPARE(tables->first().integer(0), 0);
    cancel.store(false);
    armed = false;
    seen.clear();
    const auto retried = copy.run();
    TWINOPS_VERIFY_OK(retried);
    QVERIFY(retried->verified());
    // Progress counted every row of each table up to its total, copying and then verifying.
    QCOMPARE(seen.first().phase, CopyProgress::Phase::Copying);
    QCOMPARE(seen.last().phase, CopyProgress::Phase::Verifying);
    for (const CopyProgress &progress : seen)
        QVERIFY(progress.phase == CopyProgress::Phase::Verifying || progress.rowsDone <= progress.rowsTotal);
}

// A value the target cannot store (PostgreSQL text has no U+0000; SQLite's has) stops the copy half-way: the error
// names the table, and the target is empty again.
void TestDatabaseCopy::failureEmptiesTheTarget()
{
    Database *source = m_source.get();
    Database *postgres = m_postgres.get();
    TWINOPS_VERIFY_OK(
        source->query(QStringLiteral("UPDATE signing_keys SET id = 'k' || char(0) || 'x' WHERE id = 'k2'")));
    const auto failed = copyDatabase(*source, *postgres);
    QVERIFY(!failed.ok());
    QVERIFY2(failed.error().message.startsWith(QLatin1String("copying signing_keys: "))
                 && failed.error().message.endsWith(QLatin1String("; the target was emptied again")),
             qPrintable(failed.error().message));
    const auto tables = postgres->query(
        QStringLiteral("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> "
                       "'schema_migrations'"));
    TWINOPS_VERIFY_OK(tables);
    QCOMPARE(tables->first().integer(0), 0);
}

void TestDatabaseCopy::sameDialectCopies_data()
{
    QTest::addColumn<Dialect>("dialect");
    QTest::newRow("sqlite") << Dialect::Sqlite;
    QTest::newRow("postgres") << Dialect::Postgres;
}

// SQLite to SQLite and PostgreSQL to PostgreSQL: the same rows, the same counters.
void TestDatabaseCopy::sameDialectCopies()
{
    QFETCH(Dialect, dialect);
    auto toDb = TestDatabase::create(dialect);
    QVERIFY(toDb);
    Database *from = m_source.get();
    if (dialect == Dialect::Postgres) {
        TWINOPS_VERIFY_OK(copyDatabase(*m_source, *m_postgres));
        from = m_postgres.get();
    }
    auto to = toDb->connect();
    const auto report = copyDatabase(*from, *to, 3);
    TWINOPS_VERIFY_OK(report);
    QVERIFY(report->verified());
    QCOMPARE(report->rows(), 17);
    const QStringList tables = names(*report);
    QCOMPARE(everything(*to, tables), everything(*from, tables));
    const QString insert = QStringLiteral("INSERT INTO audit_log (actor_type, action, details, created_at) "
                                          "VALUES ('system', 'test', '{}', $1) RETURNING id");
    const auto id = to->query(insert, {utcFromMSecs(kTime)});
    TWINOPS_VERIFY_OK(id);
    QCOMPARE(id->first().integer(0), 6);
}

QTEST_GUILESS_MAIN(TestDatabaseCopy)
#include "tst_databasecopy.moc"
