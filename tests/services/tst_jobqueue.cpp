// The durable job queue on SQLite and PostgreSQL: the state machine, idempotent enqueue under concurrency, the
// backoff schedule, leases (expiry, rescue, a stale worker's completion refused), cancel and retry rules, and
// the worker pool running real handlers with exactly-once effects.
#include "core/ids.h"
#include "jobs/jobqueue.h"
#include "jobs/workerpool.h"
#include "metrics/metricsregistry.h"
#include "tenancy/tenantrepository.h"
#include "testdatabase.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace twinops;
using namespace twinops::test;
using namespace std::chrono_literals;

namespace {

// Counts its effects in test_effects, fails the first payload.fail_times attempts, and can wait for a cancel.
class CountingHandler final : public JobHandler
{
public:
    QString type() const override { return QStringLiteral("test_count"); }
    RetryPolicy retryPolicy() const override
    {
        RetryPolicy policy;
        policy.base = 20ms;
        policy.cap = 100ms;
        return policy;
    }
    Result<QJsonObject> run(JobContext &context) override
    {
        const Job &job = context.job();
        TWINOPS_TRY(context.db().query(QStringLiteral("INSERT INTO test_effects (job_id, n) VALUES ($1, 1) "
                                                      "ON CONFLICT (job_id) DO UPDATE SET n = test_effects.n + 1"),
                                       {job.id}));
        context.log(JobLogLevel::Info, QStringLiteral("counted %1").arg(job.id));
        if (job.payload.value(QStringLiteral("wait_for_cancel")).toBool()) {
            for (int i = 0; i < 500; ++i) {
                if (context.cancelRequested())
                    return jobCancelled();
                QThread::msleep(10);
            }
        }
        if (job.attempt <= job.payload.value(QStringLiteral("fail_times")).toInt())
            return Error::unavailable(QStringLiteral("planned failure %1").arg(job.attempt));
        if (job.payload.value(QStringLiteral("permanent")).toBool())
            return Error::validation(QStringLiteral("payload"), QStringLiteral("cannot ever work"));
        return QJsonObject{{QStringLiteral("attempt"), job.attempt}};
    }
};

NewJob countJob(const QString &tenantId, const QJsonObject &payload = {}, const QString &key = {})
{
    NewJob job;
    job.type = QStringLiteral("test_count");
    job.tenantId = tenantId;
    job.payload = payload;
    job.idempotencyKey = key;
    return job;
}

} // namespace

class TestJobQueue final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void init();
    void cleanup();

    void stateRules_data();
    void stateRules();
    void duplicateEnqueueReturnsTheExistingJob();
    void idempotentEnqueueUnderConcurrency();
    void batchEnqueueSkipsDuplicates();
    void backoffSchedule();
    void claimTakesAvailableJobsInOrderWithALease();
    void aPlatformTypeClaimTakesOnlyItsJobsAndIsNotTheQueuesClaim();
    void expiredLeasesAreRescuedAndCrashLoopsDiscarded();
    void aStaleWorkerCannotComplete();
    void failureRetriesWithBackoffThenDiscards();
    void workersRunJobsExactlyOnceInEffect();
    void workersRetryAndLogEveryAttempt();
    void runningJobHonoursCancel();
    void listFiltersAndStats();

private:
    Job stored(const QString &id) { return *JobQueue(*m_db).get({}, id); }
    std::unique_ptr<TestDatabase> m_testDb;
    std::unique_ptr<Database> m_db;
    QString m_tenant;
};

void TestJobQueue::init()
{
    m_testDb = TestDatabase::create(currentDialect());
    QVERIFY(m_testDb);
    m_db = m_testDb->connectMigrated();
    QVERIFY(m_db);
    QVERIFY(
        m_db->query(QStringLiteral("CREATE TABLE test_effects (job_id TEXT PRIMARY KEY, n INTEGER NOT NULL)")).ok());
    m_tenant = TenantRepository(*m_db).create(QStringLiteral("Jobs Inc"))->id;
}

void TestJobQueue::cleanup()
{
    m_db.reset();
    m_testDb.reset();
}

