#include "jobtypesmodel.h"

#include "admin/adminclient.h"
#include "alertsmodel.h"

#include <QBrush>
#include <QColor>
#include <QJsonArray>
#include <QUrl>

namespace twinops {

namespace {

const char *stateOf(JobTypesModel::Column column)
{
    switch (column) {
    case JobTypesModel::Available: return "available";
    case JobTypesModel::Scheduled: return "scheduled";
    case JobTypesModel::Retryable: return "retryable";
    case JobTypesModel::Running: return "running";
    case JobTypesModel::Completed: return "completed";
    case JobTypesModel::Discarded: return "discarded";
    case JobTypesModel::Cancelled: return "cancelled";
    case JobTypesModel::Type:
    case JobTypesModel::Status:
    case JobTypesModel::ColumnCount: break;
    }
    return nullptr;
}

} // namespace

JobTypesModel::JobTypesModel(AdminClient &client, QObject *parent)
    : QAbstractTableModel(parent)
    , m_client(client)
{ }

void JobTypesModel::reload()
{
    m_request.get(m_client, QStringLiteral("/api/v1/admin/jobs/types"), this,
                  [this](const AdminReply &reply) { arrived(reply); });
}

void JobTypesModel::arrived(const AdminReply &reply)
{
    if (!reply.ok()) {
        emit errorOccurred(reply.errorText());
        return;
    }
    beginResetModel();
    m_types.clear();
    for (const QJsonValue &value : reply.body.value(QLatin1String("items")).toArray())
        m_types << value.toObject();
    endResetModel();
    emit loaded();
}

int JobTypesModel::rowOf(const QString &type) const
{
    for (int row = 0; row < m_types.size(); ++row)
        if (m_types.at(row).value(QLatin1String("type")).toString() == type)
            return row;
    return -1;
}

void JobTypesModel::setPaused(const QString &type, bool paused, const QString &reason)
{
    QJsonObject body;
    if (paused && !reason.trimmed().isEmpty())
        body.insert(QStringLiteral("reason"), reason.trimmed());
    const QString path = QStringLiteral("/api/v1/admin/jobs/types/%1/%2")
                             .arg(QString::fromLatin1(QUrl::toPercentEncoding(type)),
                                  paused ? QStringLiteral("pause") : QStringLiteral("resume"));
    m_client.call("POST", path, body, this, [this, type, paused](const AdminReply &reply) {
        emit pauseFinished(type, reply.ok() ? reply.body.value(QLatin1String("paused")).toBool() : !paused,
                           reply.ok() ? QString() : reply.errorText());
        reload();
    });
}

int JobTypesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_types.size());
}

int JobTypesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant JobTypesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject &type = m_types.at(index.row());
    const bool paused = type.value(QLatin1String("paused")).toBool();
    if (role == PausedRole)
        return paused;
    if (role == PlatformRole)
        return type.value(QLatin1String("platform")).toBool();
    if (role == Qt::ForegroundRole && paused && index.column() == Status)
        return QBrush(QColor(0xb0, 0x60, 0x00));
    if (role == Qt::TextAlignmentRole && index.column() >= Available)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == Status && paused)
        return tr("Paused by %1 at %2%3")
            .arg(type.value(QLatin1String("paused_by")).toString(),
                 AlertsModel::timeCell(type.value(QLatin1String("paused_at")), false).toString(),
                 type.value(QLatin1String("reason")).isString()
                     ? QStringLiteral(": ") + type.value(QLatin1String("reason")).toString()
                     : QString());
    if (role != Qt::DisplayRole)
        return {};
    const Column column = Column(index.column());
    switch (column) {
    case Type: return type.value(QLatin1String("type")).toString();
    case Status:
        if (paused) {
            const QString reason = type.value(QLatin1String("reason")).toString();
            return reason.isEmpty() ? tr("Paused") : tr("Paused: %1").arg(reason);
        }
        return type.value(QLatin1String("platform")).toBool() ? tr("Running (platform)") : tr("Running");
    case ColumnCount: return {};
    default: return type.value(QLatin1String("counts")).toObject().value(QLatin1String(stateOf(column))).toInteger();
    }
}

QVariant JobTypesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Type: return tr("Type");
    case Status: return tr("Processing");
    case Available: return tr("Available");
    case Scheduled: return tr("Scheduled");
    case Retryable: return tr("Retryable");
    case Running: return tr("Running");
    case Completed: return tr("Completed");
    case Discarded: return tr("Discarded");
    case Cancelled: return tr("Cancelled");
    case ColumnCount: break;
    }
    return {};
}

} // namespace twinops
