#pragma once

#include "core/result.h"
#include "storage/batchdelete.h"
#include "storage/database.h"

#include <QDateTime>

#include <chrono>

namespace twinops {

// How long finished jobs are kept, like River's cleaner and Oban's pruner: a finished job (and its log lines,
// which cascade) is deleted once it has been finished for longer than its state's period; 0 keeps them all.
// Jobs that are still to run or running are never touched.
struct JobRetention
{
    std::chrono::hours completed{24};
    std::chrono::hours cancelled{24 * 7};
    std::chrono::hours discarded{24 * 7};

    // TWINOPS_JOB_RETENTION_{COMPLETED,CANCELLED,DISCARDED}_HOURS, else the defaults above.
    static Result<JobRetention> fromEnvironment();
};

struct PrunedJobs
{
    qint64 completed = 0;
    qint64 cancelled = 0;
    qint64 discarded = 0;
    bool skipped = false; // another instance holds the pruner's lock
    bool cutShort = false; // afterBatch stopped it: jobs past their retention may be left
};

// The PostgreSQL advisory lock that lets one instance at a time prune (SQLite has a single writer anyway).
inline constexpr qint64 kJobPrunerLock = 0x7477696e6f707301; // "twinops" + 1

// Deletes the jobs past their retention in batches of batchSize, unless another instance is pruning already; after
// each full batch afterBatch may pause, or stop the whole call (JobPruner paces itself with it).
Result<PrunedJobs> pruneJobs(Database &db, const JobRetention &retention, const QDateTime &now, int batchSize = 1000,
                             const AfterBatch &afterBatch = {});

} // namespace twinops
