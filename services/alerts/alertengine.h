#pragma once

#include "alerts/alertrepository.h"
#include "alerts/alertrule.h"
#include "core/result.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <chrono>
#include <functional>
#include <optional>

namespace twinops {

class Database;

// What a notifier is told when an alert starts or stops firing (pending and cancelled pendings are not sent, as
// Alertmanager is never told of pending alerts). `labels` are the alert's: alertname, severity, the rule's labels
// and the series' (route, signature…). A silenced alert is still sent, marked, so the notifier decides.
struct AlertTransition
{
    QString ruleId;
    QString ruleName;
    QString severity;
    QJsonObject labels;
    QString fingerprint;
    QString state; // "firing" or "resolved"
    QDateTime startsAt; // when the condition became true
    QDateTime endsAt; // resolved: when it resolved; firing: invalid
    std::optional<double> value;
    QString summary;
    QString runbook;
    bool silenced = false;
};

// Told of a round's transitions inside the round's transaction, on its connection (not called when there are none):
// what it writes there (a notification job) commits with the state changes that caused it, and an error rolls the
// round back, so the next round makes the same transitions again and nothing is lost or sent twice.
using AlertSink = std::function<Status(Database &db, const QList<AlertTransition> &transitions)>;

// A change advanceAlert made: what alert_history records.
enum class AlertChange { None, Pending, Firing, Resolved, Cancelled };

// The state machine of one rule and label set (Prometheus' and Alertmanager's semantics, docs/alerts.md):
//   inactive → pending when the condition holds (→ firing at once when for_seconds is 0);
//   pending → firing once it held for for_seconds; pending → inactive (Cancelled) when it stops holding;
//   firing → inactive (Resolved) once the condition has been false for `keepFiring` without a break, so a flapping
//   condition does not resolve and fire again at every round (Prometheus' keep_firing_for).
AlertChange advanceAlert(AlertStateRow &state, bool breached, int forSeconds, const QDateTime &now,
                         std::chrono::milliseconds keepFiring);

struct AlertEngineOptions
{
    std::chrono::milliseconds keepFiring{std::chrono::seconds(60)};
};

// One evaluation round over every enabled rule: reads the inputs, advances every state, writes the states and the
// history in one transaction (with what `sink` writes) and returns the transitions. It holds no state between rounds
// (the database does), so any instance may run the next round. The caller serialises instances (AlertEvaluator).
class AlertEngine final
{
public:
    explicit AlertEngine(AlertEngineOptions options = {})
        : m_options(options)
    { }

    Result<QList<AlertTransition>> round(Database &db, const QDateTime &now, const AlertSink &sink = {});

private:
    AlertEngineOptions m_options;
    QHash<QString, QString> m_signatures; // error text → errorSignature(), across rounds
};

// The alert's fingerprint: a hash of the rule id and the series' canonical labels (16 hex digits, as
// Alertmanager's).
QString alertFingerprint(const QString &ruleId, const QJsonObject &labels);

} // namespace twinops
