#include "checks/checklistrunner.h"

#include "core/ids.h"
#include "core/json.h"
#include "core/logging.h"

#include <QHash>

namespace twinops {

namespace {

ChecklistRun runFromRow(const Row &row)
{
    ChecklistRun run;
    run.id = row.text(0);
    run.checklistId = row.text(1);
    run.title = row.text(2);
    run.target = row.text(3);
    run.startedBy = row.text(4);
    run.status = row.text(5);
    run.startedAt = row.time(6);
    run.finishedAt = row.time(7);
    return run;
}

const QString kRunColumns
    = QStringLiteral("id, checklist_id, title, target, started_by, status, started_at, finished_at");

// A run that cannot be stored still runs: the caller gets the report and the storage error is logged.
bool stored(const ChecklistRun &run, const Status &status)
{
    if (!status.ok())
        qCWarning(lcChecks).noquote() << "checklist run" << run.id << "is not stored:" << status.error().message;
    return status.ok();
}

} // namespace

Status ChecklistRunRepository::create(const ChecklistRun &run)
{
    TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(m_db));
    TWINOPS_TRY(discardRows(m_db.query(
        QStringLiteral("INSERT INTO checklist_runs (%1, summary) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .arg(kRunColumns),
        {run.id, run.checklistId, run.title, run.target, run.startedBy, run.status, run.startedAt,
         run.finishedAt.isValid() ? QVariant(run.finishedAt) : QVariant(), compactJson(run.summary())})));
    int ordinal = 0;
    for (const ChecklistItemResult &item : run.items) {
        TWINOPS_TRY(discardRows(m_db.query(
            QStringLiteral(
                "INSERT INTO checklist_results (id, run_id, item_id, ordinal, section, title, kind, check_id, "
                "status, message, evidence) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"),
            {newId(), run.id, item.item.id, ordinal++, item.item.sectionTitle, item.item.title,
             item.item.manual() ? QStringLiteral("manual") : QStringLiteral("automated"),
             item.item.manual() ? QVariant() : QVariant(item.item.checkId), checkStatusName(item.result.status),
             item.result.message, compactJson(item.result.evidence)})));
    }
    return tx.commit();
}

Status ChecklistRunRepository::saveResult(const QString &runId, const ChecklistItemResult &item)
{
    TWINOPS_TRY_ASSIGN(
        const auto rows,
        m_db.query(
            QStringLiteral("UPDATE checklist_results SET status = $3, message = $4, evidence = $5, duration_ms = $6, "
                           "note = $7, checked_by = $8, checked_at = $9 WHERE run_id = $1 AND item_id = $2"),
            {runId, item.item.id, checkStatusName(item.result.status), item.result.message,
             compactJson(item.result.evidence), item.result.durationMs, item.note,
             item.checkedBy.isEmpty() ? QVariant() : QVariant(item.checkedBy),
             item.checkedAt.isValid() ? QVariant(item.checkedAt) : QVariant()}));
    if (rows.rowsAffected() != 1)
        return Error::notFound(QStringLiteral("no item %1 in run %2").arg(item.item.id, runId));
    return {};
}

Status ChecklistRunRepository::finish(const ChecklistRun &run)
{
    return discardRows(m_db.query(
        QStringLiteral("UPDATE checklist_runs SET status = $2, summary = $3, finished_at = $4 WHERE id = $1"),
        {run.id, run.status, compactJson(run.summary()), run.finishedAt}));
}

Result<ChecklistRun> ChecklistRunRepository::get(const QString &runId)
{
    TWINOPS_TRY_ASSIGN(
        const auto runs,
        m_db.query(QStringLiteral("SELECT %1 FROM checklist_runs WHERE id = $1").arg(kRunColumns), {runId}));
    if (runs.isEmpty())
        return Error::notFound(QStringLiteral("checklist run not found"));
    ChecklistRun run = runFromRow(runs.first());
    TWINOPS_TRY_ASSIGN(
        const auto results,
        m_db.query(QStringLiteral(
                       "SELECT item_id, section, title, kind, check_id, status, message, evidence, duration_ms, note, "
                       "checked_by, checked_at FROM checklist_results WHERE run_id = $1 ORDER BY ordinal"),
                   {runId}));
    for (const Row row : results) {
        ChecklistItemResult item;
        // The section id is not stored; the title identifies the section within one run.
        item.item = {row.text(0), row.text(1), row.text(1), row.text(2),
                     row.text(3) == QLatin1String("automated") ? row.text(4) : QString()};
        item.result.status = checkStatusFromString(row.text(5)).value_or(CheckStatus::Pending);
        item.result.message = row.text(6);
        item.result.evidence = row.jsonObject(7);
        item.result.durationMs = row.integer(8);
        item.note = row.text(9);
        item.checkedBy = row.text(10);
        item.checkedAt = row.time(11);
        run.items.append(item);
    }
    return run;
}

Result<QList<ChecklistRun>> ChecklistRunRepository::recent(int limit)
{
    TWINOPS_TRY_ASSIGN(
        const auto rows,
        m_db.query(
            QStringLiteral("SELECT %1 FROM checklist_runs ORDER BY started_at DESC, id DESC LIMIT $1").arg(kRunColumns),
            {limit}));
    QList<ChecklistRun> runs;
    for (const Row row : rows)
        runs.append(runFromRow(row));
    return runs;
}

Result<QList<ChecklistRun>> ChecklistRunRepository::finishedRuns(const QString &checklistId, int limit,
                                                                 const QString &startedBy)
{
    const QString runs
        = QStringLiteral("SELECT %1 FROM checklist_runs WHERE checklist_id = $1 AND status IN ('passed', "
                         "'warning', 'failed') AND ($2 = '' OR started_by = $2) "
                         "ORDER BY started_at DESC, id DESC LIMIT $3")
              .arg(kRunColumns);
    TWINOPS_TRY_ASSIGN(const auto rows, m_db.query(runs, {checklistId, startedBy, limit}));
    QList<ChecklistRun> found;
    QHash<QString, qsizetype> index;
    for (const Row row : rows) {
        index.insert(row.text(0), found.size());
        found.append(runFromRow(row));
    }
    if (found.isEmpty())
        return found;
    // One query for the items of every run found: the same selection again, joined.
    TWINOPS_TRY_ASSIGN(const auto results,
                       m_db.query(QStringLiteral("SELECT r.run_id, r.item_id, r.section, r.title, r.kind, r.check_id, "
                                                 "r.status, r.message FROM checklist_results r JOIN (%1) runs ON "
                                                 "runs.id = r.run_id ORDER BY r.run_id, r.ordinal")
                                      .arg(runs),
                                  {checklistId, startedBy, limit}));
    for (const Row row : results) {
        ChecklistItemResult item;
        item.item = {row.text(1), row.text(2), row.text(2), row.text(3),
                     row.text(4) == QLatin1String("automated") ? row.text(5) : QString()};
        item.result.status = checkStatusFromString(row.text(6)).value_or(CheckStatus::Pending);
        item.result.message = row.text(7);
        found[index.value(row.text(0))].items.append(item);
    }
    return found;
}

Result<ChecklistRun> ChecklistRunRepository::tickManual(const QString &runId, const QString &itemId, CheckStatus status,
                                                        const QString &note, const QString &checkedBy)
{
    if (status != CheckStatus::Pass && status != CheckStatus::Fail && status != CheckStatus::Skipped)
        return Error::badRequest(QStringLiteral("a manual item is ticked pass, fail or skipped"));
    TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(m_db));
    TWINOPS_TRY_ASSIGN(auto run, get(runId));
    auto it = std::find_if(run.items.begin(), run.items.end(),
                           [&itemId](const ChecklistItemResult &item) { return item.item.id == itemId; });
    if (it == run.items.end())
        return Error::notFound(QStringLiteral("no item %1 in this run").arg(itemId));
    if (!it->item.manual())
        return Error::conflict(QStringLiteral("%1 is an automated item: run the checklist again").arg(itemId));
    it->result.status = status;
    it->result.message = note;
    it->note = note;
    it->checkedBy = checkedBy;
    it->checkedAt = nowUtc();
    TWINOPS_TRY(saveResult(runId, *it));
    if (run.status != QLatin1String("running") && run.status != QLatin1String("cancelled")) {
        run.status = run.computedStatus();
        TWINOPS_TRY(finish(run));
    }
    TWINOPS_TRY(tx.commit());
    return run;
}

