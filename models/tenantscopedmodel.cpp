#include "tenantscopedmodel.h"

#include <QColor>
#include <QJsonObject>

namespace twinops {

TenantScopedModel::TenantScopedModel(AdminClient &client, int columnCount, QObject *parent)
    : PagedAdminModel(client, parent)
    , m_columnCount(columnCount)
{ }

int TenantScopedModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_columnCount;
}

QVariant TenantScopedModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (role == IdRole)
        return idAt(index.row());
    if (role == RevokedRole)
        return isRevoked(index.row());
    if (role == Qt::ForegroundRole)
        return isRevoked(index.row()) ? QVariant(QColor(Qt::gray)) : QVariant();
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};
    return cellData(index, role);
}

void TenantScopedModel::setTenantId(const QString &tenantId)
{
    if (tenantId == m_tenantId)
        return;
    m_tenantId = tenantId;
    reload();
}

void TenantScopedModel::setOwner(const QString &tenantId, const QString &ownerId)
{
    if (tenantId == m_tenantId && ownerId == m_ownerId)
        return;
    m_tenantId = tenantId;
    m_ownerId = ownerId;
    reload();
}

bool TenantScopedModel::isRevoked(int row) const
{
    const QJsonValue revokedAt = item(row).value(QLatin1String("revoked_at"));
    return revokedAt.isString() && !revokedAt.toString().isEmpty();
}

} // namespace twinops
