// GET /health, GET /metrics, GET /api/v1/openapi.json: no credentials.
#include "http/apicontext.h"
#include "http/routes.h"
#include "jobs/jobqueue.h"
#include "jobs/workerheartbeats.h"
#include "metrics/metricfamilies.h"
#include "metrics/metricsregistry.h"
#include "metrics/processmetrics.h"

#include <QElapsedTimer>

namespace twinops {

namespace {

// The stall watchdog: jobs are waiting but nothing has claimed one for a minute (no worker running in any
// process, or every worker wedged). It reads the database, so it sees every process's workers.
QJsonObject queueHealth(const QueueStats &stats)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const double oldestAge = stats.oldestAvailableAgeSeconds(now);
    const bool stalled = stats.stalled(now);
    QJsonObject jobs{{QStringLiteral("ok"), !stalled},
                     {QStringLiteral("available"), stats.available},
                     {QStringLiteral("running"), stats.running},
                     {QStringLiteral("oldest_available_age_s"), oldestAge},
                     {QStringLiteral("stalled"), stalled}};
    if (stalled)
        jobs.insert(
            QStringLiteral("message"),
            QStringLiteral("%1 jobs are waiting and none was claimed for over %2 s: no job worker is running, or the "
                           "workers are wedged")
                .arg(stats.available)
                .arg(QueueStats::kStallSeconds));
    return jobs;
}

// This process's own job workers: each must have come round its loop within its lease (WorkerHeartbeats).
QJsonObject workersHealth(const WorkerHeartbeats *heartbeats)
{
    const WorkerHeartbeats::Summary summary = heartbeats ? heartbeats->summary() : WorkerHeartbeats::Summary{};
    const bool ok = summary.responsive == summary.workers;
    QJsonObject workers{{QStringLiteral("ok"), ok},
                        {QStringLiteral("count"), summary.workers},
                        {QStringLiteral("responsive"), summary.responsive}};
    if (!ok)
        workers.insert(QStringLiteral("message"),
                       QStringLiteral("%1 of this instance's %2 job workers did not come back within their lease: "
                                      "wedged in a job, or waiting for the database")
                           .arg(summary.workers - summary.responsive)
                           .arg(summary.workers));
    return workers;
}

} // namespace

void refreshQueueGauges(Database &db, MetricsRegistry &metrics)
{
    auto stats = JobQueue(db).stats();
    if (!stats.ok())
        return;
    for (const QString &state : {QStringLiteral("scheduled"), QStringLiteral("available"), QStringLiteral("running"),
                                 QStringLiteral("retryable"), QStringLiteral("completed"), QStringLiteral("discarded"),
                                 QStringLiteral("cancelled")})
        metrics
            .gauge(metricfamily::jobsByState(), QStringLiteral("Jobs in the queue by state"),
                   {{QStringLiteral("state"), state}})
            .set(double(stats->byState.value(state)));
    const QJsonObject health = queueHealth(*stats);
    metrics.gauge(metricfamily::jobQueueOldestAvailable(), QStringLiteral("Age of the oldest job waiting to run"))
        .set(health.value(QStringLiteral("oldest_available_age_s")).toDouble());
    metrics
        .gauge(QStringLiteral("twinops_job_queue_stalled"),
               QStringLiteral("1 when jobs have waited over 60 s and none was claimed meanwhile"))
        .set(health.value(QStringLiteral("stalled")).toBool() ? 1 : 0);
}

void registerOperationsRoutes(Router &router)
{
    router.add({"GET", QStringLiteral("/health"), Access::publicRoute(), false},
               [](RequestContext &c) -> Result<HttpResponse> {
                   // This instance's readiness decides the status code: its database connection and its own
                   // workers. The queue is every instance's: a stall shows here and in the metrics, but taking
                   // every instance out of the load balancer at once would not make a worker run.
                   ApiShared &shared = c.api.shared();
                   QJsonObject database{{QStringLiteral("ok"), false}};
                   QJsonObject jobs{{QStringLiteral("ok"), false}};
                   QElapsedTimer timer;
                   timer.start();
                   const bool databaseOk = c.api.ensureDatabase().ok() && c.api.db().ping().ok();
                   if (databaseOk) {
                       database = {{QStringLiteral("ok"), true},
                                   {QStringLiteral("latency_ms"), double(timer.nsecsElapsed()) / 1e6}};
                       if (auto stats = JobQueue(c.api.db()).stats(); stats.ok())
                           jobs = queueHealth(*stats);
                       // The schema in use, which a rolling upgrade moves ahead of some instances' version.
                       if (auto schema = c.api.db().query(
                               QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
                           schema.ok())
                           database.insert(QStringLiteral("schema_version"), schema->first().integer(0));
                   }
                   const QJsonObject workers = workersHealth(shared.settings.workerHeartbeats);
                   const bool ready = databaseOk && workers.value(QStringLiteral("ok")).toBool();
                   const QString status = !ready                   ? QStringLiteral("degraded")
                       : jobs.value(QStringLiteral("ok")).toBool() ? QStringLiteral("ok")
                                                                   : QStringLiteral("warn");
                   const QJsonObject body{
                       {QStringLiteral("status"), status},
                       {QStringLiteral("version"), QStringLiteral(TWINOPS_VERSION)},
                       {QStringLiteral("instance"), shared.settings.instance},
                       {QStringLiteral("uptime_s"), shared.startedAt.secsTo(QDateTime::currentDateTimeUtc())},
                       {QStringLiteral("checks"),
                        QJsonObject{{QStringLiteral("database"), database},
                                    {QStringLiteral("workers"), workers},
                                    {QStringLiteral("jobs"), jobs}}}};
                   return HttpResponse::json(ready ? 200 : 503, body);
               });

    router.add({"GET", QStringLiteral("/metrics"), Access::publicRoute(), false},
               [](RequestContext &c) -> Result<HttpResponse> {
                   // Queue gauges come from the database at scrape time, so they are right whichever process did the
                   // work.
                   MetricsRegistry &metrics = c.api.shared().metrics;
                   if (c.api.ensureDatabase().ok())
                       refreshQueueGauges(c.api.db(), metrics);
                   return HttpResponse::text(200, metrics.prometheusText() + processMetricsText(),
                                             QByteArray(MetricsRegistry::kPrometheusContentType));
               });

    router.add({"GET", QStringLiteral("/api/v1/openapi.json"), Access::publicRoute(), false},
               [](RequestContext &c) -> Result<HttpResponse> {
                   const QByteArray &document = c.api.shared().openApiJson;
                   if (document.isEmpty())
                       return Error::internal(QStringLiteral("the OpenAPI description is missing from the build"));
                   return HttpResponse::text(200, document, QByteArrayLiteral("application/json; charset=utf-8"));
               });
}

} // namespace twinops
