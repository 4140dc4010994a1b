#include "notify/alertnotice.h"

#include "auth/crypto.h"

#include <QJsonArray>

namespace twinops {

namespace {

// Alertmanager's "zero time": what endsAt says while an alert fires.
const QString kZeroTime = QStringLiteral("0001-01-01T00:00:00Z");

QString timeText(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : kZeroTime;
}

QJsonObject mapJson(const QMap<QString, QString> &map)
{
    QJsonObject object;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

// The pairs every map has with the same value (Alertmanager's commonLabels / commonAnnotations).
QMap<QString, QString> common(const QList<QMap<QString, QString>> &maps)
{
    if (maps.isEmpty())
        return {};
    QMap<QString, QString> shared = maps.first();
    for (const auto &map : maps) {
        for (auto it = shared.begin(); it != shared.end();) {
            if (map.value(it.key(), QString()) != it.value() || !map.contains(it.key()))
                it = shared.erase(it);
            else
                ++it;
        }
    }
    return shared;
}

Result<QMap<QString, QString>> stringMap(const QJsonObject &object, const QString &field)
{
    QMap<QString, QString> map;
    const QJsonValue value = object.value(field);
    if (value.isUndefined() || value.isNull())
        return map;
    if (!value.isObject())
        return Error::validation(field, QStringLiteral("must be an object of strings"));
    const QJsonObject entries = value.toObject();
    for (auto it = entries.constBegin(); it != entries.constEnd(); ++it) {
        if (!it.value().isString() || it.key().isEmpty())
            return Error::validation(field, QStringLiteral("must be an object of strings"));
        map.insert(it.key(), it.value().toString());
    }
    return map;
}

Result<QDateTime> timeField(const QJsonObject &object, const QString &field, bool required)
{
    const QString text = object.value(field).toString();
    if (text.isEmpty() || text == kZeroTime) {
        if (required)
            return Error::validation(field, QStringLiteral("is required (an ISO 8601 time)"));
        return QDateTime();
    }
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid())
        return Error::validation(field, QStringLiteral("must be an ISO 8601 time"));
    return time.toUTC();
}

// Slack reads &, < and > as markup (links, mentions): what an alert says is escaped, as Slack documents.
QString slackEscaped(QString text)
{
    return text.replace(u'&', QStringLiteral("&amp;"))
        .replace(u'<', QStringLiteral("&lt;"))
        .replace(u'>', QStringLiteral("&gt;"));
}

} // namespace

QString AlertNotice::statusName() const
{
    return status == Status::Firing ? QStringLiteral("firing") : QStringLiteral("resolved");
}

QString AlertNotice::fingerprintOf(const QMap<QString, QString> &labels)
{
    QByteArray text;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        text += it.key().toUtf8() + '\xff' + it.value().toUtf8() + '\xff';
    return crypto::sha256Hex(text).left(16);
}

QJsonObject AlertNotice::toJson() const
{
    return {
        {QStringLiteral("status"), statusName()},
        {QStringLiteral("labels"), mapJson(labels)},
        {QStringLiteral("annotations"), mapJson(annotations)},
        {QStringLiteral("startsAt"), timeText(startsAt)},
        {QStringLiteral("endsAt"), status == Status::Firing ? kZeroTime : timeText(endsAt)},
        {QStringLiteral("generatorURL"), generatorUrl},
        {QStringLiteral("fingerprint"), fingerprint.isEmpty() ? fingerprintOf(labels) : fingerprint},
    };
}

Result<AlertNotice> AlertNotice::fromJson(const QJsonObject &object)
{
    AlertNotice notice;
    const QString status = object.value(QStringLiteral("status")).toString();
    if (status != QLatin1String("firing") && status != QLatin1String("resolved"))
        return Error::validation(QStringLiteral("status"), QStringLiteral("must be firing or resolved"));
    notice.status = status == QLatin1String("firing") ? Status::Firing : Status::Resolved;
    TWINOPS_TRY_ASSIGN(notice.labels, stringMap(object, QStringLiteral("labels")));
    if (notice.alertName().isEmpty())
        return Error::validation(QStringLiteral("labels"), QStringLiteral("must name the alert (alertname)"));
    TWINOPS_TRY_ASSIGN(notice.annotations, stringMap(object, QStringLiteral("annotations")));
    TWINOPS_TRY_ASSIGN(notice.startsAt, timeField(object, QStringLiteral("startsAt"), true));
    TWINOPS_TRY_ASSIGN(notice.endsAt, timeField(object, QStringLiteral("endsAt"), false));
    notice.generatorUrl = object.value(QStringLiteral("generatorURL")).toString();
    notice.fingerprint = object.value(QStringLiteral("fingerprint")).toString();
    return notice;
}

QJsonObject alertmanagerMessage(const QString &receiver, const QList<AlertNotice> &notices, const QString &externalUrl)
{
    QJsonArray alerts;
    QList<QMap<QString, QString>> labels;
    QList<QMap<QString, QString>> annotations;
    bool firing = false;
    for (const AlertNotice &notice : notices) {
        alerts.append(notice.toJson());
        labels.append(notice.labels);
        annotations.append(notice.annotations);
        firing = firing || notice.status == AlertNotice::Status::Firing;
    }
    return {
        {QStringLiteral("version"), QStringLiteral("4")},
        // Alertmanager's form, route then group labels; every round of one receiver is the same group.
        {QStringLiteral("groupKey"), QStringLiteral("{}/{receiver=\"%1\"}:{}").arg(receiver)},
        {QStringLiteral("truncatedAlerts"), 0},
        {QStringLiteral("status"), firing ? QStringLiteral("firing") : QStringLiteral("resolved")},
        {QStringLiteral("receiver"), receiver},
        {QStringLiteral("groupLabels"), QJsonObject()},
        {QStringLiteral("commonLabels"), mapJson(common(labels))},
        {QStringLiteral("commonAnnotations"), mapJson(common(annotations))},
        {QStringLiteral("externalURL"), externalUrl},
        {QStringLiteral("alerts"), alerts},
    };
}

QJsonObject slackMessage(const QJsonObject &alertmanager)
{
    const QJsonArray alerts = alertmanager.value(QStringLiteral("alerts")).toArray();
    int firing = 0;
    for (const QJsonValue &alert : alerts)
        firing += alert[QStringLiteral("status")].toString() == QLatin1String("firing") ? 1 : 0;
    QString text = firing > 0 ? QStringLiteral("*[FIRING:%1]*").arg(firing) : QStringLiteral("*[RESOLVED]*");
    if (firing > 0 && firing < alerts.size())
        text += QStringLiteral(" (%1 resolved)").arg(alerts.size() - firing);
    text += QStringLiteral(" TwinOps alerts");
    for (const QJsonValue &value : alerts) {
        const QJsonObject alert = value.toObject();
        const QJsonObject labels = alert[QStringLiteral("labels")].toObject();
        const QJsonObject annotations = alert[QStringLiteral("annotations")].toObject();
        text += QStringLiteral("\n• %1 *%2* (%3)")
                    .arg(alert[QStringLiteral("status")].toString() == QLatin1String("firing")
                             ? QStringLiteral("FIRING")
                             : QStringLiteral("RESOLVED"),
                         slackEscaped(labels[QStringLiteral("alertname")].toString()),
                         slackEscaped(labels[QStringLiteral("severity")].toString(QStringLiteral("no severity"))));
        const QString summary = annotations[QStringLiteral("summary")].toString();
        if (!summary.isEmpty())
            text += QStringLiteral(": ") + slackEscaped(summary);
        const QString runbook = annotations[QStringLiteral("runbook")].toString();
        if (!runbook.isEmpty())
            text += QStringLiteral("\n   Runbook: ") + slackEscaped(runbook);
    }
    return {{QStringLiteral("text"), text}};
}

} // namespace twinops
