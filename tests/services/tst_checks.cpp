// The checklist engine: built-in definitions, runs stored and read back on both backends, manual ticks, exports,
// and the monitoring thresholds computed from real /metrics scrapes of a served instance.
#include "auth/apikeyrepository.h"
#include "checks/apiclient.h"
#include "checks/checklist.h"
#include "checks/checklistrunner.h"
#include "checks/checkregistry.h"
#include "checks/monitoring.h"
#include "servicecore.h"
#include "testdatabase.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace twinops;
using namespace twinops::test;

namespace {

// Two automated items (one that passes on any migrated database, one that a dead target fails) and a manual one.
const QByteArray kSmallChecklist = R"({
  "id": "small", "title": "Small", "sections": [
    {"id": "db", "title": "Database", "items": [
      {"id": "migrations", "title": "Migrations applied", "check": "migrations.applied"}]},
    {"id": "deploy", "title": "Deployment", "items": [
      {"id": "health", "title": "Health answers", "check": "health"},
      {"id": "logs", "title": "Logs are clean", "manual": true}]}
  ]})";

CheckStatus statusOf(const ChecklistRun &run, const QString &itemId)
{
    for (const ChecklistItemResult &item : run.items) {
        if (item.item.id == itemId)
            return item.result.status;
    }
    return CheckStatus::Pending;
}

} // namespace

