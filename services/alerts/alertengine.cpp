#include "alerts/alertengine.h"

#include "alerts/alertinputs.h"
#include "core/logging.h"
#include "metrics/metricsrollup.h"
#include "storage/database.h"

#include <QCryptographicHash>
#include <QHash>

#include <algorithm>

namespace twinops {

namespace {

QString changeName(AlertChange change)
{
    switch (change) {
    case AlertChange::Pending: return QStringLiteral("pending");
    case AlertChange::Firing: return QStringLiteral("firing");
    case AlertChange::Resolved: return QStringLiteral("resolved");
    case AlertChange::Cancelled:
    case AlertChange::None: break;
    }
    return QStringLiteral("inactive");
}

QJsonObject alertLabels(const AlertRule &rule, const QJsonObject &series)
{
    QJsonObject labels = rule.labels;
    for (auto it = series.begin(); it != series.end(); ++it)
        labels.insert(it.key(), it.value());
    labels.insert(QStringLiteral("alertname"), rule.name);
    labels.insert(QStringLiteral("severity"), rule.severity);
    return labels;
}

QString summaryOf(const AlertRule &rule, const std::optional<double> &value)
{
    const QString shown = value ? QString::number(*value, 'g', 6) : QStringLiteral("no data");
    return QStringLiteral("%1: %2 (%3 %4 %5)")
        .arg(rule.name, shown, rule.kind, rule.comparison, QString::number(rule.threshold, 'g', 6));
}

} // namespace

QString alertFingerprint(const QString &ruleId, const QJsonObject &labels)
{
    const QByteArray key = ruleId.toUtf8() + '\n' + MetricsRollup::canonicalLabels(labels).toUtf8();
    return QString::fromLatin1(QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex().left(16));
}

AlertChange advanceAlert(AlertStateRow &s, bool breached, int forSeconds, const QDateTime &now,
                         std::chrono::milliseconds keepFiring)
{
    const auto enter = [&](const char *state) {
        s.state = QString::fromLatin1(state);
        s.since = now;
    };
    if (s.state == QLatin1String("firing")) {
        if (breached) {
            s.falseSince = {};
            return AlertChange::None;
        }
        if (!s.falseSince.isValid())
            s.falseSince = now;
        if (s.falseSince.msecsTo(now) < keepFiring.count())
            return AlertChange::None;
        enter("inactive");
        s.activeAt = {};
        s.falseSince = {};
        return AlertChange::Resolved;
    }
    if (s.state == QLatin1String("pending")) {
        if (!breached) {
            enter("inactive");
            s.activeAt = {};
            return AlertChange::Cancelled;
        }
        if (s.activeAt.msecsTo(now) < qint64(forSeconds) * 1000)
            return AlertChange::None;
        enter("firing");
        return AlertChange::Firing;
    }
    if (!breached)
        return AlertChange::None;
    s.activeAt = now;
    if (forSeconds > 0) {
        enter("pending");
        return AlertChange::Pending;
    }
    enter("firing");
    return AlertChange::Firing;
}

Result<QList<AlertTransition>> AlertEngine::round(Database &db, const QDateTime &now, const AlertSink &sink)
{
    AlertRepository repository(db);
    TWINOPS_TRY_ASSIGN(const QList<AlertRule> rules, repository.rules());
    TWINOPS_TRY_ASSIGN(const QList<AlertStateRow> stored, repository.states());
    TWINOPS_TRY_ASSIGN(const QList<AlertSilence> silences, repository.silences(now));
    QHash<QString, QList<AlertStateRow>> statesByRule;
    for (const AlertStateRow &row : stored)
        statesByRule[row.ruleId].append(row);

    // Read everything first, then write in one short transaction (SQLite's one write lock is held only for that).
    AlertInputs inputs(db, now, &m_signatures);
    int jobErrorWindow = 0;
    for (const AlertRule &rule : rules) {
        if (rule.enabled && rule.kind == QLatin1String("new_job_error"))
            jobErrorWindow = std::max(jobErrorWindow, rule.windowSeconds());
    }
    inputs.setJobErrorWindow(jobErrorWindow);
    struct Evaluated
    {
        const AlertRule *rule;
        QList<AlertSample> samples;
    };
    QList<Evaluated> evaluated;
    for (const AlertRule &rule : rules) {
        if (!rule.enabled)
            continue;
        auto samples = inputs.evaluate(rule);
        if (!samples.ok()) {
            // One rule whose input cannot be read keeps its states as they are; the others go on.
            qCWarning(lcAlerts).noquote()
                << "alert rule" << rule.name << "was not evaluated:" << samples.error().message;
            statesByRule.remove(rule.id);
            continue;
        }
        evaluated.append({&rule, std::move(*samples)});
    }

    QList<AlertTransition> transitions;
    TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(db));
    const auto advance
        = [&](const AlertRule &rule, AlertStateRow &row, const std::optional<double> &value, bool enabled) -> Status {
        const bool breached = enabled && value && rule.breachedBy(*value);
        const QJsonObject labels = alertLabels(rule, row.labels);
        const QDateTime activeAt = row.activeAt;
        const AlertChange change = advanceAlert(row, breached, rule.forSeconds, now,
                                                enabled ? m_options.keepFiring : std::chrono::milliseconds(0));
        row.lastValue = value;
        row.lastEvaluatedAt = now;
        row.silenced = std::any_of(silences.cbegin(), silences.cend(),
                                   [&](const AlertSilence &silence) { return silence.matches(rule.id, labels, now); });
        if (change != AlertChange::None)
            TWINOPS_TRY(repository.appendHistory(
                {{}, rule.id, rule.name, row.fingerprint, row.labels, changeName(change), value, row.silenced, now}));
        if (change == AlertChange::Firing || change == AlertChange::Resolved)
            transitions.append({rule.id, rule.name, rule.severity, labels, row.fingerprint,
                                change == AlertChange::Firing ? QStringLiteral("firing") : QStringLiteral("resolved"),
                                change == AlertChange::Firing ? row.activeAt : activeAt,
                                change == AlertChange::Resolved ? now : QDateTime(), value, summaryOf(rule, value),
                                rule.runbook, row.silenced});
        // An inactive series with labels (a route, an error signature) is forgotten; a rule's one series is kept to
        // show its last value.
        if (row.state == QLatin1String("inactive") && (!row.labels.isEmpty() || !enabled))
            return repository.deleteState(rule.id, row.fingerprint);
        return repository.saveState(row);
    };
    for (const Evaluated &e : evaluated) {
        QHash<QString, AlertStateRow> known;
        for (const AlertStateRow &row : statesByRule.take(e.rule->id))
            known.insert(row.fingerprint, row);
        for (const AlertSample &sample : e.samples) {
            const QString fingerprint = alertFingerprint(e.rule->id, sample.labels);
            AlertStateRow row = known.take(fingerprint);
            if (row.fingerprint.isEmpty()) {
                row.ruleId = e.rule->id;
                row.fingerprint = fingerprint;
                row.labels = sample.labels;
                row.since = now;
            }
            TWINOPS_TRY(advance(*e.rule, row, sample.value, true));
        }
        // Series that gave no sample this round: their condition does not hold.
        for (AlertStateRow &row : known)
            TWINOPS_TRY(advance(*e.rule, row, std::nullopt, true));
    }
    // What is left belongs to disabled rules: their alerts resolve now.
    for (const AlertRule &rule : rules) {
        for (AlertStateRow &row : statesByRule.take(rule.id))
            TWINOPS_TRY(advance(rule, row, std::nullopt, false));
    }
    if (sink && !transitions.isEmpty())
        TWINOPS_TRY(sink(db, transitions));
    TWINOPS_TRY(tx.commit());
    return transitions;
}

} // namespace twinops
