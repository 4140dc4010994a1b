#pragma once

#include "pagedadminmodel.h"

namespace twinops {

// The transitions of an environment's alerts (GET /api/v1/admin/alerts/history: pending, firing, resolved, inactive),
// paged in the route's order (oldest first, keyset paging); the panel sorts the rows loaded newest first.
class AlertHistoryModel final : public PagedAdminModel
{
    Q_OBJECT
public:
    enum Column { Time, Rule, State, Labels, Value, Silenced, ColumnCount };

    explicit AlertHistoryModel(AdminClient &client, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    QString listPath() const override;
};

} // namespace twinops
