// Job retention's cost to the queue (issue #14): BENCH_RETENTION_OLD completed jobs (default 1,000,000) finished
// two days ago lie in the table while a WorkerPool of 2 workers processes BENCH_RETENTION_NEW probe jobs (default
// 100,000); once without pruning, once with a JobPruner (the core's, default pacing) deleting the old jobs at the
// same time, then until it has deleted them all. The target: pruning costs less than 10 % of the processing rate.
// A program, not a test: run with `ctest -L bench` (which starts PostgreSQL), scripts/bench-retention.sh (a durable
// cluster) or directly with TWINOPS_TEST_PG_DSN set. BENCH_BACKENDS (default "sqlite,postgres");
// BENCH_RETENTION_BATCH and BENCH_RETENTION_PAUSE_FACTOR override the pruner's batch size and pause factor (tuning);
// BENCH_RETENTION_PRUNE_LIMIT (seconds) stops waiting for the backlog then and reports its time at the rate measured.
// Prints a table and, per backend, one "RESULT backend=…" line.
#include "core/ids.h"
#include "jobs/jobpruner.h"
#include "jobs/jobqueue.h"
#include "jobs/probehandler.h"
#include "jobs/workerpool.h"
#include "metrics/counter.h"
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
    std::fprintf(stderr, "bench_retention: %s\n", qPrintable(message));
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

// `old` completed jobs finished two days ago, written by the database itself (one statement), then `fresh` probe
// jobs to process.
void fill(Database &db, int old, int fresh)
{
    const QDateTime finished = nowUtc().addDays(-2);
    const QString columns = QStringLiteral("INSERT INTO jobs (id, type, state, run_at, created_at, updated_at, "
                                           "started_at, finished_at)");
    const QString rows = db.dialect() == Dialect::Sqlite
        ? QStringLiteral("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2) %1 "
                         "SELECT 'old-' || i, 'probe', 'completed', $1, $1, $1, $1, $1 FROM n")
        : QStringLiteral("%1 SELECT gen_random_uuid(), 'probe', 'completed', $1, $1, $1, $1, $1 "
                         "FROM generate_series(1, $2::integer)");
    const QString sql = rows.arg(columns);
    if (auto inserted = db.query(sql, {finished, old}); !inserted.ok())
        die(QStringLiteral("inserting the old jobs failed: %1").arg(inserted.error().message));
    JobQueue queue(db);
    for (int start = 0; start < fresh; start += 1000) {
        QList<NewJob> batch;
        for (int i = start; i < std::min(fresh, start + 1000); ++i) {
            NewJob job;
            job.type = jobtypes::probe;
            batch << job;
        }
        if (auto inserted = queue.enqueueBatch(batch); !inserted.ok())
            die(QStringLiteral("enqueueBatch failed: %1").arg(inserted.error().message));
    }
    if (db.dialect() == Dialect::Postgres)
        (void)db.query(QStringLiteral("ANALYZE jobs"));
}

struct Run
{
    double jobsPerSecond = 0;
    double pruneSeconds = -1; // -1: no pruning
    qint64 pruned = 0; // of the old jobs, by then (all of them unless BENCH_RETENTION_PRUNE_LIMIT cut it short)
};

