#pragma once

#include "pagedadminmodel.h"

namespace twinops {

// The users of one tenant, paged; revoke and restore change the one row they act on.
class UsersModel final : public PagedAdminModel
{
    Q_OBJECT
public:
    enum Column { Email, Role, State, Created, ColumnCount };
    enum UserRole {
        RevokedRole = IdRole + 1, // bool
    };

    explicit UsersModel(AdminClient &client, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const QString &tenantId() const { return m_tenantId; }
    // Lists the users of this tenant (none for an empty id); reloads when it changed.
    void setTenantId(const QString &tenantId);

    bool isRevoked(int row) const;
    void setRevoked(const QString &userId, bool revoked);

signals:
    void userUpdated(const QString &userId);

protected:
    QString listPath() const override;

private:
    QString m_tenantId;
};

} // namespace twinops
