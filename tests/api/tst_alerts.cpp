// Alert rules (issue #15): the shipped defaults, the state machine and its damping, the error signature, rule
// validation, the Prometheus export (promtool), rules over the rollups and the jobs table, and real daemons on both
// backends: a stalled queue goes pending, fires after its `for` and resolves; a silence keeps the history but marks
// it; two daemons on one PostgreSQL evaluate once; the stall told to a webhook receiver that is down at first, fired
// then resolved, signed, and not told while silenced.
#include "alerts/alertengine.h"
#include "alerts/alertinputs.h"
#include "alerts/alertrepository.h"
#include "apiharness.h"
#include "checks/apiclient.h"
#include "checks/check.h"
#include "core/ids.h"
#include "core/json.h"
#include "core/jsonio.h"
#include "daemon.h"
#include "jobs/errorsignature.h"
#include "jobs/jobqueue.h"
#include "testdatabase.h"
#include "webhookreceiver.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace twinops;
using namespace twinops::test;
using namespace std::chrono_literals;

namespace {

constexpr char kSecret[] = "alerts-test-secret-0123456789-abcdefghijkl";
const QByteArray kWebhookSecret = "alerts-test-webhook-secret-0123456789-abcdefgh";
constexpr int kTimeoutMs = 30'000;
const QString kStalledRule = QStringLiteral("00000000-0000-4000-8000-000000000006"); // migration 0009

// The transitions of one rule in alert_history, oldest first: "pending", "firing"… with " (silenced)" where marked.
QStringList historyOf(Database &db, const QString &ruleId)
{
    QStringList states;
    const auto page = AlertRepository(db).history({200, {}}, ruleId);
    if (!page.ok())
        return {QStringLiteral("error: ") + page.error().message};
    for (const AlertHistoryEntry &entry : page->items)
        states.append(entry.state + (entry.silenced ? QStringLiteral(" (silenced)") : QString()));
    return states;
}

// Polls until the rule's history has `count` entries (or the deadline passed); returns the history.
QStringList waitForHistory(Database &db, const QString &ruleId, int count, int timeoutMs = kTimeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    QStringList states = historyOf(db, ruleId);
    while (states.size() < count && !deadline.hasExpired()) {
        QTest::qWait(50);
        states = historyOf(db, ruleId);
    }
    return states;
}

// A job that has waited two minutes while no worker claimed anything: the stall of tst_pipeline.
QString enqueueStalledJob(Database &db)
{
    NewJob job;
    job.type = QStringLiteral("nobody_runs_this");
    job.runAt = nowUtc().addSecs(-120);
    const auto enqueued = JobQueue(db).enqueue(job);
    return enqueued.ok() ? enqueued->id : QString();
}

// The stall alerts in the notification jobs' messages, in the order they were enqueued: "firing", "resolved"…
// (A failing delivery is itself a job error, so "New job error" notifications come and go beside them.)
QStringList stallNotices(Database &db)
{
    const auto rows = db.query(QStringLiteral("SELECT payload FROM jobs WHERE type = 'webhook_notification' "
                                              "ORDER BY created_at, id"));
    if (!rows.ok())
        return {QStringLiteral("error: ") + rows.error().message};
    QStringList notices;
    for (const Row row : *rows) {
        const QJsonObject message = row.jsonObject(0)[QStringLiteral("message")].toObject();
        for (const QJsonValue alert : message[QStringLiteral("alerts")].toArray()) {
            if (alert[QStringLiteral("labels")][QStringLiteral("alertname")] == QLatin1String("Job queue stalled"))
                notices.append(alert[QStringLiteral("status")].toString());
        }
    }
    return notices;
}

// The first request the receiver accepted that tells the stall alert with `status`, or none.
std::optional<TestWebhookReceiver::Request> stallRequest(const TestWebhookReceiver &receiver, const QString &status)
{
    for (const TestWebhookReceiver::Request &request : receiver.accepted()) {
        for (const QJsonValue alert : QJsonDocument::fromJson(request.body)[QStringLiteral("alerts")].toArray()) {
            if (alert[QStringLiteral("labels")][QStringLiteral("alertname")] == QLatin1String("Job queue stalled")
                && alert[QStringLiteral("status")] == status)
                return request;
        }
    }
    return std::nullopt;
}

// Gives the shipped stall rule a `for` of `forSeconds` through the API; false (and a test failure) if refused.
bool shortenStallFor(ApiClient &api, const QString &key, int forSeconds)
{
    const auto patched = api.patch(QStringLiteral("/api/v1/admin/alerts/rules/") + kStalledRule,
                                   QJsonObject{{QStringLiteral("for_seconds"), forSeconds}}, key);
    if (patched.status != 200)
        QTest::qFail(qPrintable(patched.describe()), __FILE__, __LINE__);
    return patched.status == 200;
}

AlertRule ruleOf(const QString &kind, const QString &comparison, double threshold, int forSeconds = 0)
{
    AlertRule rule;
    rule.name = kind + QStringLiteral(" rule");
    rule.kind = kind;
    rule.comparison = comparison;
    rule.threshold = threshold;
    rule.forSeconds = forSeconds;
    rule.severity = QStringLiteral("warning");
    return rule;
}

} // namespace

