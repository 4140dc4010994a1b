#include "twinsmodel.h"

#include "admin/adminclient.h"

#include <QColor>
#include <QDateTime>
#include <QJsonObject>
#include <QLocale>

namespace twinops {

TwinsModel::TwinsModel(AdminClient &client, QObject *parent)
    : PagedAdminModel(client, parent)
{ }

int TwinsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TwinsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject twin = item(index.row());
    const bool archived = isArchived(index.row());
    if (role == IdRole)
        return twin.value(QLatin1String("id")).toString();
    if (role == Qt::ForegroundRole)
        return archived ? QVariant(QColor(Qt::gray)) : QVariant();
    if (role == Qt::ToolTipRole && index.column() == Name)
        return twin.value(QLatin1String("description")).toString();
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    switch (index.column()) {
    case Name: {
        const QString name = twin.value(QLatin1String("name")).toString();
        return role == SortRole ? QVariant(name.toLower()) : QVariant(name);
    }
    case Status: return twin.value(QLatin1String("status")).toString();
    case Created: {
        const QDateTime created
            = QDateTime::fromString(twin.value(QLatin1String("created_at")).toString(), Qt::ISODateWithMs);
        if (role == SortRole)
            return created;
        return QLocale().toString(created.toLocalTime(), QLocale::ShortFormat);
    }
    default: return {};
    }
}

QVariant TwinsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name: return tr("Name");
    case Status: return tr("Status");
    case Created: return tr("Created");
    default: return {};
    }
}

void TwinsModel::setTenantId(const QString &tenantId)
{
    if (tenantId == m_tenantId)
        return;
    m_tenantId = tenantId;
    reload();
}

void TwinsModel::createTwin(const QString &name)
{
    if (m_tenantId.isEmpty())
        return;
    client().call(
        "POST", QStringLiteral("/api/v1/twins"), QJsonObject{{QStringLiteral("name"), name}}, this,
        [this, tenant = m_tenantId](const AdminReply &reply) {
            if (!reply.ok()) {
                reportError(reply);
                return;
            }
            // The answer of another tenant's request (the picker moved on) belongs to no row here.
            if (tenant == m_tenantId)
                upsert(reply.body, true);
            emit twinCreated(reply.body.value(QLatin1String("id")).toString());
        },
        m_tenantId);
}

void TwinsModel::updateTwin(const QString &twinId, const QJsonObject &patch)
{
    if (m_tenantId.isEmpty() || twinId.isEmpty())
        return;
    client().call(
        "PATCH", QStringLiteral("/api/v1/twins/") + encoded(twinId), patch, this,
        [this, tenant = m_tenantId, twinId](const AdminReply &reply) {
            if (!reply.ok()) {
                emit errorOccurred(tr("The twin was not changed: %1").arg(reply.errorText()));
                return;
            }
            if (tenant == m_tenantId)
                upsert(reply.body, false);
            emit twinUpdated(twinId);
        },
        m_tenantId);
}

void TwinsModel::deleteTwin(const QString &twinId)
{
    const int row = rowOf(twinId);
    if (m_tenantId.isEmpty() || row < 0)
        return;
    client().call(
        "DELETE", QStringLiteral("/api/v1/twins/") + encoded(twinId), QJsonValue(QJsonValue::Undefined), this,
        [this, tenant = m_tenantId, twinId,
         name = item(row).value(QLatin1String("name")).toString()](const AdminReply &reply) {
            if (!reply.ok()) {
                emit errorOccurred(tr("The twin \"%1\" was not deleted: %2").arg(name, reply.errorText()));
                return;
            }
            if (tenant == m_tenantId)
                removeItem(twinId);
            emit twinDeleted(twinId, name);
        },
        m_tenantId);
}

bool TwinsModel::isArchived(int row) const
{
    return item(row).value(QLatin1String("status")).toString() == QLatin1String("archived");
}

QString TwinsModel::listPath() const
{
    return m_tenantId.isEmpty() ? QString() : QStringLiteral("/api/v1/twins");
}

} // namespace twinops
