// The Twins panel's Conversations tab and graph browser on the Local environment, with real workers: a twin with an
// indexed source is asked twice (the grounded provider); the tab lists the conversation and its messages with the
// provider, time to first token, citations and outcome in words; an answer's graph job is handed on (openJob) and
// opens in the Jobs panel; the graph browser lists the nodes, filters them, shows a node's edges and an edge's
// evidence (the sentence and its conversation), and leads to that conversation.
#include "consolefixture.h"
#include "conversationsmodel.h"
#include "conversationsview.h"
#include "graphbrowser.h"
#include "graphdrawing.h"
#include "graphedgesmodel.h"
#include "graphevidencemodel.h"
#include "graphnodesmodel.h"
#include "jobsmodel.h"
#include "jobspanel.h"
#include "messagesmodel.h"
#include "twinspanel.h"
#include "uitesting.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDeadlineTimer>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTextBrowser>

using namespace twinops;
using namespace twinops::test;

namespace {

constexpr auto kFatal = QAbstractItemModelTester::FailureReportingMode::Fatal;
const QString kQuestion = QStringLiteral("Who worked with Charles Babbage?");

} // namespace

class TestConversationsView final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void init();
    void cleanup();

    void conversationsAndMessages();
    void graphNodesEdgesAndEvidence();
    void graphJobOpensInTheJobsPanel();
    void conversationLinkChoosesTenantAndTwin();

private:
    // Waits (with a deadline) until the job `id` has completed.
    bool jobCompleted(const QString &id);
    // Selects the Acme twin in `panel`, as a user does.
    void selectTwin(TwinsPanel &panel);

    std::unique_ptr<ConsoleFixture> m_fixture;
    QString m_acme;
    QString m_twinId;
    QString m_conversationId;
    QStringList m_graphJobs; // of the two answers, in order
    QStringList m_answers; // the two answers' message ids
};