class TestAlerts : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendRows(); }
    void shippedDefaultsAreTheRunbooksThresholds();
    void stateMachineFollowsForAndDampsFlapping();
    void errorSignatureStripsWhatVaries();
    void rulesAreValidated();
    void prometheusExportPassesPromtool();
    void metricRulesReadTheRollups();
    void newJobErrorIsNewForADay();
    void stalledQueueFiresAfterItsForAndResolves();
    void twoInstancesEvaluateOnce();
    void stalledQueueIsToldToTheWebhook();

private:
    // Starts a daemon on `database` that evaluates every 200 ms and resolves after 500 ms without its condition,
    // with no job workers, and `arguments` after `serve`.
    bool serve(Daemon &daemon, QTemporaryDir &home, const TestDatabase &database, const QString &name,
               const QStringList &arguments = {});
};

void TestAlerts::shippedDefaultsAreTheRunbooksThresholds()
{
    TWINOPS_FRESH_DATABASE(database);
    const auto db = database->connectMigrated();
    AlertRepository repository(*db);
    const auto seeded = repository.seedShippedRules(nowUtc());
    TWINOPS_VERIFY_OK(seeded);
    QCOMPARE(*seeded, 11);
    const auto rules = repository.rules();
    TWINOPS_VERIFY_OK(rules);
    QHash<QString, AlertRule> byKind;
    for (const AlertRule &rule : *rules)
        byKind.insert(rule.kind, rule);
    QCOMPARE(byKind.size(), 11);
    QCOMPARE(int(alertKinds().size()), 11);
    const Thresholds runbook;
    QCOMPARE(byKind[QStringLiteral("error_rate")].threshold, runbook.maxErrorRate);
    QCOMPARE(byKind[QStringLiteral("ttft_p95")].threshold, runbook.maxTtftP95Seconds);
    QCOMPARE(byKind[QStringLiteral("job_success_rate")].threshold, runbook.minJobSuccessRate);
    QCOMPARE(byKind[QStringLiteral("auth_failure_rate")].threshold, runbook.maxAuthFailureRate);
    QCOMPARE(byKind[QStringLiteral("database_errors")].threshold, runbook.maxDatabaseErrors);
    // The checks pass below a maximum (and above the minimum): the rules fire on the other side.
    QVERIFY(byKind[QStringLiteral("error_rate")].breachedBy(runbook.maxErrorRate));
    QVERIFY(!byKind[QStringLiteral("auth_failure_rate")].breachedBy(runbook.maxAuthFailureRate));
    QVERIFY(byKind[QStringLiteral("job_success_rate")].breachedBy(runbook.minJobSuccessRate));
    QVERIFY(!byKind[QStringLiteral("database_errors")].breachedBy(0));
    for (const AlertRule &rule : *rules) {
        QVERIFY2(findAlertKind(rule.kind), qPrintable(rule.kind));
        QVERIFY(alertRuleFromJson(alertRuleJson(rule)).ok()); // every shipped rule passes the API's validation
        QVERIFY(!rule.runbook.isEmpty());
    }
    // Each is added once: a deleted one stays deleted at the next start.
    TWINOPS_VERIFY_OK(repository.deleteRule(kStalledRule));
    const auto again = repository.seedShippedRules(nowUtc());
    TWINOPS_VERIFY_OK(again);
    QCOMPARE(*again, 0);
    QCOMPARE(repository.rule(kStalledRule).error().code, ErrorCode::NotFound);
}

void TestAlerts::stateMachineFollowsForAndDampsFlapping()
{
    QFETCH_GLOBAL(Dialect, dialect);
    if (dialect != Dialect::Sqlite)
        QSKIP("no database involved; runs once");
    const QDateTime t0 = nowUtc();
    const auto at = [&](int ms) { return t0.addMSecs(ms); };
    AlertStateRow s;
    // Pending for the `for` (2 s), then firing.
    QCOMPARE(advanceAlert(s, true, 2, at(0), 1000ms), AlertChange::Pending);
    QCOMPARE(advanceAlert(s, true, 2, at(1000), 1000ms), AlertChange::None);
    QCOMPARE(s.state, QStringLiteral("pending"));
    QCOMPARE(advanceAlert(s, true, 2, at(2000), 1000ms), AlertChange::Firing);
    QCOMPARE(s.activeAt, at(0));
    // Flapping: false for less than keepFiring (1 s), then true again: it never resolves.
    for (int ms = 2500; ms < 8000; ms += 1000) {
        QCOMPARE(advanceAlert(s, false, 2, at(ms), 1000ms), AlertChange::None);
        QCOMPARE(advanceAlert(s, true, 2, at(ms + 500), 1000ms), AlertChange::None);
        QCOMPARE(s.state, QStringLiteral("firing"));
    }
    // False without a break for keepFiring: resolved.
    QCOMPARE(advanceAlert(s, false, 2, at(9000), 1000ms), AlertChange::None);
    QCOMPARE(advanceAlert(s, false, 2, at(9999), 1000ms), AlertChange::None);
    QCOMPARE(advanceAlert(s, false, 2, at(10000), 1000ms), AlertChange::Resolved);
    QCOMPARE(s.state, QStringLiteral("inactive"));
    QVERIFY(!s.activeAt.isValid());
    // A pending alert whose condition goes away is cancelled, not resolved (it never fired).
    QCOMPARE(advanceAlert(s, true, 2, at(11000), 1000ms), AlertChange::Pending);
    QCOMPARE(advanceAlert(s, false, 2, at(12000), 1000ms), AlertChange::Cancelled);
    // for 0: firing at once.
    QCOMPARE(advanceAlert(s, true, 0, at(13000), 0ms), AlertChange::Firing);
    QCOMPARE(advanceAlert(s, false, 0, at(14000), 0ms), AlertChange::Resolved);
}

