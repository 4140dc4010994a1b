#pragma once

#include "tenantscopedmodel.h"

namespace twinops {

// The evidence of one edge of a twin's graph (/api/v1/twins/{id}/graph/edges/{edge_id}/evidence, reached inside the
// twin's tenant), oldest first and paged: the sentence that stated the fact and the conversation it came from.
class GraphEvidenceModel final : public TenantScopedModel
{
    Q_OBJECT
public:
    enum Column { Snippet, Conversation, Recorded, ColumnCount };

    explicit GraphEvidenceModel(AdminClient &client, QObject *parent = nullptr);

    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const QString &edgeId() const { return ownerId(); }
    // Lists the evidence of `edgeId` of the twin `twinId` of `tenantId` (none when any is empty); reloads when it
    // changed.
    void setEdge(const QString &tenantId, const QString &twinId, const QString &edgeId);
    QString conversationId(int row) const;

protected:
    QString listPath() const override;
    QString actingTenant() const override { return tenantId(); }
    QVariant cellData(const QModelIndex &index, int role) const override;

private:
    QString m_twinId;
};

} // namespace twinops
