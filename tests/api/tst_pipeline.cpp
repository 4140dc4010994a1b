// The whole pipeline through the API with real workers, on SQLite and PostgreSQL: upload and approve a source,
// the indexing job runs, chat cites it, the graph job runs, the graph is visible with the evidence of its edges (paged,
// never another twin's or tenant's), and each assistant message names its graph job; retrying the graph job changes
// nothing; job routes enforce their state rules; the stall watchdog reports a queue nobody works, without taking the
// instance out of service; a wedged worker of the instance does.
#include "apiharness.h"
#include "core/ids.h"
#include "gate.h"
#include "graph/graphextractionhandler.h"
#include "jobs/jobqueue.h"
#include "jobs/workerheartbeats.h"
#include "jobs/workerpool.h"
#include "knowledge/sourceindexhandler.h"

#include <QJsonArray>
#include <QTest>
#include <QUrl>

using namespace twinops;
using namespace twinops::test;
using namespace std::chrono_literals;

class TestPipeline final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void init();
    void cleanup();

    void sourceToChatToGraph();
    void stalledQueueIsReportedButTheInstanceStaysReady();
    void wedgedWorkerTakesTheInstanceOutOfService();

private:
    QString waitForJob(const QString &id, const QString &state);
    QJsonObject healthCheck(const ApiHarness::Reply &health, const QString &name) const
    {
        return health.json[QStringLiteral("checks")].toObject()[name].toObject();
    }
    WorkerHeartbeats m_heartbeats; // the instance's workers, as ServiceCore hands them to /health
    std::unique_ptr<ApiHarness> m_api;
    QByteArray m_owner;
    JobHandlers m_handlers;
    MetricsRegistry m_metrics;
    std::unique_ptr<WorkerPool> m_pool;
};

void TestPipeline::init()
{
    ApiSettings settings;
    settings.workerHeartbeats = &m_heartbeats;
    m_api = ApiHarness::create(currentDialect(), settings);
    QVERIFY(m_api);
    m_owner = ApiHarness::bearer(
        m_api->signup(QStringLiteral("ada@example.com"), QStringLiteral("Engines"))[QStringLiteral("access_token")]
            .toString());
    m_handlers = JobHandlers();
    m_handlers.add(std::make_shared<SourceIndexHandler>());
    m_handlers.add(std::make_shared<GraphExtractionHandler>());
}

void TestPipeline::cleanup()
{
    m_pool.reset();
    m_api.reset();
}

QString TestPipeline::waitForJob(const QString &id, const QString &state)
{
    QString seen;
    for (int i = 0; i < 300 && seen != state; ++i) {
        seen = m_api->call("GET", QStringLiteral("/api/v1/jobs/%1").arg(id), {}, m_owner)
                   .json[QStringLiteral("state")]
                   .toString();
        if (seen != state)
            QTest::qWait(50);
    }
    return seen;
}