void TestJobQueue::stateRules_data()
{
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("operation");
    QTest::addColumn<QString>("to"); // empty: refused with 409
    QTest::addColumn<bool>("cancelRequested");
    const QStringList states{QStringLiteral("scheduled"), QStringLiteral("available"), QStringLiteral("running"),
                             QStringLiteral("retryable"), QStringLiteral("completed"), QStringLiteral("discarded"),
                             QStringLiteral("cancelled")};
    for (const QString &from : states) {
        const bool pending = from == QLatin1String("scheduled") || from == QLatin1String("available")
            || from == QLatin1String("retryable");
        const bool finished = from == QLatin1String("completed") || from == QLatin1String("discarded")
            || from == QLatin1String("cancelled");
        QTest::addRow("cancel %s", qPrintable(from))
            << from << QStringLiteral("cancel")
            << (pending                                ? QStringLiteral("cancelled")
                    : from == QLatin1String("running") ? QStringLiteral("running")
                                                       : QString())
            << (from == QLatin1String("running"));
        QTest::addRow("retry %s", qPrintable(from))
            << from << QStringLiteral("retry") << (finished ? QStringLiteral("available") : QString()) << false;
    }
}

void TestJobQueue::stateRules()
{
    QFETCH(QString, from);
    QFETCH(QString, operation);
    QFETCH(QString, to);
    QFETCH(bool, cancelRequested);
    JobQueue queue(*m_db);
    auto job = queue.enqueue(countJob(m_tenant));
    QVERIFY(job.ok());
    QVERIFY(
        m_db->query(QStringLiteral("UPDATE jobs SET state = $2, lease_token = $3, lease_expires_at = $4 WHERE id = $1"),
                    {job->id, from, from == QLatin1String("running") ? QVariant(QStringLiteral("t")) : QVariant(),
                     from == QLatin1String("running") ? QVariant(nowUtc().addSecs(60)) : QVariant()})
            .ok());
    auto result = operation == QLatin1String("cancel") ? queue.cancel(m_tenant, job->id, QStringLiteral("test"))
                                                       : queue.retry(m_tenant, job->id, QStringLiteral("test"));
    if (to.isEmpty()) {
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::Conflict);
        QCOMPARE(jobStateName(stored(job->id).state), from);
        return;
    }
    QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result.error().message));
    QCOMPARE(jobStateName(result->state), to);
    QCOMPARE(result->cancelRequested, cancelRequested);
    QCOMPARE(jobStateName(stored(job->id).state), to);
    // Another tenant cannot touch it, and learns nothing.
    auto other = TenantRepository(*m_db).create(QStringLiteral("Other"));
    QCOMPARE(queue.cancel(other->id, job->id, QStringLiteral("x")).error().code, ErrorCode::NotFound);
}

void TestJobQueue::duplicateEnqueueReturnsTheExistingJob()
{
    JobQueue queue(*m_db);
    auto first = queue.enqueue(countJob(m_tenant, {{QStringLiteral("v"), 1}}, QStringLiteral("key-1")));
    auto second = queue.enqueue(countJob(m_tenant, {{QStringLiteral("v"), 2}}, QStringLiteral("key-1")));
    QVERIFY(first.ok() && second.ok());
    QCOMPARE(second->id, first->id);
    QCOMPARE(second->payload.value(QStringLiteral("v")).toInt(), 1);
    auto third = queue.enqueue(countJob(m_tenant, {}, QStringLiteral("key-2")));
    QVERIFY(third->id != first->id);
    auto unkeyed1 = queue.enqueue(countJob(m_tenant));
    auto unkeyed2 = queue.enqueue(countJob(m_tenant));
    QVERIFY(unkeyed1->id != unkeyed2->id); // no key: never deduplicated
}

