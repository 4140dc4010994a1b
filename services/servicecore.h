#pragma once

#include "alerts/alertengine.h"
#include "alerts/alertevaluator.h"
#include "auth/auththrottle.h"
#include "auth/passwordhasher.h"
#include "checks/checkschedule.h"
#include "core/result.h"
#include "http/httpendpoint.h"
#include "jobs/jobretention.h"
#include "jobs/workerheartbeats.h"
#include "jobs/workerpool.h"
#include "knowledge/chatsettings.h"
#include "metrics/metricsrollup.h"
#include "notify/webhooknotifier.h"
#include "storage/database.h"
#include "storage/databaseurl.h"

#include <memory>
#include <optional>

namespace twinops {

class ApiShared;
class JobPruner;
class MetricsRegistry;
class MetricsRollupWriter;

struct CoreOptions
{
    explicit CoreOptions(DatabaseUrl url)
        : database(std::move(url))
    { }

    DatabaseUrl database;
    bool migrate = true; // apply pending migrations on start
    PasswordHasher::Cost passwordCost = PasswordHasher::Cost::Interactive;
    QString instance; // names this process in /health; default host:pid
    // How often the per-minute metric rollups are written (metric_rollups); 0 writes none.
    std::chrono::milliseconds metricsRollupInterval{std::chrono::minutes(1)};
    // How long the rollups are kept (older ones are deleted hourly); 0 keeps them forever.
    std::chrono::hours metricsRetention = kDefaultMetricsRetention;
    // How long finished jobs are kept; a JobPruner looks every metricsRollupInterval (so never when that is 0).
    JobRetention jobRetention;
    // Where alert notifications are sent (webhook receivers) and how they are delivered; none by default.
    WebhookSettings alertWebhooks;

    // The alert evaluator (docs/alerts.md); an interval of 0 runs none. Its history is kept as long as the rollups.
    AlertEvaluatorOptions alerts;
    // The scheduled checklist runs (docs/checks.md); the schedule itself is in the database, set through the API.
    CheckSchedulerOptions checkSchedule;

    // The options both programs take from the environment: TWINOPS_PASSWORD_COST, TWINOPS_METRICS_RETENTION_DAYS
    // TWINOPS_JOB_RETENTION_*_HOURS, TWINOPS_ALERT_* and TWINOPS_CHECK_SCHEDULE_UNIT_MS; the first invalid one is the
    // error.
    static Result<CoreOptions> fromEnvironment(DatabaseUrl url);
};

// The one composition root: it owns the service objects both programs share. Constructed on the thread that
// will own its main database connection; threads it starts open their own connections from databaseUrl().
class ServiceCore
{
public:
    static Result<std::unique_ptr<ServiceCore>> start(CoreOptions options);
    ~ServiceCore();

    const DatabaseUrl &databaseUrl() const { return m_options.database; }
    PasswordHasher::Cost passwordCost() const { return m_options.passwordCost; }
    // This process's name in /health, its rollups and its worker leases (CoreOptions::instance, or host:pid).
    const QString &instance() const { return m_options.instance; }
    Database &database() { return *m_database; }
    MetricsRegistry &metrics() { return *m_metrics; }
    // Starts job workers running every built-in handler (source indexing, graph extraction); 0 workers is valid.
    void startWorkers(int workers, std::chrono::milliseconds lease = std::chrono::seconds(60));
    WorkerPool *workers() { return m_workers.get(); }
    // Sends alert notices to CoreOptions::alertWebhooks through the job queue (this process's workers deliver them).
    WebhookNotifier &alertNotifier() { return *m_alertNotifier; }

    // Starts the HTTP API (and its threads); the daemon treats failure as fatal, the console reports it. The chat
    // provider is `chat`, else the TWINOPS_LLM_* environment's (ChatSettings::fromEnvironment).
    Status serveHttp(const EndpointOptions &options, const QByteArray &jwtSecret,
                     std::optional<ChatSettings> chat = std::nullopt);
    // Replaces the login and sign-up budgets of the running HTTP API (the daemon's reload); nothing without one.
    void setAuthLimits(const AuthLimits &limits);
    // Null when alert evaluation is off (CoreOptions::alerts.interval 0).
    AlertEvaluator *alertEvaluator() { return m_alerts.get(); }
    // Null unless the HTTP API was started.
    HttpEndpoint *endpoint() { return m_endpoint.get(); }
    // Runs the database's checklist schedule (docs/checks.md) against the running HTTP API, until the API is
    // restarted or the core stops: what `serve` and the console do, not `twinopsd check`'s short-lived core.
    Status startCheckScheduler();
    // Null until startCheckScheduler().
    CheckScheduler *checkScheduler() { return m_checkScheduler.get(); }
    // Replaces the proxies whose X-Forwarded-For / Forwarded headers name the client (EndpointOptions::trustedProxies
    // at start), for the requests that arrive from now on; a no-op before serveHttp(). Call it on the core's thread.
    void setTrustedProxies(TrustedProxies proxies);

private:
    explicit ServiceCore(CoreOptions options);

    CoreOptions m_options;
    std::unique_ptr<Database> m_database;
    std::unique_ptr<MetricsRegistry> m_metrics;
    std::unique_ptr<MetricsRollupWriter> m_rollups;
    std::unique_ptr<JobPruner> m_jobPruner;
    std::unique_ptr<WebhookNotifier> m_alertNotifier; // before the evaluator, which notifies through it
    std::unique_ptr<AlertEvaluator> m_alerts;
    WorkerHeartbeats m_heartbeats; // before the API, which reads it until its threads end
    std::unique_ptr<ApiShared> m_api;
    std::unique_ptr<HttpEndpoint> m_endpoint;
    std::unique_ptr<CheckScheduler> m_checkScheduler; // after the endpoint, which its runs call
    JobHandlers m_handlers;
    std::unique_ptr<WorkerPool> m_workers;
    std::unique_ptr<WorkerPool> m_notificationWorkers; // CoreOptions::alertWebhooks' own delivery, none without
};

} // namespace twinops
