#pragma once

#include "tenantscopedmodel.h"

#include <QStringList>

namespace twinops {

// The users of one tenant, paged; revoke and restore change the one row they act on.
class UsersModel final : public TenantScopedModel
{
    Q_OBJECT
public:
    enum Column { Email, Role, State, Password, LastLogin, Created, ColumnCount };

    explicit UsersModel(AdminClient &client, QObject *parent = nullptr);

    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setRevoked(const QString &userId, bool revoked);
    // Ends the user's sessions (not the keys); sessionsEnded once the API confirmed it.
    void endSessions(const QString &userId);
    // Adds a user to the shown tenant with a generated password (POST /api/v1/admin/tenants/{id}/users); the password
    // is handed on once, in userAdded, and never kept here.
    void addUser(const QString &email, const QString &role);
    void changeRole(const QString &userId, const QString &role);
    // A new generated password for the user (POST /api/v1/admin/users/{id}/password-reset): handed on once, in
    // passwordReset, and never kept here. The user's sessions end and the user must change it at the next sign-in.
    void resetPassword(const QString &userId);

    // The roles a tenant's user may have, most powerful first (the API's enum).
    static QStringList roles();
    // The cell of `user` in `column` for Qt::DisplayRole, SortRole or Qt::ToolTipRole: every list of users (this one,
    // UserSearchModel) shows a user alike.
    static QVariant userCell(const QJsonObject &user, Column column, int role);

signals:
    void userUpdated(const QString &userId);
    void sessionsEnded(const QString &userId);
    void userAdded(const QString &tenantId, const QJsonObject &user, const QString &password);
    void passwordReset(const QString &tenantId, const QJsonObject &user, const QString &password);

protected:
    QString listPath() const override;
    QVariant cellData(const QModelIndex &index, int role) const override;
};

} // namespace twinops
