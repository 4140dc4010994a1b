#pragma once

#include "tenantscopedmodel.h"

#include <optional>

namespace twinops {

// The share links of one twin (/api/v1/twins/{id}/share-links, reached inside the twin's tenant), paged like the
// admin lists. Create appends the new row and revoke changes its row in place; another twin resets the table. The
// token of a new link is handed on once, in linkCreated, and never kept here.
class ShareLinksModel final : public TenantScopedModel
{
    Q_OBJECT
public:
    enum Column { Prefix, Created, Expires, LastUsed, State, ColumnCount };

    explicit ShareLinksModel(AdminClient &client, QObject *parent = nullptr);

    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const QString &twinId() const { return ownerId(); }
    // Lists the links of `twinId` of `tenantId` (none when either is empty); reloads when it changed.
    void setTwin(const QString &tenantId, const QString &twinId) { setOwner(tenantId, twinId); }
    // expiresInDays: none, a link that never expires.
    void createLink(std::optional<int> expiresInDays);
    void revokeLink(const QString &linkId);

signals:
    // `link` is the new link's row (without the token); `token` is the capability, which the API shows only now.
    void linkCreated(const QString &twinId, const QJsonObject &link, const QString &token);

protected:
    QString listPath() const override;
    QString actingTenant() const override { return tenantId(); }
    QVariant cellData(const QModelIndex &index, int role) const override;
};

} // namespace twinops
