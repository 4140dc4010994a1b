// Job queue throughput on both backends (issue #4): enqueue one job per statement (autocommit), enqueue in
// batches of 1,000 (JobQueue::enqueueBatch), and process probe jobs with a WorkerPool of 2 workers, from start
// until every job is completed; then checks that every probe ran exactly once in effect.
// A program, not a test: run with `ctest -L bench` (which starts PostgreSQL; TWINOPS_TEST_PG_DURABLE=1 keeps
// fsync and synchronous_commit on) or directly with TWINOPS_TEST_PG_DSN set (scripts/bench-jobs.sh does that).
// Environment: BENCH_JOBS (jobs enqueued in batches and processed, default 100000), BENCH_JOBS_SINGLE (single
// enqueues, default 5000), BENCH_BATCH_SIZES (claim batch sizes to try, default "100,500"), BENCH_BACKENDS
// (default "sqlite,postgres").
// Prints a table and, per backend, one line "RESULT backend=… key=value…" for scripts.
#include "core/ids.h"
#include "jobs/jobqueue.h"
#include "jobs/probehandler.h"
#include "jobs/workerpool.h"
#include "metrics/metricsregistry.h"
#include "storage/database.h"
#include "testdatabase.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>
#include <QThread>

#include <cstdio>

using namespace twinops;
using namespace std::chrono_literals;

namespace {

[[noreturn]] void die(const QString &message)
{
    std::fprintf(stderr, "bench_jobs: %s\n", qPrintable(message));
    std::exit(1);
}

int envInt(const char *name, int fallback)
{
    const int value = qEnvironmentVariableIntValue(name);
    return value > 0 ? value : fallback;
}

QString backendName(Dialect dialect)
{
    return dialect == Dialect::Sqlite ? QStringLiteral("sqlite") : QStringLiteral("postgres");
}

NewJob probeJob()
{
    NewJob job;
    job.type = jobtypes::probe;
    return job;
}

std::unique_ptr<test::TestDatabase> freshDatabase(Dialect dialect, std::unique_ptr<Database> *db)
{
    auto testDb = test::TestDatabase::create(dialect);
    if (!testDb)
        die(QStringLiteral("no %1 database (is TWINOPS_TEST_PG_DSN set?)").arg(backendName(dialect)));
    *db = testDb->connectMigrated();
    if (!*db)
        die(QStringLiteral("cannot migrate the %1 database").arg(backendName(dialect)));
    return testDb;
}

// (a) one JobQueue::enqueue per job, each its own (autocommit) transaction.
double enqueueSingle(Dialect dialect, int count)
{
    std::unique_ptr<Database> db;
    auto testDb = freshDatabase(dialect, &db);
    JobQueue queue(*db);
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < count; ++i) {
        auto job = queue.enqueue(probeJob());
        if (!job.ok())
            die(QStringLiteral("enqueue %1 failed: %2").arg(i).arg(job.error().message));
    }
    return count / (double(timer.nsecsElapsed()) / 1e9);
}

// (b) JobQueue::enqueueBatch, 1,000 jobs per call (one statement, one transaction).
double enqueueBatches(Database &db, int count)
{
    JobQueue queue(db);
    constexpr int kBatch = 1000;
    QElapsedTimer timer;
    timer.start();
    for (int start = 0; start < count; start += kBatch) {
        QList<NewJob> batch;
        for (int i = start; i < std::min(count, start + kBatch); ++i)
            batch << probeJob();
        auto inserted = queue.enqueueBatch(batch);
        if (!inserted.ok())
            die(QStringLiteral("enqueueBatch at %1 failed: %2").arg(start).arg(inserted.error().message));
        if (*inserted != batch.size())
            die(QStringLiteral("enqueueBatch inserted %1 of %2").arg(*inserted).arg(batch.size()));
    }
    return count / (double(timer.nsecsElapsed()) / 1e9);
}

// The plan of the claim's sub-select, for the record.
void explainClaim(Database &db, QTextStream &out)
{
    const bool sqlite = db.dialect() == Dialect::Sqlite;
    const QString select
        = QStringLiteral("SELECT id FROM jobs WHERE state IN ('available', 'retryable', 'scheduled') AND run_at <= $1 "
                         "ORDER BY priority DESC, run_at, id LIMIT $2")
        + (sqlite ? QString() : QStringLiteral(" FOR UPDATE SKIP LOCKED"));
    auto plan = db.query((sqlite ? QStringLiteral("EXPLAIN QUERY PLAN ") : QStringLiteral("EXPLAIN ")) + select,
                         {nowUtc(), 100});
    if (!plan.ok()) {
        out << "  claim plan: " << plan.error().message << "\n";
        return;
    }
    out << "  claim plan (" << backendName(db.dialect()) << "):\n";
    for (const Row row : *plan)
        out << "    " << row.text(row.size() - 1) << "\n";
    out.flush();
}

struct Processing
{
    double jobsPerSecond = 0;
    double seconds = 0;
};

