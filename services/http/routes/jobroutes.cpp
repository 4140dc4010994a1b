// Jobs: the tenant's own (/api/v1/jobs…) and every tenant's for the platform admin (/api/v1/admin/jobs…).
#include "http/apicontext.h"
#include "http/jsonio.h"
#include "http/resources.h"
#include "http/routes.h"
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

Result<HttpResponse> listJobs(RequestContext &c, const QString &tenantId, bool byIds = false)
{
    TWINOPS_TRY_ASSIGN(const auto page, pageRequest(c.request));
    TWINOPS_TRY_ASSIGN(auto filter, filterFrom(c.request, tenantId));
    if (byIds)
        TWINOPS_TRY(idsFrom(c.request, filter));
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

// POST /api/v1/admin/jobs/{retry,cancel}: {"job_ids": [...]} or {"filter": {state, type, tenant_id, twin_id, q}}.
Result<HttpResponse> bulk(RequestContext &c, bool retry)
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
    TWINOPS_TRY_ASSIGN(const auto changed,
                       retry ? queue.retryMany({}, targets, QStringLiteral("platform admin"))
                             : queue.cancelMany({}, targets, QStringLiteral("platform admin")));
    audit(c, retry ? QStringLiteral("jobs.retry") : QStringLiteral("jobs.cancel"), QStringLiteral("job"), QString(),
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
    router.add({"GET", QStringLiteral("/api/v1/admin/jobs/{id}/logs"), admin},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto id, uuidParam(c.param(QStringLiteral("id"))));
                   TWINOPS_TRY_ASSIGN(const auto lines, JobQueue(c.api.db()).logs({}, id));
                   return HttpResponse::json(200, logsJson(lines));
               });
    router.add(RouteSpec{"POST", QStringLiteral("/api/v1/admin/jobs/retry"), admin}.on(Lane::Work),
               [](RequestContext &c) { return bulk(c, true); });
    router.add(RouteSpec{"POST", QStringLiteral("/api/v1/admin/jobs/cancel"), admin}.on(Lane::Work),
               [](RequestContext &c) { return bulk(c, false); });
}

} // namespace twinops
