#include "checklistrunsmodel.h"

#include "checks/checklist.h"

#include <QSet>

namespace twinops {

ChecklistRunsModel::ChecklistRunsModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

ChecklistRunsModel::Row ChecklistRunsModel::rowFromJson(const QJsonObject &json)
{
    Row row;
    row.id = json.value(QLatin1String("id")).toString();
    row.title = json.value(QLatin1String("title")).toString();
    row.target = json.value(QLatin1String("target")).toString();
    row.status = json.value(QLatin1String("status")).toString();
    row.started = QDateTime::fromString(json.value(QLatin1String("started_at")).toString(), Qt::ISODateWithMs);
    row.finished = QDateTime::fromString(json.value(QLatin1String("finished_at")).toString(), Qt::ISODateWithMs);
    row.summary = json.value(QLatin1String("summary")).toObject();
    return row;
}

void ChecklistRunsModel::replaceRow(int row, const Row &value)
{
    if (m_rows.at(row) == value)
        return;
    m_rows[row] = value;
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void ChecklistRunsModel::setRuns(const QJsonArray &runs)
{
    QList<Row> fresh;
    QSet<QString> freshIds;
    for (const QJsonValue &value : runs) {
        Row row = rowFromJson(value.toObject());
        freshIds.insert(row.id);
        fresh.append(std::move(row));
    }
    // Runs that fell off the list go first; what remains keeps its order (newest first), so new runs are inserts.
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (freshIds.contains(m_rows.at(row).id))
            continue;
        beginRemoveRows({}, row, row);
        m_rows.removeAt(row);
        endRemoveRows();
    }
    for (int row = 0; row < fresh.size(); ++row) {
        Row value = fresh.at(row);
        const int existing = rowOfRun(value.id);
        if (existing == row) {
            // The list carries no summary: keep the one counted from the run's items, unless the run moved on.
            if (value.summary.isEmpty() && value.status == m_rows.at(row).status)
                value.summary = m_rows.at(row).summary;
            replaceRow(row, value);
        } else if (existing < 0) {
            beginInsertRows({}, row, row);
            m_rows.insert(row, value);
            endInsertRows();
        } else {
            // Reordered (the server's clock went back?): not worth a move; start over.
            beginResetModel();
            m_rows = fresh;
            endResetModel();
            return;
        }
    }
}

void ChecklistRunsModel::updateRun(const QJsonObject &run)
{
    const Row value = rowFromJson(run);
    const int existing = rowOfRun(value.id);
    if (existing >= 0) {
        replaceRow(existing, value);
        return;
    }
    beginInsertRows({}, 0, 0);
    m_rows.prepend(value);
    endInsertRows();
}

QString ChecklistRunsModel::runId(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).id : QString();
}

int ChecklistRunsModel::rowOfRun(const QString &id) const
{
    for (qsizetype row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).id == id)
            return int(row);
    }
    return -1;
}

QStringList ChecklistRunsModel::runsWithoutSummary() const
{
    QStringList ids;
    for (const Row &row : m_rows) {
        if (row.summary.isEmpty())
            ids.append(row.id);
    }
    return ids;
}

int ChecklistRunsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ChecklistRunsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

namespace {

QString timeText(const QDateTime &time)
{
    return time.isValid() ? time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QString();
}

} // namespace

QVariant ChecklistRunsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    if (role == RunIdRole)
        return row.id;
    if (role != Qt::DisplayRole && role != RawValueRole)
        return {};
    const bool raw = role == RawValueRole;
    switch (Column(index.column())) {
    case Title: return row.title;
    case Target: return row.target;
    case Status: return raw ? row.status : checklistStatusText(row.status, row.summary);
    case Started: return raw ? QVariant(row.started) : QVariant(timeText(row.started));
    case Finished: return raw ? QVariant(row.finished) : QVariant(timeText(row.finished));
    case Summary:
        return raw ? QVariant(row.summary.value(QLatin1String("fail")).toInt())
                   : QVariant(row.summary.isEmpty() ? QString() : checklistSummaryLine(row.summary));
    case ColumnCount: break;
    }
    return {};
}

QVariant ChecklistRunsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Title: return tr("Checklist");
    case Target: return tr("Target");
    case Status: return tr("Status");
    case Started: return tr("Started");
    case Finished: return tr("Finished");
    case Summary: return tr("Summary");
    case ColumnCount: break;
    }
    return {};
}

} // namespace twinops
