// Screenshots of every console panel for the docs (scripts/screenshots.sh runs this under Xvfb): a throwaway
// database with demo data, the real main window, one PNG per section.
#include "admin/inprocessadminapi.h"
#include "alertsmodel.h"
#include "alertspanel.h"
#include "auth/apikeyrepository.h"
#include "auth/secretstore.h"
#include "checks/apiclient.h"
#include "config/consolesettings.h"
#include "config/environmentstore.h"
#include "jobs/jobqueue.h"
#include "mainwindow.h"
#include "overviewpanel.h"
#include "servicecore.h"
#include "settingspanel.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QJsonArray>
#include <QListWidget>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPalette>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <cstdio>
#include <optional>

using namespace twinops;

namespace {

QString idOf(const ApiReply &reply)
{
    return reply.object().value(QLatin1String("id")).toString();
}

// A tenant that uses the platform (an owner signed up over HTTP, twins, sources indexed or waiting, chats that
// grew the graph), two quiet tenants, a finished checklist run, and demo jobs (some failed) no worker touches.
struct Demo
{
    QString token; // the owner's, for the live traffic
    QString twin; // the twin with sources and chats
};

std::optional<Demo> seed(ServiceCore &core, const QString &baseUrl)
{
    ApiClient api((QUrl(baseUrl)));
    const ApiReply signup = api.post(QStringLiteral("/api/v1/auth/signup"),
                                     QJsonObject{{QStringLiteral("email"), QStringLiteral("owner@acme.example")},
                                                 {QStringLiteral("password"), QStringLiteral("correct horse battery")},
                                                 {QStringLiteral("tenant_name"), QStringLiteral("Acme Research")}});
    const QString token = signup.object().value(QLatin1String("access_token")).toString();
    if (signup.status != 201 || token.isEmpty())
        return {};
    const QString support
        = idOf(api.post(QStringLiteral("/api/v1/twins"),
                        QJsonObject{{QStringLiteral("name"), QStringLiteral("Support agent")}}, token));
    const QString engineer
        = idOf(api.post(QStringLiteral("/api/v1/twins"),
                        QJsonObject{{QStringLiteral("name"), QStringLiteral("Field engineer")}}, token));
    if (support.isEmpty() || engineer.isEmpty())
        return {};
    const QList<QPair<QString, QString>> files{
        {QStringLiteral("pump-manual.md"),
         QStringLiteral("# Pump manual\n\nThe main pump feeds the boiler at 40 bar. Acme Research maintains "
                        "the pump.\n\n## Maintenance\n\nReplace the seals every 2000 hours.\n")},
        {QStringLiteral("faq.md"),
         QStringLiteral("# FAQ\n\nThe boiler heats the turbine. The turbine drives the "
                        "generator. Support answers within one day.\n")},
        {QStringLiteral("release-notes.txt"), QStringLiteral("Version 2 adds remote monitoring of the pump.\n")},
        {QStringLiteral("draft-pricing.txt"), QStringLiteral("Not for the twin yet.\n")}};
    for (int i = 0; i < files.size(); ++i) {
        const QString source = idOf(api.post(
            QStringLiteral("/api/v1/twins/%1/sources").arg(support),
            QJsonObject{{QStringLiteral("filename"), files[i].first}, {QStringLiteral("content"), files[i].second}},
            token));
        if (source.isEmpty())
            return {};
        if (i < 2
            && api.post(QStringLiteral("/api/v1/sources/%1/approve").arg(source), QJsonObject{}, token).status != 202)
            return {};
        if (i == 2
            && api.post(QStringLiteral("/api/v1/sources/%1/reject").arg(source), QJsonObject{}, token).status != 200)
            return {};
    }
    for (const char *question : {"What does the main pump feed?", "When are the seals replaced?"}) {
        if (api.post(QStringLiteral("/api/v1/twins/%1/chat").arg(support),
                     QJsonObject{{QStringLiteral("message"), QLatin1String(question)}}, token)
                .status
            != 200)
            return {};
    }

    InProcessAdminApi admin(core);
    for (const char *name : {"Globex Support", "Initech Labs"}) {
        if (admin
                .call("POST", QStringLiteral("/api/v1/admin/tenants"),
                      QJsonObject{{QStringLiteral("name"), QLatin1String(name)}})
                .status
            != 201)
            return {};
    }
    const AdminReply run = admin.call("POST", QStringLiteral("/api/v1/admin/checks/run"),
                                      QJsonObject{{QStringLiteral("base_url"), baseUrl}});
    if (run.status != 202)
        return {};
    const QString path = QStringLiteral("/api/v1/admin/checks/runs/") + run.body.value(QLatin1String("id")).toString();
    if (!QTest::qWaitFor(
            [&] { return admin.get(path).body.value(QLatin1String("status")) != QLatin1String("running"); }, 120'000))
        return {};
    // Indexing, graph extraction and the checklist's smoke tests are done; the demo jobs below stay as they are put.
    if (!QTest::qWaitFor(
            [&] {
                auto waiting = core.database().query(
                    QStringLiteral("SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')"));
                return waiting.ok() && waiting->first().integer(0) == 0;
            },
            60'000))
        return {};
    core.workers()->stop();
    JobQueue queue(core.database());
    QList<NewJob> jobs;
    for (int i = 0; i < 40; ++i) {
        NewJob job;
        job.type = i % 3 ? QStringLiteral("graph_extraction") : QStringLiteral("source_index");
        job.payload = QJsonObject{{QStringLiteral("demo"), i}};
        jobs << job;
    }
    if (!queue.enqueueBatch(jobs).ok())
        return {};
    (void)core.database().query(QStringLiteral("UPDATE jobs SET state = 'discarded', attempt = max_attempts, "
                                               "last_error = 'provider timed out after 30 s' "
                                               "WHERE payload LIKE '%demo%' AND rowid % 7 = 0"));
    return Demo{token, support};
}

// Alert rules the demo traffic breaks (its 4 % of bad tokens), one held pending by its `for`.
bool addDemoAlertRules(ServiceCore &core)
{
    InProcessAdminApi admin(core);
    const auto rule = [&](const char *name, const char *kind, double threshold, int forSeconds, const char *severity,
                          const QJsonObject &labels) {
        return admin
                   .call("POST", QStringLiteral("/api/v1/admin/alerts/rules"),
                         QJsonObject{{QStringLiteral("name"), QLatin1String(name)},
                                     {QStringLiteral("kind"), QLatin1String(kind)},
                                     {QStringLiteral("params"), QJsonObject{{QStringLiteral("window_seconds"), 300}}},
                                     {QStringLiteral("comparison"), QStringLiteral(">")},
                                     {QStringLiteral("threshold"), threshold},
                                     {QStringLiteral("for_seconds"), forSeconds},
                                     {QStringLiteral("severity"), QLatin1String(severity)},
                                     {QStringLiteral("labels"), labels},
                                     {QStringLiteral("runbook"), QStringLiteral("See docs/runbook.md.")}})
                   .status
            == 201;
    };
    const QJsonObject platform{{QStringLiteral("team"), QStringLiteral("platform")}};
    return rule("401/403 over 3 %", "auth_failure_rate", 0.03, 0, "critical", platform)
        && rule("401/403 over 2 % for an hour", "auth_failure_rate", 0.02, 3600, "warning", platform);
}

// Live traffic for the dashboards: the owner's list calls, a few chats and some requests with a bad token.
class DemoTraffic final : public QObject
{
public:
    DemoTraffic(const QString &baseUrl, const QString &token, const QString &twin)
        : m_baseUrl(baseUrl)
        , m_token(token.toLatin1())
        , m_twin(twin)
    {
        connect(&m_timer, &QTimer::timeout, this, &DemoTraffic::tick);
        m_timer.start(20);
    }

private:
    void tick()
    {
        ++m_ticks;
        QNetworkRequest request(QUrl(m_baseUrl + QStringLiteral("/api/v1/twins")));
        request.setRawHeader("Authorization", "Bearer " + (m_ticks % 25 == 0 ? QByteArray("expired") : m_token));
        QNetworkReply *reply = m_network.get(request);
        connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
        if (m_ticks % 50 == 0 && !m_twin.isEmpty()) { // a chat a second, for time to first token
            QNetworkRequest chat(QUrl(m_baseUrl + QStringLiteral("/api/v1/twins/%1/chat").arg(m_twin)));
            chat.setRawHeader("Authorization", "Bearer " + m_token);
            chat.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
            QNetworkReply *answer = m_network.post(chat, QByteArray(R"({"message":"Who maintains the pump?"})"));
            connect(answer, &QNetworkReply::finished, answer, &QObject::deleteLater);
        }
    }

    QString m_baseUrl;
    QByteArray m_token;
    QString m_twin;
    QNetworkAccessManager m_network;
    QTimer m_timer;
    int m_ticks = 0;
};

// A dark palette like the desktops' dark themes give Qt applications (Fusion, as Qt's own dark example), for the
// screenshots that show the console in one: TWINOPS_SCREENSHOT_DARK=1.
void useDarkPalette()
{
    QApplication::setStyle(QStringLiteral("Fusion"));
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(45, 45, 48));
    dark.setColor(QPalette::WindowText, QColor(230, 230, 230));
    dark.setColor(QPalette::Base, QColor(30, 30, 32));
    dark.setColor(QPalette::AlternateBase, QColor(45, 45, 48));
    dark.setColor(QPalette::ToolTipBase, QColor(30, 30, 32));
    dark.setColor(QPalette::ToolTipText, QColor(230, 230, 230));
    dark.setColor(QPalette::Text, QColor(230, 230, 230));
    dark.setColor(QPalette::Button, QColor(53, 53, 56));
    dark.setColor(QPalette::ButtonText, QColor(230, 230, 230));
    dark.setColor(QPalette::BrightText, Qt::red);
    dark.setColor(QPalette::Link, QColor(90, 160, 255));
    dark.setColor(QPalette::Highlight, QColor(42, 110, 200));
    dark.setColor(QPalette::HighlightedText, Qt::white);
    dark.setColor(QPalette::PlaceholderText, QColor(140, 140, 140));
    dark.setColor(QPalette::Disabled, QPalette::Text, QColor(120, 120, 120));
    dark.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(120, 120, 120));
    QApplication::setPalette(dark);
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    // The window's size (TWINOPS_SCREENSHOT_SIZE=1920x1080; 1280x800 by default) and the palette.
    QSize size(1280, 800);
    if (const QStringList parts = qEnvironmentVariable("TWINOPS_SCREENSHOT_SIZE").split(u'x'); parts.size() == 2)
        size = QSize(parts.at(0).toInt(), parts.at(1).toInt());
    if (qEnvironmentVariableIntValue("TWINOPS_SCREENSHOT_DARK") == 1)
        useDarkPalette();
    if (argc < 2) {
        std::fprintf(stderr,
                     "usage: make_screenshots OUTPUT_DIRECTORY [SECTION...]\n"
                     "  SECTION: a section's name in lower case (overview, tenants…); every one when none\n");
        return 2;
    }
    const QDir output(QString::fromLocal8Bit(argv[1]));
    QStringList sections;
    for (int i = 2; i < argc; ++i)
        sections << QString::fromLocal8Bit(argv[i]);
    QTemporaryDir home;
    CoreOptions options{DatabaseUrl::sqliteFile(home.filePath(QStringLiteral("demo.db")))};
    options.passwordCost = PasswordHasher::Cost::Minimal;
    options.metricsRollupInterval = std::chrono::seconds(2); // the Overview's 15-minute figures within seconds
    options.alerts.interval = std::chrono::seconds(1); // the demo's alert rules fire within seconds
    auto core = ServiceCore::start(std::move(options));
    if (!core.ok() || !QDir().mkpath(output.path())) {
        std::fprintf(stderr, "make_screenshots: cannot start: %s\n",
                     core.ok() ? "output" : qPrintable(core.error().message));
        return 1;
    }
    (*core)->startWorkers(2); // the checklist's chat smoke test needs its graph job run
    EndpointOptions http;
    http.port = 0;
    std::optional<Demo> demo;
    if ((*core)->serveHttp(http, QByteArray(32, 'd')).ok())
        demo = seed(**core, (*core)->endpoint()->baseUrl());
    if (!demo) {
        std::fprintf(stderr, "make_screenshots: seeding the demo data failed\n");
        return 1;
    }
    DemoTraffic traffic((*core)->endpoint()->baseUrl(), demo->token, demo->twin);
    if (!addDemoAlertRules(**core)) {
        std::fprintf(stderr, "make_screenshots: the demo alert rules were refused\n");
        return 1;
    }
    // The checklist on a schedule, as an operator sets it: its first run starts within a quarter minute.
    if (InProcessAdminApi(**core)
                .call("PUT", QStringLiteral("/api/v1/admin/checks/schedule"),
                      QJsonObject{{QStringLiteral("interval_minutes"), 15}})
                .status
            != 200
        || !(*core)->startCheckScheduler().ok()) {
        std::fprintf(stderr, "make_screenshots: the checklist schedule was refused\n");
        return 1;
    }
    // Two saved environments for the Overview: this demo over HTTP with its database file as the DSN (read
    // read-only), and one where nothing listens.
    auto environments = std::make_shared<EnvironmentStore>(
        home.filePath(QStringLiteral("environments.ini")),
        std::make_unique<FileSecretStore>(home.filePath(QStringLiteral("environment-secrets"))));
    auto adminKey = ApiKeyRepository((*core)->database()).createPlatformAdmin(QStringLiteral("screenshots"));
    if (!adminKey.ok()
        || !environments
                ->add(QStringLiteral("staging"), QUrl((*core)->endpoint()->baseUrl()), adminKey->secret,
                      QStringLiteral("sqlite://") + (*core)->databaseUrl().sqlitePath())
                .ok()
        || !environments
                ->add(QStringLiteral("production"), QUrl(QStringLiteral("http://127.0.0.1:9")),
                      QStringLiteral("twk_unused"))
                .ok()) {
        std::fprintf(stderr, "make_screenshots: cannot save the demo environments\n");
        return 1;
    }
    MainWindow window(**core, environments);
    // Settings as a user saved them, with the values this demo runs with in effect.
    ConsoleSettings effective = ConsoleSettings::defaults();
    effective.databaseUrl = QStringLiteral("sqlite://") + (*core)->databaseUrl().sqlitePath();
    effective.port = QUrl((*core)->endpoint()->baseUrl()).port();
    ConsoleSettings saved = effective;
    saved.port = ConsoleSettings::kDefaultPort;
    saved.workers = 4;
    const QString settingsPath = home.filePath(QStringLiteral("console.ini"));
    auto secrets = std::make_shared<FileSecretStore>(home.filePath(QStringLiteral("secrets")));
    if (!saved.save(settingsPath).ok()) {
        std::fprintf(stderr, "make_screenshots: cannot write the demo settings\n");
        return 1;
    }
    window.setSettings(SettingsPanelOptions{
        settingsPath, secrets, effective, {QStringLiteral("--port 0 (a free port) is used over the saved port")}});
    window.setLocalEndpoint((*core)->endpoint()->baseUrl());
    window.setEndpointStatus(QStringLiteral("Local API: %1").arg((*core)->endpoint()->baseUrl()));
    window.resize(size);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        return 1;
    auto *navigation = window.findChild<QListWidget *>(QStringLiteral("navigation"));
    for (int section = 0; section < MainWindow::SectionCount; ++section) {
        const QString name = navigation->item(section)->text().toLower();
        const QString fileName = QString(name).remove(u' ') + QStringLiteral(".png"); // "auditlog.png"
        if (!sections.isEmpty() && !sections.contains(name))
            continue;
        window.showSection(MainWindow::Section(section));
        QTest::qWait(1500); // panels load asynchronously; give them time to show their data
        if (auto *alerts = window.findChild<AlertsPanel *>(); alerts && alerts->isVisible()) {
            // The demo rules fire once the first rollups of the traffic are in; the info one is acknowledged.
            if (!QTest::qWaitFor([&] { return alerts->alerts()->rowCount() >= 3; }, 60'000))
                std::fprintf(stderr, "make_screenshots: the demo alerts did not all fire\n");
            QTest::qWait(1500);
            InProcessAdminApi admin(**core);
            for (int row = 0; row < alerts->alerts()->rowCount(); ++row) {
                const QJsonObject alert = alerts->alerts()->alert(row);
                if (alert.value(QLatin1String("severity")).toString() == QLatin1String("info")
                    && alert.value(QLatin1String("state")).toString() == QLatin1String("firing"))
                    admin.call("POST",
                               QStringLiteral("/api/v1/admin/alerts/%1/acknowledge")
                                   .arg(alert.value(QLatin1String("fingerprint")).toString()));
            }
            alerts->alerts()->refresh();
            QTest::qWait(1500);
            if (auto *table = alerts->findChild<QTableView *>(QStringLiteral("firingAlertsTable")))
                table->selectRow(0);
            QTest::qWait(500);
        }
        if (auto *overview = window.findChild<OverviewPanel *>(); overview && overview->isVisible()) {
            QTest::qWait(4000); // the first rollups of the demo traffic, then a refresh that reads them
            // ... and the first scheduled checklist run.
            const auto scheduledRunDone = [&] {
                const auto done = (*core)->database().query(QStringLiteral(
                    "SELECT count(*) FROM checklist_runs WHERE started_by = 'schedule' AND status <> 'running'"));
                return done.ok() && done->first().integer(0) > 0;
            };
            if (!QTest::qWaitFor(scheduledRunDone, 60'000))
                std::fprintf(stderr, "make_screenshots: no scheduled checklist run finished\n");
            overview->model()->refresh();
            QTest::qWait(1500);
        }
        // The tenant and the twin with data, where a panel lets the user pick one.
        if (auto *tenants = window.findChild<QTableView *>(QStringLiteral("tenantsTable"));
            tenants && tenants->isVisible()) {
            for (int row = 0; row < tenants->model()->rowCount(); ++row) {
                if (tenants->model()->index(row, 0).data().toString() == QLatin1String("Acme Research"))
                    tenants->selectRow(row);
            }
            QTest::qWait(1000);
        }
        if (auto *twins = window.findChild<QTableView *>(QStringLiteral("twinsTable")); twins && twins->isVisible()) {
            for (int row = 0; row < twins->model()->rowCount(); ++row) {
                if (twins->model()->index(row, 0).data().toString() == QLatin1String("Support agent"))
                    twins->selectRow(row);
            }
            QTest::qWait(1000);
        }
        if (auto *twin = window.findChild<QComboBox *>(QStringLiteral("sourcesTwin")); twin && twin->isVisible()) {
            twin->setCurrentIndex(twin->findText(QStringLiteral("Support agent")));
            QTest::qWait(1000);
        }
        if (auto *jobs = window.findChild<QTableView *>(QStringLiteral("jobsTable")); jobs && jobs->isVisible()) {
            for (int row = 0; row < jobs->model()->rowCount(); ++row) {
                if (jobs->model()->index(row, 1).data().toString() == QLatin1String("discarded")) {
                    jobs->selectRow(row); // its detail: payload, attempts, log lines
                    break;
                }
            }
            QTest::qWait(1000);
        }
        if (section == MainWindow::Dashboards)
            QTest::qWait(8000); // the live charts fill at one point a second
        if (auto *runs = window.findChild<QTableView *>(QStringLiteral("pastRuns"));
            runs && runs->isVisible() && runs->model()->rowCount() > 0) {
            runs->setCurrentIndex(runs->model()->index(0, 0)); // show the newest run's results
            QTest::qWait(1000);
        }
        const QString file = output.filePath(fileName);
        if (!window.grab().save(file)) {
            std::fprintf(stderr, "make_screenshots: cannot write %s\n", qPrintable(file));
            return 1;
        }
        std::printf("%s\n", qPrintable(file));
    }
    return 0;
}
