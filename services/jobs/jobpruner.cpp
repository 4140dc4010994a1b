#include "jobs/jobpruner.h"

#include "core/ids.h"
#include "core/logging.h"
#include "metrics/metricsregistry.h"
#include "storage/database.h"

#include <QElapsedTimer>
#include <QThread>

#include <algorithm>

namespace twinops {

JobPruner::JobPruner(DatabaseUrl url, MetricsRegistry &metrics, JobPrunerOptions options)
    : m_url(std::move(url))
    , m_options(options)
{
    const QString name = QStringLiteral("twinops_jobs_pruned_total");
    const QString help = QStringLiteral("Finished jobs deleted after their retention period, by final state");
    m_completed = &metrics.counter(name, help, {{QStringLiteral("state"), QStringLiteral("completed")}});
    m_cancelled = &metrics.counter(name, help, {{QStringLiteral("state"), QStringLiteral("cancelled")}});
    m_discarded = &metrics.counter(name, help, {{QStringLiteral("state"), QStringLiteral("discarded")}});
    m_thread.reset(QThread::create([this] { run(); }));
    m_thread->setObjectName(QStringLiteral("job-pruner"));
    m_thread->start(QThread::LowPriority);
}

JobPruner::~JobPruner()
{
    m_signal.requestStop();
    m_thread->wait();
}

void JobPruner::run()
{
    const std::unique_ptr<Database> db = connectUntilStopped(m_url, m_signal, "the job pruner");
    while (db && !m_signal.stopping()) {
        const bool more = round(*db);
        ++m_rounds;
        m_signal.waitForWork(more ? m_pause : m_options.interval);
    }
}

bool JobPruner::round(Database &db)
{
    int batches = 0;
    const auto pace = [this, &db, &batches](std::chrono::nanoseconds took) {
        if (db.dialect() == Dialect::Sqlite) {
            // The pages a batch dirtied are copied back from the WAL now, on the pruner's time (and in its pause's
            // measure), rather than by the autocheckpoint of whichever worker commits next. PASSIVE: never waits
            // for, nor blocks, a writer; busy is fine, the next batch tries again.
            QElapsedTimer checkpoint;
            checkpoint.start();
            (void)db.query(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"));
            took += std::chrono::nanoseconds(checkpoint.nsecsElapsed());
        }
        m_pause = std::min(std::chrono::duration_cast<std::chrono::milliseconds>(took * m_options.pauseFactor),
                           m_options.maxPause);
        if (++batches >= m_options.batchesPerRound)
            return false;
        m_signal.waitForWork(m_pause);
        return !m_signal.stopping();
    };
    const auto pruned = pruneJobs(db, m_options.retention, nowUtc(), m_options.batchSize, pace);
    if (!pruned.ok()) {
        qCWarning(lcJobs).noquote() << "pruning finished jobs failed:" << pruned.error().message;
        return false;
    }
    m_completed->add(quint64(pruned->completed));
    m_cancelled->add(quint64(pruned->cancelled));
    m_discarded->add(quint64(pruned->discarded));
    if (const qint64 total = pruned->completed + pruned->cancelled + pruned->discarded; total > 0)
        qCInfo(lcJobs).noquote() << "deleted" << total << "finished jobs past their retention";
    return pruned->cutShort;
}

} // namespace twinops
