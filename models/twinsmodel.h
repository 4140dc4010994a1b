#pragma once

#include "pagedadminmodel.h"

namespace twinops {

// The twins of one tenant, paged, reached inside that tenant (AdminApi's actingTenant); a twin created, changed or
// deleted here changes its row in place, only another tenant resets the table.
class TwinsModel final : public PagedAdminModel
{
    Q_OBJECT
public:
    enum Column { Name, Status, Created, ColumnCount };

    explicit TwinsModel(AdminClient &client, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const QString &tenantId() const { return m_tenantId; }
    // Lists the twins of `tenantId` (none when empty); reloads when it changed.
    void setTenantId(const QString &tenantId);
    void createTwin(const QString &name);
    // PATCH /api/v1/twins/{id} with the fields of `patch` (name, description, status).
    void updateTwin(const QString &twinId, const QJsonObject &patch);
    void deleteTwin(const QString &twinId);

    bool isArchived(int row) const;

signals:
    void twinCreated(const QString &twinId);
    void twinUpdated(const QString &twinId);
    void twinDeleted(const QString &twinId, const QString &name);

protected:
    QString listPath() const override;
    QString actingTenant() const override { return m_tenantId; }

private:
    QString m_tenantId;
};

} // namespace twinops
