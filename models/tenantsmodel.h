#pragma once

#include "pagedadminmodel.h"

namespace twinops {

// Every tenant of an environment with its counts and last activity, paged, filtered by a name search and a status;
// create, suspend/reactivate and delete update the table in place (one row inserted, changed or removed), only a new
// filter resets it.
class TenantsModel final : public PagedAdminModel
{
    Q_OBJECT
public:
    enum Column { Name, Status, Users, Twins, Sources, Jobs, LastActivity, Created, ColumnCount };
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

    // "active" or "suspended"; empty: every tenant. Reloads when it changed.
    const QString &status() const { return m_status; }
    void setStatus(const QString &status);

    bool isSuspended(int row) const;
    void createTenant(const QString &name);
    void setSuspended(const QString &tenantId, bool suspended);
    // DELETE /api/v1/admin/tenants/{id}, confirmed with the name (the API refuses any other).
    void deleteTenant(const QString &tenantId, const QString &name);

signals:
    void tenantCreated(const QString &tenantId);
    void tenantUpdated(const QString &tenantId);
    // `deleted` is the API's answer: {id, name, deleted: {users, twins, sources, jobs}}.
    void tenantDeleted(const QJsonObject &deleted);

protected:
    QString listPath() const override;

private:
    QString m_search;
    QString m_status;
};

} // namespace twinops
