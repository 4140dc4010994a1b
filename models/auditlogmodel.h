#pragma once

#include "pagedadminmodel.h"

#include <QDateTime>

namespace twinops {

// What the Audit log panel narrows the log to (GET /api/v1/admin/audit's parameters); an empty field does not filter.
struct AuditLogFilter
{
    QString tenantId;
    QString actor; // an id or a user's email
    QString action; // exact
    QString text; // searched in the action, target, actor, address and details
    QDateTime since;
    QDateTime until;

    bool operator==(const AuditLogFilter &other) const = default;
};

// The platform's audit log, newest first, paged as the server pages it; a new filter resets it.
class AuditLogModel final : public PagedAdminModel
{
    Q_OBJECT
public:
    enum Column { Time, Actor, Action, Target, Tenant, Address, ColumnCount };
    enum AuditRole {
        FullIdRole = IdRole + 1, // the full id of what the cell shows: actor, target, tenant, else the entry's id
    };

    explicit AuditLogModel(AdminClient &client, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const AuditLogFilter &filter() const { return m_filter; }
    // Reloads when the filter changed.
    void setFilter(const AuditLogFilter &filter);

protected:
    QString listPath() const override;

private:
    AuditLogFilter m_filter;
};

} // namespace twinops
