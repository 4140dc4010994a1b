#include "alertsmodel.h"

#include "admin/adminclient.h"

#include <QColor>
#include <QDateTime>
#include <QJsonArray>
#include <QLocale>
#include <QSet>

namespace twinops {

namespace {

// Today's times without the date: alerts are mostly about the last hours.
QString shortTime(const QDateTime &time)
{
    if (!time.isValid())
        return {};
    const QDateTime local = time.toLocalTime();
    if (local.date() == QDate::currentDate())
        return QLocale().toString(local.time(), QLocale::LongFormat).section(u' ', 0, 0);
    return QLocale().toString(local, QLocale::ShortFormat);
}

int severityRank(const QString &severity)
{
    if (severity == QLatin1String("critical"))
        return 3;
    if (severity == QLatin1String("warning"))
        return 2;
    return severity == QLatin1String("info") ? 1 : 0;
}

} // namespace

AlertsModel::AlertsModel(AdminClient &client, QObject *parent)
    : QAbstractTableModel(parent)
    , m_client(client)
{ }

int AlertsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_alerts.size());
}

int AlertsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AlertsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject &a = m_alerts.at(index.row());
    const QString severity = a.value(QLatin1String("severity")).toString();
    switch (role) {
    case FingerprintRole: return a.value(QLatin1String("fingerprint")).toString();
    case TabRole:
        if (a.value(QLatin1String("silenced")).toBool())
            return QStringLiteral("silenced");
        return a.value(QLatin1String("state")).toString();
    case Qt::ForegroundRole: return index.column() == Severity ? severityColour(severity) : QVariant();
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
    case SortRole: break;
    default: return {};
    }
    const bool sort = role == SortRole;
    switch (Column(index.column())) {
    case Rule: return a.value(QLatin1String("rule_name")).toString();
    case Severity: return sort ? QVariant(severityRank(severity)) : QVariant(severity);
    case State: return a.value(QLatin1String("state")).toString();
    case Labels: return labelsText(labels(index.row()));
    case Value: return valueCell(a.value(QLatin1String("value")), sort);
    case Since: return timeCell(a.value(QLatin1String("since")), sort);
    case ActiveAt: return timeCell(a.value(QLatin1String("active_at")), sort);
    case AcknowledgedBy: {
        const QString by = a.value(QLatin1String("acknowledged_by")).toString();
        if (sort || by.isEmpty())
            return by;
        return tr("%1 (%2)").arg(by, timeCell(a.value(QLatin1String("acknowledged_at")), false).toString());
    }
    case ColumnCount: break;
    }
    return {};
}

QVariant AlertsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Rule: return tr("Rule");
    case Severity: return tr("Severity");
    case State: return tr("State");
    case Labels: return tr("Labels");
    case Value: return tr("Value");
    case Since: return tr("Since");
    case ActiveAt: return tr("Active at");
    case AcknowledgedBy: return tr("Acknowledged by");
    case ColumnCount: break;
    }
    return {};
}

void AlertsModel::setRuleLabels(const QHash<QString, QJsonObject> &labels)
{
    if (labels == m_ruleLabels)
        return;
    m_ruleLabels = labels;
    if (!m_alerts.isEmpty())
        emit dataChanged(index(0, Labels), index(int(m_alerts.size()) - 1, Labels));
}

QJsonObject AlertsModel::labels(int row) const
{
    const QJsonObject &alert = m_alerts.at(row);
    QJsonObject all = m_ruleLabels.value(alert.value(QLatin1String("rule_id")).toString());
    const QJsonObject own = alert.value(QLatin1String("labels")).toObject();
    for (auto it = own.begin(); it != own.end(); ++it)
        all.insert(it.key(), it.value());
    return all;
}

int AlertsModel::rowOf(const QString &fingerprint) const
{
    for (int row = 0; row < int(m_alerts.size()); ++row) {
        if (m_alerts.at(row).value(QLatin1String("fingerprint")).toString() == fingerprint)
            return row;
    }
    return -1;
}

void AlertsModel::refresh()
{
    m_client.get(QStringLiteral("/api/v1/admin/alerts"), this, [this, round = ++m_round](const AdminReply &reply) {
        if (round == m_round)
            take(reply);
    });
}

