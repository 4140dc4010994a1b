// The console's alerting half in the real main window, over the embedded core (its alert evaluator running every
// 200 ms) reached both ways: Local (in process) and a saved environment at the core's own HTTP endpoint with a
// platform-admin key. Rules are made through the HTTP API, as an operator's script would; the tray's state, its
// notifications and the Alerts panel's actions are checked against what the API says afterwards.
#include "admin/adminclient.h"
#include "admin/httpadminapi.h"
#include "alerthistorymodel.h"
#include "alertmonitor.h"
#include "alertrulesdialog.h"
#include "alertrulesmodel.h"
#include "alertsilencesmodel.h"
#include "alertsmodel.h"
#include "alertspanel.h"
#include "alertstray.h"
#include "auth/apikeyrepository.h"
#include "charts/dashboardspanel.h"
#include "config/environmentstore.h"
#include "fakesecretstores.h"
#include "jobspanel.h"
#include "mainwindow.h"
#include "metricsseriesmodel.h"
#include "overviewmodel.h"
#include "overviewpanel.h"
#include "servicecore.h"
#include "silencedialog.h"
#include "testdatabase.h"
#include "uitesting.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QJsonArray>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSystemTrayIcon>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QToolButton>

#include <functional>

using namespace twinops;
using namespace twinops::test;

namespace {

constexpr int kAnswerMs = 30'000;
const QString kRules = QStringLiteral("/api/v1/admin/alerts/rules");

// Every QAbstractItemModelTester of a panel's models, for as long as the test runs.
struct ModelTesters
{
    std::vector<std::unique_ptr<QAbstractItemModelTester>> testers;
    void watch(QAbstractItemModel *model)
    {
        testers.push_back(
            std::make_unique<QAbstractItemModelTester>(model, QAbstractItemModelTester::FailureReportingMode::Fatal));
    }
};

bool mentions(const QSignalSpy &spy, const QString &rule)
{
    for (const QList<QVariant> &arguments : spy) {
        const auto alerts = arguments.at(1).value<QList<AlertMonitor::Alert>>();
        for (const AlertMonitor::Alert &alert : alerts) {
            if (alert.rule == rule)
                return true;
        }
    }
    return false;
}

} // namespace

class TestAlertsPanel final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void trayFollowsAFiringAlert_data();
    void trayFollowsAFiringAlert();
    void unreachableEnvironmentIsShownAsSuch();
    void panelAcknowledgesAndSilences_data();
    void panelAcknowledgesAndSilences();

private:
    // Creates a rule through the HTTP API; its id, or empty (with a warning) when the API refused it.
    QString createRule(const QString &name, const QString &severity, int forSeconds);
    QJsonObject firingAlertOf(const QString &ruleId);
    // `beforeShow` runs before any event is processed: before the tray's first answers.
    std::unique_ptr<MainWindow> openWindow(const std::function<void(MainWindow &)> &beforeShow = {});

    QTemporaryDir m_home;
    std::unique_ptr<TestDatabase> m_database;
    std::unique_ptr<ServiceCore> m_core;
    QUrl m_base;
    QString m_adminKey;
    std::shared_ptr<EnvironmentStore> m_environments;
};

void TestAlertsPanel::initTestCase()
{
    QVERIFY(m_home.isValid());
    // As an operator would for a quick test: the console's core reads these like twinopsd does. A firing alert of a
    // disabled rule resolves at once (no keep-firing time), so "back to ok" needs no minute of waiting.
    qputenv("TWINOPS_ALERT_INTERVAL_MS", "200");
    qputenv("TWINOPS_ALERT_KEEP_FIRING_MS", "0");
}