void TestAlerts::errorSignatureStripsWhatVaries()
{
    QFETCH_GLOBAL(Dialect, dialect);
    if (dialect != Dialect::Sqlite)
        QSKIP("no database involved; runs once");
    const QString a = errorSignature(
        QStringLiteral("source 3f2b8c1e-0a4d-4c7e-9b1f-2a3b4c5d6e7f: cannot read 'notes 12.md' after 3 attempts "
                       "(took 1.5 s)\n  at line 42"));
    const QString b = errorSignature(
        QStringLiteral("source 9d1c0b2a-1111-4222-8333-444455556666: cannot read \"other.txt\" after 8 attempts "
                       "(took 20 s)"));
    QCOMPARE(a, b);
    QCOMPARE(a, QStringLiteral("source <id>: cannot read \"…\" after <n> attempts (took <n> s)"));
    QCOMPARE(errorSignature(QStringLiteral("hash deadbeef01 mismatch")), QStringLiteral("hash <id> mismatch"));
    QCOMPARE(errorSignature(QStringLiteral("\n\n  first   line  \nsecond")), QStringLiteral("first line"));
    QVERIFY(errorSignature(QString(500, u'x')).size() == 200);
    QVERIFY(errorSignature(QStringLiteral("database is locked")) != errorSignature(QStringLiteral("disk is full")));
}

