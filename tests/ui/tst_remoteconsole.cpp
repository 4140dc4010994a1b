// Every console panel against a remote environment: a `twinopsd serve` (SQLite file, two workers) started by the
// test, reached through an AdminClient built exactly as MainWindow builds remote ones (HttpAdminApi, base URL and a
// platform-admin key). Each panel is driven like a user; the daemon's own HTTP API then shows that what the panel
// said happened did happen. Then the failures an operator meets: a wrong admin key, and a daemon that goes away
// mid-session and comes back on the same port.
#include "admin/adminclient.h"
#include "admin/httpadminapi.h"
#include "charts/dashboardspanel.h"
#include "checklistspanel.h"
#include "checks/apiclient.h"
#include "daemon.h"
#include "jobs/job.h"
#include "jobs/jobqueue.h"
#include "jobsmodel.h"
#include "jobspanel.h"
#include "metricsseriesmodel.h"
#include "sourcesmodel.h"
#include "sourcespanel.h"
#include "storage/database.h"
#include "storage/databaseurl.h"
#include "tenantsmodel.h"
#include "tenantspanel.h"
#include "testdatabase.h"
#include "twinsmodel.h"
#include "twinspanel.h"
#include "uitesting.h"
#include "usersmodel.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTabBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QUrlQuery>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLineSeries>

#include <chrono>

using namespace twinops;
using namespace twinops::test;
using namespace std::chrono_literals;

namespace {

constexpr auto kFatal = QAbstractItemModelTester::FailureReportingMode::Fatal;
// Generous: answers cross a socket to another process, on a machine that may be busy building.
constexpr int kAnswerMs = 30'000;
constexpr int kWorkMs = 90'000; // indexing, graph extraction, a checklist run
const QJsonValue kNoBody(QJsonValue::Undefined);
const QString kTenant = QStringLiteral("Remote Acme");
// A job type this build has no handler for, as a newer twinopsd sharing the database would enqueue during a rolling
// upgrade: the workers discard it with an error, which is what the Jobs panel's retry is for.
const QString kUnknownJobType = QStringLiteral("report.render_pdf");

QJsonObject findByField(const QJsonArray &items, const QString &field, const QString &value)
{
    for (const QJsonValue &item : items) {
        if (item.toObject().value(field).toString() == value)
            return item.toObject();
    }
    return {};
}

// Picks the entry whose data is `data` once the picker lists it (pickers fill from the server).
bool pickOnceListed(QComboBox *picker, const QString &data)
{
    if (!QTest::qWaitFor([&] { return picker->findData(data) >= 0; }, kAnswerMs))
        return false;
    picker->setCurrentIndex(picker->findData(data));
    return picker->currentData().toString() == data;
}

constexpr QSize kPanelSize{1200, 800};

} // namespace

class TestRemoteConsole final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void tenantsCreateSuspendAndRevoke();
    void twinsCreateAndShowTheGraph();
    void sourcesUploadApproveRejectAndDelete();
    void jobsShowIndexingAndRetryAFailure();
    // Before the dashboards' deliberate 401s: the checklist's "no 401/403 spike" item reads them since start.
    void checklistRunsAgainstTheServerItself();
    void dashboardsFollowLiveTraffic();
    void wrongAdminKeyIsSaidInWords();
    void stoppedDaemonIsSaidInWordsAndRecovers();

private:
    bool startDaemon(quint16 port, const QString &logName);
    // The daemon's API with the admin key (inside `actingTenant` when given).
    ApiReply api(const QByteArray &method, const QString &path, const QJsonValue &body = kNoBody,
                 const QString &actingTenant = {})
    {
        return httpCall(m_base, method, path, body, m_adminKey, actingTenant);
    }
    // Found through the API, or created there when an earlier test did not (each test can run alone).
    QString tenantId(const QString &name);
    QString twinId(const QString &tenant, const QString &name);
    // Uploads and approves a source through the API and waits until the workers have indexed it.
    QString indexedSource(const QString &tenant, const QString &twin, const QString &filename, const QString &content);

    QTemporaryDir m_home;
    QProcessEnvironment m_environment;
    QString m_databaseFile;
    QString m_adminKey;
    std::unique_ptr<Daemon> m_daemon;
    QUrl m_base;
    std::unique_ptr<AdminClient> m_client; // the remote environment, one for the whole session
};

bool TestRemoteConsole::startDaemon(quint16 port, const QString &logName)
{
    m_daemon = std::make_unique<Daemon>();
    m_daemon->start({QStringLiteral("--database"), QStringLiteral("sqlite://") + m_databaseFile,
                     QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port),
                     QStringLiteral("--workers"), QStringLiteral("2")},
                    m_environment, m_home.filePath(logName));
    return m_daemon->waitUntilServing(kAnswerMs);
}

void TestRemoteConsole::initTestCase()
{
    QVERIFY2(QFile::exists(qEnvironmentVariable("TWINOPSD")), "TWINOPSD must name the twinopsd binary");
    QVERIFY(m_home.isValid());
    m_environment = daemonEnvironment(m_home.path(), QByteArray(32, 'r'));
    // The offline grounded chat provider, whatever the machine running the test has configured.
    for (const char *name : {"TWINOPS_LLM_PROVIDER", "TWINOPS_LLM_BASE_URL", "TWINOPS_LLM_MODEL"})
        m_environment.remove(QLatin1String(name));
    m_databaseFile = m_home.filePath(QStringLiteral("remote.db"));
    QByteArray key;
    QVERIFY(runTwinopsd({QStringLiteral("--database"), QStringLiteral("sqlite://") + m_databaseFile,
                         QStringLiteral("admin"), QStringLiteral("create-key"), QStringLiteral("--name"),
                         QStringLiteral("console")},
                        m_environment, &key));
    m_adminKey = QString::fromLatin1(key.trimmed());
    QVERIFY(m_adminKey.startsWith(QLatin1String("twk_")));
    QVERIFY2(startDaemon(0, QStringLiteral("remote.log")), qPrintable(m_daemon->describe()));
    m_base = QUrl(m_daemon->baseUrl());

    // As MainWindow::addEnvironment builds a remote environment.
    const QUrl baseUrl = m_base;
    const QString adminKey = m_adminKey;
    m_client = std::make_unique<AdminClient>(
        QStringLiteral("staging"), [baseUrl, adminKey] { return std::make_unique<HttpAdminApi>(baseUrl, adminKey); });
}

