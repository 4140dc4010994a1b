// GET /health, GET /metrics, GET /api/v1/openapi.json: no credentials.
#include "http/apicontext.h"
#include "http/routes.h"
#include "metrics/metricsregistry.h"

#include <QElapsedTimer>

namespace twinops {

void registerOperationsRoutes(Router &router)
{
    router.add({"GET", QStringLiteral("/health"), Access::publicRoute(), false}, [](RequestContext &c) -> Result<HttpResponse> {
        ApiShared &shared = c.api.shared();
        QJsonObject database{{QStringLiteral("ok"), false}};
        QJsonObject jobs{{QStringLiteral("ok"), false}};
        QElapsedTimer timer;
        timer.start();
        bool healthy = c.api.ensureDatabase().ok() && c.api.db().ping().ok();
        if (healthy) {
            database = {{QStringLiteral("ok"), true}, {QStringLiteral("latency_ms"), double(timer.nsecsElapsed()) / 1e6}};
            auto counts = c.api.db().query(
                QStringLiteral("SELECT (SELECT count(*) FROM jobs WHERE state IN ('available', 'retryable') AND run_at <= $1), "
                               "(SELECT count(*) FROM jobs WHERE state = 'running'), "
                               "(SELECT min(run_at) FROM jobs WHERE state IN ('available', 'retryable') AND run_at <= $1)"),
                {QDateTime::currentDateTimeUtc()});
            if (counts.ok()) {
                const Row row = counts->first();
                const QDateTime oldest = row.time(2);
                jobs = {{QStringLiteral("ok"), true},
                        {QStringLiteral("available"), row.integer(0)},
                        {QStringLiteral("running"), row.integer(1)},
                        {QStringLiteral("oldest_available_age_s"),
                         oldest.isValid() ? double(oldest.msecsTo(QDateTime::currentDateTimeUtc())) / 1000.0 : 0.0}};
            } else {
                healthy = false;
            }
        }
        const QJsonObject body{{QStringLiteral("status"), healthy ? QStringLiteral("ok") : QStringLiteral("degraded")},
                               {QStringLiteral("version"), QStringLiteral(TWINOPS_VERSION)},
                               {QStringLiteral("instance"), shared.settings.instance},
                               {QStringLiteral("uptime_s"), shared.startedAt.secsTo(QDateTime::currentDateTimeUtc())},
                               {QStringLiteral("checks"), QJsonObject{{QStringLiteral("database"), database},
                                                                      {QStringLiteral("jobs"), jobs}}}};
        return HttpResponse::json(healthy ? 200 : 503, body);
    });

    router.add({"GET", QStringLiteral("/metrics"), Access::publicRoute(), false}, [](RequestContext &c) -> Result<HttpResponse> {
        return HttpResponse::text(200, c.api.shared().metrics.prometheusText(),
                                  QByteArray(MetricsRegistry::kPrometheusContentType));
    });

    router.add({"GET", QStringLiteral("/api/v1/openapi.json"), Access::publicRoute(), false},
               [](RequestContext &c) -> Result<HttpResponse> {
                   if (c.api.shared().openApi.isNull())
                       return Error::internal(QStringLiteral("the OpenAPI description is missing from the build"));
                   return HttpResponse::json(200, c.api.shared().openApi);
               });
}

} // namespace twinops