void AlertsModel::acknowledge(const QString &fingerprint)
{
    m_client.call("POST", QStringLiteral("/api/v1/admin/alerts/%1/acknowledge").arg(fingerprint),
                  QJsonValue(QJsonValue::Undefined), this, [this, fingerprint](const AdminReply &reply) {
                      emit acknowledged(fingerprint, reply.ok() ? QString() : reply.errorText());
                      refresh();
                  });
}

QString AlertsModel::labelsText(const QJsonObject &labels)
{
    QStringList pairs;
    for (auto it = labels.begin(); it != labels.end(); ++it)
        pairs << QStringLiteral("%1=%2").arg(it.key(), it.value().toString());
    return pairs.join(QStringLiteral(", "));
}

std::optional<QJsonObject> AlertsModel::labelsFromText(const QString &text, QString *error)
{
    QJsonObject labels;
    const QStringList pairs = text.split(u',', Qt::SkipEmptyParts);
    for (const QString &pair : pairs) {
        const qsizetype equals = pair.indexOf(u'=');
        const QString key = pair.left(equals).trimmed();
        if (equals <= 0 || key.isEmpty()) {
            if (error)
                *error = tr("“%1” is not label=value.").arg(pair.trimmed());
            return std::nullopt;
        }
        labels.insert(key, pair.mid(equals + 1).trimmed());
    }
    return labels;
}

QVariant AlertsModel::valueCell(const QJsonValue &value, bool sort)
{
    if (!value.isDouble())
        return sort ? QVariant() : QVariant(tr("no data"));
    return sort ? QVariant(value.toDouble()) : QVariant(QString::number(value.toDouble(), 'g', 6));
}

QVariant AlertsModel::timeCell(const QJsonValue &time, bool sort)
{
    const QDateTime at = QDateTime::fromString(time.toString(), Qt::ISODateWithMs);
    return sort ? QVariant(at) : QVariant(shortTime(at));
}

QVariant AlertsModel::severityColour(const QString &severity)
{
    if (severity == QLatin1String("critical"))
        return QColor(0xc6, 0x28, 0x28);
    if (severity == QLatin1String("warning"))
        return QColor(0xe6, 0x51, 0x00);
    if (severity == QLatin1String("info"))
        return QColor(0x15, 0x65, 0xc0);
    return {};
}

void AlertsModel::take(const AdminReply &reply)
{
    if (!reply.ok()) {
        emit errorOccurred(reply.errorText());
        return;
    }
    QHash<QString, QJsonObject> fresh; // by fingerprint; inactive alerts are not shown
    QStringList order;
    for (const QJsonValue &value : reply.body.value(QLatin1String("items")).toArray()) {
        const QJsonObject alert = value.toObject();
        if (alert.value(QLatin1String("state")).toString() == QLatin1String("inactive"))
            continue;
        const QString fingerprint = alert.value(QLatin1String("fingerprint")).toString();
        if (!fresh.contains(fingerprint))
            order << fingerprint;
        fresh.insert(fingerprint, alert);
    }
    // Gone ones first, from the end so the row numbers still to visit stay valid; then changes in place; then new.
    for (int row = int(m_alerts.size()) - 1; row >= 0; --row) {
        if (!fresh.contains(m_alerts.at(row).value(QLatin1String("fingerprint")).toString())) {
            beginRemoveRows({}, row, row);
            m_alerts.removeAt(row);
            endRemoveRows();
        }
    }
    QSet<QString> present;
    for (int row = 0; row < int(m_alerts.size()); ++row) {
        const QString fingerprint = m_alerts.at(row).value(QLatin1String("fingerprint")).toString();
        present.insert(fingerprint);
        const QJsonObject &now = fresh[fingerprint];
        if (now != m_alerts.at(row)) {
            m_alerts[row] = now;
            emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
    }
    QList<QJsonObject> added;
    for (const QString &fingerprint : std::as_const(order)) {
        if (!present.contains(fingerprint))
            added.append(fresh.value(fingerprint));
    }
    if (!added.isEmpty()) {
        const int first = int(m_alerts.size());
        beginInsertRows({}, first, first + int(added.size()) - 1);
        m_alerts.append(added);
        endInsertRows();
    }
    emit refreshed();
}

} // namespace twinops