void TestRemoteConsole::cleanupTestCase()
{
    m_client.reset();
    if (m_daemon)
        QVERIFY2(m_daemon->stop(), qPrintable(m_daemon->describe())); // a clean exit, after everything above
}

QString TestRemoteConsole::tenantId(const QString &name)
{
    const ApiReply listed = api(
        "GET", QStringLiteral("/api/v1/admin/tenants?search=") + QString::fromLatin1(QUrl::toPercentEncoding(name)));
    const QJsonObject found
        = findByField(listed.object().value(QLatin1String("items")).toArray(), QStringLiteral("name"), name);
    if (!found.isEmpty())
        return found.value(QLatin1String("id")).toString();
    const ApiReply created
        = api("POST", QStringLiteral("/api/v1/admin/tenants"), QJsonObject{{QStringLiteral("name"), name}});
    if (created.status != 201)
        qWarning().noquote() << created.describe();
    return created.object().value(QLatin1String("id")).toString();
}

QString TestRemoteConsole::twinId(const QString &tenant, const QString &name)
{
    const ApiReply listed = api("GET", QStringLiteral("/api/v1/twins?limit=200"), kNoBody, tenant);
    const QJsonObject found
        = findByField(listed.object().value(QLatin1String("items")).toArray(), QStringLiteral("name"), name);
    if (!found.isEmpty())
        return found.value(QLatin1String("id")).toString();
    const ApiReply created
        = api("POST", QStringLiteral("/api/v1/twins"), QJsonObject{{QStringLiteral("name"), name}}, tenant);
    if (created.status != 201)
        qWarning().noquote() << created.describe();
    return created.object().value(QLatin1String("id")).toString();
}

QString TestRemoteConsole::indexedSource(const QString &tenant, const QString &twin, const QString &filename,
                                         const QString &content)
{
    const ApiReply uploaded
        = api("POST", QStringLiteral("/api/v1/twins/%1/sources").arg(twin),
              QJsonObject{{QStringLiteral("filename"), filename}, {QStringLiteral("content"), content}}, tenant);
    const QString id = uploaded.object().value(QLatin1String("id")).toString();
    if (uploaded.status != 201 || id.isEmpty()) {
        qWarning().noquote() << uploaded.describe();
        return {};
    }
    const ApiReply approved = api("POST", QStringLiteral("/api/v1/sources/%1/approve").arg(id), QJsonObject(), tenant);
    if (approved.status != 202) {
        qWarning().noquote() << approved.describe();
        return {};
    }
    const auto status = [&] {
        return api("GET", QStringLiteral("/api/v1/sources/%1").arg(id), kNoBody, tenant)
            .object()
            .value(QLatin1String("status"))
            .toString();
    };
    if (!QTest::qWaitFor([&] { return status() == QLatin1String("indexed"); }, kWorkMs)) {
        qWarning().noquote() << "source" << filename << "is" << status() << "rather than indexed";
        return {};
    }
    return id;
}

