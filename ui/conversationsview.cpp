#include "conversationsview.h"

#include "conversationsmodel.h"
#include "messagesmodel.h"
#include "rowtable.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

namespace twinops {

namespace {

const QString kJobScheme = QStringLiteral("twinops-job"); // the graph job link in the message detail

QString escaped(const QString &text)
{
    return text.toHtmlEscaped();
}

// One message as rich text: a header line of facts, the content as written, then the citations.
QString messageHtml(const QJsonObject &message)
{
    QStringList facts;
    const bool assistant = message.value(QLatin1String("role")) == QLatin1String("assistant");
    facts << QStringLiteral("<b>%1</b>")
                 .arg(escaped(assistant ? ConversationsView::tr("Answer") : ConversationsView::tr("Question")));
    if (const QString provider = message.value(QLatin1String("provider")).toString(); !provider.isEmpty()) {
        const QString model = message.value(QLatin1String("model")).toString();
        facts << escaped(model.isEmpty() ? ConversationsView::tr("by %1").arg(provider)
                                         : ConversationsView::tr("by %1 (%2)").arg(provider, model));
    }
    if (const QJsonValue ttft = message.value(QLatin1String("ttft_ms")); ttft.isDouble())
        facts << escaped(ConversationsView::tr("first token after %1 ms").arg(ttft.toInteger()));
    if (const QJsonValue latency = message.value(QLatin1String("latency_ms")); latency.isDouble())
        facts << escaped(ConversationsView::tr("complete after %1 ms").arg(latency.toInteger()));
    if (const QString outcome = MessagesModel::outcomeText(message); !outcome.isEmpty())
        facts << QStringLiteral("<b>%1</b>").arg(escaped(outcome));
    if (assistant) {
        const QString job = message.value(QLatin1String("graph_job_id")).toString();
        facts << (job.isEmpty() ? escaped(ConversationsView::tr("graph job pruned"))
                                : QStringLiteral("<a href=\"%1:%2\">%3</a>")
                                      .arg(kJobScheme, job, escaped(ConversationsView::tr("graph job %1").arg(job))));
    }
    QString html
        = QStringLiteral("<p>%1</p><p style=\"white-space: pre-wrap\">%2</p>")
              .arg(facts.join(QStringLiteral(" · ")), escaped(message.value(QLatin1String("content")).toString()));
    const QJsonArray citations = message.value(QLatin1String("citations")).toArray();
    if (!citations.isEmpty()) {
        html += QStringLiteral("<p><b>%1</b></p><ol>").arg(escaped(ConversationsView::tr("Citations")));
        for (const QJsonValue &value : citations) {
            const QJsonObject citation = value.toObject();
            html += QStringLiteral("<li value=\"%1\">%2 <small>(%3)</small>: %4</li>")
                        .arg(citation.value(QLatin1String("n")).toInt())
                        .arg(escaped(citation.value(QLatin1String("filename")).toString()),
                             escaped(ConversationsView::tr("chunk %1")
                                         .arg(citation.value(QLatin1String("chunk_id")).toString())),
                             escaped(citation.value(QLatin1String("snippet")).toString()));
        }
        html += QStringLiteral("</ol>");
    }
    return html;
}

} // namespace

ConversationsView::ConversationsView(AdminClient &client, QWidget *parent)
    : QWidget(parent)
    , m_conversations(new ConversationsModel(client, this))
    , m_conversationsProxy(new QSortFilterProxyModel(this))
    , m_messages(new MessagesModel(client, this))
    , m_conversationsTable(new QTableView(this))
    , m_messagesTable(new QTableView(this))
    , m_detail(new QTextBrowser(this))
    , m_state(new QLabel(this))
    , m_refreshButton(new QPushButton(tr("Refresh"), this))
    , m_openJobButton(new QPushButton(tr("Show graph job"), this))
{
    m_conversationsProxy->setSourceModel(m_conversations);
    m_conversationsProxy->setSortRole(PagedAdminModel::SortRole);
    setupRowTable(m_conversationsTable, QStringLiteral("conversationsTable"), m_conversationsProxy);
    m_conversationsTable->setSortingEnabled(true);
    m_conversationsTable->sortByColumn(ConversationsModel::LastActive, Qt::DescendingOrder);
    m_conversationsTable->horizontalHeader()->resizeSection(ConversationsModel::Title, 240);
    // A transcript reads in the order it was said: no sorting.
    setupRowTable(m_messagesTable, QStringLiteral("messagesTable"), m_messages);
    m_messagesTable->horizontalHeader()->resizeSection(MessagesModel::Content, 320);
    m_detail->setObjectName(QStringLiteral("messageDetail"));
    m_detail->setOpenLinks(false);
    m_state->setObjectName(QStringLiteral("conversationsState"));
    m_state->setWordWrap(true);
    m_refreshButton->setObjectName(QStringLiteral("refreshConversationsButton"));
    m_openJobButton->setObjectName(QStringLiteral("openGraphJobButton"));
    m_openJobButton->setToolTip(tr("Open the graph_extraction job of the selected answer in the Jobs panel"));

    auto *header = new QHBoxLayout;
    header->addWidget(m_state, 1);
    header->addWidget(m_refreshButton);
    auto *messagesPage = new QWidget(this);
    auto *detailActions = new QHBoxLayout;
    detailActions->addStretch();
    detailActions->addWidget(m_openJobButton);
    auto *transcript = new QSplitter(Qt::Vertical, messagesPage);
    transcript->addWidget(m_messagesTable);
    transcript->addWidget(m_detail);
    auto *messagesLayout = new QVBoxLayout(messagesPage);
    messagesLayout->setContentsMargins(0, 0, 0, 0);
    messagesLayout->addWidget(transcript, 1);
    messagesLayout->addLayout(detailActions);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->setObjectName(QStringLiteral("conversationsSplitter"));
    split->addWidget(m_conversationsTable);
    split->addWidget(messagesPage);
    split->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(header);
    layout->addWidget(split, 1);

    connect(m_refreshButton, &QPushButton::clicked, this, &ConversationsView::refresh);
    connect(m_openJobButton, &QPushButton::clicked, this, &ConversationsView::openSelectedJob);
    connect(m_conversationsTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ConversationsView::conversationSelectionChanged);
    setRowMenu(m_conversationsTable, [this](QMenu &menu, const QModelIndex &index) {
        addCopyAction(menu, tr("Copy full id"), m_conversations->idAt(m_conversationsProxy->mapToSource(index).row()));
    });
    connect(m_conversations, &QAbstractItemModel::rowsInserted, this, &ConversationsView::selectListedConversation);
    connect(m_conversations, &QAbstractItemModel::modelReset, this, [this] {
        m_state->setText(m_conversations->twinId().isEmpty() ? tr("Select a twin to see its conversations.")
                                                             : tr("Loading the conversations…"));
    });
    connect(m_conversations, &PagedAdminModel::loadingChanged, this, [this](bool loading) {
        if (!loading && !m_conversations->twinId().isEmpty())
            m_state->setText(
                m_conversations->rowCount() == 0
                    ? tr("No conversations yet: chat with the twin to start one.")
                    : tr("%n conversation(s)%1", nullptr, m_conversations->rowCount())
                          .arg(m_conversations->canFetchMore({}) ? tr(" (more when you scroll)") : QString()));
    });
    connect(m_conversations, &PagedAdminModel::errorOccurred, this, &ConversationsView::errorOccurred);
    connect(m_messagesTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ConversationsView::showMessage);
    connect(m_messagesTable, &QAbstractItemView::doubleClicked, this, &ConversationsView::openSelectedJob);
    setRowMenu(m_messagesTable, [this](QMenu &menu, const QModelIndex &index) {
        addButtonAction(menu, m_openJobButton);
        menu.addSeparator();
        addCopyAction(menu, tr("Copy full id"), m_messages->idAt(index.row()));
        addCopyAction(menu, tr("Copy graph job id"), m_messages->graphJobId(index.row()));
    });
    connect(m_messages, &QAbstractItemModel::modelReset, this, &ConversationsView::showMessage);
    connect(m_messages, &QAbstractItemModel::rowsInserted, this, [this] {
        // The newest answer is what one usually looks at first.
        if (!m_messagesTable->selectionModel()->hasSelection() && m_messages->rowCount() > 0)
            m_messagesTable->selectRow(m_messages->rowCount() - 1);
    });
    connect(m_messages, &PagedAdminModel::errorOccurred, this, &ConversationsView::errorOccurred);
    connect(m_detail, &QTextBrowser::anchorClicked, this, [this](const QUrl &url) {
        if (url.scheme() == kJobScheme)
            emit openJob(url.path());
    });

    setTwin({}, {});
    showMessage();
}

void ConversationsView::setTwin(const QString &tenantId, const QString &twinId)
{
    if (tenantId == m_conversations->tenantId() && twinId == m_conversations->twinId())
        return;
    m_messages->setConversation({}, {});
    m_conversations->setTwin(tenantId, twinId);
    if (twinId.isEmpty())
        m_state->setText(tr("Select a twin to see its conversations."));
}

void ConversationsView::showConversation(const QString &conversationId)
{
    m_messages->setConversation(m_conversations->tenantId(), conversationId);
    selectListedConversation();
}

int ConversationsView::selectedConversationRow() const
{
    const QModelIndexList rows = m_conversationsTable->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : m_conversationsProxy->mapToSource(rows.first()).row();
}

int ConversationsView::selectedMessageRow() const
{
    const QModelIndexList rows = m_messagesTable->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : rows.first().row();
}

void ConversationsView::conversationSelectionChanged()
{
    const int row = selectedConversationRow();
    if (row >= 0)
        m_messages->setConversation(m_conversations->tenantId(), m_conversations->idAt(row));
}

// The conversation shown (by a click, or by showConversation) is selected once its row is listed.
void ConversationsView::selectListedConversation()
{
    const QString shown = m_messages->conversationId();
    const int row = m_conversations->rowOf(shown);
    if (shown.isEmpty() || row < 0 || selectedConversationRow() == row)
        return;
    const QModelIndex index = m_conversationsProxy->mapFromSource(m_conversations->index(row, 0));
    m_conversationsTable->selectRow(index.row());
    m_conversationsTable->scrollTo(index);
}

void ConversationsView::showMessage()
{
    const int row = selectedMessageRow();
    m_openJobButton->setEnabled(row >= 0 && !m_messages->graphJobId(row).isEmpty());
    if (row < 0) {
        m_detail->setPlainText(m_messages->conversationId().isEmpty()
                                   ? tr("Select a conversation to read its messages.")
                                   : tr("Select a message to read it whole, with its citations."));
        return;
    }
    m_detail->setHtml(messageHtml(m_messages->item(row)));
}

void ConversationsView::openSelectedJob()
{
    const int row = selectedMessageRow();
    if (row < 0)
        return;
    if (const QString job = m_messages->graphJobId(row); !job.isEmpty())
        emit openJob(job);
}

void ConversationsView::refresh()
{
    m_conversations->reload();
    m_messages->reload();
}

} // namespace twinops
