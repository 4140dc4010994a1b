#pragma once

#include "pagedadminmodel.h"

namespace twinops {

// The users of every tenant whose email or tenant name contains a search (GET /api/v1/admin/users?q=…), paged, each
// with its tenant's name: how an admin finds a person without knowing their tenant. Lists nothing without a search.
class UserSearchModel final : public PagedAdminModel
{
    Q_OBJECT
public:
    enum Column { Email, Tenant, Role, State, LastLogin, ColumnCount };
    enum SearchRole {
        TenantIdRole = IdRole + 1, // the user's tenant, on every column
    };

    explicit UserSearchModel(AdminClient &client, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const QString &search() const { return m_search; }
    // Lists the users matching `search` (case-insensitive; surrounding spaces ignored); reloads when it changed.
    void setSearch(const QString &search);
    QString tenantIdAt(int row) const;

protected:
    QString listPath() const override;

private:
    QString m_search;
};

} // namespace twinops
