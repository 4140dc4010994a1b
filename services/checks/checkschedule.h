#pragma once

#include "checks/checklistrunner.h"
#include "jobs/poolsignal.h"
#include "storage/databaseurl.h"

#include <QDateTime>
#include <QUrl>

#include <atomic>
#include <chrono>
#include <memory>

class QThread;

namespace twinops {

// Who a scheduled run is started by (checklist_runs.started_by): how the scheduler, the alert kind and the console
// tell scheduled runs from manual ones.
inline constexpr char kScheduledRunStarter[] = "schedule";
inline constexpr int kMaxCheckScheduleMinutes = 7 * 24 * 60; // migration 0010's CHECK

// The checklist schedule of one environment (docs/checks.md, "Scheduled runs"), stored in the database so that
// every instance on it shares one. intervalMinutes 0 is off, the default.
struct CheckSchedule
{
    int intervalMinutes = 0;
    QString checklistId = QStringLiteral("staging");
    QString updatedBy; // empty while never set
    QDateTime updatedAt;

    bool enabled() const { return intervalMinutes > 0; }
};

class CheckScheduleRepository
{
public:
    explicit CheckScheduleRepository(Database &db)
        : m_db(db)
    { }

    // The stored schedule, or the default (off) when none was ever set.
    Result<CheckSchedule> get();
    Status set(const CheckSchedule &schedule);
    // The newest scheduled run (any status, without its items); nullopt when there is none.
    Result<std::optional<ChecklistRun>> lastScheduledRun();

private:
    Database &m_db;
};

// The items a scheduled run runs: the automated ones except the smoke tests, which sign up throwaway tenants that
// the API cannot delete (every N minutes they would pile up; docs/checks.md).
Checklist scheduledChecklist(const Checklist &checklist);

struct CheckSchedulerOptions
{
    // What one minute of CheckSchedule::intervalMinutes lasts. For tests only: TWINOPS_CHECK_SCHEDULE_UNIT_MS.
    std::chrono::milliseconds minute{std::chrono::minutes(1)};

    static Result<CheckSchedulerOptions> fromEnvironment();
};

// Runs the scheduled checklist when it is due, on a thread of its own with its own connection (never an HTTP or GUI
// thread), against this server's HTTP API (`baseUrl`) and database, stored like a manual run with started_by
// "schedule". It reads the schedule every quarter minute, so a change through the API applies within that. A run
// is due when the newest scheduled run started an interval ago or more; on PostgreSQL the due check and the run's
// creation happen under an advisory lock, so that one instance of the environment starts each run. Destroying it
// stops a running checklist after its current item (stored as cancelled).
class CheckScheduler final
{
public:
    CheckScheduler(DatabaseUrl url, QUrl baseUrl, CheckSchedulerOptions options);
    ~CheckScheduler();
    Q_DISABLE_COPY_MOVE(CheckScheduler)

    // Scheduled runs this instance finished: lets tests wait instead of sleeping.
    int runs() const { return m_runs; }

private:
    void run();
    void tick(Database &db);
    // The due run, stored with every item pending; nullopt when none is due (or another instance started it).
    Result<std::optional<ChecklistRun>> startDueRun(Database &db, const TargetEnvironment &target);

    const DatabaseUrl m_url;
    const QUrl m_baseUrl;
    const CheckSchedulerOptions m_options;
    std::atomic<int> m_runs{0};
    PoolSignal m_signal; // only its stop and its interruptible wait
    std::unique_ptr<QThread> m_thread;
};

} // namespace twinops
