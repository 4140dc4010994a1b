#include "graphdrawing.h"

#include "graphnodesmodel.h"

#include <QGraphicsEllipseItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QMouseEvent>
#include <QPen>
#include <QtMath>

#include <algorithm>
#include <numeric>

namespace twinops {

namespace {

constexpr qreal kRadius = 240; // of the circle the nodes sit on
constexpr qreal kDisc = 9; // a node's radius
constexpr int kIdKey = 0; // QGraphicsItem::data key of a node's id

} // namespace

GraphDrawing::GraphDrawing(QWidget *parent)
    : QGraphicsView(parent)
{
    setScene(new QGraphicsScene(this));
    setRenderHint(QPainter::Antialiasing);
    setDragMode(QGraphicsView::ScrollHandDrag);
}

void GraphDrawing::draw(const GraphNodesModel &nodes)
{
    scene()->clear();
    m_nodes.clear();
    QList<int> rows(nodes.rowCount());
    std::iota(rows.begin(), rows.end(), 0);
    auto degree = [&](int row) { return nodes.index(row, GraphNodesModel::Degree).data().toInt(); };
    std::stable_sort(rows.begin(), rows.end(), [&](int a, int b) { return degree(a) > degree(b); });
    rows.resize(std::min<qsizetype>(rows.size(), kMaxNodes));

    const QPen edgePen(palette().color(QPalette::Mid), 1);
    const QPen discPen(palette().color(QPalette::Text), 1);
    for (qsizetype i = 0; i < rows.size(); ++i) {
        const int row = rows.at(i);
        const qreal angle = 2 * M_PI * qreal(i) / qreal(rows.size()) - M_PI / 2;
        const QPointF centre(kRadius * qCos(angle), kRadius * qSin(angle));
        auto *disc
            = scene()->addEllipse(-kDisc, -kDisc, 2 * kDisc, 2 * kDisc, discPen, palette().color(QPalette::Base));
        disc->setPos(centre);
        disc->setZValue(1);
        const QString id = nodes.idAt(row);
        disc->setData(kIdKey, id);
        disc->setToolTip(nodes.index(row, GraphNodesModel::Name).data(Qt::ToolTipRole).toString());
        auto *label = new QGraphicsSimpleTextItem(nodes.index(row, GraphNodesModel::Name).data().toString(), disc);
        label->setBrush(palette().color(QPalette::Text));
        // Labels point away from the centre, so that they do not cover the lines.
        const QRectF box = label->boundingRect();
        label->setPos(qCos(angle) >= 0 ? kDisc + 2 : -kDisc - 2 - box.width(), -box.height() / 2);
        m_nodes.insert(id, disc);
    }
    for (int row = 0; row < nodes.rowCount(); ++row) {
        const QString id = nodes.idAt(row);
        if (!m_nodes.contains(id))
            continue;
        for (const GraphEdgeRow &edge : nodes.edgesOf(id)) {
            // Each edge once: from its source's side.
            if (edge.outgoing && m_nodes.contains(edge.otherNodeId))
                scene()->addLine(QLineF(m_nodes.value(id)->pos(), m_nodes.value(edge.otherNodeId)->pos()), edgePen);
        }
    }
    scene()->setSceneRect(scene()->itemsBoundingRect().adjusted(-20, -20, 20, 20));
    setSelectedNode(m_selected);
    fitInView(sceneRect(), Qt::KeepAspectRatio);
}

void GraphDrawing::setSelectedNode(const QString &nodeId)
{
    if (QGraphicsEllipseItem *old = m_nodes.value(m_selected))
        old->setBrush(palette().color(QPalette::Base));
    m_selected = nodeId;
    if (QGraphicsEllipseItem *disc = m_nodes.value(nodeId))
        disc->setBrush(palette().color(QPalette::Highlight));
}

QPointF GraphDrawing::nodePosition(const QString &nodeId) const
{
    const QGraphicsEllipseItem *disc = m_nodes.value(nodeId);
    return disc ? disc->pos() : QPointF();
}

void GraphDrawing::mousePressEvent(QMouseEvent *event)
{
    const QList<QGraphicsItem *> hit = items(event->position().toPoint());
    for (QGraphicsItem *item : hit) {
        for (QGraphicsItem *node = item; node; node = node->parentItem()) {
            if (const QString id = node->data(kIdKey).toString(); !id.isEmpty()) {
                emit nodeClicked(id);
                return;
            }
        }
    }
    QGraphicsView::mousePressEvent(event);
}

void GraphDrawing::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    fitInView(sceneRect(), Qt::KeepAspectRatio);
}

} // namespace twinops
