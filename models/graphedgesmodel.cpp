#include "graphedgesmodel.h"

namespace twinops {

GraphEdgesModel::GraphEdgesModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

int GraphEdgesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_edges.size());
}

int GraphEdgesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant GraphEdgesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const GraphEdgeRow &edge = m_edges.at(index.row());
    if (role == IdRole)
        return edge.id;
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    switch (index.column()) {
    case Type: return edge.type;
    case Direction:
        if (role == SortRole)
            return edge.outgoing;
        return edge.outgoing ? tr("→ to") : tr("← from");
    case OtherNode: return role == SortRole ? QVariant(edge.otherName.toLower()) : QVariant(edge.otherName);
    case Weight: return edge.weight;
    default: return {};
    }
}

QVariant GraphEdgesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Type: return tr("Relation");
    case Direction: return tr("Direction");
    case OtherNode: return tr("Other node");
    case Weight: return tr("Weight");
    default: return {};
    }
}

void GraphEdgesModel::setEdges(const QList<GraphEdgeRow> &edges)
{
    beginResetModel();
    m_edges = edges;
    endResetModel();
}

} // namespace twinops
