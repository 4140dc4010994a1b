#pragma once

#include "alerts/alertrule.h"
#include "core/result.h"
#include "storage/database.h"
#include "storage/paging.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace twinops {

// The state of one rule and label set (alert_states). Only the evaluator writes it, except the acknowledgement.
struct AlertStateRow
{
    QString ruleId;
    QString fingerprint;
    QJsonObject labels; // the series' labels (route, signature…), without the rule's
    QString state = QStringLiteral("inactive"); // inactive, pending, firing
    QDateTime since; // when it entered `state`
    QDateTime activeAt; // when the condition became true (pending or firing), else invalid
    QDateTime falseSince; // firing only: when its condition became false (damping), else invalid
    std::optional<double> lastValue;
    QDateTime lastEvaluatedAt;
    bool silenced = false;
    QString acknowledgedBy;
    QDateTime acknowledgedAt;
};

// One transition of alert_history: pending, firing, resolved (after firing) or inactive (a pending alert whose
// condition went away before its `for` ran out).
struct AlertHistoryEntry
{
    QString id;
    QString ruleId;
    QString ruleName;
    QString fingerprint;
    QJsonObject labels;
    QString state;
    std::optional<double> value;
    bool silenced = false;
    QDateTime createdAt;
};

// Matches the alerts of `ruleId` (empty: of every rule) whose labels hold every pair of `matchers`, from startsAt
// until endsAt.
struct AlertSilence
{
    QString id;
    QString ruleId;
    QJsonObject matchers;
    QDateTime startsAt;
    QDateTime endsAt;
    QString comment;
    QString createdBy;
    QDateTime createdAt;

    bool matches(const QString &rule, const QJsonObject &labels, const QDateTime &now) const;
};

class AlertRepository final
{
public:
    explicit AlertRepository(Database &db)
        : m_db(db)
    { }

    // Adds the shipped rules not added before (alert_defaults remembers them), in one transaction; how many. Safe
    // when several instances start at once.
    Result<int> seedShippedRules(const QDateTime &now);

    Result<QList<AlertRule>> rules();
    Result<AlertRule> rule(const QString &id); // NotFound
    Result<AlertRule> createRule(AlertRule rule, const QDateTime &now); // Conflict for a taken name
    Result<AlertRule> updateRule(const AlertRule &rule, const QDateTime &now);
    Status deleteRule(const QString &id); // NotFound; its states and silences go with it, its history stays

    // Every state, or those in `state`.
    Result<QList<AlertStateRow>> states(const QString &state = {});
    Status saveState(const AlertStateRow &row);
    Status deleteState(const QString &ruleId, const QString &fingerprint);
    // A pending or firing alert, by its fingerprint (which names the rule too); NotFound otherwise.
    Status acknowledge(const QString &fingerprint, const QString &by, const QDateTime &now);

    Status appendHistory(const AlertHistoryEntry &entry);
    // Newest first would break keyset paging's (created_at, id) ascending order: oldest first, as every list.
    Result<Page<AlertHistoryEntry>> history(const PageRequest &page, const QString &ruleId = {});
    Result<qint64> pruneHistory(const QDateTime &before);

    // Active and future silences, or also the expired ones.
    Result<QList<AlertSilence>> silences(const QDateTime &now, bool includeExpired = false);
    Result<AlertSilence> createSilence(AlertSilence silence);
    Status expireSilence(const QString &id, const QDateTime &now); // NotFound

private:
    Database &m_db;
};

} // namespace twinops
