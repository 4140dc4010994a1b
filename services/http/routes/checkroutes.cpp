// Platform admin: the runbook's checklists, their runs and the manual ticks (services/checks; docs/checks.md).
#include "checks/checklist.h"
#include "checks/checklistrunner.h"
#include "checks/checkschedule.h"
#include "core/ids.h"
#include "core/jsonio.h"
#include "http/apicontext.h"
#include "http/jsonio.h"
#include "http/routes.h"

#include <QJsonArray>

#include <algorithm>

namespace twinops {

namespace {

constexpr int kRecentRuns = 20;
constexpr int kMaxWindowSeconds = 300;
constexpr int kMaxTrendRuns = 100;

// A run without its items: what lists show.
QJsonObject runSummaryJson(const ChecklistRun &run)
{
    QJsonObject json = run.toJson();
    json.remove(QStringLiteral("results"));
    json.remove(QStringLiteral("summary")); // counted from the items, which a summary row does not load
    return json;
}

QString actor(const RequestContext &c)
{
    return QStringLiteral("api-key %1").arg(c.principal.apiKeyId);
}

QJsonObject scheduleJson(const CheckSchedule &schedule, const std::optional<ChecklistRun> &lastRun)
{
    return {
        {QStringLiteral("interval_minutes"), schedule.intervalMinutes},
        {QStringLiteral("checklist"), schedule.checklistId},
        {QStringLiteral("updated_by"), schedule.updatedBy.isEmpty() ? QJsonValue() : QJsonValue(schedule.updatedBy)},
        {QStringLiteral("updated_at"),
         schedule.updatedAt.isValid() ? QJsonValue(isoTime(schedule.updatedAt)) : QJsonValue()},
        {QStringLiteral("last_run"), lastRun ? QJsonValue(runSummaryJson(*lastRun)) : QJsonValue()}};
}

Result<HttpResponse> scheduleResponse(Database &db)
{
    CheckScheduleRepository schedules(db);
    TWINOPS_TRY_ASSIGN(const auto schedule, schedules.get());
    TWINOPS_TRY_ASSIGN(const auto lastRun, schedules.lastScheduledRun());
    return HttpResponse::json(200, scheduleJson(schedule, lastRun));
}

// ?limit=N (1..100, default 20), ?checklist= (default staging), ?scheduled=true for the scheduled runs only.
Result<HttpResponse> trendResponse(RequestContext &c)
{
    int limit = kRecentRuns;
    if (const QString text = c.request.queryValue(QStringLiteral("limit")); !text.isEmpty()) {
        bool ok = false;
        limit = text.toInt(&ok);
        if (!ok || limit < 1 || limit > kMaxTrendRuns)
            return Error::badRequest(QStringLiteral("limit must be an integer from 1 to %1").arg(kMaxTrendRuns));
    }
    const QString scheduled = c.request.queryValue(QStringLiteral("scheduled"));
    if (!scheduled.isEmpty() && scheduled != QLatin1String("true") && scheduled != QLatin1String("false"))
        return Error::badRequest(QStringLiteral("scheduled must be true or false"));
    QString checklistId = c.request.queryValue(QStringLiteral("checklist"));
    if (checklistId.isEmpty())
        checklistId = QStringLiteral("staging");
    auto checklist = builtInChecklist(checklistId);
    if (!checklist.ok())
        return Error::badRequest(checklist.error().message);
    TWINOPS_TRY_ASSIGN(
        QList<ChecklistRun> runs,
        ChecklistRunRepository(c.api.db())
            .finishedRuns(checklistId, limit,
                          scheduled == QLatin1String("true") ? QString::fromLatin1(kScheduledRunStarter) : QString()));
    std::reverse(runs.begin(), runs.end()); // oldest first: the newest is the rightmost cell
    QJsonArray runsJson;
    for (const ChecklistRun &run : std::as_const(runs))
        runsJson.append(QJsonObject{{QStringLiteral("id"), run.id},
                                    {QStringLiteral("started_by"), run.startedBy},
                                    {QStringLiteral("started_at"), isoTime(run.startedAt)},
                                    {QStringLiteral("status"), run.status}});
    // One row per automated item of the checklist; a run that did not run an item (a scheduled run skips the smoke
    // tests) has null in its cell.
    QJsonArray items;
    for (const ChecklistItem &item : std::as_const(checklist->items)) {
        if (item.manual())
            continue;
        QJsonArray results;
        for (const ChecklistRun &run : std::as_const(runs)) {
            const auto found = std::find_if(run.items.cbegin(), run.items.cend(),
                                            [&item](const ChecklistItemResult &r) { return r.item.id == item.id; });
            results.append(
                found == run.items.cend()
                    ? QJsonValue()
                    : QJsonValue(QJsonObject{{QStringLiteral("status"), checkStatusName(found->result.status)},
                                             {QStringLiteral("message"), found->result.message}}));
        }
        items.append(QJsonObject{{QStringLiteral("id"), item.id},
                                 {QStringLiteral("title"), item.title},
                                 {QStringLiteral("section"), item.sectionTitle},
                                 {QStringLiteral("check"), item.checkId},
                                 {QStringLiteral("results"), results}});
    }
    return HttpResponse::json(200,
                              QJsonObject{{QStringLiteral("checklist"), checklistId},
                                          {QStringLiteral("runs"), runsJson},
                                          {QStringLiteral("items"), items}});
}

} // namespace

void registerCheckRoutes(Router &router)
{
    const Access admin = Access::platformAdmin();

    router.add({"GET", QStringLiteral("/api/v1/admin/checks"), admin}, [](RequestContext &c) -> Result<HttpResponse> {
        TWINOPS_TRY_ASSIGN(const auto checklists, builtInChecklists());
        TWINOPS_TRY_ASSIGN(const auto runs, ChecklistRunRepository(c.api.db()).recent(kRecentRuns));
        QJsonArray definitions;
        for (const Checklist &checklist : checklists)
            definitions.append(checklist.toJson());
        QJsonArray recent;
        for (const ChecklistRun &run : runs)
            recent.append(runSummaryJson(run));
        return HttpResponse::json(
            200, QJsonObject{{QStringLiteral("checklists"), definitions}, {QStringLiteral("runs"), recent}});
    });

    // Starts a run and answers at once (202) with the stored run, every item pending; GET …/runs/{id} follows it.
    // Without base_url the run checks this server (the address the request was sent to). Secrets (an admin key,
    // a PostgreSQL DSN) are not accepted over HTTP: the checks that need them run from `twinopsd check`.
    router.add(
        {"POST", QStringLiteral("/api/v1/admin/checks/run"), admin}, [](RequestContext &c) -> Result<HttpResponse> {
            TWINOPS_TRY_ASSIGN(const auto body, jsonBody(c.request));
            JsonFields fields(body);
            const QString checklistId
                = fields.optionalString(QStringLiteral("checklist"), 100).value_or(QStringLiteral("staging"));
            const std::optional<QString> baseUrl = fields.optionalString(QStringLiteral("base_url"), 2000);
            const int window = fields.optionalInt(QStringLiteral("window_seconds")).value_or(0);
            if (window < 0 || window > kMaxWindowSeconds)
                fields.problem(QStringLiteral("window_seconds"),
                               QStringLiteral("must be 0 to %1").arg(kMaxWindowSeconds));
            TargetEnvironment target;
            if (baseUrl) {
                target.baseUrl = QUrl(*baseUrl);
                if (!target.baseUrl.isValid() || !target.baseUrl.scheme().startsWith(QLatin1String("http"))
                    || target.baseUrl.host().isEmpty())
                    fields.problem(QStringLiteral("base_url"), QStringLiteral("must be an http(s) URL"));
            } else if (const QByteArray host = c.request.header("host"); !host.isEmpty()) {
                target.baseUrl = QUrl(QStringLiteral("http://") + QString::fromLatin1(host));
                target.localDatabase = c.api.shared().databaseUrl; // this server's own: migrations and lint read it
            } else {
                fields.problem(QStringLiteral("base_url"),
                               QStringLiteral("is required when the request names no Host"));
            }
            TWINOPS_TRY(fields.status());
            target.runnerDatabase = c.api.shared().databaseUrl; // smoke cleanup deletes its tenants here
            target.thresholds.windowSeconds = window;
            auto checklist = builtInChecklist(checklistId);
            if (!checklist.ok())
                return Error::validation(QStringLiteral("checklist"), checklist.error().message);
            TWINOPS_TRY_ASSIGN(const auto run, c.api.shared().checks.start(c.api.db(), *checklist, target, actor(c)));
            return HttpResponse::json(202, run.toJson());
        });

    router.add({"GET", QStringLiteral("/api/v1/admin/checks/runs/{id}"), admin},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto id, uuidParam(c.param(QStringLiteral("id"))));
                   TWINOPS_TRY_ASSIGN(const auto run, ChecklistRunRepository(c.api.db()).get(id));
                   const QString format = c.request.queryValue(QStringLiteral("format"));
                   if (format == QLatin1String("markdown"))
                       return HttpResponse::text(200, run.toMarkdown().toUtf8(),
                                                 QByteArrayLiteral("text/markdown; charset=utf-8"));
                   if (!format.isEmpty() && format != QLatin1String("json"))
                       return Error::badRequest(QStringLiteral("format must be json or markdown"));
                   return HttpResponse::json(200, run.toJson());
               });

    // Stops a run started over this API on this instance: its current check is interrupted, the rest are skipped and
    // the run is stored as cancelled shortly after (202 with the run as it is now). A scheduled run, another
    // instance's or one whose process died cannot be stopped from here (409, in words).
    router.add({"POST", QStringLiteral("/api/v1/admin/checks/runs/{id}/cancel"), admin},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto id, uuidParam(c.param(QStringLiteral("id"))));
                   TWINOPS_TRY_ASSIGN(const auto run, ChecklistRunRepository(c.api.db()).get(id));
                   if (run.status != QLatin1String("running"))
                       return Error::conflict(QStringLiteral("the run has already finished (%1)").arg(run.status));
                   if (!c.api.shared().checks.cancel(id))
                       return Error::conflict(
                           QStringLiteral("the run is not running on this instance (started by %1): only the "
                                          "instance that runs it can stop it")
                               .arg(run.startedBy));
                   audit(c, QStringLiteral("checklist.cancel"), QStringLiteral("checklist_run"), id);
                   return HttpResponse::json(202, run.toJson());
               });

    // The environment's schedule (docs/checks.md, "Scheduled runs"), shared by every instance on this database.
    router.add({"GET", QStringLiteral("/api/v1/admin/checks/schedule"), admin},
               [](RequestContext &c) { return scheduleResponse(c.api.db()); });

    router.add({"PUT", QStringLiteral("/api/v1/admin/checks/schedule"), admin},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto body, jsonBody(c.request));
                   JsonFields fields(body);
                   CheckSchedule schedule;
                   const QJsonValue given = body.value(QStringLiteral("interval_minutes"));
                   const std::optional<int> interval = fields.optionalInt(QStringLiteral("interval_minutes"));
                   if (interval ? *interval < 0 || *interval > kMaxCheckScheduleMinutes
                                : given.isUndefined() || given.isNull()) // else optionalInt named the problem
                       fields.problem(
                           QStringLiteral("interval_minutes"),
                           QStringLiteral("must be a whole number from 0 (off) to %1").arg(kMaxCheckScheduleMinutes));
                   schedule.intervalMinutes = interval.value_or(0);
                   schedule.checklistId
                       = fields.optionalString(QStringLiteral("checklist"), 100).value_or(QStringLiteral("staging"));
                   if (fields.status().ok() && !builtInChecklist(schedule.checklistId).ok())
                       fields.problem(QStringLiteral("checklist"), QStringLiteral("is not a built-in checklist"));
                   TWINOPS_TRY(fields.status());
                   schedule.updatedBy = actor(c);
                   schedule.updatedAt = nowUtc();
                   TWINOPS_TRY(CheckScheduleRepository(c.api.db()).set(schedule));
                   audit(c, QStringLiteral("checklist.schedule"), QStringLiteral("check_schedule"), QStringLiteral("1"),
                         QJsonObject{{QStringLiteral("interval_minutes"), schedule.intervalMinutes},
                                     {QStringLiteral("checklist"), schedule.checklistId}});
                   return scheduleResponse(c.api.db());
               });

    // Each automated item's status over the newest finished runs, oldest first.
    router.add({"GET", QStringLiteral("/api/v1/admin/checks/trend"), admin}, trendResponse);

    // A person ticks a manual item: pass, fail or skipped, with a note saying what they saw.
    router.add({"PATCH", QStringLiteral("/api/v1/admin/checks/runs/{id}/items/{item_id}"), admin},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto id, uuidParam(c.param(QStringLiteral("id"))));
                   TWINOPS_TRY_ASSIGN(const auto body, jsonBody(c.request));
                   JsonFields fields(body);
                   const QString statusName = fields.requiredString(QStringLiteral("status"), 20);
                   const QString note = fields.requiredString(QStringLiteral("note"), 2000);
                   const std::optional<CheckStatus> status = checkStatusFromString(statusName);
                   if (!statusName.isEmpty()
                       && (!status || *status == CheckStatus::Pending || *status == CheckStatus::Warn))
                       fields.problem(QStringLiteral("status"), QStringLiteral("must be pass, fail or skipped"));
                   TWINOPS_TRY(fields.status());
                   TWINOPS_TRY_ASSIGN(const auto run,
                                      ChecklistRunRepository(c.api.db())
                                          .tickManual(id, c.param(QStringLiteral("item_id")), *status, note, actor(c)));
                   audit(c, QStringLiteral("checklist.tick"), QStringLiteral("checklist_run"), id);
                   return HttpResponse::json(200, run.toJson());
               });
}

} // namespace twinops
