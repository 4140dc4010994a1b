#pragma once

#include <QGraphicsView>
#include <QHash>

class QGraphicsEllipseItem;

namespace twinops {

class GraphNodesModel;

// A drawing of a twin's graph: the most connected nodes on a circle (the most connected first, clockwise from the
// top), their edges as lines, the selected node highlighted. A click on a node hands its id on. Deterministic: the
// same graph is always drawn the same way.
class GraphDrawing final : public QGraphicsView
{
    Q_OBJECT
public:
    static constexpr int kMaxNodes = 60; // more would be unreadable; the list has them all

    explicit GraphDrawing(QWidget *parent = nullptr);

    // Draws the graph of `nodes` (a model that was just set).
    void draw(const GraphNodesModel &nodes);
    void setSelectedNode(const QString &nodeId);
    // Where the node is drawn, in scene coordinates; a null point when it is not drawn.
    QPointF nodePosition(const QString &nodeId) const;

signals:
    void nodeClicked(const QString &nodeId);

protected:
    void mousePressEvent(QMouseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    QHash<QString, QGraphicsEllipseItem *> m_nodes; // node id → its disc
    QString m_selected;
};

} // namespace twinops
