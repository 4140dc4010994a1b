// The console's main window under the offscreen platform, driven by clicks like a user would.
#include "admin/inprocessadminapi.h"
#include "auth/secretstore.h"
#include "checks/apiclient.h"
#include "config/consolesettings.h"
#include "daemon.h"
#include "jobspanel.h"
#include "keychaintesting.h"
#include "mainwindow.h"
#include "servicecore.h"

#include <QAbstractItemModel>
#include <QDBusConnection>
#include <QLabel>
#include <QListWidget>
#include <QProcess>
#include <QStackedWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace twinops;

class TestMainWindow final : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void createsTheDatabaseOnFirstStart();
    void navigationShowsEverySection();
    void environmentsShowTheirOwnTenants();
    void withoutKeychainTheStatusSaysWhatToDo();
    void noKeychainChild();
    void jobLinksOpenTheirPanels();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ServiceCore> m_core;
};

void TestMainWindow::init()
{
    auto core = ServiceCore::start(CoreOptions{DatabaseUrl::sqliteFile(m_dir.filePath(QStringLiteral("console.db")))});
    QVERIFY2(core.ok(), core.ok() ? "" : qPrintable(core.error().message));
    m_core = std::move(core).value();
}

void TestMainWindow::cleanup()
{
    m_core.reset();
}

void TestMainWindow::createsTheDatabaseOnFirstStart()
{
    QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("console.db"))));
    auto rows = m_core->database().query(QStringLiteral("SELECT count(*) FROM schema_migrations"));
    QVERIFY(rows.ok());
    QVERIFY(rows->first().integer(0) >= 1);
}

void TestMainWindow::navigationShowsEverySection()
{
    MainWindow window(*m_core);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *navigation = window.findChild<QListWidget *>(QStringLiteral("navigation"));
    auto *panels = window.findChild<QStackedWidget *>(QStringLiteral("panels"));
    QVERIFY(navigation && panels);
    QCOMPARE(navigation->count(), int(MainWindow::SectionCount));

    const QStringList expected{QStringLiteral("Overview"),   QStringLiteral("Alerts"),     QStringLiteral("Tenants"),
                               QStringLiteral("Twins"),      QStringLiteral("Sources"),    QStringLiteral("Jobs"),
                               QStringLiteral("Dashboards"), QStringLiteral("Checklists"), QStringLiteral("Audit log"),
                               QStringLiteral("Settings")};
    for (int row = navigation->count() - 1; row >= 0; --row) {
        QListWidgetItem *item = navigation->item(row);
        QCOMPARE(item->text(), expected.at(row));
        const QRect rect = navigation->visualItemRect(item);
        QTest::mouseClick(navigation->viewport(), Qt::LeftButton, {}, rect.center());
        QTRY_COMPARE(panels->currentIndex(), row);
        QCOMPARE(panels->currentWidget()->objectName(),
                 QString(expected.at(row)).remove(u' ').toLower() + QStringLiteral("Panel"));
        QVERIFY(panels->currentWidget()->isVisible());
    }
    QCOMPARE(window.currentSection(), MainWindow::Overview);
}

