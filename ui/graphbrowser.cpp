#include "graphbrowser.h"

#include "graphdrawing.h"
#include "graphedgesmodel.h"
#include "graphevidencemodel.h"
#include "graphnodesmodel.h"
#include "rowtable.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace twinops {

namespace {

QSortFilterProxyModel *sortedProxy(QAbstractItemModel *source, int sortRole, QObject *parent)
{
    auto *proxy = new QSortFilterProxyModel(parent);
    proxy->setSourceModel(source);
    proxy->setSortRole(sortRole);
    return proxy;
}

} // namespace

GraphBrowser::GraphBrowser(AdminClient &client, QWidget *parent)
    : QWidget(parent)
    , m_nodes(new GraphNodesModel(this))
    , m_nodesProxy(sortedProxy(m_nodes, GraphNodesModel::SortRole, this))
    , m_edges(new GraphEdgesModel(this))
    , m_edgesProxy(sortedProxy(m_edges, GraphEdgesModel::SortRole, this))
    , m_evidence(new GraphEvidenceModel(client, this))
    , m_filter(new QLineEdit(this))
    , m_nodesTable(new QTableView(this))
    , m_nodeViews(new QTabWidget(this))
    , m_drawing(new GraphDrawing(this))
    , m_edgesTable(new QTableView(this))
    , m_evidenceTable(new QTableView(this))
    , m_edgesTitle(new QLabel(this))
    , m_showConversationButton(new QPushButton(tr("Show conversation"), this))
{
    m_nodesProxy->setFilterKeyColumn(-1); // the text may be in the name or the type
    m_nodesProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setObjectName(QStringLiteral("graphNodeFilter"));
    m_filter->setPlaceholderText(tr("Filter nodes by name or type"));
    m_filter->setClearButtonEnabled(true);
    setupRowTable(m_nodesTable, QStringLiteral("graphNodesTable"), m_nodesProxy);
    m_nodesTable->setSortingEnabled(true);
    m_nodesTable->sortByColumn(GraphNodesModel::Degree, Qt::DescendingOrder);
    m_nodesTable->horizontalHeader()->resizeSection(GraphNodesModel::Name, 200);
    setupRowTable(m_edgesTable, QStringLiteral("graphEdgesTable"), m_edgesProxy);
    m_edgesTable->setSortingEnabled(true);
    m_edgesTable->sortByColumn(GraphEdgesModel::Weight, Qt::DescendingOrder);
    auto *evidenceProxy = sortedProxy(m_evidence, PagedAdminModel::SortRole, this);
    setupRowTable(m_evidenceTable, QStringLiteral("graphEvidenceTable"), evidenceProxy);
    m_evidenceTable->setWordWrap(true);
    m_evidenceTable->horizontalHeader()->setSectionResizeMode(GraphEvidenceModel::Snippet, QHeaderView::Stretch);
    m_evidenceTable->horizontalHeader()->setStretchLastSection(false);
    m_edgesTitle->setObjectName(QStringLiteral("graphEdgesTitle"));
    m_edgesTitle->setWordWrap(true);
    m_showConversationButton->setObjectName(QStringLiteral("showEvidenceConversationButton"));

    m_drawing->setObjectName(QStringLiteral("graphDrawing"));
    m_nodeViews->setObjectName(QStringLiteral("graphNodeViews"));
    auto *nodesPage = new QWidget(this);
    auto *nodesLayout = new QVBoxLayout(nodesPage);
    nodesLayout->setContentsMargins(0, 0, 0, 0);
    nodesLayout->addWidget(m_filter);
    nodesLayout->addWidget(m_nodesTable, 1);
    m_nodeViews->addTab(nodesPage, tr("Nodes"));
    m_nodeViews->addTab(m_drawing, tr("Drawing"));
    m_nodeViews->setTabToolTip(
        1, tr("The %1 most connected nodes and their edges; click a node to select it").arg(GraphDrawing::kMaxNodes));
    auto *edgesPage = new QWidget(this);
    auto *edgesLayout = new QVBoxLayout(edgesPage);
    edgesLayout->setContentsMargins(0, 0, 0, 0);
    edgesLayout->addWidget(m_edgesTitle);
    edgesLayout->addWidget(m_edgesTable, 1);
    auto *evidencePage = new QWidget(this);
    auto *evidenceActions = new QHBoxLayout;
    evidenceActions->addStretch();
    evidenceActions->addWidget(m_showConversationButton);
    auto *evidenceLayout = new QVBoxLayout(evidencePage);
    evidenceLayout->setContentsMargins(0, 0, 0, 0);
    evidenceLayout->addWidget(m_evidenceTable, 1);
    evidenceLayout->addLayout(evidenceActions);
    auto *details = new QSplitter(Qt::Vertical, this);
    details->addWidget(edgesPage);
    details->addWidget(evidencePage);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->setObjectName(QStringLiteral("graphSplitter"));
    split->addWidget(m_nodeViews);
    split->addWidget(details);
    split->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);

    connect(m_filter, &QLineEdit::textChanged, m_nodesProxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_drawing, &GraphDrawing::nodeClicked, this, [this](const QString &nodeId) {
        if (!m_nodesProxy->mapFromSource(m_nodes->index(m_nodes->rowOf(nodeId), 0)).isValid())
            m_filter->clear(); // a node the filter hides is shown again to be selected
        selectNode(nodeId);
    });
    connect(m_nodesTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &GraphBrowser::nodeSelectionChanged);
    connect(m_edgesTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &GraphBrowser::edgeSelectionChanged);
    connect(m_evidenceTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &GraphBrowser::updateButtons);
    connect(m_evidenceTable, &QAbstractItemView::doubleClicked, this, &GraphBrowser::showSelectedConversation);
    connect(m_showConversationButton, &QPushButton::clicked, this, &GraphBrowser::showSelectedConversation);
    connect(m_evidence, &QAbstractItemModel::modelReset, this, &GraphBrowser::updateButtons);
    connect(m_evidence, &PagedAdminModel::errorOccurred, this, &GraphBrowser::errorOccurred);
    setRowMenu(m_nodesTable, [](QMenu &menu, const QModelIndex &index) {
        addCopyAction(menu, tr("Copy full id"), index.data(GraphNodesModel::IdRole).toString());
    });
    setRowMenu(m_edgesTable, [](QMenu &menu, const QModelIndex &index) {
        addCopyAction(menu, tr("Copy full id"), index.data(GraphEdgesModel::IdRole).toString());
    });
    setRowMenu(m_evidenceTable, [this, evidenceProxy](QMenu &menu, const QModelIndex &index) {
        addButtonAction(menu, m_showConversationButton);
        addCopyAction(menu, tr("Copy conversation id"),
                      m_evidence->conversationId(evidenceProxy->mapToSource(index).row()));
    });

    nodeSelectionChanged();
}

