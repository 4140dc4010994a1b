#include "graphnodesmodel.h"

#include <QJsonArray>

namespace twinops {

GraphNodesModel::GraphNodesModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

int GraphNodesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_nodes.size());
}

int GraphNodesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant GraphNodesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject &node = m_nodes.at(index.row());
    if (role == IdRole)
        return idAt(index.row());
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case Name: {
        const QString name = node.value(QLatin1String("name")).toString();
        if (role == SortRole)
            return name.toLower();
        const QString description = node.value(QLatin1String("description")).toString();
        return role == Qt::ToolTipRole && !description.isEmpty() ? description : name;
    }
    case Type: return node.value(QLatin1String("type")).toString();
    case Mentions: return node.value(QLatin1String("mention_count")).toInteger();
    case Degree: return m_degree.value(idAt(index.row()));
    default: return {};
    }
}

QVariant GraphNodesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name: return tr("Node");
    case Type: return tr("Type");
    case Mentions: return tr("Mentions");
    case Degree: return tr("Degree");
    default: return {};
    }
}

void GraphNodesModel::setGraph(const QJsonObject &graph)
{
    beginResetModel();
    m_nodes.clear();
    m_edges.clear();
    m_rows.clear();
    m_degree.clear();
    const QJsonArray nodes = graph.value(QLatin1String("nodes")).toArray();
    for (const QJsonValue &value : nodes) {
        m_rows.insert(value.toObject().value(QLatin1String("id")).toString(), int(m_nodes.size()));
        m_nodes.append(value.toObject());
    }
    const QJsonArray edges = graph.value(QLatin1String("edges")).toArray();
    for (const QJsonValue &value : edges) {
        const QJsonObject edge = value.toObject();
        m_edges.append(edge);
        ++m_degree[edge.value(QLatin1String("from_node_id")).toString()];
        ++m_degree[edge.value(QLatin1String("to_node_id")).toString()];
    }
    endResetModel();
}

QString GraphNodesModel::idAt(int row) const
{
    return m_nodes.value(row).value(QLatin1String("id")).toString();
}

QString GraphNodesModel::nameOf(const QString &nodeId) const
{
    const int row = rowOf(nodeId);
    return row < 0 ? nodeId : m_nodes.at(row).value(QLatin1String("name")).toString();
}

QList<GraphEdgeRow> GraphNodesModel::edgesOf(const QString &nodeId) const
{
    QList<GraphEdgeRow> rows;
    for (const QJsonObject &edge : m_edges) {
        const QString from = edge.value(QLatin1String("from_node_id")).toString();
        const QString to = edge.value(QLatin1String("to_node_id")).toString();
        if (from != nodeId && to != nodeId)
            continue;
        const bool outgoing = from == nodeId;
        const QString other = outgoing ? to : from;
        rows.append({edge.value(QLatin1String("id")).toString(), edge.value(QLatin1String("type")).toString(), other,
                     nameOf(other), outgoing, edge.value(QLatin1String("weight")).toDouble()});
    }
    return rows;
}

} // namespace twinops