void TestPipeline::sourceToChatToGraph()
{
    const QString twin = m_api
                             ->call("POST", QStringLiteral("/api/v1/twins"),
                                    {{QStringLiteral("name"), QStringLiteral("Historian")}}, m_owner)
                             .json[QStringLiteral("id")]
                             .toString();
    const auto source = m_api->call(
        "POST", QStringLiteral("/api/v1/twins/%1/sources").arg(twin),
        {{QStringLiteral("filename"), QStringLiteral("ada.md")},
         {QStringLiteral("content"),
          QStringLiteral("# Ada Lovelace\n\nAda Lovelace worked with Charles Babbage on the Analytical Engine. "
                         "Ada Lovelace wrote the first published algorithm.\n\nCharles Babbage founded the "
                         "Analytical Society in Cambridge.")}},
        m_owner);
    QCOMPARE(source.status, 201);
    const QString sourceId = source.json[QStringLiteral("id")].toString();
    const auto approval = m_api->call("POST", QStringLiteral("/api/v1/sources/%1/approve").arg(sourceId), {}, m_owner);
    QCOMPARE(approval.status, 202);
    const QString indexJob = approval.json[QStringLiteral("job_id")].toString();
    QCOMPARE(waitForJob(indexJob, QStringLiteral("available")), QStringLiteral("available")); // nothing runs it yet

    WorkerPoolOptions options;
    options.workers = 2;
    options.pollInterval = 20ms;
    options.owner = QStringLiteral("pipeline");
    m_pool = std::make_unique<WorkerPool>(m_api->url(), m_handlers, m_metrics, options);
    m_pool->start();
    QCOMPARE(waitForJob(indexJob, QStringLiteral("completed")), QStringLiteral("completed"));
    const auto health = m_api->call("GET", QStringLiteral("/api/v1/sources/%1/health").arg(sourceId), {}, m_owner);
    QCOMPARE(health.json[QStringLiteral("status")].toString(), QStringLiteral("indexed"));
    QVERIFY(health.json[QStringLiteral("chunk_count")].toInt() >= 1);
    const auto logs = m_api->call("GET", QStringLiteral("/api/v1/jobs/%1/logs").arg(indexJob), {}, m_owner);
    QVERIFY(!logs.json[QStringLiteral("items")].toArray().isEmpty());

    const auto chat
        = m_api->call("POST", QStringLiteral("/api/v1/twins/%1/chat").arg(twin),
                      {{QStringLiteral("message"), QStringLiteral("What did Ada Lovelace write?")}}, m_owner);
    QCOMPARE(chat.status, 200);
    QVERIFY(!chat.json[QStringLiteral("citations")].toArray().isEmpty());
    const QString graphJob = chat.json[QStringLiteral("graph_job_id")].toString();
    QVERIFY(isUuid(graphJob));
    QCOMPARE(waitForJob(graphJob, QStringLiteral("completed")), QStringLiteral("completed"));
    const auto graph = m_api->call("GET", QStringLiteral("/api/v1/twins/%1/graph").arg(twin), {}, m_owner);
    QCOMPARE(graph.status, 200);
    const QJsonArray nodes = graph.json[QStringLiteral("nodes")].toArray();
    QVERIFY2(!nodes.isEmpty(), graph.body.constData());
    QVERIFY(!graph.json[QStringLiteral("edges")].toArray().isEmpty());

    // Job routes enforce the state rules, and re-running the graph job changes nothing.
    QCOMPARE(m_api->call("POST", QStringLiteral("/api/v1/jobs/%1/cancel").arg(graphJob), {}, m_owner).status, 409);
    QCOMPARE(m_api->call("POST", QStringLiteral("/api/v1/jobs/%1/retry").arg(graphJob), {}, m_owner).status, 200);
    QCOMPARE(waitForJob(graphJob, QStringLiteral("completed")), QStringLiteral("completed"));
    const auto again = m_api->call("GET", QStringLiteral("/api/v1/twins/%1/graph").arg(twin), {}, m_owner);
    QCOMPARE(again.json, graph.json);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/jobs?state=completed&type=graph_extraction"), {}, m_owner)
                 .json[QStringLiteral("items")]
                 .toArray()
                 .size(),
             1);

    // The same question again: its answer states the same facts, so an edge has two messages of evidence.
    const QString conversation = chat.json[QStringLiteral("conversation_id")].toString();
    const auto second = m_api->call("POST", QStringLiteral("/api/v1/twins/%1/chat").arg(twin),
                                    {{QStringLiteral("message"), QStringLiteral("What did Ada Lovelace write?")},
                                     {QStringLiteral("conversation_id"), conversation}},
                                    m_owner);
    QCOMPARE(second.status, 200);
    const QString secondJob = second.json[QStringLiteral("graph_job_id")].toString();
    QCOMPARE(waitForJob(secondJob, QStringLiteral("completed")), QStringLiteral("completed"));

    // Each assistant message names the graph job it enqueued; user messages have none.
    const auto messages
        = m_api->call("GET", QStringLiteral("/api/v1/conversations/%1/messages").arg(conversation), {}, m_owner);
    QCOMPARE(messages.status, 200);
    QStringList jobsOfMessages;
    for (const QJsonValue &value : messages.json[QStringLiteral("items")].toArray()) {
        const QJsonObject message = value.toObject();
        if (message[QStringLiteral("role")].toString() == QLatin1String("assistant"))
            jobsOfMessages << message[QStringLiteral("graph_job_id")].toString();
        else
            QVERIFY(!message.contains(QStringLiteral("graph_job_id")));
    }
    QCOMPARE(jobsOfMessages, (QStringList{graphJob, secondJob}));

    const auto grown = m_api->call("GET", QStringLiteral("/api/v1/twins/%1/graph").arg(twin), {}, m_owner);
    QJsonObject heaviest = grown.json[QStringLiteral("edges")].toArray().first().toObject();
    QCOMPARE(heaviest[QStringLiteral("weight")].toDouble(), 2.0);
    const QString edge = heaviest[QStringLiteral("id")].toString();
    const QString evidencePath = QStringLiteral("/api/v1/twins/%1/graph/edges/%2/evidence").arg(twin, edge);
    const auto firstPage = m_api->call("GET", evidencePath + QStringLiteral("?limit=1"), {}, m_owner);
    QCOMPARE(firstPage.status, 200);
    const QJsonArray firstItems = firstPage.json[QStringLiteral("items")].toArray();
    QCOMPARE(firstItems.size(), 1);
    const QString cursor = firstPage.json[QStringLiteral("next_cursor")].toString();
    QVERIFY(!cursor.isEmpty());
    const auto secondPage = m_api->call(
        "GET", evidencePath + QStringLiteral("?limit=1&cursor=") + QString::fromLatin1(QUrl::toPercentEncoding(cursor)),
        {}, m_owner);
    QCOMPARE(secondPage.status, 200);
    QVERIFY(secondPage.json[QStringLiteral("next_cursor")].isNull());
    const QJsonArray secondItems = secondPage.json[QStringLiteral("items")].toArray();
    QCOMPARE(secondItems.size(), 1);
    QStringList evidenceMessages;
    for (const QJsonArray &items : {firstItems, secondItems}) {
        const QJsonObject evidence = items.first().toObject();
        QCOMPARE(evidence[QStringLiteral("conversation_id")].toString(), conversation);
        QCOMPARE(evidence[QStringLiteral("conversation_title")].toString(),
                 QStringLiteral("What did Ada Lovelace write?"));
        QVERIFY2(evidence[QStringLiteral("snippet")].toString().contains(QLatin1String("Ada Lovelace")),
                 qPrintable(evidence[QStringLiteral("snippet")].toString()));
        evidenceMessages << evidence[QStringLiteral("message_id")].toString();
    }
    QCOMPARE(evidenceMessages,
             (QStringList{chat.json[QStringLiteral("message")][QStringLiteral("id")].toString(),
                          second.json[QStringLiteral("message")][QStringLiteral("id")].toString()}));

    // Scoped like the graph: through another twin, or from another tenant, the edge does not exist.
    QCOMPARE(
        m_api->call("GET", QStringLiteral("/api/v1/twins/%1/graph/edges/not-a-uuid/evidence").arg(twin), {}, m_owner)
            .status,
        400);
    QCOMPARE(
        m_api->call("GET", QStringLiteral("/api/v1/twins/%1/graph/edges/%2/evidence").arg(twin, newId()), {}, m_owner)
            .status,
        404);
    const QString otherTwin = m_api
                                  ->call("POST", QStringLiteral("/api/v1/twins"),
                                         {{QStringLiteral("name"), QStringLiteral("Other")}}, m_owner)
                                  .json[QStringLiteral("id")]
                                  .toString();
    QCOMPARE(
        m_api->call("GET", QStringLiteral("/api/v1/twins/%1/graph/edges/%2/evidence").arg(otherTwin, edge), {}, m_owner)
            .status,
        404);
    const QByteArray stranger = ApiHarness::bearer(
        m_api->signup(QStringLiteral("eve@example.com"), QStringLiteral("Elsewhere"))[QStringLiteral("access_token")]
            .toString());
    const QString strangerTwin = m_api
                                     ->call("POST", QStringLiteral("/api/v1/twins"),
                                            {{QStringLiteral("name"), QStringLiteral("Theirs")}}, stranger)
                                     .json[QStringLiteral("id")]
                                     .toString();
    QVERIFY(isUuid(strangerTwin));
    QCOMPARE(m_api->call("GET", evidencePath, {}, stranger).status, 404);
    const auto foreign = m_api->call(
        "GET", QStringLiteral("/api/v1/twins/%1/graph/edges/%2/evidence").arg(strangerTwin, edge), {}, stranger);
    QCOMPARE(foreign.status, 404);
    QVERIFY(!foreign.body.contains(edge.toLatin1()));
}

