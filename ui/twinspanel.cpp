#include "twinspanel.h"

#include "admin/adminclient.h"
#include "tenantpicker.h"
#include "twinsmodel.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QHash>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QShowEvent>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>

namespace twinops {

namespace {

constexpr int kGraphNodeLimit = 1000; // the route's maximum: counts beyond it are shown as "at least"
constexpr int kTopNodes = 5;

} // namespace

TwinsPanel::TwinsPanel(AdminClient &client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_twins(new TwinsModel(client, this))
    , m_twinsProxy(new QSortFilterProxyModel(this))
    , m_error(new QLabel(this))
    , m_tenant(new TenantPicker(client, this))
    , m_twinsTable(new QTableView(this))
    , m_newTwinName(new QLineEdit(this))
    , m_createButton(new QPushButton(tr("Create twin"), this))
    , m_graphSummary(new QLabel(this))
    , m_refreshGraphButton(new QPushButton(tr("Refresh graph"), this))
{
    m_twinsProxy->setSourceModel(m_twins);
    m_twinsProxy->setSortRole(PagedAdminModel::SortRole);
    m_error->setObjectName(QStringLiteral("twinsError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_error->hide();
    m_tenant->setObjectName(QStringLiteral("twinsTenant"));
    m_twinsTable->setObjectName(QStringLiteral("twinsTable"));
    m_twinsTable->setModel(m_twinsProxy);
    m_twinsTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_twinsTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_twinsTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_twinsTable->setSortingEnabled(true);
    m_twinsTable->sortByColumn(TwinsModel::Created, Qt::AscendingOrder);
    m_twinsTable->verticalHeader()->hide();
    m_twinsTable->horizontalHeader()->setStretchLastSection(true);
    m_twinsTable->horizontalHeader()->resizeSection(0, 240);
    m_newTwinName->setObjectName(QStringLiteral("newTwinName"));
    m_newTwinName->setPlaceholderText(tr("New twin name"));
    m_newTwinName->setMaxLength(100);
    m_createButton->setObjectName(QStringLiteral("createTwinButton"));
    m_graphSummary->setObjectName(QStringLiteral("twinGraphSummary"));
    m_graphSummary->setWordWrap(true);
    m_graphSummary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_graphSummary->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_refreshGraphButton->setObjectName(QStringLiteral("refreshGraphButton"));

    auto *tenantRow = new QFormLayout;
    tenantRow->addRow(tr("Tenant"), m_tenant);
    auto *twinActions = new QHBoxLayout;
    twinActions->addWidget(m_newTwinName, 1);
    twinActions->addWidget(m_createButton);
    twinActions->addStretch();
    auto *graphHeader = new QHBoxLayout;
    graphHeader->addWidget(new QLabel(tr("Knowledge graph"), this));
    graphHeader->addStretch();
    graphHeader->addWidget(m_refreshGraphButton);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_error);
    layout->addLayout(tenantRow);
    layout->addWidget(m_twinsTable, 3);
    layout->addLayout(twinActions);
    layout->addLayout(graphHeader);
    layout->addWidget(m_graphSummary, 1);

    connect(m_tenant, &TenantPicker::tenantChanged, this, [this](const QString &tenantId) {
        clearError();
        m_twins->setTenantId(tenantId);
        updateButtons();
    });
    connect(m_tenant, &TenantPicker::errorOccurred, this, &TwinsPanel::showError);
    connect(m_newTwinName, &QLineEdit::textChanged, this, &TwinsPanel::updateButtons);
    connect(m_newTwinName, &QLineEdit::returnPressed, this, &TwinsPanel::createTwin);
    connect(m_createButton, &QPushButton::clicked, this, &TwinsPanel::createTwin);
    connect(m_refreshGraphButton, &QPushButton::clicked, this, &TwinsPanel::loadGraph);
    connect(m_twinsTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &TwinsPanel::twinSelectionChanged);
    connect(m_twins, &QAbstractItemModel::modelReset, this, &TwinsPanel::twinSelectionChanged);
    connect(m_twins, &TwinsModel::errorOccurred, this, &TwinsPanel::showError);
    connect(m_twins, &TwinsModel::twinCreated, this, [this](const QString &id) {
        m_newTwinName->clear();
        const int row = m_twins->rowOf(id);
        if (row < 0)
            return;
        const QModelIndex index = m_twinsProxy->mapFromSource(m_twins->index(row, TwinsModel::Name));
        m_twinsTable->setCurrentIndex(index);
        m_twinsTable->scrollTo(index);
    });

    twinSelectionChanged();
    m_tenant->reload();
}

QString TwinsPanel::selectedTwinId() const
{
    const int row = selectedTwinRow();
    return row < 0 ? QString() : m_twins->idAt(row);
}

void TwinsPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    // Tenants created in the Tenants panel meanwhile, also the first ones of a fresh database (an empty picker).
    if (!event->spontaneous())
        m_tenant->reload();
}

int TwinsPanel::selectedTwinRow() const
{
    const QModelIndexList rows = m_twinsTable->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : m_twinsProxy->mapToSource(rows.first()).row();
}

void TwinsPanel::twinSelectionChanged()
{
    loadGraph();
    updateButtons();
}

void TwinsPanel::updateButtons()
{
    m_createButton->setEnabled(!m_twins->tenantId().isEmpty() && !m_newTwinName->text().trimmed().isEmpty());
    m_refreshGraphButton->setEnabled(selectedTwinRow() >= 0);
}

void TwinsPanel::createTwin()
{
    const QString name = m_newTwinName->text().trimmed();
    if (name.isEmpty() || m_twins->tenantId().isEmpty())
        return;
    clearError();
    m_twins->createTwin(name);
}

void TwinsPanel::loadGraph()
{
    const quint64 generation = ++m_graphGeneration;
    const QString twinId = selectedTwinId();
    if (twinId.isEmpty()) {
        m_graphSummary->setText(tr("Select a twin to see its knowledge graph."));
        return;
    }
    m_graphSummary->setText(tr("Loading the graph…"));
    m_client.get(
        QStringLiteral("/api/v1/twins/%1/graph?limit=%2")
            .arg(QString::fromLatin1(QUrl::toPercentEncoding(twinId)))
            .arg(kGraphNodeLimit),
        this,
        [this, generation](const AdminReply &reply) {
            if (generation == m_graphGeneration)
                showGraph(reply);
        },
        m_twins->tenantId());
}

void TwinsPanel::showGraph(const AdminReply &reply)
{
    if (!reply.ok()) {
        m_graphSummary->setText(tr("The graph could not be loaded."));
        showError(reply.errorText());
        return;
    }
    const QJsonArray nodes = reply.body.value(QLatin1String("nodes")).toArray();
    const QJsonArray edges = reply.body.value(QLatin1String("edges")).toArray();
    QHash<QString, int> degree;
    for (const QJsonValue &value : edges) {
        const QJsonObject edge = value.toObject();
        ++degree[edge.value(QLatin1String("from_node_id")).toString()];
        ++degree[edge.value(QLatin1String("to_node_id")).toString()];
    }
    struct Ranked
    {
        QString name;
        int degree;
    };
    QList<Ranked> ranked;
    for (const QJsonValue &value : nodes) {
        const QJsonObject node = value.toObject();
        ranked.append(
            {node.value(QLatin1String("name")).toString(), degree.value(node.value(QLatin1String("id")).toString())});
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const Ranked &a, const Ranked &b) { return a.degree > b.degree; });
    const bool capped = nodes.size() >= kGraphNodeLimit;
    QString text
        = (capped ? tr("At least %1 nodes, %2 edges") : tr("%1 nodes, %2 edges")).arg(nodes.size()).arg(edges.size());
    if (ranked.isEmpty()) {
        text += QLatin1Char('\n') + tr("The graph is empty: approve and index sources to fill it.");
    } else {
        QStringList top;
        for (qsizetype i = 0; i < std::min<qsizetype>(kTopNodes, ranked.size()); ++i)
            top.append(tr("%1 (%2)").arg(ranked.at(i).name).arg(ranked.at(i).degree));
        text += QLatin1Char('\n') + tr("Top nodes by degree: %1").arg(top.join(QStringLiteral(", ")));
    }
    m_graphSummary->setText(text);
}

void TwinsPanel::showError(const QString &message)
{
    m_error->setText(message);
    m_error->show();
}

void TwinsPanel::clearError()
{
    m_error->clear();
    m_error->hide();
}

} // namespace twinops