// Processes `fresh` probe jobs with 2 workers (counted in job_probes), pruning meanwhile if asked.
Run run(Dialect dialect, int old, int fresh, bool prune)
{
    auto testDb = test::TestDatabase::create(dialect);
    if (!testDb)
        die(QStringLiteral("no %1 database (is TWINOPS_TEST_PG_DSN set?)").arg(backendName(dialect)));
    auto db = testDb->connectMigrated();
    if (!db)
        die(QStringLiteral("cannot migrate the %1 database").arg(backendName(dialect)));
    fill(*db, old, fresh);

    JobHandlers handlers;
    handlers.add(std::make_shared<ProbeHandler>());
    MetricsRegistry metrics;
    WorkerPoolOptions options;
    options.workers = 2;
    options.pollInterval = 50ms;
    options.owner = QStringLiteral("bench");
    Run result;
    JobPrunerOptions pruning;
    pruning.batchSize = envInt("BENCH_RETENTION_BATCH", pruning.batchSize);
    pruning.pauseFactor = envInt("BENCH_RETENTION_PAUSE_FACTOR", pruning.pauseFactor);
    Counter &pruned
        = metrics.counter(QStringLiteral("twinops_jobs_pruned_total"),
                          QStringLiteral("Finished jobs deleted after their retention period, by final state"),
                          {{QStringLiteral("state"), QStringLiteral("completed")}});
    std::unique_ptr<JobPruner> pruner;
    QElapsedTimer pruneTimer;
    {
        WorkerPool pool(testDb->url(), handlers, metrics, options);
        QElapsedTimer timer;
        timer.start();
        pool.start();
        if (prune) {
            pruneTimer.start();
            pruner = std::make_unique<JobPruner>(testDb->url(), metrics, pruning);
        }
        qint64 done = 0;
        QElapsedTimer stalled;
        stalled.start();
        while (done < fresh) {
            QThread::msleep(200);
            auto n = db->query(QStringLiteral("SELECT count(*) FROM job_probes"));
            if (!n.ok())
                die(n.error().message);
            if (n->first().integer(0) != done) {
                done = n->first().integer(0);
                stalled.restart();
            } else if (stalled.elapsed() > 120'000) {
                die(QStringLiteral("no progress for 120 s at %1 of %2").arg(done).arg(fresh));
            }
        }
        result.jobsPerSecond = fresh / (double(timer.nsecsElapsed()) / 1e9);
    }
    if (!pruner)
        return result;
    std::fprintf(stderr, "bench_retention: %.0f jobs/s while pruning; waiting for the rest of the backlog\n",
                 result.jobsPerSecond);
    // The rest of the backlog, paced as in production, until it is gone or the limit has passed.
    const int limitSeconds = envInt("BENCH_RETENTION_PRUNE_LIMIT", 0);
    const QString left = QStringLiteral("SELECT count(*) FROM jobs WHERE state = 'completed' AND created_at < $1");
    const QDateTime cutoff = nowUtc().addDays(-1);
    for (;;) {
        QThread::msleep(2000);
        auto remaining = db->query(left, {cutoff});
        if (!remaining.ok())
            die(remaining.error().message);
        result.pruned = old - remaining->first().integer(0);
        result.pruneSeconds = double(pruneTimer.nsecsElapsed()) / 1e9;
        if (result.pruned == old || (limitSeconds > 0 && result.pruneSeconds > limitSeconds))
            break;
    }
    pruner.reset();
    if (result.pruned == old && qint64(pruned.value()) != old)
        die(QStringLiteral("the counter says %1 jobs pruned, the table %2").arg(pruned.value()).arg(result.pruned));
    return result;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int old = envInt("BENCH_RETENTION_OLD", 1'000'000);
    const int fresh = envInt("BENCH_RETENTION_NEW", 100'000);
    QTextStream out(stdout);
    out << "bench_retention: " << old << " completed jobs two days old, " << fresh
        << " probe jobs processed by 2 workers, without and with pruning\n";
    out.flush();
    for (const QString &name :
         qEnvironmentVariable("BENCH_BACKENDS", QStringLiteral("sqlite,postgres")).split(u',', Qt::SkipEmptyParts)) {
        const Dialect dialect = name.trimmed() == QLatin1String("sqlite") ? Dialect::Sqlite : Dialect::Postgres;
        const Run without = run(dialect, old, fresh, false);
        out << QStringLiteral("%1 processing, no pruning    %2 jobs/s\n")
                   .arg(backendName(dialect), -9)
                   .arg(without.jobsPerSecond, 10, 'f', 0);
        out.flush();
        const Run with = run(dialect, old, fresh, true);
        const double cost = 100.0 * (1.0 - with.jobsPerSecond / without.jobsPerSecond);
        const double pruneRate = double(with.pruned) / with.pruneSeconds;
        const bool complete = with.pruned == old;
        // Cut short by the limit: the whole backlog's time at the rate measured.
        const double backlogSeconds = complete ? with.pruneSeconds : old / pruneRate;
        out << QStringLiteral("%1 processing, pruning       %2 jobs/s  (%3 % slower; %4 jobs pruned in %5 s, "
                              "%6 jobs/s%7)\n")
                   .arg(backendName(dialect), -9)
                   .arg(with.jobsPerSecond, 10, 'f', 0)
                   .arg(cost, 0, 'f', 1)
                   .arg(with.pruned)
                   .arg(with.pruneSeconds, 0, 'f', 1)
                   .arg(pruneRate, 0, 'f', 0)
                   .arg(complete
                            ? QString()
                            : QStringLiteral("; the whole backlog at that rate: %1 s").arg(backlogSeconds, 0, 'f', 0));
        out << QStringLiteral("RESULT backend=%1 processing=%2 processing_pruning=%3 cost_percent=%4 prune_seconds=%5 "
                              "prune_rate=%6 pruned=%7 backlog_seconds=%8 complete=%9\n")
                   .arg(backendName(dialect))
                   .arg(without.jobsPerSecond, 0, 'f', 0)
                   .arg(with.jobsPerSecond, 0, 'f', 0)
                   .arg(cost, 0, 'f', 1)
                   .arg(with.pruneSeconds, 0, 'f', 1)
                   .arg(pruneRate, 0, 'f', 0)
                   .arg(with.pruned)
                   .arg(backlogSeconds, 0, 'f', 0)
                   .arg(complete ? 1 : 0);
        out.flush();
    }
    return 0;
}
