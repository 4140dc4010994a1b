#include "usersmodel.h"

#include "admin/adminclient.h"

#include <QDateTime>
#include <QJsonObject>
#include <QLocale>

namespace twinops {

UsersModel::UsersModel(AdminClient &client, QObject *parent)
    : TenantScopedModel(client, ColumnCount, parent)
{ }

QVariant UsersModel::cellData(const QModelIndex &index, int role) const
{
    return userCell(item(index.row()), Column(index.column()), role);
}

QVariant UsersModel::userCell(const QJsonObject &user, Column column, int role)
{
    switch (column) {
    case Email: {
        const QString email = user.value(QLatin1String("email")).toString();
        return role == SortRole ? QVariant(email.toLower()) : QVariant(email);
    }
    case Role: return user.value(QLatin1String("role")).toString();
    case State:
        if (!user.value(QLatin1String("revoked_at")).toString().isEmpty())
            return tr("revoked");
        return user.value(QLatin1String("is_active")).toBool() ? tr("active") : tr("inactive");
    case LastLogin: {
        const QDateTime lastLogin
            = QDateTime::fromString(user.value(QLatin1String("last_login_at")).toString(), Qt::ISODateWithMs);
        if (role == SortRole)
            return lastLogin;
        return lastLogin.isValid() ? QLocale().toString(lastLogin.toLocalTime(), QLocale::ShortFormat) : tr("never");
    }
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
    case LastLogin: return tr("Last login");
    case Created: return tr("Created");
    default: return {};
    }
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

void UsersModel::endSessions(const QString &userId)
{
    client().call("POST", QStringLiteral("/api/v1/admin/users/%1/end-sessions").arg(encoded(userId)),
                  QJsonValue(QJsonValue::Undefined), this, [this](const AdminReply &reply) {
                      if (!reply.ok()) {
                          reportError(reply);
                          return;
                      }
                      upsert(reply.body, false);
                      emit sessionsEnded(reply.body.value(QLatin1String("id")).toString());
                  });
}

void UsersModel::addUser(const QString &email, const QString &role)
{
    if (tenantId().isEmpty())
        return;
    client().call("POST", QStringLiteral("/api/v1/admin/tenants/%1/users").arg(encoded(tenantId())),
                  QJsonObject{{QStringLiteral("email"), email}, {QStringLiteral("role"), role}}, this,
                  [this, tenant = tenantId()](const AdminReply &reply) {
                      if (!reply.ok()) {
                          emit errorOccurred(tr("The user was not added: %1").arg(reply.errorText()));
                          return;
                      }
                      QJsonObject user = reply.body;
                      const QString password = user.take(QLatin1String("password")).toString();
                      if (tenant == tenantId())
                          upsert(user, true);
                      emit userAdded(tenant, user, password);
                  });
}

void UsersModel::changeRole(const QString &userId, const QString &role)
{
    client().call("PATCH", QStringLiteral("/api/v1/admin/users/") + encoded(userId),
                  QJsonObject{{QStringLiteral("role"), role}}, this, [this](const AdminReply &reply) {
                      if (!reply.ok()) {
                          emit errorOccurred(tr("The role was not changed: %1").arg(reply.errorText()));
                          return;
                      }
                      upsert(reply.body, false);
                      emit userUpdated(reply.body.value(QLatin1String("id")).toString());
                  });
}

QStringList UsersModel::roles()
{
    return {QStringLiteral("owner"), QStringLiteral("admin"), QStringLiteral("viewer")};
}

QString UsersModel::listPath() const
{
    if (tenantId().isEmpty())
        return {};
    return QStringLiteral("/api/v1/admin/users?tenant_id=") + encoded(tenantId());
}

} // namespace twinops
