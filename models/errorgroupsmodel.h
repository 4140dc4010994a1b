#pragma once

#include "jobs/job.h"
#include "latestrequest.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QJsonObject>
#include <QList>

#include <optional>

namespace twinops {

// What the error groups are narrowed to: the query parameters of GET /api/v1/admin/jobs/error-groups (empty = any).
struct ErrorGroupsFilter
{
    std::optional<JobState> state;
    QString type;
    QString tenantId;

    QString queryString() const; // percent-encoded "key=value&…"
    bool operator==(const ErrorGroupsFilter &other) const = default;
};

// The failed jobs of every tenant grouped by error signature (GET /api/v1/admin/jobs/error-groups, largest groups
// first, one request: the route is not paged) and the per-group actions (POST …/error-groups/{retry,cancel,discard},
// narrowed by the filter's tenant and type as the list is). An answer for a filter that was replaced is dropped.
class ErrorGroupsModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Signature, Count, States, Tenants, FirstSeen, LastSeen, Example, ColumnCount };
    enum Role { SignatureRole = Qt::UserRole + 1 };
    enum class Action { Retry, Cancel, Discard };

    explicit ErrorGroupsModel(AdminClient &client, QObject *parent = nullptr);

    void setFilter(const ErrorGroupsFilter &filter); // reloads
    const ErrorGroupsFilter &filter() const { return m_filter; }
    void reload();
    bool isLoading() const { return m_request.isLoading(); }
    // Tenant ids → names for the Tenants column (the API gives ids); ids without a name show as ids.
    void setTenantNames(const QHash<QString, QString> &names);

    QJsonObject group(int row) const { return m_groups.value(row); }
    // How many of the group's jobs are in a state `action` applies to (as listed: under the filter's state).
    static qint64 applicableCount(Action action, const QJsonObject &group);
    static QString actionName(Action action); // "retry", "cancel", "discard": the route's last segment
    void act(Action action, const QString &signature);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    void loaded();
    void errorOccurred(const QString &message);
    // The server's {changed, in_group}, or `error` (then both 0); the list reloads after either.
    void actionFinished(twinops::ErrorGroupsModel::Action action, const QString &signature, qint64 changed,
                        qint64 inGroup, const QString &error);

private:
    void arrived(const AdminReply &reply);
    QString tenantsText(const QJsonObject &group) const;

    AdminClient &m_client;
    ErrorGroupsFilter m_filter;
    QList<QJsonObject> m_groups;
    QHash<QString, QString> m_tenantNames;
    LatestRequest m_request;
};

} // namespace twinops