void TestJobQueue::idempotentEnqueueUnderConcurrency()
{
    // Two connections (as two processes would have) race to enqueue the same keys.
    constexpr int kKeys = 40;
    QList<QStringList> seen(2);
    std::atomic<int> failures{0};
    auto racer = [&](int index) {
        auto db = Database::open(m_testDb->url());
        if (!db.ok()) {
            ++failures;
            return;
        }
        JobQueue queue(**db);
        for (int k = 0; k < kKeys; ++k) {
            auto job = queue.enqueue(countJob(m_tenant, {}, QStringLiteral("race-%1").arg(k)));
            if (job.ok())
                seen[index] << job->id;
            else
                ++failures;
        }
    };
    std::unique_ptr<QThread> a(QThread::create(racer, 0)), b(QThread::create(racer, 1));
    a->start();
    b->start();
    QVERIFY(a->wait(60000) && b->wait(60000));
    QCOMPARE(failures.load(), 0);
    QCOMPARE(seen[0], seen[1]); // both saw the same job for every key
    auto count = m_db->query(QStringLiteral("SELECT count(*) FROM jobs WHERE idempotency_key LIKE 'race-%'"));
    QCOMPARE(count->first().integer(0), kKeys);
}

void TestJobQueue::batchEnqueueSkipsDuplicates()
{
    JobQueue queue(*m_db);
    QVERIFY(queue.enqueue(countJob(m_tenant, {}, QStringLiteral("b-0"))).ok());
    QList<NewJob> batch;
    for (int i = 0; i < 10; ++i)
        batch << countJob(m_tenant, {{QStringLiteral("i"), i}}, QStringLiteral("b-%1").arg(i));
    NewJob later = countJob(m_tenant, {}, QStringLiteral("b-later"));
    later.runAt = nowUtc().addSecs(3600);
    batch << later;
    auto added = queue.enqueueBatch(batch);
    QVERIFY2(added.ok(), added.ok() ? "" : qPrintable(added.error().message));
    QCOMPARE(*added, 10);
    auto rows = m_db->query(
        QStringLiteral("SELECT count(*), sum(CASE WHEN state = 'scheduled' THEN 1 ELSE 0 END) FROM jobs"));
    QCOMPARE(rows->first().integer(0), 11);
    QCOMPARE(rows->first().integer(1), 1);
    auto b5 = m_db->query(QStringLiteral("SELECT payload FROM jobs WHERE idempotency_key = 'b-5'"));
    QVERIFY(b5->first().text(0).contains(QLatin1String("5")));
}

