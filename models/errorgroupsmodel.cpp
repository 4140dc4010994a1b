#include "errorgroupsmodel.h"

#include "admin/adminclient.h"
#include "alertsmodel.h"

#include <QJsonArray>
#include <QUrl>

namespace twinops {

namespace {

QList<JobState> statesFor(ErrorGroupsModel::Action action)
{
    // As the routes apply them (docs/decisions.md, "Issue #16: error groups").
    switch (action) {
    case ErrorGroupsModel::Action::Retry: return {JobState::Discarded, JobState::Cancelled};
    case ErrorGroupsModel::Action::Cancel:
        return {JobState::Scheduled, JobState::Available, JobState::Retryable, JobState::Running};
    case ErrorGroupsModel::Action::Discard: return {JobState::Scheduled, JobState::Available, JobState::Retryable};
    }
    return {};
}

} // namespace

QString ErrorGroupsFilter::queryString() const
{
    QStringList parts;
    const auto add = [&](const char *key, const QString &value) {
        if (!value.trimmed().isEmpty())
            parts << QLatin1String(key) + QLatin1Char('=')
                    + QString::fromLatin1(QUrl::toPercentEncoding(value.trimmed()));
    };
    if (state)
        add("state", jobStateName(*state));
    add("type", type);
    add("tenant_id", tenantId);
    return parts.join(QLatin1Char('&'));
}

ErrorGroupsModel::ErrorGroupsModel(AdminClient &client, QObject *parent)
    : QAbstractTableModel(parent)
    , m_client(client)
{ }

void ErrorGroupsModel::setFilter(const ErrorGroupsFilter &filter)
{
    m_filter = filter;
    reload();
}

void ErrorGroupsModel::reload()
{
    QString path = QStringLiteral("/api/v1/admin/jobs/error-groups");
    if (const QString query = m_filter.queryString(); !query.isEmpty())
        path += QLatin1Char('?') + query;
    m_request.get(m_client, path, this, [this](const AdminReply &reply) { arrived(reply); });
}

void ErrorGroupsModel::arrived(const AdminReply &reply)
{
    if (!reply.ok()) {
        emit errorOccurred(reply.errorText());
        return;
    }
    beginResetModel();
    m_groups.clear();
    for (const QJsonValue &value : reply.body.value(QLatin1String("items")).toArray())
        m_groups << value.toObject();
    endResetModel();
    emit loaded();
}

void ErrorGroupsModel::setTenantNames(const QHash<QString, QString> &names)
{
    m_tenantNames = names;
    if (!m_groups.isEmpty())
        emit dataChanged(index(0, Tenants), index(rowCount() - 1, Tenants));
}

qint64 ErrorGroupsModel::applicableCount(Action action, const QJsonObject &group)
{
    const QJsonObject states = group.value(QLatin1String("states")).toObject();
    qint64 count = 0;
    for (const JobState state : statesFor(action))
        count += states.value(jobStateName(state)).toInteger();
    return count;
}

QString ErrorGroupsModel::actionName(Action action)
{
    switch (action) {
    case Action::Retry: return QStringLiteral("retry");
    case Action::Cancel: return QStringLiteral("cancel");
    case Action::Discard: return QStringLiteral("discard");
    }
    return {};
}

void ErrorGroupsModel::act(Action action, const QString &signature)
{
    QJsonObject body{{QStringLiteral("signature"), signature}};
    if (!m_filter.tenantId.trimmed().isEmpty())
        body.insert(QStringLiteral("tenant_id"), m_filter.tenantId.trimmed());
    if (!m_filter.type.trimmed().isEmpty())
        body.insert(QStringLiteral("type"), m_filter.type.trimmed());
    m_client.call("POST", QStringLiteral("/api/v1/admin/jobs/error-groups/") + actionName(action), body, this,
                  [this, action, signature](const AdminReply &reply) {
                      if (reply.ok())
                          emit actionFinished(action, signature, reply.body.value(QLatin1String("changed")).toInteger(),
                                              reply.body.value(QLatin1String("in_group")).toInteger(), QString());
                      else
                          emit actionFinished(action, signature, 0, 0, reply.errorText());
                      reload();
                  });
}

int ErrorGroupsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_groups.size());
}

int ErrorGroupsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ErrorGroupsModel::tenantsText(const QJsonObject &group) const
{
    QStringList parts;
    for (const QJsonValue &value : group.value(QLatin1String("tenants")).toArray()) {
        const QJsonObject tenant = value.toObject();
        const QJsonValue id = tenant.value(QLatin1String("tenant_id"));
        const QString name = id.isNull() ? tr("platform") : m_tenantNames.value(id.toString(), id.toString());
        parts << QStringLiteral("%1: %2").arg(name).arg(tenant.value(QLatin1String("count")).toInteger());
    }
    return parts.join(QLatin1String(", "));
}

QVariant ErrorGroupsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject &group = m_groups.at(index.row());
    if (role == SignatureRole)
        return group.value(QLatin1String("signature")).toString();
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (Column(index.column())) {
    case Signature: return group.value(QLatin1String("signature")).toString();
    case Count: return group.value(QLatin1String("count")).toInteger();
    case States: {
        QStringList parts;
        const QJsonObject states = group.value(QLatin1String("states")).toObject();
        for (auto it = states.constBegin(); it != states.constEnd(); ++it)
            parts << QStringLiteral("%1: %2").arg(it.key()).arg(it.value().toInteger());
        return parts.join(QLatin1String(", "));
    }
    case Tenants: return tenantsText(group);
    case FirstSeen: return AlertsModel::timeCell(group.value(QLatin1String("first_seen")), false);
    case LastSeen: return AlertsModel::timeCell(group.value(QLatin1String("last_seen")), false);
    case Example: return group.value(QLatin1String("example_message")).toString();
    case ColumnCount: break;
    }
    return {};
}

QVariant ErrorGroupsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Signature: return tr("Signature");
    case Count: return tr("Jobs");
    case States: return tr("States");
    case Tenants: return tr("Tenants");
    case FirstSeen: return tr("First seen");
    case LastSeen: return tr("Last seen");
    case Example: return tr("Example message");
    case ColumnCount: break;
    }
    return {};
}

} // namespace twinops
