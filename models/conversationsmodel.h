#pragma once

#include "tenantscopedmodel.h"

namespace twinops {

// The conversations of one twin (/api/v1/twins/{id}/conversations, reached inside the twin's tenant), most recently
// active first, paged like the admin lists; another twin resets the table.
class ConversationsModel final : public TenantScopedModel
{
    Q_OBJECT
public:
    enum Column { Title, Messages, Started, LastActive, Via, ColumnCount };

    explicit ConversationsModel(AdminClient &client, QObject *parent = nullptr);

    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const QString &twinId() const { return ownerId(); }
    // Lists the conversations of `twinId` of `tenantId` (none when either is empty); reloads when it changed.
    void setTwin(const QString &tenantId, const QString &twinId) { setOwner(tenantId, twinId); }

protected:
    QString listPath() const override;
    QString actingTenant() const override { return tenantId(); }
    QVariant cellData(const QModelIndex &index, int role) const override;
};

} // namespace twinops
