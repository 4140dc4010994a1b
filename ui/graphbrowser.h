#pragma once

#include <QWidget>

class QJsonObject;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTabWidget;
class QTableView;

namespace twinops {

class AdminClient;
class GraphEdgesModel;
class GraphDrawing;
class GraphEvidenceModel;
class GraphNodesModel;

// A twin's knowledge graph to browse: its nodes (name, type, mentions, degree; filtered by text; or drawn:
// GraphDrawing, a click selects), the edges of the selected node (relation, direction, the other node, weight) and the
// evidence of the selected edge (the sentences that stated it, with their conversation, paged from the API). The graph
// itself comes from setGraph (the Twins panel reads it once for its summary and this browser); the evidence is read
// inside the twin's tenant.
class GraphBrowser final : public QWidget
{
    Q_OBJECT
public:
    explicit GraphBrowser(AdminClient &client, QWidget *parent = nullptr);

    GraphNodesModel *nodesModel() const { return m_nodes; }
    QSortFilterProxyModel *nodesProxy() const { return m_nodesProxy; }
    GraphEdgesModel *edgesModel() const { return m_edges; }
    QSortFilterProxyModel *edgesProxy() const { return m_edgesProxy; }
    GraphEvidenceModel *evidenceModel() const { return m_evidence; }
    GraphDrawing *drawing() const { return m_drawing; }
    // Ctrl+F in the Twins panel: the nodes' filter, its text selected.
    void focusFilter();

    // Shows `graph` ({nodes, edges} of GET /api/v1/twins/{id}/graph; empty: none) of `twinId` of `tenantId`, keeping
    // the selected node and edge when they are still there.
    void setGraph(const QString &tenantId, const QString &twinId, const QJsonObject &graph);

signals:
    // "Show conversation" on a piece of evidence.
    void conversationRequested(const QString &conversationId);
    void errorOccurred(const QString &message);

private:
    QString selectedNodeId() const;
    QString selectedEdgeId() const;
    int selectedEvidenceRow() const; // in GraphEvidenceModel, or -1
    void selectNode(const QString &nodeId);
    void nodeSelectionChanged();
    void edgeSelectionChanged();
    void showSelectedConversation();
    void updateButtons();

    GraphNodesModel *m_nodes;
    QSortFilterProxyModel *m_nodesProxy;
    GraphEdgesModel *m_edges;
    QSortFilterProxyModel *m_edgesProxy;
    GraphEvidenceModel *m_evidence;
    QLineEdit *m_filter;
    QTableView *m_nodesTable;
    QTabWidget *m_nodeViews; // the list and the drawing
    GraphDrawing *m_drawing;
    QTableView *m_edgesTable;
    QTableView *m_evidenceTable;
    QLabel *m_edgesTitle;
    QPushButton *m_showConversationButton;
    QString m_tenantId;
    QString m_twinId;
};

} // namespace twinops
