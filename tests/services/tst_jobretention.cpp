// Job retention (issue #14), on SQLite and PostgreSQL: a finished job just inside its state's period stays and one
// just outside goes with its log lines; jobs still to run or running never go; 0 keeps all; a backlog larger than a
// batch is deleted whole; a second pruner skips while another instance holds the PostgreSQL advisory lock; pruning
// stops where afterBatch says; the JobPruner thread works through a backlog in capped rounds, keeps the lock while it
// pauses between batches and stops promptly when destroyed mid-pause; and the core prunes jobs, expired refresh
// tokens and long-expired share links periodically, counting what it pruned.
#include "core/ids.h"
#include "jobs/jobpruner.h"
#include "jobs/jobretention.h"
#include "metrics/counter.h"
#include "metrics/metricsregistry.h"
#include "servicecore.h"
#include "testdatabase.h"

#include <QScopeGuard>
#include <QTest>

using namespace twinops;
using namespace twinops::test;
using namespace std::chrono_literals;

class TestJobRetention final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void jobsGoJustOutsideTheirStatesPeriod();
    void zeroKeepsAll();
    void aBacklogLargerThanABatchGoesWhole();
    void aSecondPrunerSkipsWhileTheLockIsHeld();
    void afterBatchStopsThePrune();
    void thePrunerWorksThroughABacklogInRounds();
    void aPausingPrunerKeepsOthersOutAndStopsPromptly();
    void theCorePrunesJobsAndExpiredCredentials();
    void bothProgramsReadThePeriodsFromTheEnvironment();
};

namespace {

const QDateTime kNow = QDateTime(QDate(2026, 3, 1), QTime(12, 0), Qt::UTC);

// A platform job (no tenant) in `state`, created an hour before it finished, with one log line.
QString insertJob(Database &db, const QString &state, const QDateTime &finishedAt, const QDateTime &createdAt = {})
{
    const QString id = newId();
    const QDateTime created = createdAt.isValid() ? createdAt : finishedAt.addSecs(-3600);
    const bool running = state == QLatin1String("running");
    auto inserted = db.query(
        QStringLiteral("INSERT INTO jobs (id, type, state, run_at, lease_token, lease_expires_at, created_at, "
                       "updated_at, finished_at) VALUES ($1, 'probe', $2, $3, $4, $5, $3, $3, $6)"),
        {id, state, created, running ? QVariant(QStringLiteral("lease")) : QVariant(),
         running ? QVariant(created.addSecs(60)) : QVariant(),
         finishedAt.isValid() ? QVariant(finishedAt) : QVariant()});
    if (!inserted.ok())
        QTest::qFail(qPrintable(inserted.error().message), __FILE__, __LINE__);
    auto logged = db.query(QStringLiteral("INSERT INTO job_logs (job_id, attempt, level, message, created_at) "
                                          "VALUES ($1, 1, 'info', 'ran', $2)"),
                           {id, created});
    if (!logged.ok())
        QTest::qFail(qPrintable(logged.error().message), __FILE__, __LINE__);
    return id;
}

QStringList jobIds(Database &db)
{
    QStringList ids;
    auto rows = db.query(QStringLiteral("SELECT id FROM jobs ORDER BY id"));
    if (rows.ok())
        for (const Row row : *rows)
            ids << row.text(0);
    return ids;
}

qint64 count(Database &db, const QString &table)
{
    auto rows = db.query(QStringLiteral("SELECT count(*) FROM %1").arg(table));
    return rows.ok() ? rows->first().integer(0) : -1;
}

// `n` completed jobs finished two days before `now`, in one transaction.
void insertOldJobs(Database &db, int n, const QDateTime &now, const QString &state = QStringLiteral("completed"))
{
    auto tx = Transaction::begin(db);
    if (!tx.ok())
        QTest::qFail(qPrintable(tx.error().message), __FILE__, __LINE__);
    for (int i = 0; i < n; ++i)
        insertJob(db, state, now.addDays(-2).addSecs(i));
    if (auto committed = tx->commit(); !committed.ok())
        QTest::qFail(qPrintable(committed.error().message), __FILE__, __LINE__);
}

Counter &prunedCounter(MetricsRegistry &metrics, const QString &state)
{
    return metrics.counter(QStringLiteral("twinops_jobs_pruned_total"),
                           QStringLiteral("Finished jobs deleted after their retention period, by final state"),
                           {{QStringLiteral("state"), state}});
}

} // namespace

