#pragma once

#include "tenantscopedmodel.h"

namespace twinops {

// The users of one tenant, paged; revoke and restore change the one row they act on.
class UsersModel final : public TenantScopedModel
{
    Q_OBJECT
public:
    enum Column { Email, Role, State, LastLogin, Created, ColumnCount };

    explicit UsersModel(AdminClient &client, QObject *parent = nullptr);

    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setRevoked(const QString &userId, bool revoked);
    // Ends the user's sessions (not the keys); sessionsEnded once the API confirmed it.
    void endSessions(const QString &userId);

signals:
    void userUpdated(const QString &userId);
    void sessionsEnded(const QString &userId);

protected:
    QString listPath() const override;
    QVariant cellData(const QModelIndex &index, int role) const override;
};

} // namespace twinops