bool TestConversationsView::jobCompleted(const QString &id)
{
    return QTest::qWaitFor(
        [&] {
            const auto rows
                = m_fixture->core->database().query(QStringLiteral("SELECT state FROM jobs WHERE id = $1"), {id});
            return rows.ok() && !rows->isEmpty() && rows->first().text(0) == QLatin1String("completed");
        },
        30'000);
}

// A tenant with a twin whose source is indexed, and one conversation of two exchanges whose graph jobs have run.
void TestConversationsView::init()
{
    m_fixture = ConsoleFixture::create(currentDialect());
    QVERIFY(m_fixture);
    m_fixture->core->startWorkers(2);
    m_acme = postJson(*m_fixture->core, QStringLiteral("/api/v1/admin/tenants"),
                      {{QStringLiteral("name"), QStringLiteral("Acme Robotics")}});
    QVERIFY(!m_acme.isEmpty());
    m_twinId = postJson(*m_fixture->core, QStringLiteral("/api/v1/twins"),
                        {{QStringLiteral("name"), QStringLiteral("Pump station")}}, m_acme);
    QVERIFY(!m_twinId.isEmpty());
    InProcessAdminApi api(*m_fixture->core);
    const QString sourceId = postJson(
        *m_fixture->core, QStringLiteral("/api/v1/twins/%1/sources").arg(m_twinId),
        {{QStringLiteral("filename"), QStringLiteral("plant.md")},
         {QStringLiteral("content"),
          QStringLiteral("# Ada Lovelace\n\nAda Lovelace worked with Charles Babbage on the Analytical Engine. Ada "
                         "Lovelace wrote the first published algorithm.\n\nCharles Babbage founded the Analytical "
                         "Society in Cambridge.")}},
        m_acme);
    QVERIFY(!sourceId.isEmpty());
    QCOMPARE(api.call("POST", QStringLiteral("/api/v1/sources/%1/approve").arg(sourceId), QJsonObject(), m_acme).status,
             202);
    QTRY_VERIFY_WITH_TIMEOUT(
        api.get(QStringLiteral("/api/v1/sources/%1").arg(sourceId), m_acme).body.value(QLatin1String("status"))
            == QLatin1String("indexed"),
        30'000);
    m_conversationId.clear();
    m_graphJobs.clear();
    m_answers.clear();
    for (int turn = 0; turn < 2; ++turn) {
        QJsonObject body{{QStringLiteral("message"), kQuestion}};
        if (!m_conversationId.isEmpty())
            body.insert(QStringLiteral("conversation_id"), m_conversationId);
        const AdminReply chat = api.call("POST", QStringLiteral("/api/v1/twins/%1/chat").arg(m_twinId), body, m_acme);
        QCOMPARE(chat.status, 200);
        m_conversationId = chat.body.value(QLatin1String("conversation_id")).toString();
        m_graphJobs << chat.body.value(QLatin1String("graph_job_id")).toString();
        m_answers << chat.body.value(QLatin1String("message")).toObject().value(QLatin1String("id")).toString();
    }
    for (const QString &job : std::as_const(m_graphJobs))
        QVERIFY2(jobCompleted(job), qPrintable(job));
}

void TestConversationsView::cleanup()
{
    m_fixture.reset();
}

void TestConversationsView::selectTwin(TwinsPanel &panel)
{
    auto *tenant = child<QComboBox>(panel, QStringLiteral("twinsTenant"));
    auto *twins = child<QTableView>(panel, QStringLiteral("twinsTable"));
    QVERIFY(tenant && twins);
    QTRY_VERIFY(tenant->findText(QStringLiteral("Acme Robotics")) >= 0);
    tenant->setCurrentIndex(tenant->findText(QStringLiteral("Acme Robotics")));
    QTRY_VERIFY(rowWithText(twins->model(), QStringLiteral("Pump station")) >= 0);
    clickRow(twins, rowWithText(twins->model(), QStringLiteral("Pump station")));
    QTRY_COMPARE(panel.selectedTwinId(), m_twinId);
}

// The conversation is listed; its messages show who answered, how fast, what was cited and how it ended; the graph
// job of the selected answer is handed on by the button and by a double click.
void TestConversationsView::conversationsAndMessages()
{
    TwinsPanel panel(*m_fixture->local);
    ConversationsView *view = panel.conversations();
    QAbstractItemModelTester conversationsTester(view->conversationsModel(), kFatal);
    QAbstractItemModelTester proxyTester(view->conversationsProxy(), kFatal);
    QAbstractItemModelTester messagesTester(view->messagesModel(), kFatal);
    QVERIFY(showAndWait(panel, {1280, 800}));
    selectTwin(panel);
    auto *details = child<QTabWidget>(panel, QStringLiteral("twinDetails"));
    auto *conversations = child<QTableView>(panel, QStringLiteral("conversationsTable"));
    auto *messages = child<QTableView>(panel, QStringLiteral("messagesTable"));
    auto *detail = child<QTextBrowser>(panel, QStringLiteral("messageDetail"));
    auto *openJob = child<QPushButton>(panel, QStringLiteral("openGraphJobButton"));
    auto *refresh = child<QPushButton>(panel, QStringLiteral("refreshConversationsButton"));
    auto *error = child<QLabel>(panel, QStringLiteral("twinsError"));
    QVERIFY(details && conversations && messages && detail && openJob && refresh && error);
    details->setCurrentWidget(view);

    QTRY_COMPARE(conversations->model()->rowCount(), 1);
    QCOMPARE(cellText(conversations->model(), 0, ConversationsModel::Title), kQuestion);
    QCOMPARE(cellText(conversations->model(), 0, ConversationsModel::Messages), QStringLiteral("4"));
    QCOMPARE(cellText(conversations->model(), 0, ConversationsModel::Via), QStringLiteral("member"));
    QVERIFY(!openJob->isEnabled());

    clickRow(conversations, 0);
    QTRY_COMPARE(messages->model()->rowCount(), 4);
    const QAbstractItemModel *model = messages->model();
    for (int row = 0; row < 4; ++row) {
        const bool answer = row % 2 == 1;
        QCOMPARE(cellText(model, row, MessagesModel::Speaker),
                 answer ? QStringLiteral("assistant") : QStringLiteral("user"));
        if (!answer) {
            QCOMPARE(cellText(model, row, MessagesModel::Content), kQuestion);
            QCOMPARE(cellText(model, row, MessagesModel::Provider), QString());
            QCOMPARE(cellText(model, row, MessagesModel::GraphJob), QString());
            continue;
        }
        QCOMPARE(cellText(model, row, MessagesModel::Provider), QStringLiteral("grounded"));
        QVERIFY2(cellText(model, row, MessagesModel::FirstToken).endsWith(QLatin1String(" ms")),
                 qPrintable(cellText(model, row, MessagesModel::FirstToken)));
        QVERIFY(cellText(model, row, MessagesModel::Latency).endsWith(QLatin1String(" ms")));
        QVERIFY2(cellText(model, row, MessagesModel::Citations).startsWith(QLatin1String("[1] plant.md")),
                 qPrintable(cellText(model, row, MessagesModel::Citations)));
        QCOMPARE(cellText(model, row, MessagesModel::Outcome), QString());
        QCOMPARE(cellText(model, row, MessagesModel::GraphJob), m_graphJobs.at(row / 2).left(8));
    }
    // The newest answer is selected and shown whole, with its facts and citations.
    QTRY_COMPARE(messages->selectionModel()->selectedRows().value(0).row(), 3);
    QVERIFY2(detail->toPlainText().contains(QLatin1String("by grounded")), qPrintable(detail->toPlainText()));
    QVERIFY(detail->toPlainText().contains(QLatin1String("first token after")));
    QVERIFY(detail->toPlainText().contains(QLatin1String("plant.md")));
    QVERIFY(detail->toPlainText().contains(m_graphJobs.at(1)));

    // The first answer's job, by the button; the second's, by a double click.
    QSignalSpy jobs(&panel, &TwinsPanel::openJob);
    clickRow(messages, 1);
    QTRY_VERIFY(openJob->isEnabled());
    QTest::mouseClick(openJob, Qt::LeftButton);
    QCOMPARE(jobs.count(), 1);
    QCOMPARE(jobs.takeFirst().value(0).toString(), m_graphJobs.at(0));
    const QModelIndex second = model->index(3, MessagesModel::GraphJob);
    clickIndex(messages, second); // a double click acts on the row its first click pressed
    QTest::mouseDClick(messages->viewport(), Qt::LeftButton, {}, messages->visualRect(second).center());
    QCOMPARE(jobs.count(), 1);
    QCOMPARE(jobs.takeFirst().value(0).toString(), m_graphJobs.at(1));
    // A question has no graph job.
    clickRow(messages, 0);
    QTRY_VERIFY(!openJob->isEnabled());

    // An answer that fell back and was cut short says so in words (stored as the chat service stores such an
    // answer); a pruned job leaves the answer without a link.
    QVERIFY(m_fixture->core->database()
                .query(QStringLiteral("UPDATE messages SET fallback = $2, partial = $2 WHERE id = $1"),
                       {m_answers.at(1), true})
                .ok());
    QVERIFY(
        m_fixture->core->database().query(QStringLiteral("DELETE FROM jobs WHERE id = $1"), {m_graphJobs.at(0)}).ok());
    QTest::mouseClick(refresh, Qt::LeftButton);
    QTRY_COMPARE(cellText(messages->model(), 3, MessagesModel::Outcome),
                 QStringLiteral("fell back to grounded, cut short"));
    QCOMPARE(cellText(messages->model(), 1, MessagesModel::Outcome), QString());
    QCOMPARE(cellText(messages->model(), 1, MessagesModel::GraphJob), QString());
    clickRow(messages, 1);
    QTRY_VERIFY(detail->toPlainText().contains(QLatin1String("graph job pruned")));
    QVERIFY(!openJob->isEnabled());
    QVERIFY2(error->isHidden(), qPrintable(error->text()));
}

// The nodes of the graph with their degree, filtered by text; a node's edges; an edge's evidence with its sentence and
// conversation; and from the evidence to the conversation.
void TestConversationsView::graphNodesEdgesAndEvidence()
{
    TwinsPanel panel(*m_fixture->local);
    GraphBrowser *graph = panel.graphBrowser();
    QAbstractItemModelTester nodesTester(graph->nodesModel(), kFatal);
    QAbstractItemModelTester nodesProxyTester(graph->nodesProxy(), kFatal);
    QAbstractItemModelTester edgesTester(graph->edgesModel(), kFatal);
    QAbstractItemModelTester edgesProxyTester(graph->edgesProxy(), kFatal);
    QAbstractItemModelTester evidenceTester(graph->evidenceModel(), kFatal);
    QVERIFY(showAndWait(panel, {1280, 800}));
    selectTwin(panel);
    auto *details = child<QTabWidget>(panel, QStringLiteral("twinDetails"));
    auto *summary = child<QLabel>(panel, QStringLiteral("twinGraphSummary"));
    auto *filter = child<QLineEdit>(panel, QStringLiteral("graphNodeFilter"));
    auto *nodes = child<QTableView>(panel, QStringLiteral("graphNodesTable"));
    auto *edges = child<QTableView>(panel, QStringLiteral("graphEdgesTable"));
    auto *evidence = child<QTableView>(panel, QStringLiteral("graphEvidenceTable"));
    auto *showConversation = child<QPushButton>(panel, QStringLiteral("showEvidenceConversationButton"));
    auto *messages = child<QTableView>(panel, QStringLiteral("messagesTable"));
    auto *error = child<QLabel>(panel, QStringLiteral("twinsError"));
    QVERIFY(details && summary && filter && nodes && edges && evidence && showConversation && messages && error);
    QCOMPARE(details->currentIndex(), 0); // the graph

    // Every node the route returns, the most connected first; the summary stays above them.
    const auto counts = m_fixture->core->database().query(
        QStringLiteral("SELECT (SELECT count(*) FROM graph_nodes WHERE twin_id = $1), "
                       "(SELECT count(*) FROM graph_edges WHERE twin_id = $1)"),
        {m_twinId});
    QVERIFY(counts.ok());
    const int nodeCount = int(counts->first().integer(0));
    QVERIFY2(nodeCount >= 2 && counts->first().integer(1) >= 1, "the graph jobs built a graph");
    QTRY_COMPARE(nodes->model()->rowCount(), nodeCount);
    QVERIFY2(summary->text().startsWith(QStringLiteral("%1 nodes").arg(nodeCount)), qPrintable(summary->text()));
    QCOMPARE(graph->nodesModel()->edgeCount(), int(counts->first().integer(1)));
    const QString topName = cellText(nodes->model(), 0, GraphNodesModel::Name);
    const int topDegree = cellText(nodes->model(), 0, GraphNodesModel::Degree).toInt();
    QVERIFY(topDegree >= 1);
    for (int row = 1; row < nodes->model()->rowCount(); ++row)
        QVERIFY(cellText(nodes->model(), row, GraphNodesModel::Degree).toInt() <= topDegree);

    // Filtering by text keeps the matching nodes only.
    QTest::keyClicks(filter, topName.toUpper());
    QTRY_VERIFY(nodes->model()->rowCount() >= 1);
    for (int row = 0; row < nodes->model()->rowCount(); ++row) {
        const QString text = cellText(nodes->model(), row, GraphNodesModel::Name) + u' '
            + cellText(nodes->model(), row, GraphNodesModel::Type);
        QVERIFY2(text.contains(topName, Qt::CaseInsensitive), qPrintable(text));
    }
    filter->clear();
    QTest::keyClicks(filter, QStringLiteral("no such node anywhere"));
    QCOMPARE(nodes->model()->rowCount(), 0);
    filter->clear();
    QCOMPARE(nodes->model()->rowCount(), nodeCount);

    // The top node's edges: as many as its degree, each to another node of the graph.
    clickRow(nodes, rowWithText(nodes->model(), topName));
    QTRY_COMPARE(edges->model()->rowCount(), topDegree);
    for (int row = 0; row < topDegree; ++row) {
        QVERIFY(rowWithText(nodes->model(), cellText(edges->model(), row, GraphEdgesModel::OtherNode)) >= 0);
        QVERIFY(cellText(edges->model(), row, GraphEdgesModel::Weight).toDouble() >= 1);
    }
    // The heaviest edge's evidence: one sentence per answer that stated it, from the conversation, naming both ends.
    const QString other = cellText(edges->model(), 0, GraphEdgesModel::OtherNode);
    const int weight = cellText(edges->model(), 0, GraphEdgesModel::Weight).toInt();
    QVERIFY(!showConversation->isEnabled());
    clickRow(edges, 0);
    QTRY_COMPARE(evidence->model()->rowCount(), weight);
    QTRY_VERIFY(!graph->evidenceModel()->isLoading());
    for (int row = 0; row < weight; ++row) {
        const QString snippet = cellText(evidence->model(), row, GraphEvidenceModel::Snippet);
        QVERIFY2(snippet.contains(topName, Qt::CaseInsensitive) && snippet.contains(other, Qt::CaseInsensitive),
                 qPrintable(QStringLiteral("%1 / %2: %3").arg(topName, other, snippet)));
        QCOMPARE(cellText(evidence->model(), row, GraphEvidenceModel::Conversation), kQuestion);
    }
    const auto stored = m_fixture->core->database().query(
        QStringLiteral("SELECT count(*) FROM graph_edge_evidence WHERE edge_id = $1"),
        {edges->model()->index(0, 0).data(GraphEdgesModel::IdRole).toString()});
    QVERIFY(stored.ok());
    QCOMPARE(stored->first().integer(0), weight);

    // Show conversation: the Conversations tab, with that conversation's messages.
    clickRow(evidence, 0);
    QTRY_VERIFY(showConversation->isEnabled());
    QTest::mouseClick(showConversation, Qt::LeftButton);
    QCOMPARE(details->currentWidget(), panel.conversations());
    QCOMPARE(panel.conversations()->messagesModel()->conversationId(), m_conversationId);
    QTRY_COMPARE(messages->model()->rowCount(), 4);
    QTRY_COMPARE(
        child<QTableView>(panel, QStringLiteral("conversationsTable"))->selectionModel()->selectedRows().size(), 1);

    // The drawing: every node (the graph is small), the selected one highlighted; a click on another node selects
    // it in the list, with its edges.
    auto *views = child<QTabWidget>(panel, QStringLiteral("graphNodeViews"));
    QVERIFY(views);
    details->setCurrentIndex(0);
    views->setCurrentWidget(graph->drawing());
    QVERIFY(QTest::qWaitForWindowExposed(graph->drawing()));
    int lastRow = nodes->model()->rowCount() - 1; // the least connected node that has an edge, not the top one
    while (lastRow > 1 && cellText(nodes->model(), lastRow, GraphNodesModel::Degree).toInt() == 0)
        --lastRow;
    QVERIFY(lastRow >= 1 && cellText(nodes->model(), lastRow, GraphNodesModel::Degree).toInt() >= 1);
    const QString lastName = cellText(nodes->model(), lastRow, GraphNodesModel::Name);
    const QString lastId = nodes->model()->index(lastRow, 0).data(GraphNodesModel::IdRole).toString();
    const QPointF at = graph->drawing()->nodePosition(lastId);
    QVERIFY(!at.isNull());
    QTest::mouseClick(graph->drawing()->viewport(), Qt::LeftButton, {}, graph->drawing()->mapFromScene(at));
    QTRY_COMPARE(nodes->selectionModel()->selectedRows().value(0).data().toString(), lastName);
    QTRY_COMPARE(edges->model()->rowCount(), cellText(nodes->model(), lastRow, GraphNodesModel::Degree).toInt());
    clickRow(edges, 0);
    views->setCurrentIndex(0);

    // A refresh keeps the node and edge selected.
    details->setCurrentIndex(0);
    QTest::mouseClick(child<QPushButton>(panel, QStringLiteral("refreshGraphButton")), Qt::LeftButton);
    QTRY_VERIFY(!summary->text().startsWith(QLatin1String("Loading")));
    QTRY_COMPARE(edges->model()->rowCount(), cellText(nodes->model(), lastRow, GraphNodesModel::Degree).toInt());
    QCOMPARE(edges->selectionModel()->selectedRows().size(), 1);
    QTRY_VERIFY(evidence->model()->rowCount() >= 1);
    QVERIFY2(error->isHidden(), qPrintable(error->text()));
}

// Where openJob leads in the main window: the Jobs panel lists that one job (found by its whole id).
void TestConversationsView::graphJobOpensInTheJobsPanel()
{
    // Another graph job of the same tenant and twin, so that the filter has something to leave out.
    QCOMPARE(m_graphJobs.size(), 2);
    JobsPanel jobs(*m_fixture->local);
    QAbstractItemModelTester jobsTester(jobs.model(), kFatal);
    QVERIFY(showAndWait(jobs, {1280, 800}));
    jobs.showJob(m_graphJobs.at(1));
    QTRY_VERIFY(!jobs.model()->isLoading());
    QTRY_COMPARE(jobs.model()->rowCount(), 1);
    QCOMPARE(jobs.model()->jobId(0), m_graphJobs.at(1));
    // Upper case, as pasted from elsewhere, finds it too.
    jobs.showJob(m_graphJobs.at(0).toUpper());
    QTRY_VERIFY(jobs.model()->rowCount() == 1 && jobs.model()->jobId(0) == m_graphJobs.at(0));
}

// Where a link to a conversation leads (a job's detail): the panel picks the tenant and the twin once they are listed
// and shows that conversation's messages.
void TestConversationsView::conversationLinkChoosesTenantAndTwin()
{
    QVERIFY(!postJson(*m_fixture->core, QStringLiteral("/api/v1/admin/tenants"),
                      {{QStringLiteral("name"), QStringLiteral("Aardvark Mills")}})
                 .isEmpty());
    TwinsPanel panel(*m_fixture->local);
    QAbstractItemModelTester messagesTester(panel.conversations()->messagesModel(), kFatal);
    QVERIFY(showAndWait(panel, {1280, 800}));
    // Asked before the tenants are even listed.
    panel.showConversation(m_acme, m_twinId, m_conversationId);
    QTRY_COMPARE(panel.selectedTwinId(), m_twinId);
    QCOMPARE(child<QComboBox>(panel, QStringLiteral("twinsTenant"))->currentText(), QStringLiteral("Acme Robotics"));
    QCOMPARE(child<QTabWidget>(panel, QStringLiteral("twinDetails"))->currentWidget(), panel.conversations());
    QCOMPARE(panel.conversations()->messagesModel()->conversationId(), m_conversationId);
    auto *messages = child<QTableView>(panel, QStringLiteral("messagesTable"));
    QVERIFY(messages);
    QTRY_COMPARE(messages->model()->rowCount(), 4);
    QTRY_COMPARE(
        child<QTableView>(panel, QStringLiteral("conversationsTable"))->selectionModel()->selectedRows().size(), 1);
}

QTEST_MAIN(TestConversationsView)
#include "tst_conversationsview.moc"