// (c) a WorkerPool of 2 workers with the ProbeHandler, from start() until `count` jobs are completed.
Processing process(Database &db, const test::TestDatabase &testDb, int count, int batchSize)
{
    JobHandlers handlers;
    handlers.add(std::make_shared<ProbeHandler>());
    MetricsRegistry metrics;
    WorkerPoolOptions options;
    options.workers = 2;
    options.batchSize = batchSize;
    options.pollInterval = 50ms;
    options.owner = QStringLiteral("bench");
    JobQueue queue(db);
    const JobFilter completedFilter{{}, JobState::Completed, {}, {}, {}};
    Processing result;
    {
        WorkerPool pool(testDb.url(), handlers, metrics, options);
        QElapsedTimer timer;
        timer.start();
        pool.start();
        qint64 done = 0;
        qint64 lastProgress = 0;
        QElapsedTimer stalled;
        stalled.start();
        while (done < count) {
            QThread::msleep(200);
            auto n = queue.count(completedFilter);
            if (!n.ok())
                die(QStringLiteral("count failed: %1").arg(n.error().message));
            done = *n;
            if (done != lastProgress) {
                lastProgress = done;
                stalled.restart();
            } else if (stalled.elapsed() > 60'000) {
                die(QStringLiteral("no progress for 60 s at %1 of %2 completed").arg(done).arg(count));
            }
        }
        result.seconds = double(timer.nsecsElapsed()) / 1e9;
        result.jobsPerSecond = count / result.seconds;
    } // the pool stops here
    auto check = db.query(
        QStringLiteral("SELECT count(*), COALESCE(sum(CASE WHEN runs = 1 THEN 1 ELSE 0 END), 0) FROM job_probes"));
    if (!check.ok())
        die(check.error().message);
    if (check->first().integer(0) != count || check->first().integer(1) != count)
        die(QStringLiteral("job_probes has %1 rows, %2 with runs = 1; expected %3")
                .arg(check->first().integer(0))
                .arg(check->first().integer(1))
                .arg(count));
    auto others = db.query(QStringLiteral("SELECT count(*) FROM jobs WHERE state <> 'completed'"));
    if (!others.ok() || others->first().integer(0) != 0)
        die(QStringLiteral("jobs left that are not completed"));
    return result;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int jobs = envInt("BENCH_JOBS", 100'000);
    const int single = envInt("BENCH_JOBS_SINGLE", 5'000);
    QList<int> batchSizes;
    for (const QString &part :
         qEnvironmentVariable("BENCH_BATCH_SIZES", QStringLiteral("100,500")).split(u',', Qt::SkipEmptyParts))
        batchSizes << part.trimmed().toInt();
    if (batchSizes.isEmpty() || batchSizes.contains(0))
        die(QStringLiteral("BENCH_BATCH_SIZES must list positive numbers"));
    QList<Dialect> dialects;
    for (const QString &name :
         qEnvironmentVariable("BENCH_BACKENDS", QStringLiteral("sqlite,postgres")).split(u',', Qt::SkipEmptyParts))
        dialects << (name.trimmed() == QLatin1String("sqlite") ? Dialect::Sqlite : Dialect::Postgres);

    QTextStream out(stdout);
    out << "bench_jobs: " << single << " single enqueues, " << jobs
        << " jobs enqueued in batches of 1000 and processed by "
        << "2 workers (claim batch " <<
        [&] {
            QStringList sizes;
            for (int size : batchSizes)
                sizes << QString::number(size);
            return sizes.join(QStringLiteral(", "));
        }()
        << "), poll 50 ms\n";
    out.flush();
    for (Dialect dialect : dialects) {
        const QString name = backendName(dialect);
        const double singleRate = enqueueSingle(dialect, single);
        out << QStringLiteral("%1 enqueue single (autocommit)   %2 jobs/s\n").arg(name, -9).arg(singleRate, 10, 'f', 0);
        out.flush();
        QString resultLine = QStringLiteral("RESULT backend=%1 enqueue_single=%2").arg(name).arg(singleRate, 0, 'f', 0);
        double batchRate = 0;
        for (int batchSize : batchSizes) {
            std::unique_ptr<Database> db;
            auto testDb = freshDatabase(dialect, &db);
            const double rate = enqueueBatches(*db, jobs);
            if (batchRate == 0)
                batchRate = rate; // the table reports the first run; each run is printed
            out << QStringLiteral("%1 enqueue batch of 1000         %2 jobs/s\n").arg(name, -9).arg(rate, 10, 'f', 0);
            out.flush();
            explainClaim(*db, out);
            const Processing processed = process(*db, *testDb, jobs, batchSize);
            out << QStringLiteral(
                       "%1 process, claim batch %2  %3 jobs/s  (%4 jobs in %5 s, job_probes: %4 rows, runs = 1)\n")
                       .arg(name, -9)
                       .arg(batchSize, -6)
                       .arg(processed.jobsPerSecond, 10, 'f', 0)
                       .arg(jobs)
                       .arg(processed.seconds, 0, 'f', 1);
            out.flush();
            resultLine += QStringLiteral(" processing_b%1=%2").arg(batchSize).arg(processed.jobsPerSecond, 0, 'f', 0);
        }
        resultLine += QStringLiteral(" enqueue_batch=%1").arg(batchRate, 0, 'f', 0);
        out << resultLine << "\n";
        out.flush();
    }
    return 0;
}