ChecklistRun newRun(const Checklist &checklist, const TargetEnvironment &target, const QString &startedBy)
{
    ChecklistRun run;
    run.id = newId();
    run.checklistId = checklist.id;
    run.title = checklist.title;
    run.target = target.baseUrl.toString(QUrl::RemoveUserInfo);
    run.startedBy = startedBy;
    run.startedAt = nowUtc();
    for (const ChecklistItem &item : checklist.items)
        run.items.append({item, {}, {}, {}, {}});
    return run;
}

void executeRun(ChecklistRun &run, const TargetEnvironment &target, ChecklistRunRepository *repository,
                const std::function<void(const ChecklistRun &, int)> &progress,
                const std::function<bool()> &stopRequested)
{
    bool storing = repository != nullptr;
    bool stopped = false;
    CheckContext context(target, stopRequested);
    const CheckRegistry &registry = CheckRegistry::builtIn();
    for (int i = 0; i < run.items.size(); ++i) {
        ChecklistItemResult &item = run.items[i];
        if (item.item.manual())
            continue;
        stopped = stopped || (stopRequested && stopRequested());
        item.result = stopped ? CheckResult::skipped(QStringLiteral("not run: the run was stopped"))
                              : registry.run(item.item.checkId, context);
        if (storing)
            storing = stored(run, repository->saveResult(run.id, item));
        if (progress)
            progress(run, i);
    }
    run.status = stopped ? QStringLiteral("cancelled") : run.computedStatus();
    run.finishedAt = nowUtc();
    if (storing)
        stored(run, repository->finish(run));
}

ChecklistRun runChecklist(const Checklist &checklist, const TargetEnvironment &target, const QString &startedBy,
                          ChecklistRunRepository *repository,
                          const std::function<void(const ChecklistRun &, int)> &progress)
{
    ChecklistRun run = newRun(checklist, target, startedBy);
    const bool storing = repository && stored(run, repository->create(run));
    executeRun(run, target, storing ? repository : nullptr, progress);
    return run;
}

} // namespace twinops
