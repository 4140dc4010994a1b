#include "http/apicontext.h"

#include "core/logging.h"
#include "http/routes.h"
#include "metrics/metricfamilies.h"
#include "metrics/metricsregistry.h"

namespace twinops {

HttpMetrics::HttpMetrics(MetricsRegistry &registry)
    : m_registry(registry)
    , m_databaseErrors(registry.counter(metricfamily::databaseErrors(),
                                        QStringLiteral("Requests that failed because the database was unavailable")))
{ }

void HttpMetrics::record(const QString &route, const QByteArray &method, int status, qint64 nanoseconds)
{
    const Key key{route, method, status};
    Series series{};
    bool found = false;
    {
        QReadLocker locker(&m_lock);
        if (const auto it = m_series.constFind(key); it != m_series.constEnd()) {
            series = *it;
            found = true;
        }
    }
    if (!found) {
        QWriteLocker locker(&m_lock);
        const MetricsRegistry::Labels labels{{QStringLiteral("method"), QString::fromLatin1(method)},
                                             {QStringLiteral("route"), route}};
        series.latency = &m_registry.histogram(metricfamily::httpRequestDuration(),
                                               QStringLiteral("HTTP request latency by route"), labels);
        MetricsRegistry::Labels withStatus = labels;
        withStatus.append({QStringLiteral("status"), QString::number(status)});
        series.requests = &m_registry.counter(metricfamily::httpRequests(),
                                              QStringLiteral("HTTP requests by route and status"), withStatus);
        m_series.insert(key, series);
    }
    series.latency->observe(double(nanoseconds) / 1e9);
    series.requests->inc();
}

ApiShared::ApiShared(DatabaseUrl url, QByteArray jwtSecret, PasswordHasher::Cost passwordCost,
                     MetricsRegistry &registry, ApiSettings apiSettings)
    : databaseUrl(std::move(url))
    , auth(std::move(jwtSecret), passwordCost, apiSettings.authLimits)
    , metrics(registry)
    , httpMetrics(registry)
    , settings(std::move(apiSettings))
    , startedAt(QDateTime::currentDateTimeUtc())
{
    registerRoutes(router);
    if (const QJsonDocument document = openApiDocument(router); !document.isNull())
        openApiJson = document.toJson(QJsonDocument::Compact);
}

void ApiShared::setTrustedProxies(TrustedProxies proxies)
{
    const QMutexLocker locker(&m_trustedProxiesLock);
    if (!proxies.isEmpty() || !m_trustedProxies.isEmpty())
        qCInfo(lcHttp).noquote() << "trusted proxies:"
                                 << (proxies.isEmpty() ? QStringLiteral("none")
                                                       : proxies.cidrs().join(QStringLiteral(", ")));
    m_trustedProxies = std::move(proxies);
}

TrustedProxies ApiShared::trustedProxies() const
{
    const QMutexLocker locker(&m_trustedProxiesLock);
    return m_trustedProxies;
}

Status ApiContext::ensureDatabase()
{
    if (m_database)
        return {};
    auto opened = Database::open(m_shared.databaseUrl);
    if (!opened.ok())
        return Error::unavailable(QStringLiteral("the database is unavailable"));
    m_database = std::move(opened).value();
    return {};
}

Result<Principal> ApiContext::authenticate(const HttpRequest &request)
{
    TWINOPS_TRY(ensureDatabase());
    return auth().authenticate(request.header("authorization"));
}

} // namespace twinops