// The same panel, written once, shows Local (in process) and a remote twinopsd (over HTTP with an admin key).
void TestMainWindow::environmentsShowTheirOwnTenants()
{
    QTemporaryDir home;
    const QProcessEnvironment environment = test::daemonEnvironment(home.path(), QByteArray(32, 'r'));
    const QString database = QStringLiteral("sqlite://") + home.filePath(QStringLiteral("remote.db"));
    QByteArray key;
    QVERIFY(test::runTwinopsd({QStringLiteral("--database"), database, QStringLiteral("admin"),
                               QStringLiteral("create-key"), QStringLiteral("--name"), QStringLiteral("console")},
                              environment, &key));
    const QString adminKey = QString::fromLatin1(key.trimmed());
    test::Daemon remote;
    remote.start({QStringLiteral("--database"), database, QStringLiteral("serve"), QStringLiteral("--listen"),
                  QStringLiteral("127.0.0.1:0"), QStringLiteral("--workers"), QStringLiteral("0")},
                 environment, home.filePath(QStringLiteral("remote.log")));
    QVERIFY2(remote.waitUntilServing(20'000), qPrintable(remote.describe()));
    ApiClient client((QUrl(remote.baseUrl())));
    QCOMPARE(client
                 .post(QStringLiteral("/api/v1/admin/tenants"),
                       QJsonObject{{QStringLiteral("name"), QStringLiteral("Remote tenant")}}, adminKey)
                 .status,
             201);
    QCOMPARE(InProcessAdminApi(*m_core)
                 .call("POST", QStringLiteral("/api/v1/admin/tenants"),
                       QJsonObject{{QStringLiteral("name"), QStringLiteral("Local tenant")}})
                 .status,
             201);

    MainWindow window(*m_core);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.showSection(MainWindow::Tenants); // the first page is the Overview
    const auto tenantNames = [&window] {
        QStringList names;
        if (auto *table = window.findChild<QTableView *>(QStringLiteral("tenantsTable"))) {
            for (int row = 0; row < table->model()->rowCount(); ++row)
                names << table->model()->index(row, 0).data().toString();
        }
        return names;
    };
    QTRY_COMPARE(tenantNames(), QStringList{QStringLiteral("Local tenant")});

    window.addRemoteEnvironment(QStringLiteral("staging"), QUrl(remote.baseUrl()), adminKey);
    QTRY_COMPARE(tenantNames(), QStringList{QStringLiteral("Remote tenant")});
    window.selectEnvironment(0);
    QTRY_COMPARE(tenantNames(), QStringList{QStringLiteral("Local tenant")});
    QVERIFY2(remote.stop(), qPrintable(remote.describe()));
}

// Qt connects to the session bus once per process, so "no keychain" is a process of its own: this test binary
// again, with no bus address (the first start on a machine without a keyring).
void TestMainWindow::withoutKeychainTheStatusSaysWhatToDo()
{
    QByteArray output;
    QVERIFY2(test::passesWithoutSessionBus(*this, "noKeychainChild", {QStringLiteral("TWINOPS_JWT_SECRET")}, &output),
             output.constData());
}

void TestMainWindow::noKeychainChild()
{
    TWINOPS_SKIP_UNLESS_NO_BUS_CHILD(); // withoutKeychainTheStatusSaysWhatToDo runs it
    QVERIFY(!QDBusConnection::sessionBus().isConnected());
    MainWindow window(*m_core);
    window.show();
    ConsoleSettings settings = ConsoleSettings::defaults();
    settings.port = 1; // never reached: the secret is missing first
    window.startLocalApi(settings, std::make_shared<KeychainSecretStore>(QStringLiteral("TwinOps tests")));
    auto *status = window.findChild<QLabel *>(QStringLiteral("endpointLabel"));
    QVERIFY(status);
    QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QLatin1String("Local API off")), 30'000);
    // What happened and what to do, in words; the raw reason only in the tooltip.
    QVERIFY2(status->text().contains(QLatin1String("keyring is locked or not running")), qPrintable(status->text()));
    QVERIFY2(status->text().contains(QLatin1String("restart TwinOps")), qPrintable(status->text()));
    QVERIFY2(status->text().contains(QLatin1String("TWINOPS_JWT_SECRET")), qPrintable(status->text()));
    QVERIFY2(!status->text().contains(QLatin1String("D-Bus")), qPrintable(status->text()));
    QVERIFY2(status->toolTip().contains(QLatin1String("D-Bus")), qPrintable(status->toolTip()));
    QVERIFY(m_core->endpoint() == nullptr);
}

// The Jobs panel's links (its detail and context menu, driven in tst_jobspanel) open the panel of what a job
// belongs to.
void TestMainWindow::jobLinksOpenTheirPanels()
{
    MainWindow window(*m_core);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.showSection(MainWindow::Jobs);
    auto *jobs = window.findChild<JobsPanel *>();
    QVERIFY(jobs);
    const QString tenant = QStringLiteral("11111111-1111-4111-8111-111111111111");
    const QString twin = QStringLiteral("22222222-2222-4222-8222-222222222222");
    const QList<std::pair<QString, MainWindow::Section>> links{{QStringLiteral("tenant"), MainWindow::Tenants},
                                                               {QStringLiteral("twin"), MainWindow::Twins},
                                                               {QStringLiteral("source"), MainWindow::Sources},
                                                               {QStringLiteral("conversation"), MainWindow::Twins}};
    for (const auto &[kind, section] : links) {
        window.showSection(MainWindow::Jobs);
        emit jobs->openRequested(kind, twin, tenant, twin);
        QCOMPARE(window.currentSection(), section);
    }
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
