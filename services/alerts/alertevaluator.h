#pragma once

#include "alerts/alertengine.h"
#include "jobs/poolsignal.h"
#include "metrics/metricsrollup.h"
#include "storage/databaseurl.h"

#include <QDateTime>

#include <atomic>
#include <chrono>
#include <memory>

class QThread;

namespace twinops {

struct AlertEvaluatorOptions
{
    std::chrono::milliseconds interval{std::chrono::seconds(10)}; // between rounds
    std::chrono::milliseconds keepFiring{std::chrono::seconds(60)}; // AlertEngineOptions::keepFiring
    std::chrono::hours historyRetention = kDefaultMetricsRetention; // alert_history; 0 keeps it all

    // TWINOPS_ALERT_INTERVAL_MS (0: no evaluation) and TWINOPS_ALERT_KEEP_FIRING_MS; the first invalid one is the
    // error. The retention is the metric rollups' (TWINOPS_METRICS_RETENTION_DAYS), set by the core.
    static Result<AlertEvaluatorOptions> fromEnvironment();
};

// Runs an AlertEngine round every `interval` on a thread of its own with its own connection (never an HTTP or GUI
// thread), telling `sink` of the transitions inside the round's transaction. One instance evaluates at a time: on
// PostgreSQL a round runs under an advisory lock and is skipped when another instance evaluated less than half an
// interval ago; SQLite's one process is alone anyway. Once an hour (and at the first round) it deletes the history
// older than the retention, as the metric rollups'. Destroying it stops it within one round.
class AlertEvaluator final
{
public:
    AlertEvaluator(DatabaseUrl url, AlertEvaluatorOptions options, AlertSink sink = {});
    ~AlertEvaluator();
    Q_DISABLE_COPY_MOVE(AlertEvaluator)

    // Rounds this instance ran (evaluated, or skipped for another instance): lets tests wait instead of sleeping.
    int rounds() const { return m_rounds; }
    // Rounds that evaluated here.
    int evaluations() const { return m_evaluations; }

private:
    void run();
    void round(Database &db);
    // Whether this instance should evaluate now (PostgreSQL: took the lock and nobody evaluated just before).
    Result<bool> acquire(Database &db, const QDateTime &now);

    const DatabaseUrl m_url;
    const AlertEvaluatorOptions m_options;
    AlertEngine m_engine;
    const AlertSink m_sink;
    QDateTime m_lastPrune;
    std::atomic<int> m_rounds{0};
    std::atomic<int> m_evaluations{0};
    PoolSignal m_signal; // only its stop and its interruptible wait
    std::unique_ptr<QThread> m_thread;
};

} // namespace twinops
