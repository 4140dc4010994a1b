#pragma once

#include "pagedadminmodel.h"

namespace twinops {

// Every tenant of an environment with its counts, paged, filtered by a name search; create and suspend/reactivate
// update the table in place (one row inserted or changed), only a new search resets it.
class TenantsModel final : public PagedAdminModel
{
    Q_OBJECT
public:
    enum Column { Name, Status, Users, Twins, Sources, Jobs, Created, ColumnCount };
    enum TenantRole {
        SuspendedRole = IdRole + 1, // bool
    };

    explicit TenantsModel(AdminClient &client, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const QString &search() const { return m_search; }
    // Lists only the tenants whose name contains `search` (case-insensitive); reloads when it changed.
    void setSearch(const QString &search);

    bool isSuspended(int row) const;
    void createTenant(const QString &name);
    void setSuspended(const QString &tenantId, bool suspended);

signals:
    void tenantCreated(const QString &tenantId);
    void tenantUpdated(const QString &tenantId);

protected:
    QString listPath() const override;

private:
    QString m_search;
};

} // namespace twinops
