#pragma once

#include "core/result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace twinops {

// A rule: a value computed by one of a fixed set of expression kinds (alertKinds()), compared with a threshold
// (docs/alerts.md). `labels` are added to every alert of the rule; `forSeconds` is how long the condition must hold
// before pending becomes firing.
struct AlertRule
{
    QString id;
    QString name;
    QString kind;
    QJsonObject params;
    QString comparison; // >, >=, <, <=
    double threshold = 0;
    int forSeconds = 0;
    QString severity; // critical, warning, info
    QJsonObject labels;
    QString runbook;
    bool enabled = true;
    QDateTime createdAt;
    QDateTime updatedAt;

    bool breachedBy(double value) const;
    // The window of the kinds that read one: params.window_seconds.
    int windowSeconds() const;
};

// One expression kind: its name, what it computes, the parameters it takes (besides window_seconds), whether each
// sample carries a label (route, signature) and the PromQL of the Prometheus export over docs/metrics.md's families
// (%W is the window, e.g. 5m; %T the threshold, %C the comparison; %P the type parameter).
struct AlertKind
{
    QString name;
    QString description;
    QStringList params; // beyond window_seconds
    bool windowed = true;
    QString promql;
};

const QList<AlertKind> &alertKinds();
const AlertKind *findAlertKind(const QString &name);

inline constexpr int kMaxAlertWindowSeconds = 24 * 3600;

// The rules every database starts with (AlertRepository::seedShippedRules): the runbook's thresholds (the
// checklist's Thresholds) and the queue, job and login rules; fixed ids 00000000-0000-4000-8000-00000000000N.
QList<AlertRule> shippedAlertRules();

// Validates a create (base empty) or a partial update (base: the stored rule) body; every problem in one 422.
Result<AlertRule> alertRuleFromJson(const QJsonObject &body, const std::optional<AlertRule> &base = std::nullopt);
QJsonObject alertRuleJson(const AlertRule &rule);

} // namespace twinops