void TestJobRetention::jobsGoJustOutsideTheirStatesPeriod()
{
    TWINOPS_FRESH_DATABASE(database);
    auto db = database->connectMigrated();
    QVERIFY(db);
    const JobRetention retention; // the defaults: 24 hours, 7 days, 7 days
    QStringList kept;
    QStringList gone;
    const QList<std::pair<QString, qint64>> periods{{QStringLiteral("completed"), 24 * 3600},
                                                    {QStringLiteral("cancelled"), 7 * 24 * 3600},
                                                    {QStringLiteral("discarded"), 7 * 24 * 3600}};
    for (const auto &[state, seconds] : periods) {
        kept << insertJob(*db, state, kNow.addSecs(-seconds + 1));
        gone << insertJob(*db, state, kNow.addSecs(-seconds - 1));
    }
    // Finished recently although created long ago (a job scheduled far ahead): its age counts from its end.
    kept << insertJob(*db, QStringLiteral("completed"), kNow.addSecs(-60), kNow.addDays(-30));
    // Never finished: whatever their age, still to run or running.
    for (const QString &state : {QStringLiteral("available"), QStringLiteral("scheduled"), QStringLiteral("retryable"),
                                 QStringLiteral("running")})
        kept << insertJob(*db, state, {}, kNow.addDays(-365));

    const auto pruned = pruneJobs(*db, retention, kNow, 2);
    TWINOPS_VERIFY_OK(pruned);
    QVERIFY(!pruned->skipped);
    QCOMPARE(pruned->completed, qint64(1));
    QCOMPARE(pruned->cancelled, qint64(1));
    QCOMPARE(pruned->discarded, qint64(1));
    kept.sort();
    QCOMPARE(jobIds(*db), kept);
    // The log lines went with their jobs.
    QCOMPARE(count(*db, QStringLiteral("job_logs")), qint64(kept.size()));
}

void TestJobRetention::zeroKeepsAll()
{
    TWINOPS_FRESH_DATABASE(database);
    auto db = database->connectMigrated();
    QVERIFY(db);
    for (const QString &state : {QStringLiteral("completed"), QStringLiteral("cancelled"), QStringLiteral("discarded")})
        insertJob(*db, state, kNow.addDays(-1000));
    const JobRetention keepAll{0h, 0h, 0h};
    const auto pruned = pruneJobs(*db, keepAll, kNow);
    TWINOPS_VERIFY_OK(pruned);
    QCOMPARE(pruned->completed + pruned->cancelled + pruned->discarded, qint64(0));
    QCOMPARE(count(*db, QStringLiteral("jobs")), qint64(3));

    // One state kept for ever does not stop the others from going.
    const JobRetention completedOnly{24h, 0h, 0h};
    TWINOPS_VERIFY_OK(pruneJobs(*db, completedOnly, kNow));
    QCOMPARE(count(*db, QStringLiteral("jobs")), qint64(2));
}

void TestJobRetention::aBacklogLargerThanABatchGoesWhole()
{
    TWINOPS_FRESH_DATABASE(database);
    auto db = database->connectMigrated();
    QVERIFY(db);
    insertOldJobs(*db, 1234, kNow);
    const QString fresh = insertJob(*db, QStringLiteral("completed"), kNow.addSecs(-10));
    const auto pruned = pruneJobs(*db, JobRetention{}, kNow, 100);
    TWINOPS_VERIFY_OK(pruned);
    QCOMPARE(pruned->completed, qint64(1234));
    QCOMPARE(jobIds(*db), QStringList{fresh});
    QCOMPARE(count(*db, QStringLiteral("job_logs")), qint64(1));
}