void TestAlerts::rulesAreValidated()
{
    QFETCH_GLOBAL(Dialect, dialect);
    auto api = ApiHarness::create(dialect);
    QVERIFY(api);
    const QByteArray admin = api->platformAdmin(QStringLiteral("alerts"));
    const QString rules = QStringLiteral("/api/v1/admin/alerts/rules");
    const QJsonObject valid{{QStringLiteral("name"), QStringLiteral("Slow chat")},
                            {QStringLiteral("kind"), QStringLiteral("ttft_p95")},
                            {QStringLiteral("params"), QJsonObject{{QStringLiteral("window_seconds"), 600}}},
                            {QStringLiteral("comparison"), QStringLiteral(">")},
                            {QStringLiteral("threshold"), 5},
                            {QStringLiteral("for_seconds"), 120},
                            {QStringLiteral("severity"), QStringLiteral("critical")},
                            {QStringLiteral("labels"), QJsonObject{{QStringLiteral("team"), QStringLiteral("chat")}}},
                            {QStringLiteral("runbook"), QStringLiteral("Look at the provider.")}};
    const auto created = api->call("POST", rules, valid, admin);
    QCOMPARE(created.status, 201);
    const QString id = created.json[QStringLiteral("id")].toString();
    QVERIFY(isUuid(id));
    QCOMPARE(created.json[QStringLiteral("labels")].toObject()[QStringLiteral("team")].toString(),
             QStringLiteral("chat"));
    QCOMPARE(api->call("POST", rules, valid, admin).status, 409); // the name is taken

    // Each wrong field is named in one 422.
    const auto problems = [&](const QJsonObject &body) {
        const auto reply = api->call("POST", rules, body, admin);
        return reply.status == 422
            ? reply.json[QStringLiteral("error")].toObject()[QStringLiteral("details")].toObject()
            : QJsonObject{{QStringLiteral("status"), reply.status}};
    };
    const auto with = [&](const QString &field, const QJsonValue &value) {
        QJsonObject body = valid;
        body.insert(QStringLiteral("name"), QStringLiteral("other"));
        body.insert(field, value);
        return problems(body);
    };
    QVERIFY(with(QStringLiteral("kind"), QStringLiteral("promql")).contains(QStringLiteral("kind")));
    QVERIFY(with(QStringLiteral("comparison"), QStringLiteral("==")).contains(QStringLiteral("comparison")));
    QVERIFY(with(QStringLiteral("threshold"), QStringLiteral("3")).contains(QStringLiteral("threshold")));
    QVERIFY(with(QStringLiteral("severity"), QStringLiteral("page")).contains(QStringLiteral("severity")));
    QVERIFY(with(QStringLiteral("for_seconds"), -1).contains(QStringLiteral("for_seconds")));
    QVERIFY(with(QStringLiteral("labels"), QJsonObject{{QStringLiteral("alertname"), QStringLiteral("x")}})
                .contains(QStringLiteral("labels")));
    QVERIFY(with(QStringLiteral("params"), QJsonObject{{QStringLiteral("window_seconds"), 5}})
                .contains(QStringLiteral("params")));
    QVERIFY(with(QStringLiteral("params"), QJsonObject{{QStringLiteral("route"), QStringLiteral("/x")}})
                .contains(QStringLiteral("params")));
    const QJsonObject empty = problems({});
    for (const char *field : {"name", "kind", "comparison", "threshold", "severity"})
        QVERIFY2(empty.contains(QLatin1String(field)), field);

    // A partial update is validated with the stored rule; only what it names changes.
    const auto patched = api->call("PATCH", rules + u'/' + id, {{QStringLiteral("threshold"), 4}}, admin);
    QCOMPARE(patched.status, 200);
    QCOMPARE(patched.json[QStringLiteral("threshold")].toDouble(), 4.0);
    QCOMPARE(patched.json[QStringLiteral("for_seconds")].toInt(), 120);
    QCOMPARE(api->call("PATCH", rules + u'/' + id, {{QStringLiteral("comparison"), QStringLiteral("!")}}, admin).status,
             422);
    QCOMPARE(api->call("GET", rules + QStringLiteral("/not-a-uuid"), {}, admin).status, 400);
    QCOMPARE(api->call("GET", rules + u'/' + newId(), {}, admin).status, 404);
    QCOMPARE(api->call("GET", QStringLiteral("/api/v1/admin/alerts?state=burning"), {}, admin).status, 400);
    QCOMPARE(api->call("POST", QStringLiteral("/api/v1/admin/alerts/xyz/acknowledge"), {}, admin).status, 400);
    QCOMPARE(api->call("POST", QStringLiteral("/api/v1/admin/alerts/silences"),
                       {{QStringLiteral("comment"), QStringLiteral("no end")}}, admin)
                 .status,
             422);
    QCOMPARE(api->call("POST", QStringLiteral("/api/v1/admin/alerts/silences"),
                       {{QStringLiteral("rule_id"), id},
                        {QStringLiteral("comment"), QStringLiteral("ended already")},
                        {QStringLiteral("ends_at"), isoTime(nowUtc().addSecs(-60))}},
                       admin)
                 .status,
             422);
    QCOMPARE(api->call("DELETE", rules + u'/' + id, {}, admin).status, 204);
    QCOMPARE(api->call("DELETE", rules + u'/' + id, {}, admin).status, 404);
}