void TestRemoteConsole::tenantsCreateSuspendAndRevoke()
{
    TenantsPanel panel(*m_client);
    QAbstractItemModelTester tenantsTester(panel.tenantsModel(), kFatal);
    QAbstractItemModelTester usersTester(panel.usersModel(), kFatal);
    QVERIFY(showAndWait(panel, kPanelSize));
    auto *error = child<QLabel>(panel, "tenantsError");
    auto *search = child<QLineEdit>(panel, "tenantsSearch");
    auto *tenants = child<QTableView>(panel, "tenantsTable");
    auto *newName = child<QLineEdit>(panel, "newTenantName");
    auto *create = child<QPushButton>(panel, "createTenantButton");
    auto *suspend = child<QPushButton>(panel, "suspendTenantButton");
    auto *users = child<QTableView>(panel, "usersTable");
    auto *revoke = child<QPushButton>(panel, "revokeUserButton");
    auto *restore = child<QPushButton>(panel, "restoreUserButton");
    QVERIFY(error && search && tenants && newName && create && suspend && users && revoke && restore);
    QTRY_VERIFY_WITH_TIMEOUT(!panel.tenantsModel()->isLoading(), kAnswerMs);
    QVERIFY2(error->isHidden(), qPrintable(error->text()));

    // Create: the row appears, and the daemon has the tenant.
    QTest::keyClicks(newName, kTenant);
    QTest::mouseClick(create, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(rowWithText(tenants->model(), kTenant) >= 0, kAnswerMs);
    QCOMPARE(newName->text(), QString());
    QCOMPARE(cellText(tenants, kTenant, TenantsModel::Status), QStringLiteral("active"));
    const auto statusOnServer = [this] {
        const ApiReply listed = api("GET", QStringLiteral("/api/v1/admin/tenants?search=Remote%20Acme"));
        return findByField(listed.object().value(QLatin1String("items")).toArray(), QStringLiteral("name"), kTenant)
            .value(QLatin1String("status"))
            .toString();
    };
    QCOMPARE(statusOnServer(), QStringLiteral("active"));

    // Suspend and reactivate: the row changes in place, and so does the daemon.
    clickRow(tenants, rowWithText(tenants->model(), kTenant));
    QTRY_VERIFY(suspend->isEnabled());
    QCOMPARE(suspend->text(), QStringLiteral("Suspend…"));
    QTest::mouseClick(suspend, Qt::LeftButton);
    QVERIFY(confirmAction(panel, QStringLiteral("confirmSuspendTenant")));
    QTRY_COMPARE_WITH_TIMEOUT(cellText(tenants, kTenant, TenantsModel::Status), QStringLiteral("suspended"), kAnswerMs);
    QCOMPARE(suspend->text(), QStringLiteral("Reactivate"));
    QCOMPARE(statusOnServer(), QStringLiteral("suspended"));
    QTest::mouseClick(suspend, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(cellText(tenants, kTenant, TenantsModel::Status), QStringLiteral("active"), kAnswerMs);
    QCOMPARE(suspend->text(), QStringLiteral("Suspend…"));
    QCOMPARE(statusOnServer(), QStringLiteral("active"));

    // Someone signs up on the daemon; the panel finds their tenant and them.
    const QString email = QStringLiteral("ada@engines.test");
    const ApiReply signup = httpCall(m_base, "POST", QStringLiteral("/api/v1/auth/signup"),
                                     QJsonObject{{QStringLiteral("email"), email},
                                                 {QStringLiteral("password"), QStringLiteral("correct horse battery")},
                                                 {QStringLiteral("tenant_name"), QStringLiteral("Analytical Engines")}},
                                     {});
    QVERIFY2(signup.status == 201, qPrintable(signup.describe()));
    const QString token = signup.object().value(QLatin1String("access_token")).toString();
    QVERIFY(!token.isEmpty());
    const auto me = [&] { return httpCall(m_base, "GET", QStringLiteral("/api/v1/auth/me"), kNoBody, token).status; };
    QCOMPARE(me(), 200);

    QTest::keyClicks(search, QStringLiteral("analytical"));
    QTRY_COMPARE_WITH_TIMEOUT(panel.tenantsModel()->search(), QStringLiteral("analytical"), kAnswerMs);
    QTRY_VERIFY_WITH_TIMEOUT(!panel.tenantsModel()->isLoading(), kAnswerMs);
    QCOMPARE(tenants->model()->rowCount(), 1);
    QCOMPARE(tenants->model()->index(0, TenantsModel::Name).data().toString(), QStringLiteral("Analytical Engines"));
    QCOMPARE(tenants->model()->index(0, TenantsModel::Users).data().toString(), QStringLiteral("1"));
    clickRow(tenants, 0);
    QTRY_COMPARE_WITH_TIMEOUT(users->model()->rowCount(), 1, kAnswerMs);
    QCOMPARE(cellText(users, email, UsersModel::State), QStringLiteral("active"));

    // Revoke: the row says so, and the token they hold is refused on their next call; restore lets them sign in again.
    clickRow(users, 0);
    QTRY_VERIFY(revoke->isEnabled());
    QVERIFY(!restore->isEnabled());
    QTest::mouseClick(revoke, Qt::LeftButton);
    QVERIFY(confirmAction(panel, QStringLiteral("confirmRevokeUser")));
    QTRY_COMPARE_WITH_TIMEOUT(cellText(users, email, UsersModel::State), QStringLiteral("revoked"), kAnswerMs);
    QVERIFY(!revoke->isEnabled());
    QVERIFY(restore->isEnabled());
    QCOMPARE(me(), 401);
    QTest::mouseClick(restore, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(cellText(users, email, UsersModel::State), QStringLiteral("active"), kAnswerMs);
    QVERIFY(revoke->isEnabled());
    // Restored: they may sign in again; the session the revocation ended stays ended (issue #12).
    QCOMPARE(me(), 401);
    const ApiReply login = httpCall(m_base, "POST", QStringLiteral("/api/v1/auth/login"),
                                    QJsonObject{{QStringLiteral("email"), email},
                                                {QStringLiteral("password"), QStringLiteral("correct horse battery")}},
                                    {});
    QVERIFY2(login.status == 200, qPrintable(login.describe()));
    QCOMPARE(httpCall(m_base, "GET", QStringLiteral("/api/v1/auth/me"), kNoBody,
                      login.object().value(QLatin1String("access_token")).toString())
                 .status,
             200);
    QVERIFY2(error->isHidden(), qPrintable(error->text()));
}

void TestRemoteConsole::twinsCreateAndShowTheGraph()
{
    const QString tenant = tenantId(kTenant);
    QVERIFY(!tenant.isEmpty());

    TwinsPanel panel(*m_client);
    QAbstractItemModelTester modelTester(panel.twinsModel(), kFatal);
    QAbstractItemModelTester proxyTester(panel.twinsProxy(), kFatal);
    QVERIFY(showAndWait(panel, kPanelSize));
    auto *picker = child<QComboBox>(panel, "twinsTenant");
    auto *table = child<QTableView>(panel, "twinsTable");
    auto *newName = child<QLineEdit>(panel, "newTwinName");
    auto *create = child<QPushButton>(panel, "createTwinButton");
    auto *summary = child<QLabel>(panel, "twinGraphSummary");
    auto *refresh = child<QPushButton>(panel, "refreshGraphButton");
    auto *error = child<QLabel>(panel, "twinsError");
    QVERIFY(picker && table && newName && create && summary && refresh && error);

    QVERIFY2(pickOnceListed(picker, tenant), qPrintable(tenant));
    QCOMPARE(picker->currentText(), kTenant);
    QTRY_COMPARE(panel.twinsModel()->tenantId(), tenant);
    QTRY_VERIFY_WITH_TIMEOUT(!panel.twinsModel()->isLoading(), kAnswerMs);

    // Create: the row appears and is selected; the daemon has the twin in that tenant.
    const QString name = QStringLiteral("Pump station");
    QVERIFY(rowWithText(table->model(), name) < 0);
    QTest::keyClicks(newName, name);
    QVERIFY(create->isEnabled());
    QTest::mouseClick(create, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(rowWithText(table->model(), name) >= 0, kAnswerMs);
    QCOMPARE(newName->text(), QString());
    QTRY_VERIFY(!panel.selectedTwinId().isEmpty());
    const QString twin = panel.selectedTwinId();
    const ApiReply fetched = api("GET", QStringLiteral("/api/v1/twins/%1").arg(twin), kNoBody, tenant);
    QVERIFY2(fetched.status == 200, qPrintable(fetched.describe()));
    QCOMPARE(fetched.object().value(QLatin1String("name")).toString(), name);
    QCOMPARE(fetched.object().value(QLatin1String("tenant_id")).toString(), tenant);

    // A fresh twin's graph is empty.
    QTRY_VERIFY2_WITH_TIMEOUT(summary->text().startsWith(QLatin1String("0 nodes, 0 edges")),
                              qPrintable(summary->text()), kAnswerMs);

    // Index a source into it and chat about it on the daemon; its workers extract the graph, and the summary,
    // refreshed like a user would, shows what the daemon's graph route says.
    QVERIFY(!indexedSource(tenant, twin, QStringLiteral("plant.md"),
                           QStringLiteral("# Ada Lovelace\n\nAda Lovelace worked with Charles Babbage on the "
                                          "Analytical Engine. Ada Lovelace wrote the first published algorithm.\n\n"
                                          "Charles Babbage founded the Analytical Society in Cambridge."))
                 .isEmpty());
    const ApiReply chat
        = api("POST", QStringLiteral("/api/v1/twins/%1/chat").arg(twin),
              QJsonObject{{QStringLiteral("message"), QStringLiteral("Who worked with Charles Babbage?")}}, tenant);
    QVERIFY2(chat.status == 200, qPrintable(chat.describe()));
    const QRegularExpression filled(QStringLiteral("^([1-9]\\d*) nodes, (\\d+) edges\\nTop nodes by degree: .+"));
    QTRY_VERIFY2_WITH_TIMEOUT(
        [&] {
            if (filled.match(summary->text()).hasMatch())
                return true;
            if (!summary->text().startsWith(QLatin1String("Loading")))
                refresh->click();
            return false;
        }(),
        qPrintable(summary->text()), kWorkMs);
    const QRegularExpressionMatch shown = filled.match(summary->text());
    const QJsonObject graph
        = api("GET", QStringLiteral("/api/v1/twins/%1/graph?limit=1000").arg(twin), kNoBody, tenant).object();
    QCOMPARE(shown.captured(1).toInt(), graph.value(QLatin1String("nodes")).toArray().size());
    QCOMPARE(shown.captured(2).toInt(), graph.value(QLatin1String("edges")).toArray().size());
    QVERIFY2(error->isHidden(), qPrintable(error->text()));
}

void TestRemoteConsole::sourcesUploadApproveRejectAndDelete()
{
    const QString tenant = tenantId(kTenant);
    QVERIFY(!tenant.isEmpty());
    const QString twin = twinId(tenant, QStringLiteral("Manuals"));
    QVERIFY(!twin.isEmpty());
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString manual = writeFile(dir, QStringLiteral("manual.md"), kPumpManual);
    const QString spam = writeFile(dir, QStringLiteral("spam.txt"), "Buy now!\n");
    QVERIFY(!manual.isEmpty() && !spam.isEmpty());

    SourcesPanel panel(*m_client);
    QAbstractItemModelTester modelTester(panel.sourcesModel(), kFatal);
    QAbstractItemModelTester proxyTester(panel.sourcesProxy(), kFatal);
    QVERIFY(showAndWait(panel, kPanelSize));
    auto *tenantPicker = child<QComboBox>(panel, "sourcesTenant");
    auto *twinPicker = child<QComboBox>(panel, "sourcesTwin");
    auto *table = child<QTableView>(panel, "sourcesTable");
    auto *approve = child<QPushButton>(panel, "approveSourcesButton");
    auto *reject = child<QPushButton>(panel, "rejectSourceButton");
    auto *health = child<QLabel>(panel, "sourceHealth");
    auto *error = child<QLabel>(panel, "sourcesError");
    QVERIFY(tenantPicker && twinPicker && table && approve && reject && health && error);

    QVERIFY2(pickOnceListed(tenantPicker, tenant), qPrintable(tenant));
    QVERIFY2(pickOnceListed(twinPicker, twin), qPrintable(twin));
    QCOMPARE(twinPicker->currentText(), QStringLiteral("Manuals"));
    QTRY_COMPARE(panel.sourcesModel()->twinId(), twin);
    QTRY_VERIFY_WITH_TIMEOUT(!panel.sourcesModel()->isLoading(), kAnswerMs);

    for (const QString &path : {manual, spam}) {
        panel.uploadFile(path);
        QTRY_COMPARE_WITH_TIMEOUT(cellText(table, path.section(u'/', -1), SourcesModel::Status),
                                  QStringLiteral("pending"), kAnswerMs);
    }
    const auto onServer = [&](const QString &filename) {
        const ApiReply listed = api("GET", QStringLiteral("/api/v1/twins/%1/sources").arg(twin), kNoBody, tenant);
        return findByField(listed.object().value(QLatin1String("items")).toArray(), QStringLiteral("filename"),
                           filename);
    };
    QCOMPARE(onServer(QStringLiteral("manual.md")).value(QLatin1String("status")).toString(),
             QStringLiteral("pending"));

    // Approve: the daemon's workers index it; the row and the health detail follow, and agree with the daemon.
    clickRow(table, rowWithText(table->model(), QStringLiteral("manual.md")));
    QTRY_VERIFY(approve->isEnabled());
    QTest::mouseClick(approve, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(cellText(table, QStringLiteral("manual.md"), SourcesModel::Status),
                              QStringLiteral("indexed"), kWorkMs);
    const int chunks = cellText(table, QStringLiteral("manual.md"), SourcesModel::Chunks).toInt();
    QVERIFY(chunks > 0);
    QTRY_VERIFY2_WITH_TIMEOUT(health->text().contains(QLatin1String("State: indexed"))
                                  && health->text().contains(QStringLiteral("Chunks: %1").arg(chunks)),
                              qPrintable(health->text()), kAnswerMs);
    QVERIFY(health->text().contains(QLatin1String("Last error: none")));
    const QJsonObject indexed = onServer(QStringLiteral("manual.md"));
    QCOMPARE(indexed.value(QLatin1String("status")).toString(), QStringLiteral("indexed"));
    QCOMPARE(indexed.value(QLatin1String("chunk_count")).toInt(), chunks);

    // Reject the other.
    clickRow(table, rowWithText(table->model(), QStringLiteral("spam.txt")));
    QTRY_VERIFY(reject->isEnabled());
    QTest::mouseClick(reject, Qt::LeftButton);
    QVERIFY(confirmAction(panel, QStringLiteral("confirmRejectSource")));
    QTRY_COMPARE_WITH_TIMEOUT(cellText(table, QStringLiteral("spam.txt"), SourcesModel::Status),
                              QStringLiteral("rejected"), kAnswerMs);
    QCOMPARE(onServer(QStringLiteral("spam.txt")).value(QLatin1String("status")).toString(),
             QStringLiteral("rejected"));
    QVERIFY2(error->isHidden(), qPrintable(error->text()));

    // Delete it (from the row's context menu, asked first): gone from the table and from the daemon.
    contextMenu(table, rowWithText(table->model(), QStringLiteral("spam.txt")), QStringLiteral("Delete…"));
    QVERIFY(confirmAction(panel, QStringLiteral("confirmDeleteSource")));
    QTRY_COMPARE_WITH_TIMEOUT(rowWithText(table->model(), QStringLiteral("spam.txt")), -1, kAnswerMs);
    QVERIFY(onServer(QStringLiteral("spam.txt")).isEmpty());
    QTRY_VERIFY2(error->text() == QStringLiteral("The source \"spam.txt\" was deleted."), qPrintable(error->text()));
}

void TestRemoteConsole::jobsShowIndexingAndRetryAFailure()
{
    const QString tenant = tenantId(kTenant);
    QVERIFY(!tenant.isEmpty());
    const QString twin = twinId(tenant, QStringLiteral("Queue"));
    QVERIFY(!twin.isEmpty());
    QVERIFY(!indexedSource(tenant, twin, QStringLiteral("queue.md"),
                           QStringLiteral("# Queue\n\nThe boiler heats the turbine. The turbine drives the generator."))
                 .isEmpty());

    // A job this build cannot run, enqueued into the daemon's database by another process (as a newer twinopsd
    // sharing it would); the daemon's workers take it and discard it with an error.
    {
        auto db = Database::open(DatabaseUrl::sqliteFile(m_databaseFile));
        TWINOPS_VERIFY_OK(db);
        NewJob job;
        job.type = kUnknownJobType;
        job.tenantId = tenant;
        job.twinId = twin;
        job.payload = QJsonObject{{QStringLiteral("marker"), QStringLiteral("from-a-newer-build")}};
        job.idempotencyKey = QStringLiteral("remote-console-unknown");
        job.maxAttempts = 3;
        TWINOPS_VERIFY_OK(JobQueue(**db).enqueue(job));
    }
    const QString byTwin = QStringLiteral("/api/v1/admin/jobs?twin_id=") + twin;
    const auto jobsOnServer = [&](const QString &state) {
        return api("GET", byTwin + QStringLiteral("&state=") + state).object().value(QLatin1String("items")).toArray();
    };
    QTRY_COMPARE_WITH_TIMEOUT(jobsOnServer(QStringLiteral("discarded")).size(), 1, kWorkMs);
    const QString failedId
        = jobsOnServer(QStringLiteral("discarded")).first().toObject().value(QLatin1String("id")).toString();

    JobsPanel panel(*m_client);
    QAbstractItemModelTester tester(panel.model(), kFatal);
    QVERIFY(showAndWait(panel, kPanelSize));
    auto *table = child<QTableView>(panel, "jobsTable");
    auto *state = child<QTabBar>(panel, "jobsStateTabs");
    auto *twinFilter = child<QLineEdit>(panel, "jobsTwin");
    auto *apply = child<QPushButton>(panel, "applyJobsFilter");
    auto *counts = child<QLabel>(panel, "jobsCounts");
    auto *detail = child<QTextBrowser>(panel, "jobDetail");
    auto *retry = child<QPushButton>(panel, "retryJobsButton");
    auto *status = child<QLabel>(panel, "jobsStatus");
    auto *error = child<QLabel>(panel, "jobsError");
    QVERIFY(table && state && twinFilter && apply && counts && detail && retry && status && error);

    // This twin's jobs: the indexing job completed, the unknown one discarded.
    twinFilter->setText(twin);
    QTest::keyClick(twinFilter, Qt::Key_Return);
    QCOMPARE(panel.model()->filter().twinId, twin);
    QTRY_VERIFY_WITH_TIMEOUT(!panel.model()->isLoading(), kAnswerMs);
    QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 2, kAnswerMs);
    QCOMPARE(cellText(table, jobtypes::sourceIndex, JobsModel::State), QStringLiteral("completed"));
    QCOMPARE(cellText(table, kUnknownJobType, JobsModel::State), QStringLiteral("discarded"));
    QTRY_VERIFY2_WITH_TIMEOUT(counts->text().startsWith(QLatin1String("2 matching")), qPrintable(counts->text()),
                              kAnswerMs);
    // The per-state counts are those of the jobs matching the filter, as the daemon counts them.
    const QJsonObject stats = api("GET", QStringLiteral("/api/v1/admin/jobs/stats?twin_id=") + twin)
                                  .object()
                                  .value(QLatin1String("counts"))
                                  .toObject();
    QCOMPARE(stats.value(QLatin1String("discarded")).toInt(-1), 1);
    QCOMPARE(stats.value(QLatin1String("completed")).toInt(-1), 1);
    QTRY_VERIFY2_WITH_TIMEOUT(counts->text().contains(QLatin1String("completed: 1"))
                                  && counts->text().contains(QLatin1String("discarded: 1")),
                              qPrintable(counts->text()), kAnswerMs);

    // Filtered by state.
    QVERIFY(clickTab(state, QStringLiteral("completed")));
    QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 1, kAnswerMs);
    QTRY_VERIFY_WITH_TIMEOUT(table->model()->index(0, JobsModel::Type).data().toString() == jobtypes::sourceIndex,
                             kAnswerMs);
    QCOMPARE(table->model()->index(0, JobsModel::State).data().toString(), QStringLiteral("completed"));
    QVERIFY(clickTab(state, QStringLiteral("discarded")));
    QTRY_VERIFY_WITH_TIMEOUT(table->model()->rowCount() == 1
                                 && table->model()->index(0, JobsModel::Type).data().toString() == kUnknownJobType,
                             kAnswerMs);

    // The failed job's detail: discarded after one attempt, with the daemon's failure line.
    clickRow(table, 0);
    QTRY_VERIFY2_WITH_TIMEOUT(detail->toPlainText().contains(QLatin1String("Log lines (")),
                              qPrintable(detail->toPlainText()), kAnswerMs);
    const QString notRetried = QStringLiteral("; not retried"); // the end of a final failure's log line
    QVERIFY2(detail->toPlainText().contains(QLatin1String("State: discarded")), qPrintable(detail->toPlainText()));
    QVERIFY(detail->toPlainText().contains(QLatin1String("Attempts: 1 of 3")));
    QCOMPARE(detail->toPlainText().count(notRetried), 1);
    const QString noHandler = QStringLiteral("no handler for job type %1 in this build").arg(kUnknownJobType);
    // The reason, not just "Validation failed": the stored error and the log line carry the field's problem.
    QVERIFY2(detail->toPlainText().contains(QStringLiteral("Last error: Validation failed (type: %1)").arg(noHandler)),
             qPrintable(detail->toPlainText()));
    QVERIFY2(detail->toPlainText().contains(QRegularExpression(
                 QStringLiteral("failed after [0-9.]+ s: %1")
                     .arg(QRegularExpression::escape(QStringLiteral("Validation failed (type: %1)").arg(noHandler))))),
             qPrintable(detail->toPlainText()));

    // Retry: the row shows the state the daemon gave it, in place.
    QVERIFY(retry->isEnabled());
    QTest::mouseClick(retry, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(table->model()->index(0, JobsModel::State).data().toString(), QStringLiteral("available"),
                              kAnswerMs);
    QCOMPARE(table->model()->rowCount(), 1);
    QCOMPARE(table->model()->index(0, JobsModel::Attempt).data(JobsModel::RawRole).toInt(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QLatin1String("1 job(s) retried")), kAnswerMs);

    // The daemon's workers ran it again, and it failed again (this build still has no handler for it).
    const auto logsOnServer = [&] {
        QStringList lines;
        const QJsonArray items = api("GET", QStringLiteral("/api/v1/admin/jobs/%1/logs").arg(failedId))
                                     .object()
                                     .value(QLatin1String("items"))
                                     .toArray();
        for (const QJsonValue &line : items)
            lines << line.toObject().value(QLatin1String("message")).toString();
        return lines;
    };
    QTRY_COMPARE_WITH_TIMEOUT(logsOnServer().filter(notRetried).size(), 2, kWorkMs);
    QVERIFY2(!logsOnServer().filter(QStringLiteral("manual retry by")).isEmpty(),
             qPrintable(logsOnServer().join(u'\n')));
    QTRY_COMPARE_WITH_TIMEOUT(jobsOnServer(QStringLiteral("discarded")).size(), 1, kWorkMs);

    // Asking again, the user sees the second failure and the retry in the log lines.
    QTest::mouseClick(apply, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(table->model()->rowCount() == 1
                                 && table->model()->index(0, JobsModel::State).data().toString()
                                     == QLatin1String("discarded"),
                             kAnswerMs);
    clickRow(table, 0);
    QTRY_VERIFY2_WITH_TIMEOUT(detail->toPlainText().count(notRetried) == 2, qPrintable(detail->toPlainText()),
                              kAnswerMs);
    QVERIFY(detail->toPlainText().contains(QLatin1String("manual retry by")));
    QVERIFY2(error->isHidden(), qPrintable(error->text()));
}

void TestRemoteConsole::checklistRunsAgainstTheServerItself()
{
    ChecklistsPanel panel(*m_client, QString()); // a remote environment checks itself
    auto *run = child<QPushButton>(panel, "runChecklistButton");
    auto *picker = child<QComboBox>(panel, "checklistPicker");
    auto *target = child<QLineEdit>(panel, "checkTarget");
    auto *status = child<QLabel>(panel, "checklistStatus");
    auto *progress = child<QProgressBar>(panel, "checklistProgress");
    auto *error = child<QLabel>(panel, "checklistsError");
    auto *results = child<QTableView>(panel, "checklistResults");
    auto *evidence = child<QPlainTextEdit>(panel, "checkEvidence");
    auto *tickStatus = child<QComboBox>(panel, "tickStatus");
    auto *tickNote = child<QLineEdit>(panel, "tickNote");
    auto *tick = child<QPushButton>(panel, "tickItemButton");
    QVERIFY(run && picker && target && status && progress && error && results && evidence && tickStatus && tickNote
            && tick);
    ChecklistRunModel *model = panel.runModel();
    const auto shownIndex
        = [&](const QString &id) { return panel.resultsProxy()->mapFromSource(model->indexOfItem(id)); };
    QAbstractItemModelTester runTester(model, kFatal);
    QAbstractItemModelTester runsTester(panel.runsModel(), kFatal);
    QVERIFY(showAndWait(panel, kPanelSize));
    QTRY_VERIFY_WITH_TIMEOUT(run->isEnabled(), kAnswerMs);
    QCOMPARE(picker->currentData().toString(), QStringLiteral("staging"));
    QVERIFY(target->text().isEmpty());

    // Run: the progress follows the daemon through every automated item to the end.
    QSignalSpy progressed(progress, &QProgressBar::valueChanged);
    QTest::mouseClick(run, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!model->runId().isEmpty(), kAnswerMs);
    const QString runId = model->runId();
    QTRY_VERIFY2_WITH_TIMEOUT(status->text().contains(QLatin1String(": passed")), qPrintable(status->text()), kWorkMs);
    QVERIFY(progress->maximum() > 0);
    QCOMPARE(progress->value(), progress->maximum());
    QVERIFY(!progressed.isEmpty());
    QVERIFY2(error->isHidden(), qPrintable(error->text()));
    const ApiReply stored = api("GET", QStringLiteral("/api/v1/admin/checks/runs/%1").arg(runId));
    QCOMPARE(stored.status, 200);
    QCOMPARE(stored.object().value(QLatin1String("status")).toString(), QStringLiteral("passed"));
    const QJsonArray items = stored.object().value(QLatin1String("results")).toArray();
    QCOMPARE(model->rowCount(), int(items.size()));
    // It checked the daemon, at the address the console reached it on.
    QCOMPARE(QUrl(stored.object().value(QLatin1String("target")).toString()).port(), int(m_daemon->port()));

    // The evidence of an automated item: what the daemon measured, as JSON.
    clickIndex(results, shownIndex(QStringLiteral("health")));
    const QJsonObject shown = shownEvidence(evidence->toPlainText());
    QVERIFY2(!shown.isEmpty(), qPrintable(evidence->toPlainText()));
    QCOMPARE(shown,
             findByField(items, QStringLiteral("item_id"), QStringLiteral("health"))
                 .value(QLatin1String("evidence"))
                 .toObject());
    QVERIFY(!tick->isEnabled());

    // Tick a manual item with a note: stored on the daemon, under the admin key that did it.
    const QString note = QStringLiteral("remote logs clean since start");
    const QModelIndex startupLogs = model->indexOfItem(QStringLiteral("startup-logs"));
    QVERIFY(startupLogs.isValid());
    clickIndex(results, shownIndex(QStringLiteral("startup-logs")));
    QVERIFY(tick->isEnabled());
    tickStatus->setCurrentIndex(tickStatus->findData(QStringLiteral("pass")));
    QTest::keyClicks(tickNote, note);
    QTest::mouseClick(tick, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(
        model->index(startupLogs.row(), ChecklistRunModel::Status).data(ChecklistRunModel::RawValueRole).toString(),
        QStringLiteral("pass"), kAnswerMs);
    QVERIFY(tickNote->text().isEmpty());
    const QJsonObject ticked = findByField(api("GET", QStringLiteral("/api/v1/admin/checks/runs/%1").arg(runId))
                                               .object()
                                               .value(QLatin1String("results"))
                                               .toArray(),
                                           QStringLiteral("item_id"), QStringLiteral("startup-logs"));
    QCOMPARE(ticked.value(QLatin1String("status")).toString(), QStringLiteral("pass"));
    QCOMPARE(ticked.value(QLatin1String("note")).toString(), note);
    QVERIFY2(ticked.value(QLatin1String("checked_by")).toString().startsWith(QLatin1String("api-key ")),
             qPrintable(ticked.value(QLatin1String("checked_by")).toString()));

    // Export as Markdown, as the daemon renders it.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QSignalSpy exported(&panel, &ChecklistsPanel::exportFinished);
    const QString path = dir.filePath(QStringLiteral("remote-run.md"));
    panel.exportTo(path, ChecklistsPanel::Format::Markdown);
    QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 1, kAnswerMs);
    QCOMPARE(exported.at(0).at(1).toBool(), true);
    QFile markdown(path);
    QVERIFY(markdown.open(QIODevice::ReadOnly));
    const QByteArray report = markdown.readAll();
    QVERIFY2(report.startsWith("# Staging deployment: passed"), report.left(200).constData());
    QVERIFY(report.contains(note.toUtf8()));
    QCOMPARE(report, api("GET", QStringLiteral("/api/v1/admin/checks/runs/%1?format=markdown").arg(runId)).body);
}

void TestRemoteConsole::dashboardsFollowLiveTraffic()
{
    DashboardsPanel panel(*m_client);
    MetricsSeriesModel *model = panel.model();
    QAbstractItemModelTester tester(model, kFatal);
    model->setPollInterval(std::chrono::milliseconds(200));
    QVERIFY(showAndWait(panel, kPanelSize));
    QVERIFY(model->isActive());
    auto *range = child<QComboBox>(panel, "dashboardRange");
    auto *error = child<QLabel>(panel, "dashboardsError");
    QVERIFY(range && error);
    QCOMPARE(range->currentIndex(), 0); // live

    // Traffic on the daemon while the panel polls it. The console's own polls count too, but never as 401s.
    const auto traffic = [this] {
        QCOMPARE(httpCall(m_base, "GET", QStringLiteral("/health"), kNoBody, {}).status, 200);
        QCOMPARE(httpCall(m_base, "GET", QStringLiteral("/api/v1/twins"), kNoBody, {}).status, 401);
    };
    QTRY_VERIFY_WITH_TIMEOUT((traffic(),
                              highest(chartSeries(panel, "requestsChart", QStringLiteral("requests/s"))) > 0
                                  && highest(chartSeries(panel, "authChart", QStringLiteral("401/s"))) > 0),
                             kWorkMs);
    bool sawUnauthorized = false;
    for (int row = 0; row < model->rowCount(); ++row)
        sawUnauthorized |= model->index(row, MetricsSeriesModel::UnauthorizedPerSecond).data().toDouble() > 0;
    QVERIFY(sawUnauthorized);
    QVERIFY2(error->isHidden(), qPrintable(error->text()));

    // The daemon counted the refusals the chart shows.
    const QString scraped = QString::fromUtf8(httpCall(m_base, "GET", QStringLiteral("/metrics"), kNoBody, {}).body);
    const QRegularExpression refused(
        QStringLiteral("^twinops_http_requests_total\\{[^}]*status=\"401\"[^}]*\\} ([1-9]\\d*)"),
        QRegularExpression::MultilineOption);
    QVERIFY2(refused.match(scraped).hasMatch(), qPrintable(scraped.left(3000)));

    // The instance the history describes by default is the daemon's, as its /health names it.
    const QString daemon = QJsonDocument::fromJson(httpCall(m_base, "GET", QStringLiteral("/health"), kNoBody, {}).body)
                               .object()
                               .value(QStringLiteral("instance"))
                               .toString();
    QVERIFY(!daemon.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(model->connectedInstance(), daemon, kAnswerMs);
    QVERIFY(child<QLabel>(panel, "dashboardsCoverage")->text().contains(daemon));

    // The route picker lists the daemon's routes.
    auto *route = child<QComboBox>(panel, "latencyRoute");
    QVERIFY(route);
    QTRY_VERIFY_WITH_TIMEOUT(route->findData(QStringLiteral("/health")) > 0, kAnswerMs);

    panel.hide();
    QVERIFY(!model->isActive());
}

void TestRemoteConsole::wrongAdminKeyIsSaidInWords()
{
    // The right key's prefix with another secret: what a mistyped or rotated key looks like.
    QString wrongKey = m_adminKey;
    wrongKey.chop(4);
    wrongKey += m_adminKey.endsWith(QLatin1String("AAAA")) ? QStringLiteral("BBBB") : QStringLiteral("AAAA");
    const ApiReply refused = httpCall(m_base, "GET", QStringLiteral("/api/v1/admin/tenants"), kNoBody, wrongKey);
    QCOMPARE(refused.status, 401);
    const QString message
        = refused.object().value(QLatin1String("error")).toObject().value(QLatin1String("message")).toString();
    QVERIFY(!message.isEmpty());

    const QUrl baseUrl = m_base;
    AdminClient wrong(QStringLiteral("staging (wrong key)"),
                      [baseUrl, wrongKey] { return std::make_unique<HttpAdminApi>(baseUrl, wrongKey); });
    TenantsPanel tenants(wrong);
    QVERIFY(showAndWait(tenants, kPanelSize));
    auto *error = child<QLabel>(tenants, "tenantsError");
    auto *table = child<QTableView>(tenants, "tenantsTable");
    QVERIFY(error && table);
    QTRY_VERIFY_WITH_TIMEOUT(error->isVisible(), kAnswerMs);
    QCOMPARE(error->text(), message); // the daemon's own words for the 401
    QVERIFY2(error->text().contains(QLatin1String("API key"), Qt::CaseInsensitive), qPrintable(error->text()));
    QCOMPARE(table->model()->rowCount(), 0);

    // The other panels refuse just as plainly, and nothing falls over.
    JobsPanel jobs(wrong);
    QVERIFY(showAndWait(jobs, kPanelSize));
    auto *jobsError = child<QLabel>(jobs, "jobsError");
    QVERIFY(jobsError);
    QTRY_VERIFY_WITH_TIMEOUT(jobsError->isVisible(), kAnswerMs);
    QVERIFY2(jobsError->text().contains(message), qPrintable(jobsError->text()));
    TwinsPanel twins(wrong);
    QVERIFY(showAndWait(twins, kPanelSize));
    auto *twinsError = child<QLabel>(twins, "twinsError");
    QVERIFY(twinsError);
    QTRY_VERIFY_WITH_TIMEOUT(twinsError->isVisible(), kAnswerMs);
    QVERIFY2(twinsError->text().contains(message), qPrintable(twinsError->text()));
    QCOMPARE(child<QComboBox>(twins, "twinsTenant")->count(), 0);
}

void TestRemoteConsole::stoppedDaemonIsSaidInWordsAndRecovers()
{
    QVERIFY(m_daemon && m_daemon->running());
    const quint16 port = m_daemon->port();
    TenantsPanel panel(*m_client); // the session's environment, used by every test above
    QAbstractItemModelTester tester(panel.tenantsModel(), kFatal);
    QVERIFY(showAndWait(panel, kPanelSize));
    auto *error = child<QLabel>(panel, "tenantsError");
    auto *search = child<QLineEdit>(panel, "tenantsSearch");
    auto *table = child<QTableView>(panel, "tenantsTable");
    QVERIFY(error && search && table);
    QTRY_VERIFY_WITH_TIMEOUT(rowWithText(table->model(), kTenant) >= 0, kAnswerMs);
    QVERIFY(error->isHidden());

    // The daemon goes away; the next search says so in words.
    QVERIFY2(m_daemon->stop(), qPrintable(m_daemon->describe()));
    QTest::keyClicks(search, QStringLiteral("Remote"));
    QTest::keyClick(search, Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(error->isVisible(), kAnswerMs);
    QVERIFY2(error->text().contains(QLatin1String("refused"), Qt::CaseInsensitive), qPrintable(error->text()));
    QTRY_VERIFY_WITH_TIMEOUT(!panel.tenantsModel()->isLoading(), kAnswerMs);
    QCOMPARE(table->model()->rowCount(), 0);

    // Back on the same port: Enter asks again, the same session works, and the old error goes.
    QVERIFY2(startDaemon(port, QStringLiteral("remote-restarted.log")), qPrintable(m_daemon->describe()));
    QCOMPARE(m_daemon->port(), port);
    QTest::keyClick(search, Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(rowWithText(table->model(), kTenant) >= 0, kAnswerMs);
    QTRY_VERIFY_WITH_TIMEOUT(!panel.tenantsModel()->isLoading(), kAnswerMs);
    QVERIFY2(error->isHidden(), qPrintable(error->text()));
}

QTEST_MAIN(TestRemoteConsole)
#include "tst_remoteconsole.moc"
