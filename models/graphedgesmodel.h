#pragma once

#include "graphnodesmodel.h"

namespace twinops {

// The edges of one node of a twin's graph (GraphNodesModel::edgesOf): the relation, its direction, the node at the
// other end and the edge's weight (how many messages stated it).
class GraphEdgesModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Type, Direction, OtherNode, Weight, ColumnCount };
    enum Role {
        SortRole = GraphNodesModel::SortRole,
        IdRole = GraphNodesModel::IdRole, // the edge's id
    };

    explicit GraphEdgesModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setEdges(const QList<GraphEdgeRow> &edges);
    GraphEdgeRow edgeAt(int row) const { return m_edges.value(row); }

private:
    QList<GraphEdgeRow> m_edges;
};

} // namespace twinops