void TestAlerts::prometheusExportPassesPromtool()
{
    QFETCH_GLOBAL(Dialect, dialect);
    auto api = ApiHarness::create(dialect);
    QVERIFY(api);
    const QByteArray admin = api->platformAdmin(QStringLiteral("alerts"));
    TWINOPS_VERIFY_OK(AlertRepository(api->db()).seedShippedRules(nowUtc())); // as the core does at start
    // A rule whose name and runbook would break YAML written without quoting.
    QCOMPARE(api->call("POST", QStringLiteral("/api/v1/admin/alerts/rules"),
                       {{QStringLiteral("name"), QStringLiteral("Discarded: \"probe\" jobs # of them")},
                        {QStringLiteral("kind"), QStringLiteral("discarded_jobs_per_minute")},
                        {QStringLiteral("params"), QJsonObject{{QStringLiteral("type"), QStringLiteral("probe")}}},
                        {QStringLiteral("comparison"), QStringLiteral(">=")},
                        {QStringLiteral("threshold"), 0.5},
                        {QStringLiteral("severity"), QStringLiteral("info")},
                        {QStringLiteral("labels"), QJsonObject{{QStringLiteral("team"), QStringLiteral("ops: night")}}},
                        {QStringLiteral("runbook"), QStringLiteral("line one\nline two: {{ not a template }}")}},
                       admin)
                 .status,
             201);
    const auto exported = api->call("GET", QStringLiteral("/api/v1/admin/alerts/rules/prometheus"), {}, admin);
    QCOMPARE(exported.status, 200);
    QVERIFY(exported.body.contains("alert: \"Job queue stalled\""));
    QVERIFY(exported.body.contains("expr: \"max(twinops_job_queue_stalled) >= 1\""));
    QVERIFY(exported.body.contains("type=\\\"probe\\\""));
    QVERIFY(exported.body.contains("#   New job error (new_job_error)"));

    const QString promtool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
    QVERIFY2(!promtool.isEmpty(), "promtool is missing: scripts/setup.sh installs it (Debian package prometheus)");
    QTemporaryDir dir;
    QFile file(dir.filePath(QStringLiteral("twinops.rules.yml")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(exported.body);
    file.close();
    QProcess check;
    check.start(promtool, {QStringLiteral("check"), QStringLiteral("rules"), file.fileName()});
    QVERIFY(check.waitForFinished(kTimeoutMs));
    const QByteArray output = check.readAllStandardError() + check.readAllStandardOutput();
    QVERIFY2(check.exitCode() == 0, qPrintable(QString::fromUtf8(output + '\n' + exported.body)));
    // The ten shipped rules and this one, less new_job_error (a comment).
    QVERIFY2(output.contains("SUCCESS: 10 rules found"), output.constData());
}

void TestAlerts::metricRulesReadTheRollups()
{
    TWINOPS_FRESH_DATABASE(database);
    const auto db = database->connectMigrated();
    AlertRepository repository(*db); // only the rules of this test: none is shipped without the core
    const auto errorRate
        = repository.createRule(ruleOf(QStringLiteral("error_rate"), QStringLiteral(">="), 0.01), nowUtc());
    const auto perRoute = repository.createRule(
        ruleOf(QStringLiteral("route_server_errors_per_minute"), QStringLiteral(">"), 1), nowUtc());
    TWINOPS_VERIFY_OK(errorRate);
    TWINOPS_VERIFY_OK(perRoute);

    // Two instances' minutes: 1000 requests, 20 of them 500s on one route, 2 on another (per minute: 4 and 0.4).
    const QDateTime now = nowUtc();
    const auto rollup = [&](const QString &instance, const QString &route, const QString &status, double count) {
        const QJsonObject labels{{QStringLiteral("method"), QStringLiteral("GET")},
                                 {QStringLiteral("route"), route},
                                 {QStringLiteral("status"), status}};
        return db->query(QStringLiteral("INSERT INTO metric_rollups (minute_at, instance, name, labels, count, sum) "
                                        "VALUES ($1, $2, 'twinops_http_requests_total', $3, $4, $5)"),
                         {now.addSecs(-60), instance, compactJson(labels), qint64(count), count});
    };
    TWINOPS_VERIFY_OK(rollup(QStringLiteral("a"), QStringLiteral("/api/v1/twins"), QStringLiteral("200"), 600));
    TWINOPS_VERIFY_OK(rollup(QStringLiteral("b"), QStringLiteral("/api/v1/twins"), QStringLiteral("200"), 378));
    TWINOPS_VERIFY_OK(rollup(QStringLiteral("a"), QStringLiteral("/api/v1/twins"), QStringLiteral("500"), 12));
    TWINOPS_VERIFY_OK(rollup(QStringLiteral("b"), QStringLiteral("/api/v1/twins"), QStringLiteral("503"), 8));
    TWINOPS_VERIFY_OK(rollup(QStringLiteral("b"), QStringLiteral("/api/v1/jobs"), QStringLiteral("500"), 2));

    AlertEngine engine;
    const auto transitions = engine.round(*db, now);
    TWINOPS_VERIFY_OK(transitions);
    QCOMPARE(transitions->size(), 2);
    const AlertTransition &rate = transitions->at(0).ruleId == errorRate->id ? transitions->at(0) : transitions->at(1);
    const AlertTransition &route = transitions->at(0).ruleId == perRoute->id ? transitions->at(0) : transitions->at(1);
    QCOMPARE(rate.state, QStringLiteral("firing"));
    QCOMPARE(*rate.value, 22.0 / 1000.0);
    QCOMPARE(rate.labels[QStringLiteral("alertname")].toString(), errorRate->name);
    QCOMPARE(route.labels[QStringLiteral("route")].toString(), QStringLiteral("/api/v1/twins"));
    QCOMPARE(*route.value, 20.0 / 5.0); // the default window: 5 minutes
    const auto firing = repository.states(QStringLiteral("firing"));
    TWINOPS_VERIFY_OK(firing);
    QCOMPARE(firing->size(), 2);

    // The 5xx age out of the window: the per-route alert resolves at once (keepFiring 0 here) and is forgotten.
    engine = AlertEngine(AlertEngineOptions{0ms});
    const auto later = engine.round(*db, now.addSecs(600));
    TWINOPS_VERIFY_OK(later);
    QCOMPARE(later->size(), 2);
    QCOMPARE(later->at(0).state, QStringLiteral("resolved"));
    QCOMPARE(later->at(1).state, QStringLiteral("resolved"));
    const auto states = repository.states();
    TWINOPS_VERIFY_OK(states);
    QCOMPARE(states->size(), 1); // the error rate's one series stays, inactive, without data
    QCOMPARE(states->first().ruleId, errorRate->id);
    QVERIFY(!states->first().lastValue);
}

void TestAlerts::newJobErrorIsNewForADay()
{
    TWINOPS_FRESH_DATABASE(database);
    const auto db = database->connectMigrated();
    AlertRepository repository(*db);
    TWINOPS_VERIFY_OK(repository.seedShippedRules(nowUtc()));
    TWINOPS_VERIFY_OK(
        db->query(QStringLiteral("UPDATE alert_rules SET enabled = $1 WHERE kind <> 'new_job_error'"), {false}));
    const QDateTime now = nowUtc();
    const auto failed = [&](const QString &error, const QDateTime &at) {
        NewJob job;
        job.type = QStringLiteral("graph_extraction");
        const auto enqueued = JobQueue(*db).enqueue(job);
        if (!enqueued.ok())
            return Status(enqueued.error());
        return discardRows(db->query(QStringLiteral("UPDATE jobs SET state = 'discarded', last_error = $2, "
                                                    "updated_at = $3 WHERE id = $1"),
                                     {enqueued->id, error, at}));
    };
    // Seen yesterday evening and again now: not new. Never seen before: new, whatever its numbers.
    TWINOPS_VERIFY_OK(failed(QStringLiteral("timeout after 30 s"), now.addSecs(-6 * 3600)));
    TWINOPS_VERIFY_OK(failed(QStringLiteral("timeout after 31 s"), now.addSecs(-60)));
    TWINOPS_VERIFY_OK(failed(QStringLiteral("cannot parse 'a.md' at line 7"), now.addSecs(-30)));
    TWINOPS_VERIFY_OK(failed(QStringLiteral("cannot parse 'b.md' at line 9"), now.addSecs(-20)));
    const auto transitions = AlertEngine().round(*db, now);
    TWINOPS_VERIFY_OK(transitions);
    QCOMPARE(transitions->size(), 1);
    const AlertTransition &t = transitions->first();
    QCOMPARE(t.state, QStringLiteral("firing"));
    QCOMPARE(t.labels[QStringLiteral("signature")].toString(), QStringLiteral("cannot parse \"…\" at line <n>"));
    QCOMPARE(t.labels[QStringLiteral("type")].toString(), QStringLiteral("graph_extraction"));
    QCOMPARE(t.severity, QStringLiteral("info"));
    QCOMPARE(*t.value, 2.0);
}

bool TestAlerts::serve(Daemon &daemon, QTemporaryDir &home, const TestDatabase &database, const QString &name,
                       const QStringList &arguments)
{
    QProcessEnvironment environment = daemonEnvironment(home.path(), kSecret);
    environment.insert(QStringLiteral("TWINOPS_ALERT_INTERVAL_MS"), QStringLiteral("200"));
    environment.insert(QStringLiteral("TWINOPS_ALERT_KEEP_FIRING_MS"), QStringLiteral("500"));
    environment.insert(QStringLiteral("TWINOPS_ALERT_WEBHOOK_SECRET"), QString::fromLatin1(kWebhookSecret));
    if (!daemon.serve(databaseArgument(database), environment, home.filePath(name + QStringLiteral(".log")),
                      arguments)) {
        QTest::qFail(qPrintable(QStringLiteral("twinopsd did not start: ") + daemon.describe()), __FILE__, __LINE__);
        return false;
    }
    return true;
}

void TestAlerts::stalledQueueFiresAfterItsForAndResolves()
{
    TWINOPS_FRESH_DATABASE(database);
    QTemporaryDir home;
    const QString key = createAdminKey(*database, daemonEnvironment(home.path(), kSecret));
    QVERIFY(key.startsWith(QLatin1String("twk_")));
    Daemon daemon;
    if (!serve(daemon, home, *database, QStringLiteral("serve")))
        return;
    ApiClient api(QUrl(daemon.baseUrl()));
    // The shipped rule, with a short `for`.
    QVERIFY(shortenStallFor(api, key, 2));
    const auto db = database->connect();
    const QString job = enqueueStalledJob(*db);
    QVERIFY(isUuid(job));

    // Pending first; firing once the stall lasted its `for`; acknowledged while firing.
    QCOMPARE(waitForHistory(*db, kStalledRule, 1), QStringList{QStringLiteral("pending")});
    const auto pending = api.get(QStringLiteral("/api/v1/admin/alerts?state=pending"), key);
    QCOMPARE(pending.object()[QStringLiteral("items")].toArray().size(), 1);
    QCOMPARE(waitForHistory(*db, kStalledRule, 2), (QStringList{QStringLiteral("pending"), QStringLiteral("firing")}));
    const auto history = AlertRepository(*db).history({200, {}}, kStalledRule);
    TWINOPS_VERIFY_OK(history);
    QVERIFY2(history->items.at(0).createdAt.msecsTo(history->items.at(1).createdAt) >= 2000,
             "firing came before the `for` ran out");
    const auto firing = api.get(QStringLiteral("/api/v1/admin/alerts?state=firing"), key);
    const QJsonArray items = firing.object()[QStringLiteral("items")].toArray();
    QCOMPARE(items.size(), 1);
    const QJsonObject alert = items.first().toObject();
    QCOMPARE(alert[QStringLiteral("rule_name")].toString(), QStringLiteral("Job queue stalled"));
    QCOMPARE(alert[QStringLiteral("value")].toDouble(), 1.0);
    const QString fingerprint = alert[QStringLiteral("fingerprint")].toString();
    QCOMPARE(
        api.post(QStringLiteral("/api/v1/admin/alerts/%1/acknowledge").arg(fingerprint), QJsonObject{}, key).status,
        204);
    QVERIFY(!api.get(QStringLiteral("/api/v1/admin/alerts?state=firing"), key)
                 .object()[QStringLiteral("items")]
                 .toArray()
                 .first()[QStringLiteral("acknowledged_by")]
                 .toString()
                 .isEmpty());

    // The stall ends: resolved after the damping, and the acknowledgement goes with it.
    QCOMPARE(api.post(QStringLiteral("/api/v1/admin/jobs/cancel"),
                      QJsonObject{{QStringLiteral("job_ids"), QJsonArray{job}}}, key)
                 .status,
             200);
    QCOMPARE(waitForHistory(*db, kStalledRule, 3),
             (QStringList{QStringLiteral("pending"), QStringLiteral("firing"), QStringLiteral("resolved")}));

    // Silenced: the next stall goes through the same states, recorded and marked silenced.
    const auto silence = api.post(QStringLiteral("/api/v1/admin/alerts/silences"),
                                  QJsonObject{{QStringLiteral("rule_id"), kStalledRule},
                                              {QStringLiteral("comment"), QStringLiteral("queue maintenance")},
                                              {QStringLiteral("ends_at"), isoTime(nowUtc().addSecs(3600))}},
                                  key);
    QVERIFY2(silence.status == 201, qPrintable(silence.describe()));
    const QString second = enqueueStalledJob(*db);
    QCOMPARE(waitForHistory(*db, kStalledRule, 5).mid(3),
             (QStringList{QStringLiteral("pending (silenced)"), QStringLiteral("firing (silenced)")}));
    const auto silenced = api.get(QStringLiteral("/api/v1/admin/alerts?state=firing"), key);
    QCOMPARE(silenced.object()[QStringLiteral("items")].toArray().first()[QStringLiteral("silenced")].toBool(), true);
    // The history route: newest first unless order=oldest, a cursor going on in its page's order.
    const auto states = [&](const QString &query) {
        QStringList seen;
        const auto page = api.get(QStringLiteral("/api/v1/admin/alerts/history?rule_id=") + kStalledRule + query, key);
        for (const QJsonValue entry : page.object()[QStringLiteral("items")].toArray())
            seen.append(entry[QStringLiteral("state")].toString());
        return std::make_pair(seen, page.object()[QStringLiteral("next_cursor")].toString());
    };
    const QStringList oldest{QStringLiteral("pending"), QStringLiteral("firing"), QStringLiteral("resolved"),
                             QStringLiteral("pending"), QStringLiteral("firing")};
    QCOMPARE(states(QStringLiteral("&order=oldest")).first, oldest);
    QStringList newest = oldest;
    std::reverse(newest.begin(), newest.end());
    QCOMPARE(states({}).first, newest);
    const auto [first, cursor] = states(QStringLiteral("&limit=2"));
    QCOMPARE(first, newest.mid(0, 2));
    QCOMPARE(states(QStringLiteral("&limit=2&cursor=") + cursor).first, newest.mid(2, 2));
    QCOMPARE(api.get(QStringLiteral("/api/v1/admin/alerts/history?order=sideways"), key).status, 400);
    QVERIFY2(daemon.stop(), qPrintable(daemon.describe()));
}

void TestAlerts::twoInstancesEvaluateOnce()
{
    QFETCH_GLOBAL(Dialect, dialect);
    if (dialect != Dialect::Postgres)
        QSKIP("two instances share a PostgreSQL database");
    TWINOPS_FRESH_DATABASE(database);
    QTemporaryDir home;
    const QString key = createAdminKey(*database, daemonEnvironment(home.path(), kSecret));
    QVERIFY(key.startsWith(QLatin1String("twk_")));
    Daemon first;
    Daemon second;
    if (!serve(first, home, *database, QStringLiteral("first"))
        || !serve(second, home, *database, QStringLiteral("second")))
        return;
    ApiClient api(QUrl(first.baseUrl()));
    QVERIFY(shortenStallFor(api, key, 1));
    const auto db = database->connect();
    const QString job = enqueueStalledJob(*db);
    QCOMPARE(waitForHistory(*db, kStalledRule, 2), (QStringList{QStringLiteral("pending"), QStringLiteral("firing")}));
    // Both keep evaluating for a while: still one pending and one firing, nothing twice.
    QTest::qWait(1500);
    QCOMPARE(historyOf(*db, kStalledRule), (QStringList{QStringLiteral("pending"), QStringLiteral("firing")}));
    QVERIFY2(first.stop(), qPrintable(first.describe()));
    QVERIFY2(second.stop(), qPrintable(second.describe()));
}

// Issue #15's acceptance, end to end: no job worker runs (the stall), yet the notification's own worker tells the
// receiver; while the receiver is down the notification waits in the queue; firing, then resolved, each signed.
void TestAlerts::stalledQueueIsToldToTheWebhook()
{
    TWINOPS_FRESH_DATABASE(database);
    QTemporaryDir home;
    const QString key = createAdminKey(*database, daemonEnvironment(home.path(), kSecret));
    QVERIFY(key.startsWith(QLatin1String("twk_")));
    TestWebhookReceiver receiver;
    receiver.goDown();
    Daemon daemon;
    if (!serve(daemon, home, *database, QStringLiteral("serve"), {QStringLiteral("--alert-webhook"), receiver.url()}))
        return;
    ApiClient api(QUrl(daemon.baseUrl()));
    QVERIFY(shortenStallFor(api, key, 1));
    const auto db = database->connect();
    const QString job = enqueueStalledJob(*db);
    QVERIFY(isUuid(job));
    QCOMPARE(waitForHistory(*db, kStalledRule, 2), (QStringList{QStringLiteral("pending"), QStringLiteral("firing")}));

    // The receiver is down: the notification is a job that fails and waits for its next attempt.
    QCOMPARE(stallNotices(*db), QStringList{QStringLiteral("firing")});
    const auto attempted = [&] {
        const auto rows = db->query(QStringLiteral("SELECT count(*) FROM jobs WHERE type = 'webhook_notification' "
                                                   "AND state = 'retryable' AND attempt >= 1"));
        return rows.ok() ? rows->first().integer(0) : -1;
    };
    QTRY_VERIFY_WITH_TIMEOUT(attempted() >= 1, kTimeoutMs);
    QVERIFY(receiver.requests().isEmpty());

    // Back up: the next attempt delivers the firing alert, signed; the stall goes on (the notification's worker is
    // not the queue's).
    QVERIFY(receiver.comeBack());
    QTRY_VERIFY_WITH_TIMEOUT(stallRequest(receiver, QStringLiteral("firing")), kTimeoutMs);
    const auto firing = stallRequest(receiver, QStringLiteral("firing"));
    QVERIFY(signatureValid(*firing, kWebhookSecret));
    QJsonObject alert;
    for (const QJsonValue a : QJsonDocument::fromJson(firing->body)[QStringLiteral("alerts")].toArray()) {
        if (a[QStringLiteral("labels")][QStringLiteral("alertname")] == QLatin1String("Job queue stalled"))
            alert = a.toObject();
    }
    QCOMPARE(alert[QStringLiteral("labels")][QStringLiteral("severity")].toString(), QStringLiteral("critical"));
    QVERIFY(!alert[QStringLiteral("annotations")][QStringLiteral("runbook")].toString().isEmpty());
    const QString fingerprint = alert[QStringLiteral("fingerprint")].toString();
    const auto stillFiring = api.get(QStringLiteral("/api/v1/admin/alerts?state=firing"), key);
    QVERIFY2(stillFiring.body.contains(fingerprint.toUtf8()), stillFiring.body.constData());

    // The stall ends: the same alert, resolved.
    QCOMPARE(api.post(QStringLiteral("/api/v1/admin/jobs/cancel"),
                      QJsonObject{{QStringLiteral("job_ids"), QJsonArray{job}}}, key)
                 .status,
             200);
    QTRY_VERIFY_WITH_TIMEOUT(stallRequest(receiver, QStringLiteral("resolved")), kTimeoutMs);
    const auto resolved = stallRequest(receiver, QStringLiteral("resolved"));
    QVERIFY(signatureValid(*resolved, kWebhookSecret));
    QVERIFY2(resolved->body.contains(fingerprint.toUtf8()), resolved->body.constData());
    QCOMPARE(stallNotices(*db), (QStringList{QStringLiteral("firing"), QStringLiteral("resolved")}));

    // Silenced: the next stall is in the history, and no notification is enqueued for it (the sink enqueues in the
    // transaction that writes the history, so once the history shows it, a notification would be there too).
    QCOMPARE(api.post(QStringLiteral("/api/v1/admin/alerts/silences"),
                      QJsonObject{{QStringLiteral("rule_id"), kStalledRule},
                                  {QStringLiteral("comment"), QStringLiteral("queue maintenance")},
                                  {QStringLiteral("ends_at"), isoTime(nowUtc().addSecs(3600))}},
                      key)
                 .status,
             201);
    QVERIFY(isUuid(enqueueStalledJob(*db)));
    QCOMPARE(waitForHistory(*db, kStalledRule, 5).mid(3),
             (QStringList{QStringLiteral("pending (silenced)"), QStringLiteral("firing (silenced)")}));
    QCOMPARE(stallNotices(*db), (QStringList{QStringLiteral("firing"), QStringLiteral("resolved")}));
    QVERIFY(!daemon.log().contains(QString::fromLatin1(kWebhookSecret)));
    QVERIFY2(daemon.stop(), qPrintable(daemon.describe()));
}

QTEST_GUILESS_MAIN(TestAlerts)
#include "tst_alerts.moc"
