#include "alerthistorymodel.h"

#include "alertsmodel.h"

namespace twinops {

AlertHistoryModel::AlertHistoryModel(AdminClient &client, QObject *parent)
    : PagedAdminModel(client, parent)
{
    setPageSize(200);
}

int AlertHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AlertHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject entry = item(index.row());
    if (role == IdRole)
        return entry.value(QLatin1String("id")).toString();
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};
    const bool sort = role == SortRole;
    switch (Column(index.column())) {
    case Time: return AlertsModel::timeCell(entry.value(QLatin1String("created_at")), sort);
    case Rule: return entry.value(QLatin1String("rule_name")).toString();
    case State: return entry.value(QLatin1String("state")).toString();
    case Labels: return AlertsModel::labelsText(entry.value(QLatin1String("labels")).toObject());
    case Value: return AlertsModel::valueCell(entry.value(QLatin1String("value")), sort);
    case Silenced: {
        const bool silenced = entry.value(QLatin1String("silenced")).toBool();
        return sort ? QVariant(silenced) : QVariant(silenced ? tr("silenced") : QString());
    }
    case ColumnCount: break;
    }
    return {};
}

QVariant AlertHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return PagedAdminModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Time: return tr("Time");
    case Rule: return tr("Rule");
    case State: return tr("State");
    case Labels: return tr("Labels");
    case Value: return tr("Value");
    case Silenced: return tr("Silenced");
    case ColumnCount: break;
    }
    return {};
}

QString AlertHistoryModel::listPath() const
{
    return QStringLiteral("/api/v1/admin/alerts/history");
}

} // namespace twinops
