#pragma once

#include "core/result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace twinops {

// A rule's severity is one of these, most urgent first; a receiver may take only some of them.
inline const QStringList kAlertSeverities{QStringLiteral("critical"), QStringLiteral("warning"),
                                          QStringLiteral("info")};

// One alert as a notification tells it: the fields of an alert in Prometheus Alertmanager's webhook payload.
// The alert engine makes one per state change (firing, resolved); the notifier groups those of one evaluation
// round per receiver.
struct AlertNotice
{
    enum class Status { Firing, Resolved };

    Status status = Status::Firing;
    QMap<QString, QString> labels; // alertname and severity at least; sorted, as they are compared and hashed
    QMap<QString, QString> annotations; // summary, runbook, …
    QDateTime startsAt;
    QDateTime endsAt; // invalid while firing
    QString fingerprint; // empty: fingerprintOf(labels)
    QString generatorUrl; // where the alert can be seen (a console or API address); optional

    QString alertName() const { return labels.value(QStringLiteral("alertname")); }
    QString severity() const { return labels.value(QStringLiteral("severity")); }
    QString statusName() const;

    // Alertmanager's alert object: status, labels, annotations, startsAt, endsAt ("0001-01-01T00:00:00Z" while
    // firing), generatorURL, fingerprint.
    QJsonObject toJson() const;
    // The reverse, validated (each problem names its field).
    static Result<AlertNotice> fromJson(const QJsonObject &object);

    // 16 hex digits of SHA-256 over the sorted labels: the same label set, the same alert, in every process.
    static QString fingerprintOf(const QMap<QString, QString> &labels);
};

// Alertmanager's webhook message (version "4") for the notices of one group sent to `receiver`: groupKey, status
// (firing while any notice fires), receiver, groupLabels (none: one group per evaluation round), commonLabels,
// commonAnnotations, externalURL, alerts, truncatedAlerts.
QJsonObject alertmanagerMessage(const QString &receiver, const QList<AlertNotice> &notices, const QString &externalUrl);

// A Slack-compatible incoming-webhook body, {"text": …}, telling the same message in a few lines.
QJsonObject slackMessage(const QJsonObject &alertmanager);

} // namespace twinops
