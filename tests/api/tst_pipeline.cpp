// The whole pipeline through the API with real workers, on SQLite and PostgreSQL: upload and approve a source,
// the indexing job runs, chat cites it, the graph job runs, the graph is visible; retrying the graph job changes
// nothing; job routes enforce their state rules; and the stall watchdog reports a queue nobody works.
#include "apiharness.h"
#include "core/ids.h"
#include "graph/graphextractionhandler.h"
#include "jobs/jobqueue.h"
#include "jobs/workerpool.h"
#include "knowledge/sourceindexhandler.h"

#include <QJsonArray>
#include <QTest>

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
    void stalledQueueMakesHealthDegraded();

private:
    QString waitForJob(const QString &id, const QString &state);
    std::unique_ptr<ApiHarness> m_api;
    QByteArray m_owner;
    JobHandlers m_handlers;
    MetricsRegistry m_metrics;
    std::unique_ptr<WorkerPool> m_pool;
};

void TestPipeline::init()
{
    m_api = ApiHarness::create(currentDialect());
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
}

void TestPipeline::stalledQueueMakesHealthDegraded()
{
    // A job that has waited two minutes, and no worker anywhere has claimed anything since.
    NewJob job;
    job.type = QStringLiteral("nobody_runs_this");
    job.runAt = nowUtc().addSecs(-120);
    QVERIFY(JobQueue(m_api->db()).enqueue(job).ok());
    const auto health = m_api->call("GET", QStringLiteral("/health"));
    QCOMPARE(health.status, 503);
    QCOMPARE(health.json[QStringLiteral("status")].toString(), QStringLiteral("degraded"));
    const QJsonObject jobs = health.json[QStringLiteral("checks")].toObject()[QStringLiteral("jobs")].toObject();
    QCOMPARE(jobs[QStringLiteral("stalled")].toBool(), true);
    QVERIFY(jobs[QStringLiteral("message")].toString().contains(QLatin1String("no job worker is running")));
    const auto metrics = m_api->call("GET", QStringLiteral("/metrics"));
    QVERIFY(metrics.body.contains("twinops_job_queue_stalled 1"));

    // A worker claims it (and discards it: no handler for that type): the queue is no longer stalled.
    WorkerPoolOptions options;
    options.workers = 1;
    options.pollInterval = 20ms;
    options.owner = QStringLiteral("watchdog");
    m_pool = std::make_unique<WorkerPool>(m_api->url(), m_handlers, m_metrics, options);
    m_pool->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_api->call("GET", QStringLiteral("/health")).status, 200, 10000);
}

QTEST_GUILESS_MAIN(TestPipeline)
#include "tst_pipeline.moc"
