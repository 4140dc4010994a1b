#include "alerts/alertevaluator.h"

#include "core/environment.h"
#include "core/ids.h"
#include "core/logging.h"
#include "storage/database.h"

#include <QScopeGuard>
#include <QThread>

namespace twinops {

namespace {

constexpr qint64 kAlertEvaluatorLock = 0x7477696e6f707302; // "twinops" + 2 (the job pruner's is + 1)

} // namespace

Result<AlertEvaluatorOptions> AlertEvaluatorOptions::fromEnvironment()
{
    AlertEvaluatorOptions options;
    TWINOPS_TRY_ASSIGN(const int interval,
                       integerFromEnvironment("TWINOPS_ALERT_INTERVAL_MS", int(options.interval.count()), 0, 3'600'000,
                                              QStringLiteral("0 (no alert evaluation)")));
    TWINOPS_TRY_ASSIGN(
        const int keepFiring,
        integerFromEnvironment("TWINOPS_ALERT_KEEP_FIRING_MS", int(options.keepFiring.count()), 0, 86'400'000));
    options.interval = std::chrono::milliseconds(interval);
    options.keepFiring = std::chrono::milliseconds(keepFiring);
    return options;
}

AlertEvaluator::AlertEvaluator(DatabaseUrl url, AlertEvaluatorOptions options, AlertSink sink)
    : m_url(std::move(url))
    , m_options(options)
    , m_engine(AlertEngineOptions{options.keepFiring})
    , m_sink(std::move(sink))
{
    m_thread.reset(QThread::create([this] { run(); }));
    m_thread->setObjectName(QStringLiteral("alert-evaluator"));
    m_thread->start(QThread::LowPriority);
}

AlertEvaluator::~AlertEvaluator()
{
    m_signal.requestStop();
    m_thread->wait();
}

void AlertEvaluator::run()
{
    const std::unique_ptr<Database> db = connectUntilStopped(m_url, m_signal, "the alert evaluator");
    // The first round waits an interval too: a process that starts is not judged on its first instant.
    while (db && !m_signal.stopping()) {
        m_signal.waitForWork(m_options.interval);
        if (m_signal.stopping())
            break;
        round(*db);
        ++m_rounds;
    }
}

Result<bool> AlertEvaluator::acquire(Database &db, const QDateTime &now)
{
    if (db.dialect() != Dialect::Postgres)
        return true;
    TWINOPS_TRY_ASSIGN(const Rows locked,
                       db.query(QStringLiteral("SELECT pg_try_advisory_lock($1)"), {kAlertEvaluatorLock}));
    if (!locked.first().boolean(0))
        return false;
    // Another instance may have run this interval's round just before we got the lock.
    TWINOPS_TRY_ASSIGN(const Rows latest, db.query(QStringLiteral("SELECT max(last_evaluated_at) FROM alert_states")));
    const QDateTime last = latest.first().time(0);
    const bool due = !last.isValid() || last.msecsTo(now) >= m_options.interval.count() / 2;
    if (!due)
        (void)db.query(QStringLiteral("SELECT pg_advisory_unlock($1)"), {kAlertEvaluatorLock});
    return due;
}

void AlertEvaluator::round(Database &db)
{
    const QDateTime now = nowUtc();
    const auto acquired = acquire(db, now);
    if (!acquired.ok()) {
        qCWarning(lcAlerts).noquote() << "alert evaluation skipped:" << acquired.error().message;
        return;
    }
    if (!*acquired)
        return;
    const auto unlock = qScopeGuard([&db] {
        if (db.dialect() == Dialect::Postgres)
            (void)db.query(QStringLiteral("SELECT pg_advisory_unlock($1)"), {kAlertEvaluatorLock});
    });
    const auto transitions = m_engine.round(db, now, m_sink);
    if (!transitions.ok()) {
        qCWarning(lcAlerts).noquote() << "alert evaluation failed:" << transitions.error().message;
        return;
    }
    ++m_evaluations;
    for (const AlertTransition &t : *transitions)
        qCInfo(lcAlerts).noquote() << "alert" << t.ruleName << t.state << (t.silenced ? "(silenced)" : "")
                                   << MetricsRollup::canonicalLabels(t.labels);
    if (m_options.historyRetention.count() > 0 && (!m_lastPrune.isValid() || m_lastPrune.secsTo(now) >= 3600)) {
        m_lastPrune = now;
        const auto pruned = AlertRepository(db).pruneHistory(
            now.addSecs(-qint64(std::chrono::duration_cast<std::chrono::seconds>(m_options.historyRetention).count())));
        if (!pruned.ok())
            qCWarning(lcAlerts).noquote() << "pruning alert history failed:" << pruned.error().message;
        else if (*pruned > 0)
            qCInfo(lcAlerts).noquote() << "deleted" << *pruned << "alert history entries past their retention";
    }
}

} // namespace twinops
