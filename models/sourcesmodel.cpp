#include "sourcesmodel.h"

#include "admin/adminclient.h"

#include <QColor>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>

namespace twinops {

SourcesModel::SourcesModel(AdminClient &client, QObject *parent)
    : PagedAdminModel(client, parent)
{ }

int SourcesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SourcesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject source = item(index.row());
    if (role == IdRole)
        return source.value(QLatin1String("id")).toString();
    const QString status = source.value(QLatin1String("status")).toString();
    if (role == Qt::ForegroundRole) {
        if (status == QLatin1String("failed"))
            return QColor(0xb0, 0x00, 0x20);
        return status == QLatin1String("rejected") ? QVariant(QColor(Qt::gray)) : QVariant();
    }
    if (role == Qt::TextAlignmentRole)
        return index.column() == Chunks ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case Filename: {
        const QString name = source.value(QLatin1String("filename")).toString();
        return role == SortRole ? QVariant(name.toLower()) : QVariant(name);
    }
    case Status: return status;
    case Health: return source.value(QLatin1String("health")).toString();
    case Chunks: return source.value(QLatin1String("chunk_count")).toInteger();
    case LastError: return source.value(QLatin1String("last_error")).toString(); // null → empty
    case Updated: {
        const QDateTime updated
            = QDateTime::fromString(source.value(QLatin1String("updated_at")).toString(), Qt::ISODateWithMs);
        if (role == SortRole)
            return updated;
        return QLocale().toString(updated.toLocalTime(), QLocale::ShortFormat);
    }
    default: return {};
    }
}

QVariant SourcesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Filename: return tr("File");
    case Status: return tr("State");
    case Health: return tr("Health");
    case Chunks: return tr("Chunks");
    case LastError: return tr("Last error");
    case Updated: return tr("Updated");
    default: return {};
    }
}

void SourcesModel::setTwin(const QString &tenantId, const QString &twinId)
{
    if (tenantId == m_tenantId && twinId == m_twinId)
        return;
    m_tenantId = tenantId;
    m_twinId = twinId;
    reload();
}

QString SourcesModel::statusAt(int row) const
{
    return item(row).value(QLatin1String("status")).toString();
}

bool SourcesModel::hasWorkInProgress() const
{
    for (int row = 0; row < rowCount(); ++row) {
        if (statusAt(row) == QLatin1String("approved"))
            return true;
    }
    return false;
}

void SourcesModel::callHere(const QByteArray &method, const QString &path, const QJsonValue &body,
                            std::function<void(const AdminReply &)> done)
{
    if (m_tenantId.isEmpty() || m_twinId.isEmpty())
        return;
    client().call(
        method, path, body, this,
        [this, twin = m_twinId, done = std::move(done)](const AdminReply &reply) {
            if (twin != m_twinId)
                return;
            if (!reply.ok()) {
                reportError(reply);
                return;
            }
            done(reply);
        },
        m_tenantId);
}

void SourcesModel::upload(const QString &filename, const QString &content, const QString &contentType)
{
    QJsonObject body{{QStringLiteral("filename"), filename}, {QStringLiteral("content"), content}};
    if (!contentType.isEmpty())
        body.insert(QStringLiteral("content_type"), contentType);
    callHere("POST", QStringLiteral("/api/v1/twins/%1/sources").arg(encoded(m_twinId)), body,
             [this](const AdminReply &reply) {
                 upsert(reply.body, true);
                 emit sourceUploaded(reply.body.value(QLatin1String("id")).toString());
             });
}

void SourcesModel::approve(const QStringList &sourceIds)
{
    if (sourceIds.isEmpty())
        return;
    if (sourceIds.size() == 1) {
        callHere("POST", QStringLiteral("/api/v1/sources/%1/approve").arg(encoded(sourceIds.first())), QJsonObject(),
                 [this](const AdminReply &reply) {
                     const QJsonObject source = reply.body.value(QLatin1String("source")).toObject();
                     upsert(source, false);
                     emit sourcesChanged({source.value(QLatin1String("id")).toString()});
                 });
        return;
    }
    callHere("POST", QStringLiteral("/api/v1/sources/bulk-approve"),
             QJsonObject{{QStringLiteral("source_ids"), QJsonArray::fromStringList(sourceIds)}},
             [this](const AdminReply &reply) {
                 QStringList changed;
                 for (const QJsonValue &approval : reply.body.value(QLatin1String("items")).toArray()) {
                     const QJsonObject source = approval.toObject().value(QLatin1String("source")).toObject();
                     upsert(source, false);
                     changed.append(source.value(QLatin1String("id")).toString());
                 }
                 emit sourcesChanged(changed);
             });
}

void SourcesModel::reject(const QString &sourceId)
{
    callHere("POST", QStringLiteral("/api/v1/sources/%1/reject").arg(encoded(sourceId)), QJsonObject(),
             [this](const AdminReply &reply) {
                 upsert(reply.body, false);
                 emit sourcesChanged({reply.body.value(QLatin1String("id")).toString()});
             });
}

void SourcesModel::deleteSource(const QString &sourceId)
{
    const int row = rowOf(sourceId);
    if (row < 0)
        return;
    callHere("DELETE", QStringLiteral("/api/v1/sources/%1").arg(encoded(sourceId)), QJsonValue(QJsonValue::Undefined),
             [this, sourceId, name = item(row).value(QLatin1String("filename")).toString()](const AdminReply &) {
                 removeItem(sourceId);
                 emit sourceDeleted(sourceId, name);
             });
}

void SourcesModel::refreshInProgress()
{
    for (int row = 0; row < rowCount(); ++row) {
        if (statusAt(row) != QLatin1String("approved"))
            continue;
        client().call(
            "GET", QStringLiteral("/api/v1/sources/%1").arg(encoded(idAt(row))), QJsonValue(QJsonValue::Undefined),
            this,
            [this, twin = m_twinId](const AdminReply &reply) {
                if (twin != m_twinId)
                    return;
                if (reply.status == 404) {
                    // Deleted meanwhile (by the tenant, or another console): the list is out of date. Without this the
                    // row stayed "approved" and was asked for, and reported missing, every second.
                    reload();
                    return;
                }
                if (!reply.ok()) {
                    reportError(reply);
                    return;
                }
                const QString id = reply.body.value(QLatin1String("id")).toString();
                const int at = rowOf(id);
                if (at < 0 || item(at) == reply.body)
                    return; // nothing new: no dataChanged on every tick
                upsert(reply.body, false);
                emit sourcesChanged({id});
            },
            m_tenantId);
    }
}

QString SourcesModel::listPath() const
{
    return m_tenantId.isEmpty() || m_twinId.isEmpty()
        ? QString()
        : QStringLiteral("/api/v1/twins/%1/sources").arg(encoded(m_twinId));
}

} // namespace twinops
