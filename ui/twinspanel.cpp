#include "twinspanel.h"

#include "admin/adminclient.h"
#include "confirmdialog.h"
#include "conversationsview.h"
#include "feedbackline.h"
#include "graphbrowser.h"
#include "onetimesecretdialog.h"
#include "rowtable.h"
#include "sharelinksmodel.h"
#include "tenantpicker.h"
#include "twineditdialog.h"
#include "twinsmodel.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QHash>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QShowEvent>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>

namespace twinops {

namespace {

constexpr int kGraphNodeLimit = 1000; // the route's maximum: counts beyond it are shown as "at least"
constexpr int kTopNodes = 5;
constexpr int kDefaultLinkExpiryDays = 30;
constexpr int kMaxLinkExpiryDays = 3650; // the route's maximum

// A row table (setupRowTable) that sorts, first by `sortColumn`.
void setupTable(QTableView *table, const QString &name, QSortFilterProxyModel *proxy, int sortColumn)
{
    setupRowTable(table, name, proxy);
    table->setSortingEnabled(true);
    table->sortByColumn(sortColumn, Qt::AscendingOrder);
}

} // namespace

TwinsPanel::TwinsPanel(AdminClient &client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_twins(new TwinsModel(client, this))
    , m_twinsProxy(new QSortFilterProxyModel(this))
    , m_links(new ShareLinksModel(client, this))
    , m_linksProxy(new QSortFilterProxyModel(this))
    , m_feedback(new FeedbackLine(this))
    , m_tenant(new TenantPicker(client, this))
    , m_twinsTable(new QTableView(this))
    , m_newTwinName(new QLineEdit(this))
    , m_createButton(new QPushButton(tr("Create twin"), this))
    , m_editButton(new QPushButton(tr("Edit…"), this))
    , m_archiveButton(new QPushButton(tr("Archive"), this))
    , m_deleteButton(new QPushButton(tr("Delete…"), this))
    , m_details(new QTabWidget(this))
    , m_graphSummary(new QLabel(this))
    , m_refreshGraphButton(new QPushButton(tr("Refresh graph"), this))
    , m_graphBrowser(new GraphBrowser(client, this))
    , m_conversations(new ConversationsView(client, this))
    , m_linksTable(new QTableView(this))
    , m_linkExpiry(new QSpinBox(this))
    , m_createLinkButton(new QPushButton(tr("Create link"), this))
    , m_revokeLinkButton(new QPushButton(tr("Revoke…"), this))
{
    m_twinsProxy->setSourceModel(m_twins);
    m_twinsProxy->setSortRole(PagedAdminModel::SortRole);
    m_linksProxy->setSourceModel(m_links);
    m_linksProxy->setSortRole(PagedAdminModel::SortRole);
    m_feedback->setObjectName(QStringLiteral("twinsError")); // the name tests know it by
    m_tenant->setObjectName(QStringLiteral("twinsTenant"));
    setupTable(m_twinsTable, QStringLiteral("twinsTable"), m_twinsProxy, TwinsModel::Created);
    m_twinsTable->horizontalHeader()->resizeSection(0, 240);
    setupTable(m_linksTable, QStringLiteral("shareLinksTable"), m_linksProxy, ShareLinksModel::Created);
    m_linksTable->horizontalHeader()->resizeSection(ShareLinksModel::Prefix, 180);
    m_editButton->setObjectName(QStringLiteral("editTwinButton"));
    m_archiveButton->setObjectName(QStringLiteral("archiveTwinButton"));
    m_deleteButton->setObjectName(QStringLiteral("deleteTwinButton"));
    m_details->setObjectName(QStringLiteral("twinDetails"));
    m_linkExpiry->setObjectName(QStringLiteral("shareLinkExpiry"));
    m_linkExpiry->setRange(0, kMaxLinkExpiryDays);
    m_linkExpiry->setSpecialValueText(tr("never expires"));
    m_linkExpiry->setPrefix(tr("expires after "));
    m_linkExpiry->setSuffix(tr(" days"));
    m_linkExpiry->setValue(kDefaultLinkExpiryDays);
    m_createLinkButton->setObjectName(QStringLiteral("createShareLinkButton"));
    m_revokeLinkButton->setObjectName(QStringLiteral("revokeShareLinkButton"));
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
    twinActions->addSpacing(24);
    twinActions->addWidget(m_editButton);
    twinActions->addWidget(m_archiveButton);
    twinActions->addWidget(m_deleteButton);
    twinActions->addStretch();

    auto *graphPage = new QWidget(m_details);
    auto *graphHeader = new QHBoxLayout;
    graphHeader->addStretch();
    graphHeader->addWidget(m_refreshGraphButton);
    auto *graphLayout = new QVBoxLayout(graphPage);
    graphLayout->addLayout(graphHeader);
    graphLayout->addWidget(m_graphSummary);
    graphLayout->addWidget(m_graphBrowser, 1);
    auto *linksPage = new QWidget(m_details);
    auto *linkActions = new QHBoxLayout;
    linkActions->addWidget(m_linkExpiry);
    linkActions->addWidget(m_createLinkButton);
    linkActions->addStretch();
    linkActions->addWidget(m_revokeLinkButton);
    auto *linksLayout = new QVBoxLayout(linksPage);
    linksLayout->addWidget(m_linksTable, 1);
    linksLayout->addLayout(linkActions);
    m_details->addTab(graphPage, tr("Knowledge graph"));
    m_details->addTab(linksPage, tr("Share links"));
    m_details->addTab(m_conversations, tr("Conversations"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_feedback);
    layout->addLayout(tenantRow);
    layout->addWidget(m_twinsTable, 2);
    layout->addLayout(twinActions);
    layout->addWidget(m_details, 3);

    connect(m_tenant, &TenantPicker::tenantChanged, this, [this](const QString &tenantId) {
        clearError();
        m_twins->setTenantId(tenantId);
        updateButtons();
    });
    connect(m_tenant, &TenantPicker::errorOccurred, this, &TwinsPanel::showError);
    connect(m_newTwinName, &QLineEdit::textChanged, this, &TwinsPanel::updateButtons);
    connect(m_newTwinName, &QLineEdit::returnPressed, this, &TwinsPanel::createTwin);
    connect(m_createButton, &QPushButton::clicked, this, &TwinsPanel::createTwin);
    connect(m_editButton, &QPushButton::clicked, this, &TwinsPanel::editTwin);
    connect(m_archiveButton, &QPushButton::clicked, this, &TwinsPanel::toggleArchived);
    connect(m_deleteButton, &QPushButton::clicked, this, &TwinsPanel::confirmDeleteTwin);
    setRowMenu(m_twinsTable, [this](QMenu &menu, const QModelIndex &) { fillTwinMenu(menu); });
    connect(m_twinsTable, &QAbstractItemView::doubleClicked, this, &TwinsPanel::editTwin);
    connect(m_refreshGraphButton, &QPushButton::clicked, this, &TwinsPanel::loadGraph);
    connect(m_graphBrowser, &GraphBrowser::errorOccurred, this, &TwinsPanel::showError);
    connect(m_graphBrowser, &GraphBrowser::conversationRequested, this, [this](const QString &conversationId) {
        m_details->setCurrentWidget(m_conversations);
        m_conversations->showConversation(conversationId);
    });
    connect(m_conversations, &ConversationsView::errorOccurred, this, &TwinsPanel::showError);
    connect(m_conversations, &ConversationsView::openJob, this, &TwinsPanel::openJob);
    connect(m_createLinkButton, &QPushButton::clicked, this, &TwinsPanel::createLink);
    connect(m_revokeLinkButton, &QPushButton::clicked, this, &TwinsPanel::confirmRevokeLink);
    setRowMenu(m_linksTable, [this](QMenu &menu, const QModelIndex &) { fillLinkMenu(menu); });
    connect(m_linksTable->selectionModel(), &QItemSelectionModel::selectionChanged, this, &TwinsPanel::updateButtons);
    connect(m_links, &QAbstractItemModel::dataChanged, this, &TwinsPanel::updateButtons);
    connect(m_links, &ShareLinksModel::errorOccurred, this, &TwinsPanel::showError);
    connect(m_links, &ShareLinksModel::linkCreated, this, &TwinsPanel::showCreatedLink);
    connect(m_twinsTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &TwinsPanel::twinSelectionChanged);
    connect(m_twins, &QAbstractItemModel::modelReset, this, &TwinsPanel::twinSelectionChanged);
    connect(m_twins, &QAbstractItemModel::rowsRemoved, this, &TwinsPanel::twinSelectionChanged);
    connect(m_twins, &QAbstractItemModel::dataChanged, this, &TwinsPanel::updateButtons);
    connect(m_twins, &TwinsModel::errorOccurred, this, &TwinsPanel::showError);
    connect(m_twins, &TwinsModel::twinDeleted, this, [this](const QString &, const QString &name) {
        m_feedback->showDone(tr("The twin \"%1\" was deleted.").arg(name));
    });
    connect(m_twins, &TwinsModel::twinCreated, this, [this](const QString &id) {
        m_newTwinName->clear();
        const int row = m_twins->rowOf(id);
        if (row < 0)
            return;
        const QModelIndex index = m_twinsProxy->mapFromSource(m_twins->index(row, TwinsModel::Name));
        m_twinsTable->setCurrentIndex(index);
        m_twinsTable->scrollTo(index);
    });

    // showTwin and showConversation wait for the tenant in the picker and the twin in the table. The picker is heard
    // once a page of tenants is in: while it fills, it still puts back the tenant it had.
    connect(m_tenant, &TenantPicker::namesChanged, this, &TwinsPanel::showPendingSelection);
    connect(m_twins, &QAbstractItemModel::rowsInserted, this, &TwinsPanel::showPendingSelection);

    twinSelectionChanged();
    m_tenant->reload();
}

void TwinsPanel::showTwin(const QString &tenantId, const QString &twinId)
{
    showConversation(tenantId, twinId, {});
}

void TwinsPanel::showConversation(const QString &tenantId, const QString &twinId, const QString &conversationId)
{
    m_pendingSelection = PendingSelection{tenantId, twinId, conversationId};
    showPendingSelection();
}

void TwinsPanel::showPendingSelection()
{
    if (!m_pendingSelection)
        return;
    const PendingSelection pending = *m_pendingSelection;
    if (!m_tenant->choose(pending.tenantId))
        return; // not listed yet
    const int row = m_twins->tenantId() == pending.tenantId ? m_twins->rowOrNextPage(pending.twinId) : -1;
    if (row < 0)
        return;
    const QModelIndex index = m_twinsProxy->mapFromSource(m_twins->index(row, 0));
    m_twinsTable->selectRow(index.row());
    m_twinsTable->scrollTo(index);
    if (!pending.conversationId.isEmpty()) {
        m_details->setCurrentWidget(m_conversations);
        m_conversations->showConversation(pending.conversationId);
    }
    m_pendingSelection.reset();
}

QString TwinsPanel::selectedTwinId() const
{
    const int row = selectedTwinRow();
    return row < 0 ? QString() : m_twins->idAt(row);
}

void TwinsPanel::refresh()
{
    clearError();
    m_tenant->reload();
    m_twins->reload();
}

void TwinsPanel::focusSearch()
{
    m_details->setCurrentIndex(m_details->indexOf(m_graphBrowser->parentWidget()));
    m_graphBrowser->focusFilter();
}

bool TwinsPanel::deleteSelected()
{
    return clickIfEnabled(m_deleteButton);
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

int TwinsPanel::selectedLinkRow() const
{
    const QModelIndexList rows = m_linksTable->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : m_linksProxy->mapToSource(rows.first()).row();
}

void TwinsPanel::twinSelectionChanged()
{
    loadGraph();
    m_links->setTwin(m_twins->tenantId(), selectedTwinId());
    m_conversations->setTwin(m_twins->tenantId(), selectedTwinId());
    updateButtons();
}

void TwinsPanel::updateButtons()
{
    const int row = selectedTwinRow();
    m_createButton->setEnabled(!m_twins->tenantId().isEmpty() && !m_newTwinName->text().trimmed().isEmpty());
    m_editButton->setEnabled(row >= 0);
    m_archiveButton->setEnabled(row >= 0);
    m_archiveButton->setText(row >= 0 && m_twins->isArchived(row) ? tr("Restore") : tr("Archive"));
    m_deleteButton->setEnabled(row >= 0);
    m_refreshGraphButton->setEnabled(row >= 0);
    m_linkExpiry->setEnabled(row >= 0);
    m_createLinkButton->setEnabled(row >= 0);
    const int link = selectedLinkRow();
    m_revokeLinkButton->setEnabled(link >= 0 && !m_links->isRevoked(link));
}

void TwinsPanel::createTwin()
{
    const QString name = m_newTwinName->text().trimmed();
    if (name.isEmpty() || m_twins->tenantId().isEmpty())
        return;
    clearError();
    m_twins->createTwin(name);
}

void TwinsPanel::editTwin()
{
    const int row = selectedTwinRow();
    if (row < 0)
        return;
    clearError();
    // Not exec(): no nested event loop while answers arrive; the dialog is window-modal all the same.
    auto *dialog = new TwinEditDialog(m_twins->item(row), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, twinId = m_twins->idAt(row)] {
        if (const QJsonObject patch = dialog->patch(); !patch.isEmpty())
            m_twins->updateTwin(twinId, patch);
    });
    dialog->open();
}

// Archiving is undone with one click (Restore), so it needs no question: an archived twin keeps everything and only
// stops answering.
void TwinsPanel::toggleArchived()
{
    const int row = selectedTwinRow();
    if (row < 0)
        return;
    clearError();
    const bool archived = m_twins->isArchived(row);
    m_twins->updateTwin(
        m_twins->idAt(row),
        QJsonObject{{QStringLiteral("status"), archived ? QStringLiteral("active") : QStringLiteral("archived")}});
}

void TwinsPanel::confirmDeleteTwin()
{
    const int row = selectedTwinRow();
    if (row < 0)
        return;
    clearError();
    ConfirmDialog::ask(this, QStringLiteral("confirmDeleteTwin"),
                       {tr("Delete twin?"), tr("Delete twin"),
                        m_twins->item(row).value(QLatin1String("name")).toString(),
                        tr("Deletes the twin with its sources, conversations, knowledge graph and share links. This "
                           "cannot be undone; Archive keeps everything instead.")},
                       [this, twinId = m_twins->idAt(row)] { m_twins->deleteTwin(twinId); });
}

void TwinsPanel::fillTwinMenu(QMenu &menu)
{
    for (QPushButton *button : {m_editButton, m_archiveButton, m_deleteButton})
        addButtonAction(menu, button);
    menu.addSeparator();
    const int row = selectedTwinRow();
    addCopyAction(menu, tr("Copy full id"), m_twins->idAt(row));
    addCopyAction(menu, tr("Copy name"), m_twins->item(row).value(QLatin1String("name")).toString());
}

void TwinsPanel::createLink()
{
    if (selectedTwinRow() < 0)
        return;
    clearError();
    const int days = m_linkExpiry->value();
    m_links->createLink(days == 0 ? std::nullopt : std::optional<int>(days));
}

void TwinsPanel::showCreatedLink(const QString &twinId, const QJsonObject &link, const QString &token)
{
    const int row = m_twins->rowOf(twinId);
    const QString twinName = row < 0 ? tr("the twin") : m_twins->item(row).value(QLatin1String("name")).toString();
    auto *dialog = new OneTimeSecretDialog(
        tr("Share link created"),
        tr("A share link to \"%1\" (anyone with it can chat with the twin at /api/v1/public/share/TOKEN)")
            .arg(twinName),
        token, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    const int linkRow = m_links->rowOf(link.value(QLatin1String("id")).toString());
    if (linkRow >= 0)
        m_linksTable->selectRow(m_linksProxy->mapFromSource(m_links->index(linkRow, 0)).row());
}

void TwinsPanel::confirmRevokeLink()
{
    const int row = selectedLinkRow();
    if (row < 0 || m_links->isRevoked(row))
        return;
    clearError();
    ConfirmDialog::ask(this, QStringLiteral("confirmRevokeShareLink"),
                       {tr("Revoke share link?"), tr("Revoke link"),
                        m_links->item(row).value(QLatin1String("token_prefix")).toString() + QStringLiteral("…"),
                        tr("Everyone holding the link loses access to the twin at once. This cannot be undone.")},
                       [this, linkId = m_links->idAt(row)] { m_links->revokeLink(linkId); });
}

void TwinsPanel::fillLinkMenu(QMenu &menu)
{
    addButtonAction(menu, m_revokeLinkButton);
    menu.addSeparator();
    addCopyAction(menu, tr("Copy full id"), m_links->idAt(selectedLinkRow()));
}

void TwinsPanel::loadGraph()
{
    const quint64 generation = ++m_graphGeneration;
    const QString twinId = selectedTwinId();
    if (twinId.isEmpty()) {
        m_graphSummary->setText(tr("Select a twin to see its knowledge graph."));
        m_graphBrowser->setGraph({}, {}, {});
        return;
    }
    m_graphSummary->setText(tr("Loading the graph…"));
    m_client.get(
        QStringLiteral("/api/v1/twins/%1/graph?limit=%2")
            .arg(QString::fromLatin1(QUrl::toPercentEncoding(twinId)))
            .arg(kGraphNodeLimit),
        this,
        [this, generation, tenantId = m_twins->tenantId(), twinId](const AdminReply &reply) {
            if (generation != m_graphGeneration)
                return;
            showGraph(reply);
            m_graphBrowser->setGraph(tenantId, twinId, reply.ok() ? reply.body : QJsonObject());
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
    m_feedback->showError(message);
}

void TwinsPanel::clearError()
{
    m_feedback->clear();
}

} // namespace twinops
