// Jobs: the tenant's own (/api/v1/jobs…) and every tenant's for the platform admin (/api/v1/admin/jobs…).
#include "http/apicontext.h"
#include "http/jsonio.h"
#include "http/resources.h"
#include "http/routes.h"
#include "jobs/errorsignature.h"
#include "jobs/jobqueue.h"

namespace twinops {

namespace {

constexpr int kMaxBulk = 10'000; // one bulk call changes at most this many jobs
constexpr int kMaxIds = PageRequest::kMaxLimit; // ids= names at most one page of jobs

Result<JobFilter> filterFrom(const HttpRequest &request, const QString &tenantId)
{
    JobFilter filter;
    filter.tenantId = tenantId;
    if (const QString state = request.queryValue(QStringLiteral("state")); !state.isEmpty()) {
        filter.state = jobStateFromString(state);
        if (!filter.state)
            return Error::badRequest(QStringLiteral("unknown state \"%1\"").arg(state.left(40)));
    }
    filter.type = request.queryValue(QStringLiteral("type"));
    if (const QString twin = request.queryValue(QStringLiteral("twin_id")); !twin.isEmpty()) {
        TWINOPS_TRY_ASSIGN(filter.twinId, uuidParam(twin));
    }
    filter.text = request.queryValue(QStringLiteral("q"));
    // The jobs of one error group (GET /api/v1/admin/jobs/error-groups lists the signatures).
    filter.errorSignature = request.queryValue(QStringLiteral("error_signature"));
    return filter;
}

// GET /api/v1/admin/jobs?ids=<uuid>,<uuid>,…: the console re-reads the rows it shows, whatever the filter says now.
Status idsFrom(const HttpRequest &request, JobFilter &filter)
{
    const QString ids = request.queryValue(QStringLiteral("ids"));
    if (ids.isEmpty())
        return {};
    const QStringList parts = ids.split(QLatin1Char(','));
    if (parts.size() > kMaxIds)
        return Error::badRequest(QStringLiteral("ids names more than %1 jobs").arg(kMaxIds));
    for (const QString &part : parts) {
        TWINOPS_TRY_ASSIGN(const auto id, uuidParam(part.trimmed()));
        filter.ids << id;
    }
    return {};
}

// A job is visible to an API key with a twin allow-list only if it belongs to one of those twins.
bool visible(const Principal &principal, const Job &job)
{
    return job.twinId.isEmpty() ? !principal.twinAllowList : principal.canSeeTwin(job.twinId);
}

Result<Job> visibleJob(RequestContext &c)
{
    TWINOPS_TRY_ASSIGN(const auto id, uuidParam(c.param(QStringLiteral("id"))));
    TWINOPS_TRY_ASSIGN(auto job, JobQueue(c.api.db()).get(c.principal.tenantId, id));
    if (!visible(c.principal, job))
        return Error::notFound(QStringLiteral("job not found"));
    return job;
}

QString actor(const Principal &principal)
{
    return principal.kind == Principal::Kind::User ? QStringLiteral("user ") + principal.userId
                                                   : QStringLiteral("key ") + principal.apiKeyId;
}

// The admin list also takes ids= and order=newest|oldest (the console's sort by creation; oldest first by default).
Result<HttpResponse> listJobs(RequestContext &c, const QString &tenantId, bool admin = false)
{
    TWINOPS_TRY_ASSIGN(auto page, pageRequest(c.request));
    TWINOPS_TRY_ASSIGN(auto filter, filterFrom(c.request, tenantId));
    if (admin) {
        TWINOPS_TRY(idsFrom(c.request, filter));
        const QString order = c.request.queryValue(QStringLiteral("order"));
        if (!order.isEmpty() && order != QLatin1String("newest") && order != QLatin1String("oldest"))
            return Error::badRequest(QStringLiteral("order must be newest or oldest"));
        page.newestFirst = order == QLatin1String("newest");
    }
    TWINOPS_TRY_ASSIGN(auto jobs, JobQueue(c.api.db()).list(filter, page));
    // Allow-listed keys see their twins' jobs only (a page may come back shorter than the limit).
    jobs.items.removeIf([&](const Job &job) { return !tenantId.isEmpty() && !visible(c.principal, job); });
    return HttpResponse::json(200, pageJson(jobs, jobJson));
}

QJsonObject logsJson(const QList<JobLogLine> &lines)
{
    QJsonArray items;
    for (const JobLogLine &line : lines)
        items.append(QJsonObject{{QStringLiteral("id"), line.id},
                                 {QStringLiteral("attempt"), line.attempt},
                                 {QStringLiteral("level"), line.level},
                                 {QStringLiteral("message"), line.message},
                                 {QStringLiteral("created_at"), isoTime(line.createdAt)}});
    return {{QStringLiteral("items"), items}};
}

// POST /api/v1/admin/jobs/{retry,cancel,discard}: {"job_ids": [...]} or {"filter": {state, type, tenant_id, twin_id,
// q}}. All or nothing: every job must allow the action (409 otherwise).
enum class BulkAction { Retry, Cancel, Discard };

Result<HttpResponse> bulk(RequestContext &c, BulkAction action)
{
    TWINOPS_TRY_ASSIGN(const auto body, jsonBody(c.request));
    JsonFields fields(body);
    auto ids = fields.optionalStringList(QStringLiteral("job_ids"), kMaxBulk);
    auto filterObject = fields.optionalObject(QStringLiteral("filter"));
    if (fields.status().ok() && !ids == !filterObject)
        fields.problem(QStringLiteral("job_ids"), QStringLiteral("give either job_ids or filter"));
    TWINOPS_TRY(fields.status());
    JobQueue queue(c.api.db());
    QStringList targets;
    if (ids) {
        for (const QString &id : *ids) {
            TWINOPS_TRY_ASSIGN(const auto valid, uuidParam(id));
            targets << valid;
        }
    } else {
        HttpRequest asQuery;
        for (auto it = filterObject->constBegin(); it != filterObject->constEnd(); ++it)
            asQuery.query.addQueryItem(it.key(), it.value().toString());
        TWINOPS_TRY_ASSIGN(const auto filter, filterFrom(asQuery, asQuery.queryValue(QStringLiteral("tenant_id"))));
        if (!filter.tenantId.isEmpty())
            TWINOPS_TRY(uuidParam(filter.tenantId));
        TWINOPS_TRY_ASSIGN(targets, queue.ids(filter, kMaxBulk));
    }
    const QString by = QStringLiteral("platform admin");
    TWINOPS_TRY_ASSIGN(const auto changed,
                       action == BulkAction::Retry        ? queue.retryMany({}, targets, by)
                           : action == BulkAction::Cancel ? queue.cancelMany({}, targets, by)
                                                          : queue.discardMany({}, targets, by));
    const QString name = action == BulkAction::Retry ? QStringLiteral("retry")
        : action == BulkAction::Cancel               ? QStringLiteral("cancel")
                                                     : QStringLiteral("discard");
    audit(c, QStringLiteral("jobs.") + name, QStringLiteral("job"), QString(),
          {{QStringLiteral("count"), int(changed.size())}});
    JsonObjectWriter result;
    result.insert("changed", int(changed.size()));
    if (ids) { // the caller shows these jobs and updates them in place; a bulk by filter reloads instead
        QList<JsonObjectWriter> jobs;
        for (const Job &job : changed)
            jobs.append(jobJson(job));
        result.insert("jobs", jobs);
    }
    return HttpResponse::json(200, result);
}

constexpr int kDefaultErrorGroups = 100;
constexpr int kMaxErrorGroups = 1000;

// GET /api/v1/admin/jobs/error-groups?state=&type=&tenant_id=&since=&limit=
Result<HttpResponse> errorGroups(RequestContext &c)
{
    const QString tenant = c.request.queryValue(QStringLiteral("tenant_id"));
    if (!tenant.isEmpty())
        TWINOPS_TRY(uuidParam(tenant));
    TWINOPS_TRY_ASSIGN(auto filter, filterFrom(c.request, tenant));
    if (!filter.text.isEmpty())
        return Error::badRequest(QStringLiteral("error groups take no q filter"));
    if (const QString since = c.request.queryValue(QStringLiteral("since")); !since.isEmpty()) {
        filter.updatedSince = QDateTime::fromString(since, Qt::ISODateWithMs).toUTC();
        if (!filter.updatedSince.isValid())
            return Error::badRequest(QStringLiteral("since must be an ISO 8601 time"));
    }
    int limit = kDefaultErrorGroups;
    if (const QString text = c.request.queryValue(QStringLiteral("limit")); !text.isEmpty()) {
        bool ok = false;
        limit = text.toInt(&ok);
        if (!ok || limit < 1 || limit > kMaxErrorGroups)
            return Error::badRequest(QStringLiteral("limit must be an integer from 1 to %1").arg(kMaxErrorGroups));
    }
    TWINOPS_TRY_ASSIGN(const auto groups, JobQueue(c.api.db()).errorGroups(filter, limit));
    QList<JsonObjectWriter> items;
    for (const ErrorGroup &group : groups) {
        QList<JsonObjectWriter> tenants;
        for (auto it = group.byTenant.constBegin(); it != group.byTenant.constEnd(); ++it) {
            JsonObjectWriter tenantCount;
            tenantCount.insert("count", it.value());
            tenantCount.insert("tenant_id", it.key().isEmpty() ? std::optional<QString>() : it.key());
            tenants.append(tenantCount);
        }
        QJsonObject states;
        for (auto it = group.byState.constBegin(); it != group.byState.constEnd(); ++it)
            states.insert(it.key(), it.value());
        JsonObjectWriter item;
        item.insert("count", group.count);
        item.insert("example_job_id", group.exampleJobId);
        item.insert("example_message", group.exampleMessage);
        item.insert("first_seen", isoTime(group.firstSeen));
        item.insert("last_seen", isoTime(group.lastSeen));
        item.insert("signature", group.signature);
        item.insert("states", states);
        item.insert("tenants", tenants);
        items.append(item);
    }
    return HttpResponse::json(200, JsonObjectWriter().insert("items", items));
}

// POST /api/v1/admin/jobs/error-groups/{retry,cancel,discard}: {"signature", "tenant_id"?, "type"?}. The action
// applies to the group's jobs in the states that allow it and leaves the others as they are (a group mixes
// retryable jobs, which can be cancelled or discarded, with discarded ones, which can be retried).
enum class GroupAction { Retry, Cancel, Discard };

Result<HttpResponse> errorGroupAction(RequestContext &c, GroupAction action)
{
    TWINOPS_TRY_ASSIGN(const auto body, jsonBody(c.request));
    JsonFields fields(body);
    const QString signature = fields.requiredString(QStringLiteral("signature"), 200);
    const auto tenant = fields.optionalString(QStringLiteral("tenant_id"), 36);
    const auto type = fields.optionalString(QStringLiteral("type"), 200);
    if (fields.status().ok() && errorSignature(signature) != signature)
        fields.problem(QStringLiteral("signature"),
                       QStringLiteral("is not an error signature (numbers, ids and quoted values stripped), as "
                                      "GET /api/v1/admin/jobs/error-groups lists them"));
    TWINOPS_TRY(fields.status());
    JobFilter filter;
    if (tenant) {
        TWINOPS_TRY_ASSIGN(filter.tenantId, uuidParam(*tenant));
    }
    filter.type = type.value_or(QString());
    filter.errorSignature = signature;
    JobQueue queue(c.api.db());
    TWINOPS_TRY_ASSIGN(const qint64 inGroup, queue.count(filter));
    if (inGroup == 0)
        return Error::notFound(QStringLiteral("no job has the error signature \"%1\"").arg(signature.left(80)));
    const QList<JobState> valid = action == GroupAction::Retry
        ? QList<JobState>{JobState::Discarded, JobState::Cancelled}
        : action == GroupAction::Cancel
        ? QList<JobState>{JobState::Scheduled, JobState::Available, JobState::Retryable, JobState::Running}
        : QList<JobState>{JobState::Scheduled, JobState::Available, JobState::Retryable};
    QStringList targets;
    for (JobState state : valid) {
        filter.state = state;
        TWINOPS_TRY_ASSIGN(const QStringList ofState, queue.ids(filter, kMaxBulk - int(targets.size())));
        targets << ofState;
    }
    const QString by = QStringLiteral("platform admin");
    TWINOPS_TRY_ASSIGN(const auto changed,
                       action == GroupAction::Retry        ? queue.retryMany({}, targets, by)
                           : action == GroupAction::Cancel ? queue.cancelMany({}, targets, by)
                                                           : queue.discardMany({}, targets, by));
    const QString name = action == GroupAction::Retry ? QStringLiteral("retry")
        : action == GroupAction::Cancel               ? QStringLiteral("cancel")
                                                      : QStringLiteral("discard");
    audit(c, QStringLiteral("jobs.error_group.") + name, QStringLiteral("job"), QString(),
          {{QStringLiteral("count"), int(changed.size())}, {QStringLiteral("signature"), signature}});
    JsonObjectWriter result;
    result.insert("changed", int(changed.size()));
    result.insert("in_group", inGroup);
    return HttpResponse::json(200, result);
}

} // namespace

void registerJobRoutes(Router &router)
{
    const Access read = Access::tenant(Role::Viewer, scopes::jobsRead);
    const Access write = Access::tenant(Role::Admin, scopes::jobsWrite);

    router.add(RouteSpec{"GET", QStringLiteral("/api/v1/jobs"), read}.on(Lane::Work),
               [](RequestContext &c) { return listJobs(c, c.principal.tenantId); });
    router.add({"GET", QStringLiteral("/api/v1/jobs/{id}"), read}, [](RequestContext &c) -> Result<HttpResponse> {
        TWINOPS_TRY_ASSIGN(const auto job, visibleJob(c));
        return HttpResponse::json(200, jobJson(job));
    });
    router.add({"GET", QStringLiteral("/api/v1/jobs/{id}/logs"), read}, [](RequestContext &c) -> Result<HttpResponse> {
        TWINOPS_TRY_ASSIGN(const auto job, visibleJob(c));
        TWINOPS_TRY_ASSIGN(const auto lines, JobQueue(c.api.db()).logs(c.principal.tenantId, job.id));
        return HttpResponse::json(200, logsJson(lines));
    });
    router.add({"POST", QStringLiteral("/api/v1/jobs/{id}/retry"), write},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto job, visibleJob(c));
                   TWINOPS_TRY_ASSIGN(const auto retried,
                                      JobQueue(c.api.db()).retry(c.principal.tenantId, job.id, actor(c.principal)));
                   return HttpResponse::json(200, jobJson(retried));
               });
    router.add({"POST", QStringLiteral("/api/v1/jobs/{id}/cancel"), write},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto job, visibleJob(c));
                   TWINOPS_TRY_ASSIGN(const auto cancelled,
                                      JobQueue(c.api.db()).cancel(c.principal.tenantId, job.id, actor(c.principal)));
                   return HttpResponse::json(200, jobJson(cancelled));
               });

    const Access admin = Access::platformAdmin();
    router.add(RouteSpec{"GET", QStringLiteral("/api/v1/admin/jobs"), admin}.on(Lane::Work),
               [](RequestContext &c) -> Result<HttpResponse> {
                   const QString tenant = c.request.queryValue(QStringLiteral("tenant_id"));
                   if (!tenant.isEmpty())
                       TWINOPS_TRY(uuidParam(tenant));
                   return listJobs(c, tenant, true);
               });
    // What the console shows above the list and before a bulk action, without paging through the jobs: how the jobs
    // matching the filter split across states, and how many match it. The breakdown leaves the state filter out (with
    // it, every state but one would read 0), so a filter on "discarded" still shows where the rest of its jobs are;
    // `matching` honours every filter, the state included, and comes from the same single count.
    router.add(RouteSpec{"GET", QStringLiteral("/api/v1/admin/jobs/stats"), admin}.on(Lane::Work),
               [](RequestContext &c) -> Result<HttpResponse> {
                   const QString tenant = c.request.queryValue(QStringLiteral("tenant_id"));
                   if (!tenant.isEmpty())
                       TWINOPS_TRY(uuidParam(tenant));
                   TWINOPS_TRY_ASSIGN(const auto filter, filterFrom(c.request, tenant));
                   JobFilter anyState = filter;
                   anyState.state.reset();
                   TWINOPS_TRY_ASSIGN(const auto byState, JobQueue(c.api.db()).countByState(anyState));
                   QJsonObject counts;
                   qint64 matching = 0;
                   for (JobState state :
                        {JobState::Scheduled, JobState::Available, JobState::Running, JobState::Retryable,
                         JobState::Completed, JobState::Discarded, JobState::Cancelled}) {
                       const qint64 count = byState.value(jobStateName(state));
                       counts.insert(jobStateName(state), count);
                       if (!filter.state || *filter.state == state)
                           matching += count;
                   }
                   return HttpResponse::json(
                       200, QJsonObject{{QStringLiteral("counts"), counts}, {QStringLiteral("matching"), matching}});
               });
    router.add(RouteSpec{"GET", QStringLiteral("/api/v1/admin/jobs/error-groups"), admin}.on(Lane::Work), errorGroups);
    router.add(RouteSpec{"POST", QStringLiteral("/api/v1/admin/jobs/error-groups/retry"), admin}.on(Lane::Work),
               [](RequestContext &c) { return errorGroupAction(c, GroupAction::Retry); });
    router.add(RouteSpec{"POST", QStringLiteral("/api/v1/admin/jobs/error-groups/cancel"), admin}.on(Lane::Work),
               [](RequestContext &c) { return errorGroupAction(c, GroupAction::Cancel); });
    router.add(RouteSpec{"POST", QStringLiteral("/api/v1/admin/jobs/error-groups/discard"), admin}.on(Lane::Work),
               [](RequestContext &c) { return errorGroupAction(c, GroupAction::Discard); });
    router.add({"GET", QStringLiteral("/api/v1/admin/jobs/{id}/logs"), admin},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto id, uuidParam(c.param(QStringLiteral("id"))));
                   TWINOPS_TRY_ASSIGN(const auto lines, JobQueue(c.api.db()).logs({}, id));
                   return HttpResponse::json(200, logsJson(lines));
               });
    router.add(RouteSpec{"POST", QStringLiteral("/api/v1/admin/jobs/retry"), admin}.on(Lane::Work),
               [](RequestContext &c) { return bulk(c, BulkAction::Retry); });
    router.add(RouteSpec{"POST", QStringLiteral("/api/v1/admin/jobs/cancel"), admin}.on(Lane::Work),
               [](RequestContext &c) { return bulk(c, BulkAction::Cancel); });
    router.add(RouteSpec{"POST", QStringLiteral("/api/v1/admin/jobs/discard"), admin}.on(Lane::Work),
               [](RequestContext &c) { return bulk(c, BulkAction::Discard); });
}

} // namespace twinops
