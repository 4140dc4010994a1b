#include "checklistrunmodel.h"

#include <QBrush>
#include <QColor>
#include <QJsonArray>

#include <algorithm>

namespace twinops {

ChecklistRunModel::ChecklistRunModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

ChecklistRunModel::Row ChecklistRunModel::Row::fromJson(const QJsonObject &json)
{
    Row row;
    row.itemId = json.value(QLatin1String("item_id")).toString();
    row.section = json.value(QLatin1String("section")).toString();
    row.title = json.value(QLatin1String("title")).toString();
    row.kind = json.value(QLatin1String("kind")).toString();
    row.check = json.value(QLatin1String("check")).toString();
    row.status = json.value(QLatin1String("status")).toString();
    row.message = json.value(QLatin1String("message")).toString();
    row.note = json.value(QLatin1String("note")).toString();
    row.checkedBy = json.value(QLatin1String("checked_by")).toString();
    row.checkedAt = json.value(QLatin1String("checked_at")).toString();
    row.durationMs = json.value(QLatin1String("duration_ms")).toInteger();
    row.evidence = json.value(QLatin1String("evidence")).toObject();
    return row;
}

void ChecklistRunModel::setRun(const QJsonObject &run)
{
    const QString id = run.value(QLatin1String("id")).toString();
    QList<Row> rows;
    for (const QJsonValue &value : run.value(QLatin1String("results")).toArray())
        rows.append(Row::fromJson(value.toObject()));

    const bool sameItems = id == m_runId && rows.size() == m_rows.size()
        && std::equal(rows.cbegin(), rows.cend(), m_rows.cbegin(),
                      [](const Row &a, const Row &b) { return a.itemId == b.itemId; });
    m_run = run;
    if (!sameItems) {
        beginResetModel();
        m_runId = id;
        m_rows = std::move(rows);
        endResetModel();
        return;
    }
    for (qsizetype row = 0; row < rows.size(); ++row) {
        if (rows.at(row) == m_rows.at(row))
            continue;
        m_rows[row] = rows.at(row);
        emit dataChanged(index(int(row), 0), index(int(row), ColumnCount - 1));
    }
}

void ChecklistRunModel::clear()
{
    beginResetModel();
    m_runId.clear();
    m_run = {};
    m_rows.clear();
    endResetModel();
}

QString ChecklistRunModel::status() const
{
    return m_run.value(QLatin1String("status")).toString();
}

int ChecklistRunModel::automatedCount() const
{
    return int(std::count_if(m_rows.cbegin(), m_rows.cend(),
                             [](const Row &row) { return row.kind != QLatin1String("manual"); }));
}

int ChecklistRunModel::automatedFinishedCount() const
{
    return int(std::count_if(m_rows.cbegin(), m_rows.cend(), [](const Row &row) {
        return row.kind != QLatin1String("manual") && row.status != QLatin1String("pending");
    }));
}

QModelIndex ChecklistRunModel::indexOfItem(const QString &itemId, int column) const
{
    for (qsizetype row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).itemId == itemId)
            return index(int(row), column);
    }
    return {};
}

int ChecklistRunModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ChecklistRunModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

namespace {

QColor statusColor(const QString &status)
{
    if (status == QLatin1String("pass"))
        return QColor(0x1b, 0x7f, 0x3b);
    if (status == QLatin1String("warn"))
        return QColor(0xa6, 0x6a, 0x00);
    if (status == QLatin1String("fail"))
        return QColor(0xb3, 0x1d, 0x1d);
    return {};
}

} // namespace

QVariant ChecklistRunModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const bool manual = row.kind == QLatin1String("manual");
    switch (role) {
    case EvidenceRole: return row.evidence;
    case ItemIdRole: return row.itemId;
    case ManualRole: return manual;
    case SeverityRole: {
        static const QStringList order{QStringLiteral("fail"),    QStringLiteral("warn"),    QStringLiteral("manual"),
                                       QStringLiteral("skipped"), QStringLiteral("pending"), QStringLiteral("pass")};
        const QString key = manual && row.status == QLatin1String("pending") ? QStringLiteral("manual") : row.status;
        const qsizetype at = order.indexOf(key);
        return int(at < 0 ? order.size() : at);
    }
    case Qt::ForegroundRole:
        if (index.column() == Status) {
            const QColor color = statusColor(row.status);
            return color.isValid() ? QVariant(QBrush(color)) : QVariant();
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == Message && !row.checkedBy.isEmpty())
            return tr("Ticked by %1 at %2").arg(row.checkedBy, row.checkedAt);
        if (index.column() == Item && !row.check.isEmpty())
            return tr("Check %1").arg(row.check);
        return {};
    case Qt::DisplayRole:
    case RawValueRole: break;
    default: return {};
    }
    const bool raw = role == RawValueRole;
    switch (Column(index.column())) {
    case Section: return row.section;
    case Item: return row.title;
    case Kind: return row.kind;
    case Status:
        if (raw || !manual || row.status != QLatin1String("pending"))
            return row.status;
        return tr("pending (manual)");
    case Message:
        if (raw || !manual || row.checkedBy.isEmpty())
            return row.message;
        return tr("%1 (%2)").arg(row.message, row.checkedBy);
    case Duration:
        if (raw)
            return row.durationMs;
        if (manual || row.status == QLatin1String("pending"))
            return QString();
        return tr("%1 ms").arg(row.durationMs);
    case ColumnCount: break;
    }
    return {};
}

QVariant ChecklistRunModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Section: return tr("Section");
    case Item: return tr("Item");
    case Kind: return tr("Kind");
    case Status: return tr("Status");
    case Message: return tr("Details");
    case Duration: return tr("Duration");
    case ColumnCount: break;
    }
    return {};
}

} // namespace twinops
