#pragma once

#include "checks/checklist.h"
#include "checks/checkregistry.h"
#include "storage/database.h"
#include "storage/paging.h"

#include <functional>

namespace twinops {

// Stored checklist runs (checklist_runs / checklist_results). Platform-wide, not tenant data.
class ChecklistRunRepository
{
public:
    explicit ChecklistRunRepository(Database &db)
        : m_db(db)
    { }

    // Stores a new run with every item pending.
    Status create(const ChecklistRun &run);
    Status saveResult(const QString &runId, const ChecklistItemResult &item);
    Status finish(const ChecklistRun &run);
    Result<ChecklistRun> get(const QString &runId);
    // Newest first, without their items.
    Result<QList<ChecklistRun>> recent(int limit);
    // The newest finished runs (passed, warning or failed; not running or cancelled) of one checklist, newest first,
    // each with its items' status and message only (the trend and the checklist_item_failed alert). `startedBy`
    // empty: every run.
    Result<QList<ChecklistRun>> finishedRuns(const QString &checklistId, int limit, const QString &startedBy = {});
    // A person ticks a manual item: pass, fail or skipped, with a note. The run's status follows (a failed manual
    // item fails the run). NotFound for an unknown run or item, Conflict for an automated item.
    Result<ChecklistRun> tickManual(const QString &runId, const QString &itemId, CheckStatus status,
                                    const QString &note, const QString &checkedBy);

private:
    Database &m_db;
};

// A run of the checklist with every item pending, not stored yet.
ChecklistRun newRun(const Checklist &checklist, const TargetEnvironment &target, const QString &startedBy);

// Runs the automated items of `run` one after another against the target (manual items stay pending), saving each
// result when a repository is given (the run must be stored already). `progress` is called after every item (index
// into run.items). When `stopRequested` says so between items, the rest are skipped and the run is cancelled.
void executeRun(ChecklistRun &run, const TargetEnvironment &target, ChecklistRunRepository *repository = nullptr,
                const std::function<void(const ChecklistRun &, int)> &progress = {},
                const std::function<bool()> &stopRequested = {});

// newRun, stored when a repository is given, then executeRun.
ChecklistRun runChecklist(const Checklist &checklist, const TargetEnvironment &target, const QString &startedBy,
                          ChecklistRunRepository *repository = nullptr,
                          const std::function<void(const ChecklistRun &, int)> &progress = {});

} // namespace twinops
