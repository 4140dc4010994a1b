#pragma once

#include "latestrequest.h"

#include <QAbstractItemModel>
#include <QJsonObject>
#include <QList>

namespace twinops {

// The worker pools of every instance (GET /api/v1/admin/workers) as a tree: an instance per top-level row, its
// workers below it. A stuck worker (silent for longer than its lease) and a stale instance (its process gone or
// hung) carry StuckRole and a warning colour. A reload keeps the rows when the same instances and workers come back,
// so that a view refreshed on a timer keeps its selection and expansion.
class WorkersModel final : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { Name, Host, Pid, Version, Started, LastHeartbeat, Job, JobsInHand, Status, ColumnCount };
    enum Role { StuckRole = Qt::UserRole + 1 };

    explicit WorkersModel(AdminClient &client, QObject *parent = nullptr);

    void reload();
    bool isLoading() const { return m_request.isLoading(); }
    QJsonObject instance(int row) const { return m_instances.value(row); }
    int stuckWorkers() const; // in running instances and stale ones
    int staleInstances() const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    void loaded();
    void errorOccurred(const QString &message);

private:
    void arrived(const AdminReply &reply);
    QVariant instanceData(const QJsonObject &instance, int column, int role) const;
    QVariant workerData(const QJsonObject &instance, const QJsonObject &worker, int column, int role) const;

    AdminClient &m_client;
    QList<QJsonObject> m_instances;
    LatestRequest m_request;
};

} // namespace twinops
