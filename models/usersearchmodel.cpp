#include "usersearchmodel.h"

#include "usersmodel.h"

#include <QJsonObject>

namespace twinops {

UserSearchModel::UserSearchModel(AdminClient &client, QObject *parent)
    : PagedAdminModel(client, parent)
{ }

int UserSearchModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UserSearchModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (role == IdRole)
        return idAt(index.row());
    if (role == TenantIdRole)
        return tenantIdAt(index.row());
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};
    const QJsonObject user = item(index.row());
    switch (index.column()) {
    case Email: return UsersModel::userCell(user, UsersModel::Email, role);
    case Tenant: {
        const QString name = user.value(QLatin1String("tenant_name")).toString();
        return role == SortRole ? QVariant(name.toLower()) : QVariant(name);
    }
    case Role: return UsersModel::userCell(user, UsersModel::Role, role);
    case State: return UsersModel::userCell(user, UsersModel::State, role);
    case LastLogin: return UsersModel::userCell(user, UsersModel::LastLogin, role);
    default: return {};
    }
}

QVariant UserSearchModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Email: return tr("Email");
    case Tenant: return tr("Tenant");
    case Role: return tr("Role");
    case State: return tr("State");
    case LastLogin: return tr("Last login");
    default: return {};
    }
}

void UserSearchModel::setSearch(const QString &search)
{
    const QString trimmed = search.trimmed();
    if (trimmed == m_search)
        return;
    m_search = trimmed;
    reload();
}

QString UserSearchModel::tenantIdAt(int row) const
{
    return item(row).value(QLatin1String("tenant_id")).toString();
}

QString UserSearchModel::listPath() const
{
    if (m_search.isEmpty())
        return {};
    return QStringLiteral("/api/v1/admin/users?q=") + encoded(m_search);
}

} // namespace twinops
