#pragma once

#include "latestrequest.h"

#include <QAbstractTableModel>
#include <QJsonObject>
#include <QList>

namespace twinops {

// The job types of every tenant (GET /api/v1/admin/jobs/types, by name, one request: the route is not paged) with
// their jobs by state and whether they are paused, and pausing / resuming one (POST …/types/{type}/pause|resume).
class JobTypesModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Type,
        Status,
        Available,
        Scheduled,
        Retryable,
        Running,
        Completed,
        Discarded,
        Cancelled,
        ColumnCount
    };
    enum Role { PausedRole = Qt::UserRole + 1, PlatformRole };

    explicit JobTypesModel(AdminClient &client, QObject *parent = nullptr);

    void reload();
    bool isLoading() const { return m_request.isLoading(); }
    QJsonObject type(int row) const { return m_types.value(row); }
    int rowOf(const QString &type) const; // -1 if not listed
    // `reason` only when pausing; the list reloads after the answer.
    void setPaused(const QString &type, bool paused, const QString &reason = {});

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    void loaded();
    void errorOccurred(const QString &message);
    // The type's new state, or `error`.
    void pauseFinished(const QString &type, bool paused, const QString &error);

private:
    void arrived(const AdminReply &reply);

    AdminClient &m_client;
    QList<QJsonObject> m_types;
    LatestRequest m_request;
};

} // namespace twinops