void TestPipeline::stalledQueueIsReportedButTheInstanceStaysReady()
{
    // A job that has waited two minutes, and no worker anywhere has claimed anything since.
    NewJob job;
    job.type = QStringLiteral("nobody_runs_this");
    job.runAt = nowUtc().addSecs(-120);
    QVERIFY(JobQueue(m_api->db()).enqueue(job).ok());
    // The queue is every instance's: a stall is shown, but this instance is ready (its database answers and it runs
    // no workers of its own), so a load balancer keeps it.
    const auto health = m_api->call("GET", QStringLiteral("/health"));
    QCOMPARE(health.status, 200);
    QCOMPARE(health.json[QStringLiteral("status")].toString(), QStringLiteral("warn"));
    const QJsonObject jobs = healthCheck(health, QStringLiteral("jobs"));
    QCOMPARE(jobs[QStringLiteral("ok")].toBool(), false);
    QCOMPARE(jobs[QStringLiteral("stalled")].toBool(), true);
    QVERIFY(jobs[QStringLiteral("message")].toString().contains(QLatin1String("no job worker is running")));
    QCOMPARE(healthCheck(health, QStringLiteral("database"))[QStringLiteral("ok")].toBool(), true);
    QCOMPARE(
        healthCheck(health, QStringLiteral("workers")),
        (QJsonObject{{QStringLiteral("ok"), true}, {QStringLiteral("count"), 0}, {QStringLiteral("responsive"), 0}}));
    const auto metrics = m_api->call("GET", QStringLiteral("/metrics"));
    QVERIFY(metrics.body.contains("twinops_job_queue_stalled 1"));

    // A worker claims it (and discards it: no handler for that type): the queue is no longer stalled.
    WorkerPoolOptions options;
    options.workers = 1;
    options.pollInterval = 20ms;
    options.owner = QStringLiteral("watchdog");
    options.heartbeats = &m_heartbeats;
    m_pool = std::make_unique<WorkerPool>(m_api->url(), m_handlers, m_metrics, options);
    m_pool->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_api->call("GET", QStringLiteral("/health")).json[QStringLiteral("status")].toString(),
                              QStringLiteral("ok"), 10000);
    const auto ready = m_api->call("GET", QStringLiteral("/health"));
    QCOMPARE(ready.status, 200);
    QCOMPARE(healthCheck(ready, QStringLiteral("workers"))[QStringLiteral("count")].toInt(), 1);
    QCOMPARE(healthCheck(ready, QStringLiteral("workers"))[QStringLiteral("responsive")].toInt(), 1);
    QVERIFY(m_api->call("GET", QStringLiteral("/metrics")).body.contains("twinops_job_queue_stalled 0"));
}

