#pragma once

#include "auth/authservice.h"
#include "auth/concurrencylimiter.h"
#include "auth/principal.h"
#include "checks/backgroundchecks.h"
#include "core/result.h"
#include "http/clientaddress.h"
#include "http/httpmessage.h"
#include "http/router.h"
#include "knowledge/chatprovider.h"
#include "knowledge/chatsettings.h"
#include "metrics/counter.h"
#include "storage/database.h"
#include "storage/databaseurl.h"

#include <QDateTime>
#include <QHash>
#include <QJsonDocument>
#include <QMutex>
#include <QReadWriteLock>
#include <QThread>

#include <memory>

namespace twinops {

class Counter;
class Histogram;
class WebhookNotifier;
class WorkerHeartbeats;
class MetricsRegistry;

struct ApiSettings
{
    qint64 maxBodyBytes = 10 * 1024 * 1024;
    QString instance; // names this process in /health and metrics
    int requestTimeoutSeconds = 30; // a request must arrive completely within this time
    int idleTimeoutSeconds = 60; // an idle keep-alive connection is closed after this
    // The work pool (Lane::Work: password hashing, uploads, scans): threads, and requests that may wait for one.
    // Beyond both, 503 with Retry-After.
    int workThreads = std::max(2, QThread::idealThreadCount());
    int workQueue = 16;
    ChatSettings chat; // the chat provider and the limits of answers in the making
    AuthLimits authLimits; // the login, sign-up and share-link budgets
    // This process's job workers, for /health (ServiceCore's); null when the API runs without a core.
    const WorkerHeartbeats *workerHeartbeats = nullptr;
    // Sends the test notifications of the admin route (ServiceCore's); null when the API runs without a core.
    WebhookNotifier *alertNotifier = nullptr;

    // The evaluator's damping, written into the Prometheus export as keep_firing_for (ServiceCore's).
    std::chrono::milliseconds alertKeepFiring{std::chrono::seconds(60)};
};

// Per-route request metrics, created on first use and then found under a read lock. Keyed by the parts
// themselves, not a string made of them, so that a request allocates nothing here.
class HttpMetrics
{
public:
    explicit HttpMetrics(MetricsRegistry &registry);
    void record(const QString &route, const QByteArray &method, int status, qint64 nanoseconds);
    // A request that failed because the database could not be reached or was busy (the runbook's "no database
    // connection errors" threshold reads this counter).
    void recordDatabaseError() { m_databaseErrors.inc(); }

private:
    struct Key
    {
        QString route;
        QByteArray method;
        int status;
        bool operator==(const Key &other) const = default;
        friend size_t qHash(const Key &key, size_t seed) { return qHashMulti(seed, key.route, key.method, key.status); }
    };
    struct Series
    {
        Histogram *latency; // per route and method, shared by the statuses
        Counter *requests;
    };
    MetricsRegistry &m_registry;
    Counter &m_databaseErrors;
    QReadWriteLock m_lock;
    QHash<Key, Series> m_series;
};

// Everything the HTTP threads share. Immutable after construction except the thread-safe metrics, limiters and
// trusted proxies.
class ApiShared
{
public:
    ApiShared(DatabaseUrl url, QByteArray jwtSecret, PasswordHasher::Cost passwordCost, MetricsRegistry &registry,
              ApiSettings apiSettings);

    const DatabaseUrl databaseUrl;
    AuthConfig auth; // its limits change at run time (ServiceCore::setAuthLimits); the rest is set once
    MetricsRegistry &metrics;
    HttpMetrics httpMetrics;
    const ApiSettings settings;
    const QDateTime startedAt;
    Router router;
    QByteArray openApiJson; // compact, serialized once: the document is ~80 KB
    // The configured chat provider, one for every HTTP thread (it keeps the provider's connections warm); null
    // for the built-in grounded provider.
    std::shared_ptr<ChatProvider> chatProvider = makeChatProvider(settings.chat);
    ConcurrencyLimiter tenantChats{settings.chat.maxStreamsPerTenant}; // answers being generated, per tenant
    ConcurrencyLimiter shareLinkChats{settings.chat.maxStreamsPerShareLink}; // … and per share link
    // Last, so that it is destroyed first: a running checklist stops before what it uses goes away.
    BackgroundChecks checks{databaseUrl};

    // The proxies whose forwarding headers are believed; replaced whole, from any thread, while requests are served
    // (every request reads the list current when it arrived).
    void setTrustedProxies(TrustedProxies proxies);
    TrustedProxies trustedProxies() const;
    // A request's client address (TrustedProxies::clientAddress with the current list).
    QString clientAddress(const QHostAddress &peer, const HttpHeaders &headers) const
    {
        return trustedProxies().clientAddress(peer, headers);
    }

private:
    mutable QMutex m_trustedProxiesLock;
    TrustedProxies m_trustedProxies;
};

// One per HTTP thread: the thread's own database connection and the shared state.
class ApiContext
{
public:
    explicit ApiContext(ApiShared &shared)
        : m_shared(shared)
    { }

    HttpResponse handle(const HttpRequest &request) { return m_shared.router.dispatch(request, *this); }
    HttpResponse handleAs(const HttpRequest &request, const Principal &principal)
    {
        return m_shared.router.dispatchAs(request, *this, principal);
    }

    ApiShared &shared() { return m_shared; }
    // Opens the connection on first use (and again after an open failed), so a database that is down when the
    // thread starts is retried on the next request instead of taking the endpoint down.
    Status ensureDatabase();
    Database &db() { return *m_database; }
    AuthService auth() { return AuthService(*m_database, m_shared.auth); }

    Result<Principal> authenticate(const HttpRequest &request);
    void recordRequest(const QString &route, const QByteArray &method, int status, qint64 nanoseconds)
    {
        m_shared.httpMetrics.record(route.isEmpty() ? QStringLiteral("unmatched") : route, method, status, nanoseconds);
    }

private:
    ApiShared &m_shared;
    std::unique_ptr<Database> m_database;
};

} // namespace twinops