void TestJobQueue::backoffSchedule()
{
    if (currentDialect() != Dialect::Sqlite)
        QSKIP("no database involved: runs once");
    const RetryPolicy policy; // 15 s, ×2, cap 30 min, ±25 %
    const qint64 expected[] = {15'000, 30'000, 60'000, 120'000, 240'000, 480'000, 960'000, 1'800'000, 1'800'000};
    for (int attempt = 1; attempt <= 9; ++attempt) {
        QCOMPARE(policy.delayAfter(attempt, 0.5).count(), expected[attempt - 1]);
        QCOMPARE(policy.delayAfter(attempt, 0.0).count(), qint64(expected[attempt - 1] * 0.75));
        QCOMPARE(policy.delayAfter(attempt, 1.0).count(), qint64(expected[attempt - 1] * 1.25));
    }

    // The retries ahead of a job whose attempt 3 of 6 runs at t0: attempts 4, 5 and 6, each window the sum of
    // the delays before it (jitter at its extremes).
    const QDateTime t0 = utcFromMSecs(1'800'000'000'000);
    const QList<RetryPolicy::Window> ahead = policy.schedule(3, t0, 6);
    QCOMPARE(ahead.size(), 3);
    qint64 low = 0, high = 0;
    for (int i = 0; i < 3; ++i) {
        low += qint64(expected[2 + i] * 0.75);
        high += qint64(expected[2 + i] * 1.25);
        QCOMPARE(ahead[i].attempt, 4 + i);
        QCOMPARE(ahead[i].earliest, t0.addMSecs(low));
        QCOMPARE(ahead[i].latest, t0.addMSecs(high));
    }
    QVERIFY(policy.schedule(6, t0, 6).isEmpty()); // the last attempt has nothing after it
}

void TestJobQueue::claimTakesAvailableJobsInOrderWithALease()
{
    JobQueue queue(*m_db);
    NewJob low = countJob(m_tenant), high = countJob(m_tenant), future = countJob(m_tenant);
    high.priority = 10;
    future.runAt = nowUtc().addSecs(600);
    const QString lowId = queue.enqueue(low)->id, highId = queue.enqueue(high)->id;
    QVERIFY(queue.enqueue(future).ok());
    auto claim = queue.claim(QStringLiteral("w1"), 10, 30s);
    QVERIFY(claim.ok());
    QCOMPARE(claim->jobs.size(), 2);
    QCOMPARE(claim->jobs.at(0).id, highId);
    QCOMPARE(claim->jobs.at(1).id, lowId);
    QVERIFY(!claim->leaseToken.isEmpty());
    const Job running = stored(lowId);
    QCOMPARE(running.state, JobState::Running);
    QCOMPARE(running.attempt, 1);
    QCOMPARE(running.leaseOwner, QStringLiteral("w1"));
    QVERIFY(queue.claim(QStringLiteral("w2"), 10, 30s)->jobs.isEmpty()); // nothing left that may run now
    QCOMPARE(*queue.heartbeat(claim->leaseToken, 60s), 2);
}

// The notification worker's claim (ServiceCore): only tenantless jobs of its type, and the stall watchdog does not
// take it for a sign that the queue's workers are alive.
void TestJobQueue::aPlatformTypeClaimTakesOnlyItsJobsAndIsNotTheQueuesClaim()
{
    JobQueue queue(*m_db);
    NewJob waiting = countJob(m_tenant);
    waiting.runAt = nowUtc().addSecs(-120);
    NewJob tenantsOwn = countJob(m_tenant);
    tenantsOwn.type = jobtypes::webhookNotification; // a tenant's job of the same type is not a platform job
    NewJob notification;
    notification.type = jobtypes::webhookNotification;
    const QString waitingId = queue.enqueue(waiting)->id;
    QVERIFY(queue.enqueue(tenantsOwn).ok());
    const QString notificationId = queue.enqueue(notification)->id;
    const auto claim = queue.claim(QStringLiteral("notifier"), 10, 30s, jobtypes::webhookNotification);
    TWINOPS_VERIFY_OK(claim);
    QCOMPARE(claim->jobs.size(), 1);
    QCOMPARE(claim->jobs.first().id, notificationId);
    const auto stats = queue.stats();
    TWINOPS_VERIFY_OK(stats);
    QVERIFY(!stats->lastStarted.isValid());
    QVERIFY(stats->stalled(nowUtc()));
    // Any other claim counts: the queue is alive again.
    const auto queueClaim = queue.claim(QStringLiteral("worker"), 1, 30s);
    TWINOPS_VERIFY_OK(queueClaim);
    QCOMPARE(queueClaim->jobs.size(), 1);
    QCOMPARE(queueClaim->jobs.first().id, waitingId);
    QVERIFY(!queue.stats()->stalled(nowUtc()));
}

void TestJobQueue::expiredLeasesAreRescuedAndCrashLoopsDiscarded()
{
    JobQueue queue(*m_db);
    const QString id = queue.enqueue(countJob(m_tenant))->id;
    for (int crash = 1; crash <= 3; ++crash) {
        auto claim = queue.claim(QStringLiteral("doomed"), 1, 1ms);
        QCOMPARE(claim->jobs.size(), 1);
        QThread::msleep(5);
        auto rescued = queue.rescueExpired(3);
        QVERIFY(rescued.ok());
        QCOMPARE(rescued->size(), 1);
        const Job job = stored(id);
        QCOMPARE(job.crashCount, crash);
        QCOMPARE(job.state, crash < 3 ? JobState::Retryable : JobState::Discarded);
        QVERIFY(job.lastError.contains(crash < 3 ? QLatin1String("lost its lease")
                                                 : QLatin1String("crashed its worker 3 times")));
    }
    auto logs = queue.logs(m_tenant, id);
    QCOMPARE(logs->size(), 3);
    QCOMPARE(logs->first().level, QStringLiteral("error"));
    // Each rescue is written as a failure line (the job detail's attempt timeline reads them): the worker that held
    // the lease, how long since its claim, the error, and what happens next.
    static const QRegularExpression failure(
        QStringLiteral("^attempt (\\d) by doomed failed after ([0-9.]+) s: (.*); (retrying in 0.0 s|not retried)$"));
    for (int n = 0; n < 3; ++n) {
        const QRegularExpressionMatch match = failure.match(logs->at(n).message);
        QVERIFY2(match.hasMatch(), qPrintable(logs->at(n).message));
        QCOMPARE(match.captured(1).toInt(), n + 1);
        QVERIFY(match.captured(2).toDouble() > 0);
        QVERIFY(match.captured(3).contains(n < 2 ? QLatin1String("lost its lease")
                                                 : QLatin1String("crashed its worker 3 times")));
        QCOMPARE(match.captured(4), n < 2 ? QStringLiteral("retrying in 0.0 s") : QStringLiteral("not retried"));
    }
    // A live lease is left alone.
    const QString live = queue.enqueue(countJob(m_tenant))->id;
    QVERIFY(queue.claim(QStringLiteral("alive"), 1, 60s)->jobs.size() == 1);
    QVERIFY(queue.rescueExpired(3)->isEmpty());
    QCOMPARE(stored(live).state, JobState::Running);
}

void TestJobQueue::aStaleWorkerCannotComplete()
{
    JobQueue queue(*m_db);
    const QString id = queue.enqueue(countJob(m_tenant))->id;
    auto stale = queue.claim(QStringLiteral("slow"), 1, 1ms);
    QThread::msleep(5);
    QCOMPARE(queue.rescueExpired(3)->size(), 1);
    auto fresh = queue.claim(QStringLiteral("fresh"), 1, 60s);
    QCOMPARE(fresh->jobs.size(), 1);
    QCOMPARE(fresh->jobs.first().attempt, 2);
    // The worker that lost its lease finally finishes: nothing it says counts.
    QCOMPARE(*queue.complete(stale->leaseToken, {{id, {{QStringLiteral("by"), QStringLiteral("slow")}}}}), 0);
    QCOMPARE(*queue.fail(stale->jobs.first(), stale->leaseToken, Error::internal(QStringLiteral("x")), 1ms, false),
             false);
    QCOMPARE(stored(id).state, JobState::Running);
    QCOMPARE(*queue.complete(fresh->leaseToken, {{id, {{QStringLiteral("by"), QStringLiteral("fresh")}}}}), 1);
    const Job done = stored(id);
    QCOMPARE(done.state, JobState::Completed);
    QCOMPARE(done.result.value(QStringLiteral("by")).toString(), QStringLiteral("fresh"));
}

void TestJobQueue::failureRetriesWithBackoffThenDiscards()
{
    JobQueue queue(*m_db);
    NewJob request = countJob(m_tenant);
    request.maxAttempts = 2;
    const QString id = queue.enqueue(request)->id;
    auto first = queue.claim(QStringLiteral("w"), 1, 60s);
    const QDateTime before = nowUtc();
    QVERIFY(
        *queue.fail(first->jobs.first(), first->leaseToken, Error::unavailable(QStringLiteral("flaky")), 15s, false));
    Job job = stored(id);
    QCOMPARE(job.state, JobState::Retryable);
    QVERIFY(job.runAt >= before.addSecs(14));
    QCOMPARE(job.lastError, QStringLiteral("flaky"));
    QVERIFY(queue.claim(QStringLiteral("w"), 1, 60s)->jobs.isEmpty()); // not before its time
    QVERIFY(m_db->query(QStringLiteral("UPDATE jobs SET run_at = $2 WHERE id = $1"), {id, nowUtc()}).ok());
    auto second = queue.claim(QStringLiteral("w"), 1, 60s);
    QCOMPARE(second->jobs.first().attempt, 2);
    QVERIFY(
        *queue.fail(second->jobs.first(), second->leaseToken, Error::unavailable(QStringLiteral("still")), 15s, false));
    QCOMPARE(stored(id).state, JobState::Discarded); // attempts exhausted
    QVERIFY(stored(id).finishedAt.isValid());

    const QString permanent = queue.enqueue(countJob(m_tenant))->id;
    auto claim = queue.claim(QStringLiteral("w"), 1, 60s);
    QVERIFY(*queue.fail(claim->jobs.first(), claim->leaseToken,
                        Error::validation(QStringLiteral("x"), QStringLiteral("bad")), 15s, true));
    QCOMPARE(stored(permanent).state, JobState::Discarded);
}

void TestJobQueue::workersRunJobsExactlyOnceInEffect()
{
    JobQueue queue(*m_db);
    QList<NewJob> batch;
    for (int i = 0; i < 300; ++i)
        batch << countJob(m_tenant, {{QStringLiteral("i"), i}});
    QCOMPARE(*queue.enqueueBatch(batch), 300);
    JobHandlers handlers;
    handlers.add(std::make_shared<CountingHandler>());
    MetricsRegistry metrics;
    WorkerPoolOptions options;
    options.workers = 2;
    options.batchSize = 32;
    options.pollInterval = 20ms;
    options.owner = QStringLiteral("test");
    WorkerPool pool(m_testDb->url(), handlers, metrics, options);
    pool.start();
    QTRY_COMPARE_WITH_TIMEOUT(queue.count({m_tenant, JobState::Completed, {}, {}, {}}).value(), qint64(300), 30000);
    pool.stop();
    auto effects = m_db->query(QStringLiteral("SELECT count(*), min(n), max(n) FROM test_effects"));
    QCOMPARE(effects->first().integer(0), 300);
    QCOMPARE(effects->first().integer(1), 1);
    QCOMPARE(effects->first().integer(2), 1);
    // Who ran each job and when stays on the row; a success writes no log line.
    auto ran = m_db->query(QStringLiteral("SELECT count(*) FROM jobs WHERE lease_owner LIKE 'test/worker-%' "
                                          "AND attempt = 1 AND started_at IS NOT NULL AND finished_at >= started_at"));
    QCOMPARE(ran->first().integer(0), 300);
    auto lines
        = m_db->query(QStringLiteral("SELECT count(*), sum(CASE WHEN message LIKE 'counted %' THEN 1 ELSE 0 END) "
                                     "FROM job_logs"));
    QCOMPARE(lines->first().integer(0), 300); // the handler's own line, nothing else
    QCOMPARE(lines->first().integer(1), 300);
}

void TestJobQueue::workersRetryAndLogEveryAttempt()
{
    JobQueue queue(*m_db);
    const QString flaky = queue.enqueue(countJob(m_tenant, {{QStringLiteral("fail_times"), 2}}))->id;
    const QString doomed = queue.enqueue(countJob(m_tenant, {{QStringLiteral("permanent"), true}}))->id;
    const QString fine = queue.enqueue(countJob(m_tenant))->id;
    JobHandlers handlers;
    handlers.add(std::make_shared<CountingHandler>());
    MetricsRegistry metrics;
    WorkerPoolOptions options;
    options.workers = 1;
    options.pollInterval = 10ms;
    options.owner = QStringLiteral("test");
    WorkerPool pool(m_testDb->url(), handlers, metrics, options);
    pool.start();
    QTRY_COMPARE_WITH_TIMEOUT(stored(flaky).state, JobState::Completed, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(stored(doomed).state, JobState::Discarded, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(stored(fine).state, JobState::Completed, 20000);
    pool.stop();
    QCOMPARE(stored(flaky).attempt, 3);
    QCOMPARE(stored(flaky).leaseOwner, QStringLiteral("test/worker-0"));
    // The failed attempts' writes were rolled back: one effect, from the attempt that succeeded.
    auto effects = m_db->query(QStringLiteral("SELECT n FROM test_effects WHERE job_id = $1"), {flaky});
    QCOMPARE(effects->first().integer(0), 1);
    QVERIFY(
        m_db->query(QStringLiteral("SELECT count(*) FROM test_effects WHERE job_id = $1"), {doomed})->first().integer(0)
        == 0);
    auto logs = queue.logs(m_tenant, flaky);
    QStringList messages;
    for (const JobLogLine &line : *logs)
        messages << QStringLiteral("%1 %2 %3").arg(line.attempt).arg(line.level, line.message);
    const QString all = messages.join(u'\n');
    // Each failure says how long its attempt ran (the job detail's timeline derives the attempt's start from it).
    static const QRegularExpression first(
        QStringLiteral(
            "^1 error attempt 1 by test/worker-0 failed after \\d+\\.\\d{3} s: planned failure 1; retrying in"),
        QRegularExpression::MultilineOption);
    static const QRegularExpression second(
        QStringLiteral("^2 error attempt 2 by test/worker-0 failed after \\d+\\.\\d{3} s: planned failure 2"),
        QRegularExpression::MultilineOption);
    QVERIFY2(first.match(all).hasMatch(), qPrintable(all));
    QVERIFY2(second.match(all).hasMatch(), qPrintable(all));
    QVERIFY2(all.contains(QLatin1String("3 info counted")), qPrintable(all));
    // Three handler lines and two failures; the success adds none: the row says who ran it and when.
    QCOMPARE(messages.size(), 5);
    QVERIFY2(!all.contains(QLatin1String("completed")), qPrintable(all));
    QCOMPARE(stored(flaky).state, JobState::Completed);
    QCOMPARE(stored(flaky).attempt, 3);
    QCOMPARE(stored(flaky).leaseOwner, QStringLiteral("test/worker-0"));
    QVERIFY(stored(doomed).lastError.contains(QLatin1String("Validation failed")));
}

void TestJobQueue::runningJobHonoursCancel()
{
    // On SQLite a running handler's transaction holds the single write lock, so a cancel request waits for the
    // handler to finish (docs/decisions.md); asking a running job to stop needs PostgreSQL's row-level writes.
    if (currentDialect() == Dialect::Sqlite)
        QSKIP("needs concurrent writers (PostgreSQL)");
    JobQueue queue(*m_db);
    const QString id = queue.enqueue(countJob(m_tenant, {{QStringLiteral("wait_for_cancel"), true}}))->id;
    JobHandlers handlers;
    handlers.add(std::make_shared<CountingHandler>());
    MetricsRegistry metrics;
    WorkerPoolOptions options;
    options.workers = 1;
    options.pollInterval = 10ms;
    options.owner = QStringLiteral("test");
    WorkerPool pool(m_testDb->url(), handlers, metrics, options);
    pool.start();
    QTRY_COMPARE_WITH_TIMEOUT(stored(id).state, JobState::Running, 10000);
    QThread::msleep(50);
    auto cancel = queue.cancel(m_tenant, id, QStringLiteral("support"));
    QVERIFY2(cancel.ok(), cancel.ok() ? "" : qPrintable(cancel.error().message));
    QVERIFY(cancel->cancelRequested);
    QTRY_COMPARE_WITH_TIMEOUT(stored(id).state, JobState::Cancelled, 10000);
    pool.stop();
    QCOMPARE(queue.retry(m_tenant, id, QStringLiteral("support"))->state, JobState::Available);
}

void TestJobQueue::listFiltersAndStats()
{
    JobQueue queue(*m_db);
    auto other = TenantRepository(*m_db).create(QStringLiteral("Other"));
    for (int i = 0; i < 5; ++i)
        QVERIFY(queue
                    .enqueue(countJob(
                        m_tenant, {{QStringLiteral("needle"), i == 3 ? QStringLiteral("haystack-xyz") : QString()}}))
                    .ok());
    QVERIFY(queue.enqueue(countJob(other->id)).ok());
    QCOMPARE(queue.list({m_tenant, {}, {}, {}, {}}, {})->items.size(), 5);
    QCOMPARE(queue.list({m_tenant, {}, {}, {}, QStringLiteral("XYZ")}, {})->items.size(), 1);
    QCOMPARE(queue.list({{}, {}, {}, {}, {}}, {})->items.size(), 6);
    QCOMPARE(*queue.count({m_tenant, JobState::Available, {}, {}, {}}), 5);
    auto stats = queue.stats(m_tenant);
    QVERIFY(stats.ok());
    QCOMPARE(stats->available, 5);
    QVERIFY(stats->oldestAvailable.isValid());
    QVERIFY(!stats->lastStarted.isValid());
}

QTEST_GUILESS_MAIN(TestJobQueue)
#include "tst_jobqueue.moc"