namespace {

// Waits at a gate: a job that never comes back while the test holds the gate closed.
class WedgeHandler final : public JobHandler
{
public:
    explicit WedgeHandler(Gate &gate)
        : m_gate(gate)
    { }
    QString type() const override { return QStringLiteral("wedge"); }
    Result<QJsonObject> run(JobContext &) override
    {
        m_gate.pass();
        return QJsonObject{};
    }

private:
    Gate &m_gate;
};

} // namespace

void TestPipeline::wedgedWorkerTakesTheInstanceOutOfService()
{
    Gate gate;
    gate.close();
    m_handlers.add(std::make_shared<WedgeHandler>(gate));
    WorkerPoolOptions options;
    options.workers = 1;
    options.pollInterval = 20ms;
    options.lease = 500ms;
    options.owner = QStringLiteral("wedged");
    options.heartbeats = &m_heartbeats;
    m_pool = std::make_unique<WorkerPool>(m_api->url(), m_handlers, m_metrics, options);
    m_pool->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_api->call("GET", QStringLiteral("/health")).status, 200, 10000);

    NewJob job;
    job.type = QStringLiteral("wedge");
    QVERIFY(JobQueue(m_api->db()).enqueue(job).ok());
    QTRY_VERIFY_WITH_TIMEOUT(gate.holdsSomeone(), 10000);
    // Its worker has not come back for longer than its lease: this instance is not ready.
    QTRY_COMPARE_WITH_TIMEOUT(m_api->call("GET", QStringLiteral("/health")).status, 503, 10000);
    const auto health = m_api->call("GET", QStringLiteral("/health"));
    QCOMPARE(health.json[QStringLiteral("status")].toString(), QStringLiteral("degraded"));
    const QJsonObject workers = healthCheck(health, QStringLiteral("workers"));
    QCOMPARE(workers[QStringLiteral("ok")].toBool(), false);
    QCOMPARE(workers[QStringLiteral("count")].toInt(), 1);
    QCOMPARE(workers[QStringLiteral("responsive")].toInt(), 0);
    QVERIFY(workers[QStringLiteral("message")].toString().contains(QLatin1String("did not come back")));
    QCOMPARE(healthCheck(health, QStringLiteral("database"))[QStringLiteral("ok")].toBool(), true);

    gate.open();
    QTRY_COMPARE_WITH_TIMEOUT(m_api->call("GET", QStringLiteral("/health")).status, 200, 10000);
    m_pool.reset(); // before the gate goes
}

QTEST_GUILESS_MAIN(TestPipeline)
#include "tst_pipeline.moc"
