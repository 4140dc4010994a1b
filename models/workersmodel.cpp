#include "workersmodel.h"

#include "admin/adminclient.h"
#include "alertsmodel.h"

#include <QBrush>
#include <QColor>
#include <QJsonArray>

namespace twinops {

namespace {

// internalId of a worker's index: its instance's row + 1; 0 marks an instance.
constexpr quintptr kInstanceId = 0;

QJsonArray workersOf(const QJsonObject &instance)
{
    return instance.value(QLatin1String("workers")).toArray();
}

// The same instances with the same workers, in the same order: the rows can be updated in place.
bool sameShape(const QList<QJsonObject> &a, const QList<QJsonObject> &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i)
        if (a.at(i).value(QLatin1String("id")) != b.at(i).value(QLatin1String("id"))
            || workersOf(a.at(i)).size() != workersOf(b.at(i)).size())
            return false;
    return true;
}

const QColor kWarning(0xb0, 0x00, 0x20);

} // namespace

WorkersModel::WorkersModel(AdminClient &client, QObject *parent)
    : QAbstractItemModel(parent)
    , m_client(client)
{ }

void WorkersModel::reload()
{
    m_request.get(m_client, QStringLiteral("/api/v1/admin/workers"), this,
                  [this](const AdminReply &reply) { arrived(reply); });
}

void WorkersModel::arrived(const AdminReply &reply)
{
    if (!reply.ok()) {
        emit errorOccurred(reply.errorText());
        return;
    }
    QList<QJsonObject> instances;
    for (const QJsonValue &value : reply.body.value(QLatin1String("items")).toArray())
        instances << value.toObject();
    if (sameShape(m_instances, instances)) {
        m_instances = instances;
        if (!m_instances.isEmpty()) {
            emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
            for (int row = 0; row < rowCount(); ++row) {
                const QModelIndex parent = index(row, 0);
                if (rowCount(parent) > 0)
                    emit dataChanged(index(0, 0, parent), index(rowCount(parent) - 1, ColumnCount - 1, parent));
            }
        }
    } else {
        beginResetModel();
        m_instances = instances;
        endResetModel();
    }
    emit loaded();
}

int WorkersModel::stuckWorkers() const
{
    int stuck = 0;
    for (const QJsonObject &instance : m_instances)
        for (const QJsonValue worker : workersOf(instance))
            stuck += worker[QLatin1String("stuck")].toBool() ? 1 : 0;
    return stuck;
}

int WorkersModel::staleInstances() const
{
    return int(std::count_if(m_instances.begin(), m_instances.end(), [](const QJsonObject &instance) {
        return instance.value(QLatin1String("stale")).toBool();
    }));
}

QModelIndex WorkersModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, kInstanceId);
    return createIndex(row, column, quintptr(parent.row()) + 1);
}

QModelIndex WorkersModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == kInstanceId)
        return {};
    return createIndex(int(child.internalId() - 1), 0, kInstanceId);
}

int WorkersModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_instances.size());
    if (parent.internalId() != kInstanceId || parent.column() != 0)
        return 0;
    return int(workersOf(m_instances.at(parent.row())).size());
}

int WorkersModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant WorkersModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == kInstanceId)
        return instanceData(m_instances.at(index.row()), index.column(), role);
    const QJsonObject &instance = m_instances.at(int(index.internalId() - 1));
    return workerData(instance, workersOf(instance).at(index.row()).toObject(), index.column(), role);
}

QVariant WorkersModel::instanceData(const QJsonObject &instance, int column, int role) const
{
    const bool stale = instance.value(QLatin1String("stale")).toBool();
    const bool stopped = !instance.value(QLatin1String("stopped_at")).isNull();
    if (role == StuckRole)
        return stale;
    if (role == Qt::ForegroundRole)
        return stale ? QVariant(QBrush(kWarning)) : stopped ? QVariant(QBrush(QColor(Qt::gray))) : QVariant();
    if (role == Qt::ToolTipRole && column == Status && stale)
        return tr("No heartbeat for longer than its lease (%1 s): its process died or hangs; its jobs are rescued by "
                  "the other instances")
            .arg(instance.value(QLatin1String("lease_ms")).toInteger() / 1000);
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(column)) {
    case Name: {
        const QString type = instance.value(QLatin1String("job_type")).toString();
        const QString name = instance.value(QLatin1String("name")).toString();
        return type.isEmpty() ? name : tr("%1 (%2 only)").arg(name, type);
    }
    case Host: return instance.value(QLatin1String("host")).toString();
    case Pid: return instance.value(QLatin1String("pid")).toInteger();
    case Version: return instance.value(QLatin1String("version")).toString();
    case Started: return AlertsModel::timeCell(instance.value(QLatin1String("started_at")), false);
    case LastHeartbeat: return AlertsModel::timeCell(instance.value(QLatin1String("heartbeat_at")), false);
    case Job: return {};
    case JobsInHand: {
        qint64 inHand = 0;
        for (const QJsonValue worker : workersOf(instance))
            inHand += worker[QLatin1String("jobs_in_hand")].toInteger();
        return inHand;
    }
    case Status: return stale ? tr("Stale") : stopped ? tr("Stopped") : tr("Running");
    case ColumnCount: break;
    }
    return {};
}

QVariant WorkersModel::workerData(const QJsonObject &instance, const QJsonObject &worker, int column, int role) const
{
    const bool stuck = worker.value(QLatin1String("stuck")).toBool();
    const bool stopped = !instance.value(QLatin1String("stopped_at")).isNull();
    const QString jobId = worker.value(QLatin1String("job_id")).toString();
    if (role == StuckRole)
        return stuck;
    if (role == Qt::ForegroundRole && stuck)
        return QBrush(kWarning);
    if (role == Qt::ToolTipRole && column == Job && !jobId.isEmpty())
        return jobId;
    if (role == Qt::ToolTipRole && column == Status && stuck)
        return tr("Has not come round its loop for longer than the lease: wedged in a job, or its process is gone");
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(column)) {
    case Name: return tr("worker %1").arg(worker.value(QLatin1String("worker")).toInteger());
    case LastHeartbeat: return AlertsModel::timeCell(worker.value(QLatin1String("beat_at")), false);
    case Job:
        return jobId.isEmpty()
            ? QString()
            : QStringLiteral("%1 %2").arg(worker.value(QLatin1String("job_type")).toString(), jobId.left(8));
    case JobsInHand: return worker.value(QLatin1String("jobs_in_hand")).toInteger();
    case Status: return stuck ? tr("Stuck") : stopped ? tr("Stopped") : jobId.isEmpty() ? tr("Idle") : tr("Busy");
    case Host:
    case Pid:
    case Version:
    case Started:
    case ColumnCount: break;
    }
    return {};
}

QVariant WorkersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractItemModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Name: return tr("Instance / worker");
    case Host: return tr("Host");
    case Pid: return tr("PID");
    case Version: return tr("Version");
    case Started: return tr("Started");
    case LastHeartbeat: return tr("Last heartbeat");
    case Job: return tr("Job in hand");
    case JobsInHand: return tr("Jobs in hand");
    case Status: return tr("Status");
    case ColumnCount: break;
    }
    return {};
}

} // namespace twinops
