#include "servicecore.h"

#include "alerts/alertnotifications.h"
#include "alerts/alertrepository.h"
#include "auth/auththrottle.h"
#include "core/environment.h"
#include "core/ids.h"
#include "core/logging.h"
#include "graph/graphextractionhandler.h"
#include "http/apicontext.h"
#include "http/routes.h"
#include "jobs/jobpruner.h"
#include "jobs/probehandler.h"
#include "knowledge/sourceindexhandler.h"
#include "metrics/metricsregistry.h"
#include "metrics/metricsrollup.h"
#include "storage/batchdelete.h"
#include "storage/migrator.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QHostInfo>

namespace twinops {

namespace {

// Login and sign-up budgets whose time is over, deleted at every tick of the core's periodic thread (the rollup
// writer's), so that a spray of made-up emails does not grow auth_throttle for ever.
void pruneAuthThrottle(Database &connection)
{
    const auto removed = AuthThrottle::prune(connection, nowUtc());
    if (!removed.ok())
        qCWarning(lcCore).noquote() << "pruning auth_throttle failed:" << removed.error().message;
    else if (*removed > 0)
        qCInfo(lcCore).noquote() << "deleted" << *removed << "spent login and sign-up budgets";
}

// Share links are kept this long past their expiry, so that their owners still see why a link stopped working.
constexpr qint64 kExpiredShareLinkDays = 30;

void reportPruned(const QString &what, const Result<qint64> &removed)
{
    if (!removed.ok())
        qCWarning(lcCore).noquote() << "pruning" << what << "failed:" << removed.error().message;
    else if (*removed > 0)
        qCInfo(lcCore).noquote() << "deleted" << *removed << what;
}

// Credentials that can never be used again, deleted at every tick of the periodic thread like the throttle table:
// few rows arrive (one per sign-in or shared link), unlike jobs, which have a paced thread of their own (JobPruner).
void pruneExpiredCredentials(Database &connection)
{
    const QDateTime now = nowUtc();
    reportPruned(
        QStringLiteral("expired refresh tokens"),
        deleteInBatches(connection, QStringLiteral("refresh_tokens"), QStringLiteral("expires_at < $1"), {now}, 500));
    reportPruned(QStringLiteral("share links expired for 30 days"),
                 deleteInBatches(connection, QStringLiteral("share_links"), QStringLiteral("expires_at < $1"),
                                 {now.addDays(-kExpiredShareLinkDays)}, 500));
}

} // namespace

ServiceCore::ServiceCore(CoreOptions options)
    : m_options(std::move(options))
    , m_metrics(std::make_unique<MetricsRegistry>())
{ }

ServiceCore::~ServiceCore()
{
    // Stop serving and working before the shared state the threads use goes away; a scheduled run first, while
    // the API it calls still answers.
    m_checkScheduler.reset();
    m_endpoint.reset();
    m_api.reset();
    m_workers.reset();
    m_notificationWorkers.reset();
    m_jobPruner.reset();
    m_alerts.reset();
    m_rollups.reset(); // its last run keeps the final partial minute
}

namespace {

// SQLite has no NOTIFY: workers poll briskly. PostgreSQL workers are woken by NOTIFY and poll only as a fallback.
std::chrono::milliseconds workerPollInterval(Dialect dialect)
{
    return dialect == Dialect::Sqlite ? std::chrono::milliseconds(200) : std::chrono::milliseconds(1000);
}

} // namespace

void ServiceCore::startWorkers(int workers, std::chrono::milliseconds lease)
{
    m_workers.reset();
    WorkerPoolOptions options;
    options.workers = workers;
    options.lease = lease;
    options.rescueInterval = std::min(options.rescueInterval, lease / 2);
    options.owner = m_options.instance;
    options.heartbeats = &m_heartbeats;
    options.pollInterval = workerPollInterval(m_options.database.dialect());
    m_workers = std::make_unique<WorkerPool>(m_options.database, m_handlers, *m_metrics, options);
    m_workers->start();
}

Result<std::unique_ptr<ServiceCore>> ServiceCore::start(CoreOptions options)
{
    if (options.instance.isEmpty())
        options.instance = QHostInfo::localHostName() + u':' + QString::number(QCoreApplication::applicationPid());
    std::unique_ptr<ServiceCore> core(new ServiceCore(std::move(options)));
    const CoreOptions &o = core->m_options;
    TWINOPS_TRY_ASSIGN(core->m_database, Database::open(o.database));
    // What runs where, for dashboards to join on: constant, so a gauge of 1 whose labels carry the facts. The
    // label is instance_name, not instance, which Prometheus sets to the scraped address.
    core->m_metrics
        ->gauge(QStringLiteral("twinops_build_info"),
                QStringLiteral("The version, Qt version, database backend and instance name of this process; always 1"),
                {{QStringLiteral("version"), QStringLiteral(TWINOPS_VERSION)},
                 {QStringLiteral("qt"), QString::fromLatin1(qVersion())},
                 {QStringLiteral("backend"),
                  o.database.dialect() == Dialect::Postgres ? QStringLiteral("postgres") : QStringLiteral("sqlite")},
                 {QStringLiteral("instance_name"), o.instance}})
        .set(1);
    core->m_handlers.add(std::make_shared<SourceIndexHandler>());
    core->m_handlers.add(std::make_shared<GraphExtractionHandler>());
    core->m_handlers.add(std::make_shared<ProbeHandler>());
    if (const QString problem = o.alertWebhooks.problem(); !problem.isEmpty())
        return Error::badRequest(problem);
    core->m_alertNotifier = std::make_unique<WebhookNotifier>(o.alertWebhooks);
    core->m_handlers.add(core->m_alertNotifier->handler());
    if (o.migrate) {
        TWINOPS_TRY_ASSIGN(const auto shipped, Migrator::embedded(core->m_database->dialect()));
        TWINOPS_TRY(Migrator(*core->m_database, shipped).migrate());
        TWINOPS_TRY_ASSIGN(const int seeded, AlertRepository(*core->m_database).seedShippedRules(nowUtc()));
        if (seeded > 0)
            qCInfo(lcCore).noquote() << "added" << seeded << "shipped alert rules";
    }
    if (o.metricsRollupInterval.count() > 0) {
        MetricsRegistry &metrics = *core->m_metrics;
        core->m_rollups = std::make_unique<MetricsRollupWriter>(
            o.database, metrics, o.instance, o.metricsRollupInterval,
            [&metrics](Database &connection) {
                refreshQueueGauges(connection, metrics);
                pruneAuthThrottle(connection);
                pruneExpiredCredentials(connection);
            },
            o.metricsRetention);
        JobPrunerOptions pruning;
        pruning.retention = o.jobRetention;
        pruning.interval = o.metricsRollupInterval;
        core->m_jobPruner = std::make_unique<JobPruner>(o.database, metrics, pruning);
    }
    if (!o.alertWebhooks.receivers.isEmpty()) {
        // Notifications have a worker of their own, whatever --workers says: a queue stalled because no worker runs
        // is exactly what must still be told (its claims are not the queue's, QueueStats::lastStarted).
        WorkerPoolOptions notifying;
        notifying.workers = 1;
        notifying.batchSize = 10;
        notifying.owner = o.instance + QStringLiteral("/notifications");
        notifying.platformJobType = jobtypes::webhookNotification;
        notifying.pollInterval = workerPollInterval(o.database.dialect());
        core->m_notificationWorkers
            = std::make_unique<WorkerPool>(o.database, core->m_handlers, *core->m_metrics, notifying);
        core->m_notificationWorkers->start();
    }
    if (o.alerts.interval.count() > 0) {
        AlertEvaluatorOptions alerts = o.alerts;
        alerts.historyRetention = o.metricsRetention;
        core->m_alerts = std::make_unique<AlertEvaluator>(o.database, alerts, notifyingSink(*core->m_alertNotifier));
    }
    qCInfo(lcCore).noquote() << "service core started on" << core->m_database->description();
    return core;
}

Status ServiceCore::serveHttp(const EndpointOptions &options, const QByteArray &jwtSecret,
                              std::optional<ChatSettings> chat)
{
    m_checkScheduler.reset();
    m_endpoint.reset();
    ApiSettings settings;
    settings.instance = m_options.instance;
    settings.workerHeartbeats = &m_heartbeats;
    settings.alertNotifier = m_alertNotifier.get();

    settings.alertKeepFiring = m_options.alerts.keepFiring;
    if (!chat) {
        TWINOPS_TRY_ASSIGN(chat, ChatSettings::fromEnvironment());
    }
    settings.chat = std::move(*chat);
    TWINOPS_TRY_ASSIGN(settings.authLimits, AuthLimits::fromEnvironment());
    qCInfo(lcCore).noquote() << "chat provider:" << settings.chat.description();
    m_api = std::make_unique<ApiShared>(m_options.database, jwtSecret, m_options.passwordCost, *m_metrics, settings);
    auto endpoint = std::make_unique<HttpEndpoint>(*m_api, options);
    TWINOPS_TRY(endpoint->start());
    m_endpoint = std::move(endpoint);
    m_alertNotifier->setExternalUrl(m_endpoint->baseUrl());
    return {};
}

Status ServiceCore::startCheckScheduler()
{
    if (!m_endpoint)
        return Error::badRequest(QStringLiteral("scheduled checklist runs need the HTTP API they check"));
    // An endpoint listening on every address is reached on loopback.
    QUrl self(m_endpoint->baseUrl());
    const QHostAddress host(self.host());
    if (host == QHostAddress::AnyIPv4)
        self.setHost(QStringLiteral("127.0.0.1"));
    else if (host == QHostAddress::AnyIPv6)
        self.setHost(QStringLiteral("::1"));
    m_checkScheduler.reset();
    m_checkScheduler = std::make_unique<CheckScheduler>(m_options.database, self, m_options.checkSchedule);
    return {};
}

void ServiceCore::setAuthLimits(const AuthLimits &limits)
{
    if (m_api)
        m_api->auth.limits.set(limits);
}

void ServiceCore::setTrustedProxies(TrustedProxies proxies)
{
    if (m_api)
        m_api->setTrustedProxies(std::move(proxies));
}

namespace {

Result<PasswordHasher::Cost> passwordCostFromEnvironment()
{
    const QString name = environmentValue("TWINOPS_PASSWORD_COST");
    if (name.isEmpty())
        return PasswordHasher::Cost::Interactive;
    auto cost = PasswordHasher::costFromName(name);
    if (!cost)
        return Error::badRequest(QStringLiteral("TWINOPS_PASSWORD_COST must be minimal, interactive or moderate"));
    return *cost;
}

Result<std::chrono::hours> metricsRetentionFromEnvironment()
{
    TWINOPS_TRY_ASSIGN(const auto days,
                       integerFromEnvironment("TWINOPS_METRICS_RETENTION_DAYS",
                                              int(kDefaultMetricsRetention.count() / 24), 0, 36'500,
                                              QStringLiteral("0 (keep forever)")));
    return std::chrono::hours(24 * days);
}

} // namespace

Result<CoreOptions> CoreOptions::fromEnvironment(DatabaseUrl url)
{
    CoreOptions options{std::move(url)};
    TWINOPS_TRY_ASSIGN(options.passwordCost, passwordCostFromEnvironment());
    TWINOPS_TRY_ASSIGN(options.metricsRetention, metricsRetentionFromEnvironment());
    TWINOPS_TRY_ASSIGN(options.jobRetention, JobRetention::fromEnvironment());
    TWINOPS_TRY_ASSIGN(options.alerts, AlertEvaluatorOptions::fromEnvironment());
    TWINOPS_TRY_ASSIGN(options.checkSchedule, CheckSchedulerOptions::fromEnvironment());
    return options;
}

} // namespace twinops
