#include "checklisttrendmodel.h"

#include <QBrush>
#include <QColor>
#include <QJsonArray>
#include <QLocale>

namespace twinops {

namespace {

// Light backgrounds under dark text, so that a cell stays readable in either palette; the symbol says the same for
// those who do not tell the colours apart.
QColor cellColor(const QString &status)
{
    if (status == QLatin1String("pass"))
        return QColor(0xc8, 0xe6, 0xc9);
    if (status == QLatin1String("warn"))
        return QColor(0xff, 0xe0, 0x82);
    if (status == QLatin1String("fail"))
        return QColor(0xef, 0x9a, 0x9a);
    if (status == QLatin1String("skipped"))
        return QColor(0xe0, 0xe0, 0xe0);
    return {};
}

QString cellSymbol(const QString &status)
{
    if (status == QLatin1String("pass"))
        return QStringLiteral("✓");
    if (status == QLatin1String("warn"))
        return QStringLiteral("!");
    if (status == QLatin1String("fail"))
        return QStringLiteral("✗");
    if (status == QLatin1String("skipped"))
        return QStringLiteral("–");
    return {};
}

} // namespace

ChecklistTrendModel::ChecklistTrendModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void ChecklistTrendModel::setTrend(const QJsonObject &trend)
{
    beginResetModel();
    m_runs.clear();
    m_items.clear();
    for (const QJsonValue &value : trend.value(QLatin1String("runs")).toArray()) {
        const QJsonObject run = value.toObject();
        m_runs.append({run.value(QLatin1String("id")).toString(), run.value(QLatin1String("started_by")).toString(),
                       QDateTime::fromString(run.value(QLatin1String("started_at")).toString(), Qt::ISODateWithMs),
                       run.value(QLatin1String("status")).toString()});
    }
    for (const QJsonValue &value : trend.value(QLatin1String("items")).toArray()) {
        const QJsonObject json = value.toObject();
        Item item{json.value(QLatin1String("id")).toString(),
                  json.value(QLatin1String("title")).toString(),
                  json.value(QLatin1String("section")).toString(),
                  json.value(QLatin1String("check")).toString(),
                  {}};
        const QJsonArray results = json.value(QLatin1String("results")).toArray();
        for (qsizetype i = 0; i < m_runs.size(); ++i) {
            const QJsonObject result = results.at(i).toObject(); // null (not run) reads as an empty object
            item.cells.append(
                {result.value(QLatin1String("status")).toString(), result.value(QLatin1String("message")).toString()});
        }
        m_items.append(item);
    }
    endResetModel();
}

int ChecklistTrendModel::rowOfItem(const QString &id) const
{
    for (qsizetype row = 0; row < m_items.size(); ++row) {
        if (m_items.at(row).id == id)
            return int(row);
    }
    return -1;
}

int ChecklistTrendModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

int ChecklistTrendModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : 1 + int(m_runs.size());
}

QString ChecklistTrendModel::runDescription(const Run &run) const
{
    return tr("%1, started by %2, %3")
        .arg(QLocale().toString(run.startedAt.toLocalTime(), QLocale::ShortFormat), run.startedBy, run.status);
}

QVariant ChecklistTrendModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Item &item = m_items.at(index.row());
    if (role == ItemIdRole)
        return item.id;
    if (index.column() == 0) {
        if (role == Qt::DisplayRole)
            return item.title;
        if (role == Qt::ToolTipRole)
            return tr("%1 · check %2").arg(item.section, item.check);
        return {};
    }
    const Cell &cell = item.cells.at(index.column() - 1);
    switch (role) {
    case StatusRole: return cell.status;
    case Qt::DisplayRole: return cellSymbol(cell.status);
    case Qt::TextAlignmentRole: return int(Qt::AlignCenter);
    case Qt::BackgroundRole: {
        const QColor color = cellColor(cell.status);
        return color.isValid() ? QVariant(QBrush(color)) : QVariant();
    }
    case Qt::ForegroundRole: return cell.status.isEmpty() ? QVariant() : QVariant(QBrush(Qt::black));
    case Qt::ToolTipRole:
        return cell.status.isEmpty()
            ? tr("%1\nnot run").arg(runDescription(m_runs.at(index.column() - 1)))
            : tr("%1\n%2: %3").arg(runDescription(m_runs.at(index.column() - 1)), cell.status, cell.message);
    default: return {};
    }
}

QVariant ChecklistTrendModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount())
        return {};
    if (section == 0)
        return role == Qt::DisplayRole ? QVariant(tr("Item")) : QVariant();
    const Run &run = m_runs.at(section - 1);
    if (role == Qt::DisplayRole)
        return run.startedAt.toLocalTime().toString(QStringLiteral("HH:mm"));
    if (role == Qt::ToolTipRole)
        return runDescription(run);
    return {};
}

} // namespace twinops
