#pragma once

#include "pagedadminmodel.h"

#include <QJsonValue>
#include <QStringList>

#include <functional>

namespace twinops {

// The sources of one twin (inside its tenant), paged: state, health, chunk count, last error. Upload, approve
// (one or in bulk), reject, delete and refresh change rows in place; only another twin resets the table.
class SourcesModel final : public PagedAdminModel
{
    Q_OBJECT
public:
    enum Column { Filename, Status, Health, Chunks, LastError, Updated, ColumnCount };

    explicit SourcesModel(AdminClient &client, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const QString &tenantId() const { return m_tenantId; }
    const QString &twinId() const { return m_twinId; }
    // Lists the sources of `twinId` in `tenantId` (none when either is empty); reloads when they changed.
    void setTwin(const QString &tenantId, const QString &twinId);

    QString statusAt(int row) const;
    // True while a row waits for the workers (approved, not yet indexed or failed).
    bool hasWorkInProgress() const;

    void upload(const QString &filename, const QString &content, const QString &contentType = {});
    // One source through its own route, several through bulk-approve (all or nothing).
    void approve(const QStringList &sourceIds);
    void reject(const QString &sourceId);
    // Deletes the source with its chunks; its row goes when the server has done it (sourceDeleted).
    void deleteSource(const QString &sourceId);
    // Asks again for every row the workers are still busy with.
    void refreshInProgress();

signals:
    void sourceUploaded(const QString &sourceId);
    void sourcesChanged(const QStringList &sourceIds);
    void sourceDeleted(const QString &sourceId, const QString &filename);

protected:
    QString listPath() const override;
    QString actingTenant() const override { return m_tenantId; }

private:
    // Runs a call inside the current tenant; the answer is dropped if the table shows another twin by then.
    void callHere(const QByteArray &method, const QString &path, const QJsonValue &body,
                  std::function<void(const AdminReply &)> done);

    QString m_tenantId;
    QString m_twinId;
};

} // namespace twinops