void TestJobRetention::aSecondPrunerSkipsWhileTheLockIsHeld()
{
    if (currentDialect() != Dialect::Postgres)
        QSKIP("SQLite has one writer: no lock to take");
    TWINOPS_FRESH_DATABASE(database);
    auto db = database->connectMigrated();
    QVERIFY(db);
    auto other = database->connect();
    QVERIFY(other);
    insertJob(*db, QStringLiteral("completed"), kNow.addDays(-2));

    // Another instance is pruning.
    auto locked = other->query(QStringLiteral("SELECT pg_try_advisory_lock($1)"), {kJobPrunerLock});
    TWINOPS_VERIFY_OK(locked);
    QVERIFY(locked->first().boolean(0));
    auto pruned = pruneJobs(*db, JobRetention{}, kNow);
    TWINOPS_VERIFY_OK(pruned);
    QVERIFY(pruned->skipped);
    QCOMPARE(count(*db, QStringLiteral("jobs")), qint64(1));

    // Once it is done, this one prunes, and lets go of the lock for the next.
    TWINOPS_VERIFY_OK(other->query(QStringLiteral("SELECT pg_advisory_unlock($1)"), {kJobPrunerLock}));
    pruned = pruneJobs(*db, JobRetention{}, kNow);
    TWINOPS_VERIFY_OK(pruned);
    QVERIFY(!pruned->skipped);
    QCOMPARE(pruned->completed, qint64(1));
    locked = other->query(QStringLiteral("SELECT pg_try_advisory_lock($1)"), {kJobPrunerLock});
    TWINOPS_VERIFY_OK(locked);
    QVERIFY(locked->first().boolean(0));
}

void TestJobRetention::afterBatchStopsThePrune()
{
    TWINOPS_FRESH_DATABASE(database);
    auto db = database->connectMigrated();
    QVERIFY(db);
    insertOldJobs(*db, 25, kNow.addDays(-10));
    insertOldJobs(*db, 5, kNow.addDays(-10), QStringLiteral("cancelled"));
    int calls = 0;
    const auto pruned
        = pruneJobs(*db, JobRetention{}, kNow, 10, [&calls](std::chrono::nanoseconds) { return ++calls < 2; });
    TWINOPS_VERIFY_OK(pruned);
    QVERIFY(pruned->cutShort);
    QCOMPARE(calls, 2);
    QCOMPARE(pruned->completed, qint64(20));
    QCOMPARE(pruned->cancelled, qint64(0)); // the states after the one it stopped in wait for the next call
    QCOMPARE(count(*db, QStringLiteral("jobs")), qint64(10));

    // Left alone, the same call finishes the work.
    const auto rest = pruneJobs(*db, JobRetention{}, kNow, 10, [](std::chrono::nanoseconds) { return true; });
    TWINOPS_VERIFY_OK(rest);
    QVERIFY(!rest->cutShort);
    QCOMPARE(rest->completed, qint64(5));
    QCOMPARE(rest->cancelled, qint64(5));
    QCOMPARE(count(*db, QStringLiteral("jobs")), qint64(0));
}

