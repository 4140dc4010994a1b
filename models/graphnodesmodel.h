#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QJsonObject>
#include <QList>

namespace twinops {

// One edge as seen from one of its nodes.
struct GraphEdgeRow
{
    QString id;
    QString type;
    QString otherNodeId;
    QString otherName;
    bool outgoing = true; // this node → the other
    double weight = 0;
};

// The nodes of a twin's graph as GET /api/v1/twins/{id}/graph returns them (the most mentioned, with the edges between
// them), with each node's degree among those edges; a table to browse, and the edges of any node.
class GraphNodesModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, Type, Mentions, Degree, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole + 1, // the raw value (number, lower-case text)
        IdRole, // the node's id, on every column
    };

    explicit GraphNodesModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Shows the graph of a reply ({nodes, edges}); an empty object empties the table.
    void setGraph(const QJsonObject &graph);
    QString idAt(int row) const;
    int rowOf(const QString &nodeId) const { return m_rows.value(nodeId, -1); }
    int edgeCount() const { return int(m_edges.size()); }
    // The edges that touch `nodeId`, heaviest first (the route's order).
    QList<GraphEdgeRow> edgesOf(const QString &nodeId) const;

private:
    QString nameOf(const QString &nodeId) const;

    QList<QJsonObject> m_nodes;
    QList<QJsonObject> m_edges;
    QHash<QString, int> m_rows; // node id → row
    QHash<QString, int> m_degree; // node id → edges touching it
};

} // namespace twinops