class TestChecks final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendRows(); }

    void builtInStagingChecklistMirrorsTheRunbook()
    {
        if (currentDialect() != Dialect::Sqlite)
            QSKIP("no database involved: runs once");
        auto staging = builtInChecklist(QStringLiteral("staging"));
        TWINOPS_VERIFY_OK(staging);
        QStringList sections;
        for (const ChecklistItem &item : staging->items) {
            if (sections.isEmpty() || sections.last() != item.sectionId)
                sections << item.sectionId;
            if (!item.manual())
                QVERIFY2(CheckRegistry::builtIn().find(item.checkId), qPrintable(item.checkId));
        }
        QCOMPARE(sections,
                 QStringList({"pre-deployment", "integration-tests", "migrations", "environment", "build-verification",
                              "deployment", "post-deployment", "database-verification", "monitoring", "rollback"}));
        // The JSON form keeps the sections and their order.
        const QJsonArray exported = staging->toJson().value(QLatin1String("sections")).toArray();
        QCOMPARE(exported.size(), sections.size());
        QCOMPARE(exported.first().toObject().value(QLatin1String("id")).toString(), sections.first());
    }

    void definitionsAreValidated()
    {
        if (currentDialect() != Dialect::Sqlite)
            QSKIP("no database involved: runs once");
        const QStringList known = CheckRegistry::builtIn().ids();
        TWINOPS_VERIFY_OK(Checklist::fromJson(kSmallChecklist, known));
        const auto rejected = [&](const QByteArray &json) { return !Checklist::fromJson(json, known).ok(); };
        QVERIFY(rejected("[]"));
        QVERIFY(rejected(R"({"id": "x", "title": "X", "sections": []})"));
        QVERIFY(rejected(R"({"id": "x", "title": "X", "sections": [{"id": "s", "title": "S", "items": [
            {"id": "a", "title": "A", "manual": true}, {"id": "a", "title": "B", "manual": true}]}]})"));
        QVERIFY(rejected(R"({"id": "x", "title": "X", "sections": [{"id": "s", "title": "S", "items": [
            {"id": "a", "title": "A", "check": "no.such.check"}]}]})"));
        QVERIFY(rejected(R"({"id": "x", "title": "X", "sections": [{"id": "s", "title": "S", "items": [
            {"id": "a", "title": "A", "check": "health", "manual": true}]}]})"));
        QVERIFY(rejected(R"({"id": "x", "title": "X", "sections": [{"id": "s", "title": "S", "items": [
            {"id": "a", "title": "A"}]}]})"));
    }

    void runIsStoredReadBackAndExported()
    {
        TWINOPS_FRESH_DATABASE(testDb);
        auto db = testDb->connectMigrated();
        auto checklist = Checklist::fromJson(kSmallChecklist, CheckRegistry::builtIn().ids());
        TWINOPS_VERIFY_OK(checklist);
        TargetEnvironment target;
        target.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(closedLoopbackPort()));
        target.localDatabase = testDb->url();
        target.requestTimeoutMs = 3000;
        ChecklistRunRepository repository(*db);
        QList<QString> progress;
        const ChecklistRun run
            = runChecklist(*checklist, target, QStringLiteral("tester"), &repository,
                           [&](const ChecklistRun &r, int index) { progress << r.items.at(index).item.id; });
        QCOMPARE(progress, QList<QString>({"migrations", "health"})); // manual items are not run
        QCOMPARE(statusOf(run, QStringLiteral("migrations")), CheckStatus::Pass);
        QCOMPARE(statusOf(run, QStringLiteral("health")), CheckStatus::Fail);
        QCOMPARE(statusOf(run, QStringLiteral("logs")), CheckStatus::Pending);
        QCOMPARE(run.status, QStringLiteral("failed"));
        QVERIFY(run.anyFailed());
        QVERIFY2(run.items.at(1).result.message.contains(QLatin1String("/health")),
                 qPrintable(run.items.at(1).result.message));

        auto stored = repository.get(run.id);
        TWINOPS_VERIFY_OK(stored);
        QCOMPARE(stored->status, QStringLiteral("failed"));
        QCOMPARE(stored->startedBy, QStringLiteral("tester"));
        QVERIFY(stored->finishedAt.isValid());
        QCOMPARE(stored->items.size(), 3);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(stored->items.at(i).item.id, run.items.at(i).item.id);
            QCOMPARE(stored->items.at(i).item.checkId, run.items.at(i).item.checkId);
            QCOMPARE(stored->items.at(i).result.status, run.items.at(i).result.status);
            QCOMPARE(stored->items.at(i).result.message, run.items.at(i).result.message);
            QCOMPARE(stored->items.at(i).result.evidence, run.items.at(i).result.evidence);
        }
        auto recent = repository.recent(10);
        TWINOPS_VERIFY_OK(recent);
        QCOMPARE(recent->size(), 1);
        QCOMPARE(recent->first().id, run.id);

        // Exports: JSON a machine reads, Markdown a person reads.
        const QJsonObject json = stored->toJson();
        QCOMPARE(json.value(QLatin1String("status")).toString(), QStringLiteral("failed"));
        QCOMPARE(json.value(QLatin1String("summary")).toObject().value(QLatin1String("fail")).toInt(), 1);
        QCOMPARE(json.value(QLatin1String("results")).toArray().size(), 3);
        const QString markdown = stored->toMarkdown();
        QVERIFY2(markdown.contains(QLatin1String("| PASS | Migrations applied | `migrations.applied` |")),
                 qPrintable(markdown));
        QVERIFY2(markdown.contains(QLatin1String("| FAIL | Health answers | `health` |")), qPrintable(markdown));
        QVERIFY2(markdown.contains(QLatin1String("| TODO | Logs are clean | manual |")), qPrintable(markdown));
        QVERIFY(stored->toText().contains(
            QLatin1String("FAILED: 1 pass, 0 warn, 1 fail, 0 skipped, 1 manual pending (of 3)")));
    }

    void manualItemsAreTickedByAPerson()
    {
        TWINOPS_FRESH_DATABASE(testDb);
        auto db = testDb->connectMigrated();
        auto checklist = Checklist::fromJson(kSmallChecklist, CheckRegistry::builtIn().ids());
        TWINOPS_VERIFY_OK(checklist);
        // Only the passing item: a run that passes until a person says otherwise.
        checklist->items.removeAt(1);
        TargetEnvironment target;
        target.localDatabase = testDb->url();
        ChecklistRunRepository repository(*db);
        const ChecklistRun run = runChecklist(*checklist, target, QStringLiteral("tester"), &repository);
        QCOMPARE(run.status, QStringLiteral("passed"));

        auto ticked
            = repository.tickManual(run.id, QStringLiteral("logs"), CheckStatus::Pass,
                                    QStringLiteral("journalctl clean since 10:02"), QStringLiteral("ops@example.com"));
        TWINOPS_VERIFY_OK(ticked);
        QCOMPARE(ticked->status, QStringLiteral("passed"));
        auto stored = repository.get(run.id);
        QCOMPARE(stored->items.last().result.status, CheckStatus::Pass);
        QCOMPARE(stored->items.last().note, QStringLiteral("journalctl clean since 10:02"));
        QCOMPARE(stored->items.last().checkedBy, QStringLiteral("ops@example.com"));
        QVERIFY(stored->items.last().checkedAt.isValid());

        ticked = repository.tickManual(run.id, QStringLiteral("logs"), CheckStatus::Fail,
                                       QStringLiteral("OOM at 10:40"), QStringLiteral("ops@example.com"));
        TWINOPS_VERIFY_OK(ticked);
        QCOMPARE(ticked->status, QStringLiteral("failed"));
        QCOMPARE(repository.get(run.id)->status, QStringLiteral("failed"));

        QCOMPARE(repository.tickManual(run.id, QStringLiteral("migrations"), CheckStatus::Pass, {}, {}).error().code,
                 ErrorCode::Conflict);
        QCOMPARE(repository.tickManual(run.id, QStringLiteral("nope"), CheckStatus::Pass, {}, {}).error().code,
                 ErrorCode::NotFound);
        QCOMPARE(repository.tickManual(newIdForTest(), QStringLiteral("logs"), CheckStatus::Pass, {}, {}).error().code,
                 ErrorCode::NotFound);
        QCOMPARE(repository.tickManual(run.id, QStringLiteral("logs"), CheckStatus::Pending, {}, {}).error().code,
                 ErrorCode::BadRequest);
    }

    void thresholdsFromRealScrapes()
    {
        TWINOPS_FRESH_DATABASE(testDb);
        auto core = ServiceCore::start(CoreOptions{testDb->url()});
        TWINOPS_VERIFY_OK(core);
        EndpointOptions http;
        http.port = 0;
        TWINOPS_VERIFY_OK((*core)->serveHttp(http, QByteArray(32, 'k')));
        ApiClient client(QUrl((*core)->endpoint()->baseUrl()), 5000);
        auto scrape = [&] {
            const ApiReply reply = client.get(QStringLiteral("/metrics"));
            const auto samples = parsePrometheusText(reply.body);
            return samples.ok() ? *samples : QList<MetricSample>();
        };
        MetricsWindow window;
        window.before = scrape();
        QVERIFY(!window.before.isEmpty());
        for (int i = 0; i < 40; ++i)
            QCOMPARE(client.get(QStringLiteral("/health")).status, 200);
        for (int i = 0; i < 10; ++i)
            QCOMPARE(client.get(QStringLiteral("/api/v1/twins")).status, 401);
        window.after = scrape();

        Thresholds thresholds;
        // 50 requests between the scrapes (the first scrape itself is counted too, as the target saw it).
        const double requests = window.increase(QStringLiteral("twinops_http_requests_total"));
        QVERIFY2(requests >= 50 && requests <= 52, qPrintable(QString::number(requests)));
        QCOMPARE(errorRateCheck(window, thresholds).status, CheckStatus::Pass);
        const CheckResult auth = authFailureCheck(window, thresholds);
        QCOMPARE(auth.status, CheckStatus::Fail); // 10 of ~50 answered 401: a spike over 5 %
        QCOMPARE(auth.evidence.value(QLatin1String("status_401")).toDouble(), 10.0);
        thresholds.maxAuthFailureRate = 0.5;
        QCOMPARE(authFailureCheck(window, thresholds).status, CheckStatus::Pass);
        QCOMPARE(databaseErrorCheck(window, thresholds).status, CheckStatus::Pass);
        QCOMPARE(ttftCheck(window, thresholds).status, CheckStatus::Skipped); // no chats
        QCOMPARE(jobSuccessCheck(window, thresholds).status, CheckStatus::Skipped);
        // The latency histogram of /health has 40 observations in the window, all fast.
        const std::optional<double> p95
            = window.quantile(QStringLiteral("twinops_http_request_duration_seconds"), 0.95);
        QVERIFY(p95.has_value());
        QVERIFY(*p95 > 0 && *p95 < 5.0);
    }

    // The admin API over real HTTP: a run of this server against itself, followed to its end, ticked, exported;
    // one run at a time; a server that stops mid-run cancels it promptly.
    void adminApiRunsFollowsAndTicks()
    {
        TWINOPS_FRESH_DATABASE(testDb);
        CoreOptions options{testDb->url()};
        options.passwordCost = PasswordHasher::Cost::Minimal;
        auto core = ServiceCore::start(std::move(options));
        TWINOPS_VERIFY_OK(core);
        (*core)->startWorkers(2);
        EndpointOptions http;
        http.port = 0;
        TWINOPS_VERIFY_OK((*core)->serveHttp(http, QByteArray(32, 'k')));
        auto key = ApiKeyRepository((*core)->database()).createPlatformAdmin(QStringLiteral("checks"));
        TWINOPS_VERIFY_OK(key);
        ApiClient client(QUrl((*core)->endpoint()->baseUrl()), 10'000);
        const QString admin = key->secret;

        // A 2 s metrics window keeps the first run busy long enough for the second request to meet it.
        const ApiReply started = client.post(QStringLiteral("/api/v1/admin/checks/run"),
                                             QJsonObject{{QStringLiteral("window_seconds"), 2}}, admin);
        QCOMPARE(started.status, 202);
        const QString runId = started.object().value(QLatin1String("id")).toString();
        QCOMPARE(started.object().value(QLatin1String("status")).toString(), QStringLiteral("running"));
        const ApiReply second = client.post(QStringLiteral("/api/v1/admin/checks/run"), QJsonObject{}, admin);
        QCOMPARE(second.status, 409);
        QVERIFY2(second.describe().contains(runId), qPrintable(second.describe()));
        QCOMPARE(client
                     .post(QStringLiteral("/api/v1/admin/checks/run"),
                           QJsonObject{{QStringLiteral("window_seconds"), 301}}, admin)
                     .status,
                 422);

        QJsonObject run;
        QTRY_VERIFY_WITH_TIMEOUT(
            (run = client.get(QStringLiteral("/api/v1/admin/checks/runs/") + runId, admin).object(),
             run.value(QLatin1String("status")).toString() != QLatin1String("running")),
            60'000);
        QVERIFY2(run.value(QLatin1String("status")).toString() == QLatin1String("passed"),
                 qPrintable(QJsonDocument(run).toJson()));
        QCOMPARE(run.value(QLatin1String("summary")).toObject().value(QLatin1String("pending")).toInt(), 7);

        const ApiReply ticked
            = client.patch(QStringLiteral("/api/v1/admin/checks/runs/%1/items/startup-logs").arg(runId),
                           QJsonObject{{QStringLiteral("status"), QStringLiteral("pass")},
                                       {QStringLiteral("note"), QStringLiteral("no errors since 10:02")}},
                           admin);
        QCOMPARE(ticked.status, 200);
        QCOMPARE(ticked.object().value(QLatin1String("summary")).toObject().value(QLatin1String("pending")).toInt(), 6);
        QCOMPARE(client
                     .patch(QStringLiteral("/api/v1/admin/checks/runs/%1/items/health").arg(runId),
                            QJsonObject{{QStringLiteral("status"), QStringLiteral("pass")},
                                        {QStringLiteral("note"), QStringLiteral("x")}},
                            admin)
                     .status,
                 409);
        QCOMPARE(client
                     .patch(QStringLiteral("/api/v1/admin/checks/runs/%1/items/startup-logs").arg(runId),
                            QJsonObject{{QStringLiteral("status"), QStringLiteral("warn")},
                                        {QStringLiteral("note"), QStringLiteral("x")}},
                            admin)
                     .status,
                 422);

        const ApiReply markdown
            = client.get(QStringLiteral("/api/v1/admin/checks/runs/%1?format=markdown").arg(runId), admin);
        QCOMPARE(markdown.status, 200);
        QVERIFY2(markdown.body.startsWith("# Staging deployment: passed"), markdown.body.left(200).constData());
        QVERIFY(
            markdown.body.contains("| PASS | Startup logs show no errors | manual | no errors since 10:02 (api-key "));
        const QJsonObject overview = client.get(QStringLiteral("/api/v1/admin/checks"), admin).object();
        QCOMPARE(overview.value(QLatin1String("checklists"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QLatin1String("id"))
                     .toString(),
                 QStringLiteral("staging"));
        QCOMPARE(
            overview.value(QLatin1String("runs")).toArray().first().toObject().value(QLatin1String("id")).toString(),
            runId);

        // Cancel stops a long run where it waits: the rest is skipped and the run stored as cancelled, long before
        // its 300 s window; a finished run and an unknown one cannot be cancelled.
        const ApiReply toCancel = client.post(QStringLiteral("/api/v1/admin/checks/run"),
                                              QJsonObject{{QStringLiteral("window_seconds"), 300}}, admin);
        QCOMPARE(toCancel.status, 202);
        const QString cancelId = toCancel.object().value(QLatin1String("id")).toString();
        const QString cancelPath = QStringLiteral("/api/v1/admin/checks/runs/%1/cancel").arg(cancelId);
        const ApiReply cancelling = client.post(cancelPath, QJsonObject{}, admin);
        QCOMPARE(cancelling.status, 202);
        QCOMPARE(cancelling.object().value(QLatin1String("id")).toString(), cancelId);
        QTRY_VERIFY_WITH_TIMEOUT(
            (run = client.get(QStringLiteral("/api/v1/admin/checks/runs/") + cancelId, admin).object(),
             run.value(QLatin1String("status")).toString() == QLatin1String("cancelled")),
            30'000);
        QVERIFY2(QJsonDocument(run).toJson().contains("not run: the run was stopped"),
                 qPrintable(QJsonDocument(run).toJson()));
        const ApiReply again = client.post(cancelPath, QJsonObject{}, admin);
        QCOMPARE(again.status, 409);
        QVERIFY2(again.describe().contains(QLatin1String("already finished")), qPrintable(again.describe()));
        QCOMPARE(client
                     .post(QStringLiteral("/api/v1/admin/checks/runs/%1/cancel")
                               .arg(QStringLiteral("00000000-0000-4000-8000-000000000000")),
                           QJsonObject{}, admin)
                     .status,
                 404);

        // A server stopping in the middle of a long window cancels the run instead of waiting it out. (The
        // cancelled run's thread lets go of its slot just after storing it.)
        ApiReply longRun;
        (void)QTest::qWaitFor(
            [&] {
                longRun = client.post(QStringLiteral("/api/v1/admin/checks/run"),
                                      QJsonObject{{QStringLiteral("window_seconds"), 300}}, admin);
                return longRun.status != 409;
            },
            10'000);
        QVERIFY2(longRun.status == 202, qPrintable(longRun.describe()));
        QTest::qWait(1500); // into the smoke tests or the window
        QElapsedTimer stopping;
        stopping.start();
        core->reset();
        QVERIFY2(stopping.elapsed() < 20'000, qPrintable(QString::number(stopping.elapsed())));
        auto db = testDb->connect();
        auto cancelled = ChecklistRunRepository(*db).get(longRun.object().value(QLatin1String("id")).toString());
        TWINOPS_VERIFY_OK(cancelled);
        QCOMPARE(cancelled->status, QStringLiteral("cancelled"));
    }

    // A remote target's database is read through --dsn: migrations (pending ones fail) and, on PostgreSQL, the lint.
    void targetDatabaseThroughTheDsn()
    {
        TWINOPS_FRESH_DATABASE(testDb);
        CheckContext context([&] {
            TargetEnvironment target;
            target.postgresDsn
                = currentDialect() == Dialect::Postgres ? testDb->url().postgresUri() : testDb->url().sqlitePath();
            return target;
        }());
        const CheckRegistry &registry = CheckRegistry::builtIn();
        if (currentDialect() == Dialect::Sqlite) {
            const CheckResult refused = registry.run(QStringLiteral("migrations.applied"), context);
            QCOMPARE(refused.status, CheckStatus::Fail);
            QVERIFY2(refused.message.contains(QLatin1String("postgres://")), qPrintable(refused.message));
            return;
        }
        const CheckResult pending = registry.run(QStringLiteral("migrations.applied"), context); // nothing applied yet
        QCOMPARE(pending.status, CheckStatus::Fail);
        QVERIFY2(pending.message.contains(QLatin1String("are not applied")), qPrintable(pending.message));
        testDb->connectMigrated();
        QCOMPARE(registry.run(QStringLiteral("migrations.applied"), context).status, CheckStatus::Pass);
        const CheckResult lint = registry.run(QStringLiteral("database.lint"), context);
        QVERIFY2(lint.status == CheckStatus::Pass, qPrintable(lint.message));
        QVERIFY(!lint.evidence.value(QLatin1String("findings")).isUndefined());
    }

    void quantileAndCountersFollowPrometheusSemantics()
    {
        if (currentDialect() != Dialect::Sqlite)
            QSKIP("no database involved: runs once");
        const QByteArray before = "# HELP x\n# TYPE t histogram\n"
                                  "t_bucket{le=\"0.1\"} 0\nt_bucket{le=\"1\"} 0\nt_bucket{le=\"+Inf\"} 0\nt_count 0\n"
                                  "c_total{status=\"200\"} 5\nc_total{status=\"500\"} 1\n";
        const QByteArray after
            = "t_bucket{le=\"0.1\"} 50\nt_bucket{le=\"1\"} 90\nt_bucket{le=\"+Inf\"} 100\nt_count 100\n"
              "c_total{status=\"200\"} 105\nc_total{status=\"500\"} 3\n";
        MetricsWindow window;
        window.before = *parsePrometheusText(before);
        window.after = *parsePrometheusText(after);
        QCOMPARE(window.increase(QStringLiteral("c_total")), 102.0);
        // p50 is the 50th of 100: the top of the first bucket; p80 lies 3/4 into (0.1, 1].
        QCOMPARE(*window.quantile(QStringLiteral("t"), 0.5), 0.1);
        QVERIFY(qFuzzyCompare(*window.quantile(QStringLiteral("t"), 0.8), 0.1 + 0.9 * 0.75));
        QCOMPARE(*window.quantile(QStringLiteral("t"), 0.95), 1.0); // in +Inf: all we know is "at least 1 s"
        // A restart within the window (counters went down): "after" is the increase.
        MetricsWindow restarted;
        restarted.before = *parsePrometheusText("c_total 500\n");
        restarted.after = *parsePrometheusText("c_total 7\n");
        QCOMPARE(restarted.increase(QStringLiteral("c_total")), 7.0);
        QVERIFY(!parsePrometheusText("c_total{status=\"200\" 5\n").ok());
        QVERIFY(!parsePrometheusText("c_total five\n").ok());
    }

private:
    static QString newIdForTest() { return QStringLiteral("00000000-0000-4000-8000-000000000000"); }
};

QTEST_GUILESS_MAIN(TestChecks)
#include "tst_checks.moc"