void TestAlertsPanel::init()
{
    const Dialect dialect = QTest::currentDataTag() && QByteArray(QTest::currentDataTag()) == "postgres"
        ? Dialect::Postgres
        : Dialect::Sqlite;
    m_database = TestDatabase::create(dialect);
    QVERIFY(m_database);
    auto options = CoreOptions::fromEnvironment(m_database->url());
    TWINOPS_VERIFY_OK(options);
    QCOMPARE(options->alerts.interval, std::chrono::milliseconds(200));
    options->passwordCost = PasswordHasher::Cost::Minimal;
    auto core = ServiceCore::start(std::move(*options));
    TWINOPS_VERIFY_OK(core);
    m_core = std::move(core).value();
    EndpointOptions http;
    http.port = 0;
    TWINOPS_VERIFY_OK(m_core->serveHttp(http, QByteArray(32, 'a')));
    m_base = QUrl(m_core->endpoint()->baseUrl());
    auto key = ApiKeyRepository(m_core->database()).createPlatformAdmin(QStringLiteral("alerts test"));
    TWINOPS_VERIFY_OK(key);
    m_adminKey = key->secret;
    m_environments = std::make_shared<EnvironmentStore>(m_home.filePath(QStringLiteral("environments.ini")),
                                                        std::make_unique<MemorySecretStore>());
    // One environment per test run: the store's file is shared by the test functions.
    auto saved = m_environments->list();
    TWINOPS_VERIFY_OK(saved);
    for (const EnvironmentEntry &entry : *saved)
        TWINOPS_VERIFY_OK(m_environments->remove(entry.id));
    TWINOPS_VERIFY_OK(m_environments->add(QStringLiteral("over HTTP"), m_base, m_adminKey));
}

void TestAlertsPanel::cleanup()
{
    m_environments.reset();
    m_core.reset();
    m_database.reset();
}

QString TestAlertsPanel::createRule(const QString &name, const QString &severity, int forSeconds)
{
    // queue_stalled is 0 or 1 on every round: ">= 0" holds at once and on every round after.
    const ApiReply reply
        = httpCall(m_base, "POST", kRules,
                   QJsonObject{{QStringLiteral("name"), name},
                               {QStringLiteral("kind"), QStringLiteral("queue_stalled")},
                               {QStringLiteral("comparison"), QStringLiteral(">=")},
                               {QStringLiteral("threshold"), 0},
                               {QStringLiteral("for_seconds"), forSeconds},
                               {QStringLiteral("severity"), severity},
                               {QStringLiteral("labels"), QJsonObject{{QStringLiteral("team"), QStringLiteral("ops")}}},
                               {QStringLiteral("runbook"), QStringLiteral("Look at the queue.")}},
                   m_adminKey);
    if (reply.status != 201)
        qWarning("creating rule %s: %d %s", qPrintable(name), reply.status, reply.body.constData());
    return reply.status == 201 ? reply.object().value(QLatin1String("id")).toString() : QString();
}

QJsonObject TestAlertsPanel::firingAlertOf(const QString &ruleId)
{
    const ApiReply reply = httpCall(m_base, "GET", QStringLiteral("/api/v1/admin/alerts?state=firing"), {}, m_adminKey);
    for (const QJsonValue &value : reply.object().value(QLatin1String("items")).toArray()) {
        if (value.toObject().value(QLatin1String("rule_id")).toString() == ruleId)
            return value.toObject();
    }
    return {};
}

std::unique_ptr<MainWindow> TestAlertsPanel::openWindow(const std::function<void(MainWindow &)> &beforeShow)
{
    auto window = std::make_unique<MainWindow>(*m_core, m_environments);
    window->alertMonitor().setInterval(std::chrono::milliseconds(200));
    if (beforeShow)
        beforeShow(*window);
    window->resize(1300, 800);
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        return nullptr;
    return window;
}

void TestAlertsPanel::trayFollowsAFiringAlert_data()
{
    addBackendRows();
}

