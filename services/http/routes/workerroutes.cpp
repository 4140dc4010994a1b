// The queue's machinery for the jobs triage: job types (paused or not, their jobs by state) and the worker pools of
// every instance with their workers' heartbeats. Platform admins only.
#include "core/ids.h"
#include "http/apicontext.h"
#include "http/jsonio.h"
#include "http/routes.h"
#include "jobs/job.h"
#include "jobs/jobtyperepository.h"
#include "jobs/workerregistry.h"

namespace twinops {

namespace {

JsonObjectWriter typeJson(const JobTypeStatus &status)
{
    QJsonObject counts;
    for (JobState state : kJobStates)
        counts.insert(jobStateName(state), status.byState.value(jobStateName(state)));
    const auto optional = [](const QString &text) { return text.isEmpty() ? std::optional<QString>() : text; };
    JsonObjectWriter json;
    json.insert("type", status.type);
    json.insert("counts", counts);
    json.insert("paused", status.paused);
    json.insert("paused_by", optional(status.pausedBy));
    json.insert("paused_at", optional(isoTime(status.pausedAt)));
    json.insert("reason", optional(status.reason));
    json.insert("platform", status.platform);
    return json;
}

// POST /api/v1/admin/jobs/types/{type}/pause {"reason"?} and …/resume: idempotent, audited when they change it.
Result<HttpResponse> setPaused(RequestContext &c, bool pause)
{
    const QString type = c.param(QStringLiteral("type"));
    JobTypeRepository types(c.api.db());
    TWINOPS_TRY_ASSIGN(const auto before, types.get(type));
    QString reason;
    if (pause && !c.request.body.isEmpty()) {
        TWINOPS_TRY_ASSIGN(const auto body, jsonBody(c.request));
        JsonFields fields(body);
        reason = fields.optionalString(QStringLiteral("reason"), JobTypeRepository::kMaxReasonLength)
                     .value_or(QString())
                     .trimmed();
        TWINOPS_TRY(fields.status());
    }
    TWINOPS_TRY_ASSIGN(const auto after, pause ? types.pause(type, c.principal.actorId(), reason) : types.resume(type));
    if (before.paused != after.paused) {
        QJsonObject details;
        if (!reason.isEmpty())
            details.insert(QStringLiteral("reason"), reason);
        audit(c, pause ? QStringLiteral("jobs.type.pause") : QStringLiteral("jobs.type.resume"),
              QStringLiteral("job_type"), type, details);
    }
    return HttpResponse::json(200, typeJson(after));
}

JsonObjectWriter instanceJson(const WorkerInstance &instance, const QDateTime &now)
{
    QList<JsonObjectWriter> workers;
    for (const WorkerRecord &worker : instance.workers) {
        JsonObjectWriter json;
        json.insert("worker", worker.worker);
        json.insert("beat_at", isoTime(worker.beatAt));
        json.insert("job_id", worker.jobId.isEmpty() ? std::optional<QString>() : worker.jobId);
        json.insert("job_type", worker.jobType.isEmpty() ? std::optional<QString>() : worker.jobType);
        json.insert("job_started_at",
                    worker.jobStartedAt.isValid() ? std::optional<QString>(isoTime(worker.jobStartedAt))
                                                  : std::nullopt);
        json.insert("jobs_in_hand", worker.jobsInHand);
        json.insert("stuck", instance.stuck(worker, now));
        workers.append(json);
    }
    JsonObjectWriter json;
    json.insert("id", instance.id);
    json.insert("name", instance.name);
    json.insert("host", instance.host);
    json.insert("pid", instance.pid);
    json.insert("version", instance.version);
    json.insert("job_type", instance.jobType.isEmpty() ? std::optional<QString>() : instance.jobType);
    json.insert("lease_ms", qint64(instance.lease.count()));
    json.insert("started_at", isoTime(instance.startedAt));
    json.insert("heartbeat_at", isoTime(instance.heartbeatAt));
    json.insert("stopped_at",
                instance.stoppedAt.isValid() ? std::optional<QString>(isoTime(instance.stoppedAt)) : std::nullopt);
    json.insert("stale", instance.stale(now));
    json.insert("workers", workers);
    return json;
}

} // namespace

void registerWorkerRoutes(Router &router)
{
    const Access admin = Access::platformAdmin();
    router.add(RouteSpec{"GET", QStringLiteral("/api/v1/admin/jobs/types"), admin}.on(Lane::Work),
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto types, JobTypeRepository(c.api.db()).list());
                   QList<JsonObjectWriter> items;
                   for (const JobTypeStatus &status : types)
                       items.append(typeJson(status));
                   return HttpResponse::json(200, JsonObjectWriter().insert("items", items));
               });
    router.add({"POST", QStringLiteral("/api/v1/admin/jobs/types/{type}/pause"), admin},
               [](RequestContext &c) { return setPaused(c, true); });
    router.add({"POST", QStringLiteral("/api/v1/admin/jobs/types/{type}/resume"), admin},
               [](RequestContext &c) { return setPaused(c, false); });
    router.add({"GET", QStringLiteral("/api/v1/admin/workers"), admin}, [](RequestContext &c) -> Result<HttpResponse> {
        const QDateTime now = nowUtc();
        TWINOPS_TRY_ASSIGN(const auto instances, WorkerRegistry(c.api.db()).list(now));
        QList<JsonObjectWriter> items;
        for (const WorkerInstance &instance : instances)
            items.append(instanceJson(instance, now));
        return HttpResponse::json(200, JsonObjectWriter().insert("items", items).insert("now", isoTime(now)));
    });
}

} // namespace twinops
