#include "usersmodel.h"

#include "admin/adminclient.h"

#include <QColor>
#include <QDateTime>
#include <QJsonObject>
#include <QLocale>

namespace twinops {

UsersModel::UsersModel(AdminClient &client, QObject *parent)
    : PagedAdminModel(client, parent)
{ }

int UsersModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UsersModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject user = item(index.row());
    const bool revoked = isRevoked(index.row());
    if (role == IdRole)
        return user.value(QLatin1String("id")).toString();
    if (role == RevokedRole)
        return revoked;
    if (role == Qt::ForegroundRole)
        return revoked ? QVariant(QColor(Qt::gray)) : QVariant();
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};

    switch (index.column()) {
    case Email: {
        const QString email = user.value(QLatin1String("email")).toString();
        return role == SortRole ? QVariant(email.toLower()) : QVariant(email);
    }
    case Role: return user.value(QLatin1String("role")).toString();
    case State:
        if (revoked)
            return tr("revoked");
        return user.value(QLatin1String("is_active")).toBool() ? tr("active") : tr("inactive");
    case Created: {
        const QDateTime created
            = QDateTime::fromString(user.value(QLatin1String("created_at")).toString(), Qt::ISODateWithMs);
        if (role == SortRole)
            return created;
        return QLocale().toString(created.toLocalTime(), QLocale::ShortFormat);
    }
    default: return {};
    }
}

QVariant UsersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Email: return tr("Email");
    case Role: return tr("Role");
    case State: return tr("State");
    case Created: return tr("Created");
    default: return {};
    }
}

void UsersModel::setTenantId(const QString &tenantId)
{
    if (tenantId == m_tenantId)
        return;
    m_tenantId = tenantId;
    reload();
}

bool UsersModel::isRevoked(int row) const
{
    const QJsonValue revokedAt = item(row).value(QLatin1String("revoked_at"));
    return revokedAt.isString() && !revokedAt.toString().isEmpty();
}

void UsersModel::setRevoked(const QString &userId, bool revoked)
{
    const QString path = QStringLiteral("/api/v1/admin/users/%1/%2")
                             .arg(encoded(userId), revoked ? QStringLiteral("revoke") : QStringLiteral("restore"));
    client().call("POST", path, QJsonValue(QJsonValue::Undefined), this, [this](const AdminReply &reply) {
        if (!reply.ok()) {
            reportError(reply);
            return;
        }
        upsert(reply.body, false);
        emit userUpdated(reply.body.value(QLatin1String("id")).toString());
    });
}

QString UsersModel::listPath() const
{
    if (m_tenantId.isEmpty())
        return {};
    return QStringLiteral("/api/v1/admin/users?tenant_id=") + encoded(m_tenantId);
}

} // namespace twinops