void TestAlertsPanel::trayFollowsAFiringAlert()
{
    auto window = openWindow();
    QVERIFY(window);
    AlertMonitor &monitor = window->alertMonitor();
    AlertsTray &tray = window->alertsTray();
    QSignalSpy fired(&monitor, &AlertMonitor::alertsFired);
    QSignalSpy resolved(&monitor, &AlertMonitor::alertsResolved);
    QSignalSpy notified(&tray, &AlertsTray::notified);
    QCOMPARE(monitor.environments().size(), 2);
    // Offscreen there is no tray: no icon, the state is still kept and told.
    QCOMPARE(tray.iconShown(), QSystemTrayIcon::isSystemTrayAvailable());

    // The shipped rules do not fire on a quiet core: both environments are ok.
    QTRY_COMPARE_WITH_TIMEOUT(monitor.status(), AlertMonitor::Status::Ok, kAnswerMs);
    QVERIFY2(tray.toolTip().contains(QLatin1String("Local: 0 firing, 0 pending")), qPrintable(tray.toolTip()));

    // A rule with a long `for`: pending, which colours the tray but is never announced.
    const QString waiting = createRule(QStringLiteral("Slow burn"), QStringLiteral("warning"), 3600);
    QVERIFY(!waiting.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(monitor.status(), AlertMonitor::Status::Pending, kAnswerMs);

    // A critical rule that breaches at once (for 0): firing, announced once per environment.
    const QString burning = createRule(QStringLiteral("Always burning"), QStringLiteral("critical"), 0);
    QVERIFY(!burning.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(monitor.status(), AlertMonitor::Status::Critical, kAnswerMs);
    QTRY_VERIFY_WITH_TIMEOUT(mentions(fired, QStringLiteral("Always burning")), kAnswerMs);
    QVERIFY(!mentions(fired, QStringLiteral("Slow burn")));
    for (int environment : {0, 1}) {
        QTRY_VERIFY_WITH_TIMEOUT(monitor.environments().at(environment).firing == 1, kAnswerMs);
        QTRY_VERIFY_WITH_TIMEOUT(monitor.environments().at(environment).pending == 1, kAnswerMs);
    }
    QVERIFY2(tray.toolTip().contains(QLatin1String("over HTTP: 1 firing, 1 pending")), qPrintable(tray.toolTip()));
    // The Overview's cards show the same count (the monitor feeds them).
    auto *overview = child<OverviewPanel>(*window, QStringLiteral("overviewPanel"));
    QVERIFY(overview);
    for (int environment : {0, 1}) {
        QTRY_COMPARE_WITH_TIMEOUT(
            overview->model()->index(environment, OverviewModel::FiringAlerts).data(OverviewModel::RawRole),
            QVariant::fromValue(qint64(1)), kAnswerMs);
    }
    QVERIFY(!notified.isEmpty());
    QVERIFY2(notified.first().at(0).toString().contains(QLatin1String("firing")),
             qPrintable(notified.first().at(0).toString()));
    QVERIFY(notified.first().at(1).toString().contains(QLatin1String("Always burning (critical)")));
    QVERIFY(resolved.isEmpty());

    // Disabled through the API: resolved, announced, and the tray goes back to the pending one.
    QCOMPARE(
        httpCall(m_base, "PATCH", kRules + u'/' + burning, QJsonObject{{QStringLiteral("enabled"), false}}, m_adminKey)
            .status,
        200);
    QTRY_COMPARE_WITH_TIMEOUT(monitor.status(), AlertMonitor::Status::Pending, kAnswerMs);
    QTRY_VERIFY_WITH_TIMEOUT(mentions(resolved, QStringLiteral("Always burning")), kAnswerMs);
    QTRY_VERIFY_WITH_TIMEOUT(
        std::any_of(notified.cbegin(), notified.cend(),
                    [](const QList<QVariant> &n) { return n.at(0).toString().contains(QLatin1String("resolved")); }),
        kAnswerMs);
    // Deleted: nothing is left, the tray is ok again.
    QCOMPARE(httpCall(m_base, "DELETE", kRules + u'/' + waiting, {}, m_adminKey).status, 204);
    QCOMPARE(httpCall(m_base, "DELETE", kRules + u'/' + burning, {}, m_adminKey).status, 204);
    QTRY_COMPARE_WITH_TIMEOUT(monitor.status(), AlertMonitor::Status::Ok, kAnswerMs);
    QVERIFY(!mentions(resolved, QStringLiteral("Slow burn"))); // it never fired

    // Clicking the tray opens the Alerts panel of the worst environment.
    window->showSection(MainWindow::Tenants);
    emit tray.openAlertsRequested(1);
    QCOMPARE(window->currentSection(), MainWindow::Alerts);
    QCOMPARE(window->findChild<QComboBox *>(QStringLiteral("environmentPicker"))->currentIndex(), 1);
}

void TestAlertsPanel::unreachableEnvironmentIsShownAsSuch()
{
    const QUrl nowhere(QStringLiteral("http://127.0.0.1:%1").arg(closedLoopbackPort()));
    AdminClient gone(
        QStringLiteral("gone"), [nowhere] { return std::make_unique<HttpAdminApi>(nowhere, QStringLiteral("twk_x")); },
        AdminClient::Ending::Detach);
    AlertMonitor monitor;
    QSignalSpy fired(&monitor, &AlertMonitor::alertsFired);
    monitor.setEnvironments({&gone});
    QCOMPARE(monitor.status(), AlertMonitor::Status::Unknown);
    monitor.poll();
    QTRY_COMPARE_WITH_TIMEOUT(monitor.status(), AlertMonitor::Status::Unreachable, kAnswerMs);
    QCOMPARE(monitor.worstEnvironment(), 0);
    QVERIFY2(monitor.summary().first().startsWith(QLatin1String("gone: cannot read its alerts")),
             qPrintable(monitor.summary().first()));
    QVERIFY(fired.isEmpty());
}

void TestAlertsPanel::panelAcknowledgesAndSilences_data()
{
    addBackendRows();
}

void TestAlertsPanel::panelAcknowledgesAndSilences()
{
    const QString ruleId = createRule(QStringLiteral("Queue watch"), QStringLiteral("critical"), 0);
    QVERIFY(!ruleId.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!firingAlertOf(ruleId).isEmpty(), kAnswerMs);
    const QString fingerprint = firingAlertOf(ruleId).value(QLatin1String("fingerprint")).toString();

    // What fires when the console starts is its baseline: not announced (no burst), nor when silenced or expired.
    std::unique_ptr<QSignalSpy> announced;
    std::unique_ptr<QSignalSpy> resolved;
    auto window = openWindow([&](MainWindow &opening) {
        announced = std::make_unique<QSignalSpy>(&opening.alertMonitor(), &AlertMonitor::alertsFired);
        resolved = std::make_unique<QSignalSpy>(&opening.alertMonitor(), &AlertMonitor::alertsResolved);
    });
    QVERIFY(window);
    QTRY_COMPARE_WITH_TIMEOUT(window->alertMonitor().status(), AlertMonitor::Status::Critical, kAnswerMs);
    QTRY_VERIFY_WITH_TIMEOUT(window->alertMonitor().environments().at(1).firing == 1, kAnswerMs);
    QVERIFY(announced->isEmpty());
    window->selectEnvironment(1); // over HTTP
    window->showSection(MainWindow::Alerts);
    auto *panel = child<AlertsPanel>(*window, QStringLiteral("alertsPanel"));
    QVERIFY(panel && panel->isVisible());
    panel->setRefreshInterval(std::chrono::milliseconds(200));
    ModelTesters testers;
    for (QAbstractItemModel *model : std::initializer_list<QAbstractItemModel *>{panel->alerts(), panel->silences(),
                                                                                 panel->history(), panel->rules()})
        testers.watch(model);
    auto *firing = child<QTableView>(*panel, QStringLiteral("firingAlertsTable"));
    auto *silencedTable = child<QTableView>(*panel, QStringLiteral("silencedAlertsTable"));
    QVERIFY(firing && silencedTable);
    testers.watch(firing->model());
    testers.watch(silencedTable->model());

    // The alert is listed on Firing with its rule and severity (coloured); Show jobs applies to a queue rule.
    QTRY_VERIFY_WITH_TIMEOUT(rowWithText(firing->model(), QStringLiteral("Queue watch")) >= 0, kAnswerMs);
    const int row = rowWithText(firing->model(), QStringLiteral("Queue watch"));
    QCOMPARE(cellText(firing->model(), row, AlertsModel::Severity), QStringLiteral("critical"));
    QVERIFY(firing->model()->index(row, AlertsModel::Severity).data(Qt::ForegroundRole).isValid());
    QTRY_COMPARE_WITH_TIMEOUT(cellText(firing->model(), row, AlertsModel::Labels), QStringLiteral("team=ops"),
                              kAnswerMs);
    auto *acknowledge = child<QToolButton>(*panel, QStringLiteral("acknowledgeAlertButton"));
    auto *silence = child<QToolButton>(*panel, QStringLiteral("silenceAlertButton"));
    auto *jobs = child<QToolButton>(*panel, QStringLiteral("showAlertJobsButton"));
    QVERIFY(acknowledge && silence && jobs);
    QVERIFY(!acknowledge->isEnabled()); // nothing selected
    // The same actions are the table's context menu.
    QCOMPARE(firing->contextMenuPolicy(), Qt::ActionsContextMenu);
    for (QToolButton *button : {acknowledge, silence, jobs})
        QVERIFY(firing->actions().contains(button->defaultAction()));
    clickRow(firing, row);
    QTRY_VERIFY_WITH_TIMEOUT(acknowledge->isEnabled() && silence->isEnabled() && jobs->isEnabled(), kAnswerMs);

    // Acknowledge: the API then says who.
    QTest::mouseClick(acknowledge, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!firingAlertOf(ruleId).value(QLatin1String("acknowledged_by")).toString().isEmpty(),
                             kAnswerMs);
    QTRY_VERIFY_WITH_TIMEOUT(
        !cellText(panel->alerts(), panel->alerts()->rowOf(fingerprint), AlertsModel::AcknowledgedBy).isEmpty(),
        kAnswerMs);
    QVERIFY(!acknowledge->isEnabled());

    // Silence…: a dialog with the rule prefilled; the silence exists through the API and the alert shows silenced.
    QTest::mouseClick(silence, Qt::LeftButton);
    SilenceDialog *dialog = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((dialog = panel->findChild<SilenceDialog *>()) && dialog->isVisible(), kAnswerMs);
    QVERIFY(child<QCheckBox>(*dialog, QStringLiteral("silenceOnlyRule"))->isChecked());
    QCOMPARE(child<QLineEdit>(*dialog, QStringLiteral("silenceMatchers"))->text(), QStringLiteral("team=ops"));
    auto *ok = child<QPushButton>(*dialog, QStringLiteral("silenceOk"));
    QVERIFY(!ok->isEnabled()); // a comment is required
    QTest::keyClicks(child<QLineEdit>(*dialog, QStringLiteral("silenceComment")), QStringLiteral("planned upgrade"));
    QVERIFY(ok->isEnabled());
    QTest::mouseClick(ok, Qt::LeftButton);
    QJsonObject silenceBody;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const ApiReply reply
                = httpCall(m_base, "GET", QStringLiteral("/api/v1/admin/alerts/silences"), {}, m_adminKey);
            const QJsonArray items = reply.object().value(QLatin1String("items")).toArray();
            silenceBody = items.isEmpty() ? QJsonObject() : items.first().toObject();
            return items.size() == 1;
        }(),
        kAnswerMs);
    QCOMPARE(silenceBody.value(QLatin1String("rule_id")).toString(), ruleId);
    QCOMPARE(silenceBody.value(QLatin1String("comment")).toString(), QStringLiteral("planned upgrade"));
    QCOMPARE(silenceBody.value(QLatin1String("matchers")).toObject(),
             (QJsonObject{{QStringLiteral("team"), QStringLiteral("ops")}}));
    const QDateTime endsAt
        = QDateTime::fromString(silenceBody.value(QLatin1String("ends_at")).toString(), Qt::ISODateWithMs);
    QVERIFY(endsAt > QDateTime::currentDateTimeUtc().addSecs(3600)); // the default 2 h
    QTRY_VERIFY_WITH_TIMEOUT(firingAlertOf(ruleId).value(QLatin1String("silenced")).toBool(), kAnswerMs);
    QTRY_VERIFY_WITH_TIMEOUT(rowWithText(silencedTable->model(), QStringLiteral("Queue watch")) >= 0, kAnswerMs);
    QCOMPARE(rowWithText(firing->model(), QStringLiteral("Queue watch")), -1);
    // Silenced alerts are not the tray's business.
    QTRY_VERIFY_WITH_TIMEOUT(window->alertMonitor().environments().at(1).firing == 0, kAnswerMs);

    // Expire silence, from the Silenced tab's list of silences: the alert fires again.
    panel->showTab(AlertsPanel::Silenced);
    auto *silences = child<QTableView>(*panel, QStringLiteral("silencesTable"));
    QTRY_COMPARE_WITH_TIMEOUT(silences->model()->rowCount(), 1, kAnswerMs);
    QCOMPARE(cellText(silences->model(), 0, AlertSilencesModel::Rule), QStringLiteral("Queue watch"));
    auto *expire = child<QToolButton>(*panel, QStringLiteral("expireSilenceButton"));
    QVERIFY(!expire->isEnabled());
    QVERIFY(!panel->deleteSelected()); // Del (the main window's) is Expire silence here: nothing selected yet
    clickRow(silences, 0);
    QTRY_VERIFY_WITH_TIMEOUT(expire->isEnabled(), kAnswerMs);
    QVERIFY(panel->deleteSelected()); // what the button does, asked first
    QVERIFY(confirmAction(*panel, QStringLiteral("confirmExpireSilence")));
    QTRY_VERIFY_WITH_TIMEOUT(httpCall(m_base, "GET", QStringLiteral("/api/v1/admin/alerts/silences"), {}, m_adminKey)
                                 .object()
                                 .value(QLatin1String("items"))
                                 .toArray()
                                 .isEmpty(),
                             kAnswerMs);
    QTRY_VERIFY_WITH_TIMEOUT(!firingAlertOf(ruleId).value(QLatin1String("silenced")).toBool(), kAnswerMs);
    QTRY_VERIFY_WITH_TIMEOUT(rowWithText(firing->model(), QStringLiteral("Queue watch")) >= 0, kAnswerMs);

    // History lists the firing transition.
    panel->showTab(AlertsPanel::History);
    auto *history = child<QTableView>(*panel, QStringLiteral("alertHistoryTable"));
    QTRY_VERIFY_WITH_TIMEOUT(rowWithText(history->model(), QStringLiteral("Queue watch"), AlertHistoryModel::Rule) >= 0,
                             kAnswerMs);

    // Open rule: the rules dialog on this rule; a change saved there is the API's.
    panel->showTab(AlertsPanel::Firing);
    clickRow(firing, rowWithText(firing->model(), QStringLiteral("Queue watch")));
    auto *openRule = child<QToolButton>(*panel, QStringLiteral("openAlertRuleButton"));
    QTRY_VERIFY_WITH_TIMEOUT(openRule->isEnabled(), kAnswerMs);
    QTest::mouseClick(openRule, Qt::LeftButton);
    AlertRulesDialog *rules = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((rules = panel->findChild<AlertRulesDialog *>()) && rules->isVisible(), kAnswerMs);
    auto *name = child<QLineEdit>(*rules, QStringLiteral("ruleName"));
    QTRY_COMPARE_WITH_TIMEOUT(name->text(), QStringLiteral("Queue watch"), kAnswerMs);
    QCOMPARE(child<QComboBox>(*rules, QStringLiteral("ruleKind"))->currentText(), QStringLiteral("queue_stalled"));
    child<QComboBox>(*rules, QStringLiteral("ruleSeverity"))->setCurrentText(QStringLiteral("warning"));
    QTest::mouseClick(child<QPushButton>(*rules, QStringLiteral("saveRuleButton")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(httpCall(m_base, "GET", kRules + u'/' + ruleId, {}, m_adminKey)
                                  .object()
                                  .value(QLatin1String("severity"))
                                  .toString(),
                              QStringLiteral("warning"), kAnswerMs);
    // Add and delete, in the same dialog.
    QTest::mouseClick(child<QPushButton>(*rules, QStringLiteral("addRuleButton")), Qt::LeftButton);
    QCOMPARE(name->text(), QString());
    QTest::keyClicks(name, QStringLiteral("Made in the dialog"));
    child<QComboBox>(*rules, QStringLiteral("ruleKind"))->setCurrentText(QStringLiteral("discarded_jobs_per_minute"));
    child<QDoubleSpinBox>(*rules, QStringLiteral("ruleThreshold"))->setValue(5);
    child<QLineEdit>(*rules, QStringLiteral("ruleLabels"))->setText(QStringLiteral("team=jobs"));
    QTest::mouseClick(child<QPushButton>(*rules, QStringLiteral("saveRuleButton")), Qt::LeftButton);
    QString made;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const QJsonArray all
                = httpCall(m_base, "GET", kRules, {}, m_adminKey).object().value(QLatin1String("items")).toArray();
            for (const QJsonValue &rule : all) {
                if (rule.toObject().value(QLatin1String("name")).toString() == QLatin1String("Made in the dialog"))
                    made = rule.toObject().value(QLatin1String("id")).toString();
            }
            return !made.isEmpty();
        }(),
        kAnswerMs);
    const QJsonObject madeRule = httpCall(m_base, "GET", kRules + u'/' + made, {}, m_adminKey).object();
    QCOMPARE(madeRule.value(QLatin1String("kind")).toString(), QStringLiteral("discarded_jobs_per_minute"));
    QCOMPARE(madeRule.value(QLatin1String("threshold")).toDouble(), 5.0);
    QCOMPARE(madeRule.value(QLatin1String("labels")).toObject(),
             (QJsonObject{{QStringLiteral("team"), QStringLiteral("jobs")}}));
    auto *remove = child<QPushButton>(*rules, QStringLiteral("deleteRuleButton"));
    QTRY_VERIFY_WITH_TIMEOUT(remove->isEnabled(), kAnswerMs); // the saved rule is selected
    QTest::mouseClick(remove, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(httpCall(m_base, "GET", kRules + u'/' + made, {}, m_adminKey).status, 404, kAnswerMs);
    rules->close();

    // Show jobs: the Jobs panel, filtered on the waiting jobs a stalled queue is about.
    clickRow(firing, rowWithText(firing->model(), QStringLiteral("Queue watch")));
    QTRY_VERIFY_WITH_TIMEOUT(jobs->isEnabled(), kAnswerMs);
    QTest::mouseClick(jobs, Qt::LeftButton);
    QCOMPARE(window->currentSection(), MainWindow::Jobs);
    auto *stateTabs = child<QTabBar>(*window, QStringLiteral("jobsStateTabs"));
    QCOMPARE(stateTabs->tabData(stateTabs->currentIndex()).toString(), QStringLiteral("available"));

    // Show on dashboard: the Dashboards panel at a range covering the alert (it became active seconds ago).
    window->showSection(MainWindow::Alerts);
    panel = child<AlertsPanel>(*window, QStringLiteral("alertsPanel"));
    firing = child<QTableView>(*panel, QStringLiteral("firingAlertsTable"));
    QTRY_VERIFY_WITH_TIMEOUT(rowWithText(firing->model(), QStringLiteral("Queue watch")) >= 0, kAnswerMs);
    clickRow(firing, rowWithText(firing->model(), QStringLiteral("Queue watch")));
    auto *dashboard = child<QToolButton>(*panel, QStringLiteral("showAlertOnDashboardButton"));
    QTRY_VERIFY_WITH_TIMEOUT(dashboard->isEnabled(), kAnswerMs);
    child<QComboBox>(*window, QStringLiteral("dashboardRange"))->setCurrentIndex(2);
    QTest::mouseClick(dashboard, Qt::LeftButton);
    QCOMPARE(window->currentSection(), MainWindow::Dashboards);
    QCOMPARE(child<QComboBox>(*window, QStringLiteral("dashboardRange"))->currentIndex(), 0); // live, 15 min
    // The rules sum every instance's rollups: so do the history ranges from here.
    QCOMPARE(child<QComboBox>(*window, QStringLiteral("dashboardInstances"))->currentData().toInt(),
             int(MetricsSeriesModel::Scope::AllInstances));

    QVERIFY(announced->isEmpty());
    QVERIFY(resolved->isEmpty());
}

QTEST_MAIN(TestAlertsPanel)
#include "tst_alertspanel.moc"