void GraphBrowser::setGraph(const QString &tenantId, const QString &twinId, const QJsonObject &graph)
{
    const bool sameTwin = tenantId == m_tenantId && twinId == m_twinId;
    const QString node = sameTwin ? selectedNodeId() : QString();
    m_tenantId = tenantId;
    m_twinId = twinId;
    if (!sameTwin)
        m_edges->setEdges({}); // no edge of another twin is carried over
    m_nodes->setGraph(graph);
    m_drawing->draw(*m_nodes);
    selectNode(node); // nodeSelectionChanged keeps the selected edge
    nodeSelectionChanged();
}

QString GraphBrowser::selectedNodeId() const
{
    const QModelIndexList rows = m_nodesTable->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(GraphNodesModel::IdRole).toString();
}

QString GraphBrowser::selectedEdgeId() const
{
    const QModelIndexList rows = m_edgesTable->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(GraphEdgesModel::IdRole).toString();
}

int GraphBrowser::selectedEvidenceRow() const
{
    const QModelIndexList rows = m_evidenceTable->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return -1;
    const auto *proxy = static_cast<const QSortFilterProxyModel *>(m_evidenceTable->model());
    return proxy->mapToSource(rows.first()).row();
}

void GraphBrowser::selectNode(const QString &nodeId)
{
    const int row = m_nodes->rowOf(nodeId);
    if (row < 0)
        return;
    const QModelIndex index = m_nodesProxy->mapFromSource(m_nodes->index(row, 0));
    if (index.isValid())
        m_nodesTable->selectRow(index.row());
}

void GraphBrowser::nodeSelectionChanged()
{
    const QString node = selectedNodeId();
    const QString edge = selectedEdgeId();
    m_drawing->setSelectedNode(node);
    m_edges->setEdges(node.isEmpty() ? QList<GraphEdgeRow>() : m_nodes->edgesOf(node));
    if (m_twinId.isEmpty())
        m_edgesTitle->setText(tr("Select a twin to browse its knowledge graph."));
    else if (node.isEmpty())
        m_edgesTitle->setText(m_nodes->rowCount() == 0 ? tr("The graph is empty.")
                                                       : tr("Select a node to see its edges."));
    else
        m_edgesTitle->setText(tr("Edges of %1 (select one to see its evidence)")
                                  .arg(m_nodes->index(m_nodes->rowOf(node), GraphNodesModel::Name).data().toString()));
    // The same node again (a refresh): its edge stays selected.
    for (int row = 0; !edge.isEmpty() && row < m_edgesProxy->rowCount(); ++row) {
        if (m_edgesProxy->index(row, 0).data(GraphEdgesModel::IdRole).toString() == edge)
            m_edgesTable->selectRow(row);
    }
    edgeSelectionChanged();
}

void GraphBrowser::edgeSelectionChanged()
{
    const QString edge = selectedEdgeId();
    m_evidence->setEdge(edge.isEmpty() ? QString() : m_tenantId, m_twinId, edge);
    updateButtons();
}

void GraphBrowser::showSelectedConversation()
{
    const int row = selectedEvidenceRow();
    if (row >= 0)
        emit conversationRequested(m_evidence->conversationId(row));
}

void GraphBrowser::focusFilter()
{
    m_filter->setFocus(Qt::ShortcutFocusReason);
    m_filter->selectAll();
}

void GraphBrowser::updateButtons()
{
    m_showConversationButton->setEnabled(selectedEvidenceRow() >= 0);
}

} // namespace twinops