void TestJobRetention::thePrunerWorksThroughABacklogInRounds()
{
    TWINOPS_FRESH_DATABASE(database);
    auto db = database->connectMigrated();
    QVERIFY(db);
    const QDateTime now = nowUtc();
    insertOldJobs(*db, 95, now);
    const QString fresh = insertJob(*db, QStringLiteral("completed"), now.addSecs(-60));

    MetricsRegistry metrics;
    JobPrunerOptions options;
    options.interval = 1h; // only a round cut short by the cap is followed by another
    options.batchSize = 10;
    options.batchesPerRound = 3;
    options.pauseFactor = 1;
    JobPruner pruner(database->url(), metrics, options);
    // 30 + 30 + 30 jobs in three capped rounds, then the last 5 in a fourth.
    QTRY_COMPARE_WITH_TIMEOUT(pruner.rounds(), 4, 30'000);
    QCOMPARE(jobIds(*db), QStringList{fresh});
    QCOMPARE(prunedCounter(metrics, QStringLiteral("completed")).value(), quint64(95));
}

void TestJobRetention::aPausingPrunerKeepsOthersOutAndStopsPromptly()
{
    TWINOPS_FRESH_DATABASE(database);
    auto db = database->connectMigrated();
    QVERIFY(db);
    insertOldJobs(*db, 50, nowUtc());

    MetricsRegistry metrics;
    {
        JobPrunerOptions options;
        options.batchSize = 10;
        options.pauseFactor = 1'000'000; // after its first batch it pauses for maxPause
        options.maxPause = 1h;
        JobPruner pruner(database->url(), metrics, options);
        QTRY_COMPARE_WITH_TIMEOUT(count(*db, QStringLiteral("jobs")), qint64(40), 30'000);
        if (currentDialect() == Dialect::Postgres) {
            // The pause is part of its round: another instance still finds the lock taken.
            auto other = pruneJobs(*db, JobRetention{}, nowUtc());
            TWINOPS_VERIFY_OK(other);
            QVERIFY(other->skipped);
        }
    } // destroyed an hour before its pause ends: a hang here fails the test by its timeout
    QCOMPARE(count(*db, QStringLiteral("jobs")), qint64(40));
    QCOMPARE(prunedCounter(metrics, QStringLiteral("completed")).value(), quint64(10));
    // It let go of the lock: the next pruner does the rest.
    auto rest = pruneJobs(*db, JobRetention{}, nowUtc());
    TWINOPS_VERIFY_OK(rest);
    QVERIFY(!rest->skipped);
    QCOMPARE(rest->completed, qint64(40));
}

void TestJobRetention::theCorePrunesJobsAndExpiredCredentials()
{
    TWINOPS_FRESH_DATABASE(database);
    CoreOptions options{database->url()};
    options.passwordCost = PasswordHasher::Cost::Minimal;
    options.metricsRollupInterval = 50ms;
    auto core = ServiceCore::start(std::move(options));
    TWINOPS_VERIFY_OK(core);
    Database &db = (*core)->database();
    const QDateTime now = nowUtc();

    QString keptJob;
    {
        // One transaction, so that the pruner's thread cannot delete a job before its log line is written.
        auto tx = Transaction::begin(db);
        TWINOPS_VERIFY_OK(tx);
        keptJob = insertJob(db, QStringLiteral("completed"), now.addSecs(-3600));
        insertJob(db, QStringLiteral("completed"), now.addDays(-2));
        TWINOPS_VERIFY_OK(tx->commit());
    }

    const QString tenant = newId();
    const QString user = newId();
    const QString twin = newId();
    TWINOPS_VERIFY_OK(db.query(QStringLiteral("INSERT INTO tenants (id, name, status, created_at, updated_at) "
                                              "VALUES ($1, 'T', 'active', $2, $2)"),
                               {tenant, now}));
    TWINOPS_VERIFY_OK(
        db.query(QStringLiteral("INSERT INTO users (id, tenant_id, email, password_hash, role, is_active, "
                                "created_at, updated_at) VALUES ($1, $2, 'u@example.com', 'x', 'admin', $3, $4, $4)"),
                 {user, tenant, true, now}));
    TWINOPS_VERIFY_OK(
        db.query(QStringLiteral("INSERT INTO twins (id, tenant_id, name, description, settings, status, created_at, "
                                "updated_at) VALUES ($1, $2, 'Twin', '', '{}', 'active', $3, $3)"),
                 {twin, tenant, now}));
    // Named by their hashes: ids are uuids on PostgreSQL.
    const auto addToken = [&](const QString &hash, const QDateTime &expiresAt) {
        const QString id = newId();
        return db.query(QStringLiteral("INSERT INTO refresh_tokens (id, tenant_id, user_id, family_id, token_hash, "
                                       "expires_at, created_at) VALUES ($1, $2, $3, $1, $4, $5, $6)"),
                        {id, tenant, user, hash, expiresAt, now.addDays(-40)});
    };
    TWINOPS_VERIFY_OK(addToken(QStringLiteral("expired"), now.addSecs(-1)));
    TWINOPS_VERIFY_OK(addToken(QStringLiteral("valid"), now.addSecs(3600)));
    const auto addLink = [&](const QString &hash, const QVariant &expiresAt) {
        return db.query(QStringLiteral("INSERT INTO share_links (id, tenant_id, twin_id, token_hash, token_prefix, "
                                       "expires_at, created_at) VALUES ($1, $2, $3, $4, 'p', $5, $6)"),
                        {newId(), tenant, twin, hash, expiresAt, now.addDays(-60)});
    };
    TWINOPS_VERIFY_OK(addLink(QStringLiteral("expired 31 days ago"), now.addDays(-31)));
    TWINOPS_VERIFY_OK(addLink(QStringLiteral("expired 29 days ago"), now.addDays(-29)));
    TWINOPS_VERIFY_OK(addLink(QStringLiteral("never expires"), QVariant()));

    QTRY_COMPARE_WITH_TIMEOUT(jobIds(db), QStringList{keptJob}, 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(count(db, QStringLiteral("refresh_tokens")), qint64(1), 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(count(db, QStringLiteral("share_links")), qint64(2), 10'000);
    auto token = db.query(QStringLiteral("SELECT token_hash FROM refresh_tokens"));
    QCOMPARE(token->first().text(0), QStringLiteral("valid"));
    auto links = db.query(QStringLiteral("SELECT token_hash FROM share_links ORDER BY token_hash"));
    QCOMPARE(links->at(0).text(0), QStringLiteral("expired 29 days ago"));
    QCOMPARE(links->at(1).text(0), QStringLiteral("never expires"));
    // The counter is bumped right after the delete commits.
    QTRY_COMPARE_WITH_TIMEOUT(prunedCounter((*core)->metrics(), QStringLiteral("completed")).value(), quint64(1),
                              10'000);
    QCOMPARE(prunedCounter((*core)->metrics(), QStringLiteral("cancelled")).value(), quint64(0));
}

void TestJobRetention::bothProgramsReadThePeriodsFromTheEnvironment()
{
    // CoreOptions::fromEnvironment is what twinopsd serve and the console start their core with.
    const auto restore = qScopeGuard([] {
        for (const char *name : {"TWINOPS_JOB_RETENTION_COMPLETED_HOURS", "TWINOPS_JOB_RETENTION_CANCELLED_HOURS",
                                 "TWINOPS_JOB_RETENTION_DISCARDED_HOURS"})
            qunsetenv(name);
    });
    qputenv("TWINOPS_JOB_RETENTION_COMPLETED_HOURS", "48");
    qputenv("TWINOPS_JOB_RETENTION_CANCELLED_HOURS", "0");
    auto options = CoreOptions::fromEnvironment(DatabaseUrl::sqliteFile(QStringLiteral("unused.db")));
    TWINOPS_VERIFY_OK(options);
    QCOMPARE(options->jobRetention.completed, 48h);
    QCOMPARE(options->jobRetention.cancelled, 0h);
    QCOMPARE(options->jobRetention.discarded, JobRetention{}.discarded);

    qputenv("TWINOPS_JOB_RETENTION_DISCARDED_HOURS", "a week");
    options = CoreOptions::fromEnvironment(DatabaseUrl::sqliteFile(QStringLiteral("unused.db")));
    QVERIFY(!options.ok());
    QCOMPARE(
        options.error().message,
        QStringLiteral("TWINOPS_JOB_RETENTION_DISCARDED_HOURS must be a whole number from 0 (keep all) to 876000"));
}

QTEST_GUILESS_MAIN(TestJobRetention)
#include "tst_jobretention.moc"
