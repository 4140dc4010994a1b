#pragma once

#include "checks/checklistrunner.h"
#include "storage/databaseurl.h"

#include <atomic>
#include <mutex>
#include <thread>

namespace twinops {

// Checklist runs started over the HTTP API: a run takes seconds to minutes (smoke tests, a metrics window), so it
// runs on a thread of its own with its own database connection while the caller polls the stored run. One run at
// a time per process; a second is a Conflict naming the first.
class BackgroundChecks
{
public:
    explicit BackgroundChecks(DatabaseUrl database)
        : m_database(std::move(database))
    { }
    // Stops the running checklist after its current item (the rest are skipped, the run cancelled) and waits.
    ~BackgroundChecks();
    BackgroundChecks(const BackgroundChecks &) = delete;
    BackgroundChecks &operator=(const BackgroundChecks &) = delete;

    // Stores the run through `db` (every item pending) and returns it; its items run in the background.
    Result<ChecklistRun> start(Database &db, const Checklist &checklist, const TargetEnvironment &target,
                               const QString &startedBy);
    // Asks the run `runId` to stop as the destructor does (its current check is interrupted where it waits, the rest
    // skipped, the run stored as cancelled). False when that run is not running here.
    bool cancel(const QString &runId);

private:
    const DatabaseUrl m_database;
    std::mutex m_mutex;
    std::thread m_thread;
    QString m_runningId; // guarded by m_mutex; empty when idle
    std::atomic<bool> m_stopping{false};
    std::atomic<bool> m_cancelled{false}; // the running run's, reset by start()
};

} // namespace twinops
