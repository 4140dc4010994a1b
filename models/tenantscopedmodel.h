#pragma once

#include "pagedadminmodel.h"

namespace twinops {

// A paged list of one tenant's rows that can be revoked (users, API keys, share links): the tenant switch, the revoked
// state and the roles every such table answers alike. A subclass gives its columns (cellData, headerData) and its
// routes.
class TenantScopedModel : public PagedAdminModel
{
    Q_OBJECT
public:
    enum ScopedRole {
        RevokedRole = IdRole + 1, // bool
    };

    int columnCount(const QModelIndex &parent = {}) const override;
    // IdRole, RevokedRole and the grey of revoked rows here; display, sort and tool tip roles from cellData().
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    const QString &tenantId() const { return m_tenantId; }
    // Lists the rows of `tenantId` (none when empty); reloads when it changed.
    void setTenantId(const QString &tenantId);
    // The object of the tenant whose rows are listed (a twin, a conversation, a graph edge); empty for the tenant's
    // own lists.
    const QString &ownerId() const { return m_ownerId; }
    // Lists the rows of `ownerId` of `tenantId`; reloads once when either changed.
    void setOwner(const QString &tenantId, const QString &ownerId);

    // A row is revoked once it has a revoked_at time.
    bool isRevoked(int row) const;

protected:
    TenantScopedModel(AdminClient &client, int columnCount, QObject *parent);

    // The cell of a valid index for Qt::DisplayRole, SortRole or Qt::ToolTipRole.
    virtual QVariant cellData(const QModelIndex &index, int role) const = 0;

private:
    const int m_columnCount;
    QString m_tenantId;
    QString m_ownerId;
};

} // namespace twinops
