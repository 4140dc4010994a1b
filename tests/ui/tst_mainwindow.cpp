// The console's main window under the offscreen platform, driven by clicks like a user would.
#include "admin/inprocessadminapi.h"
#include "auth/secretstore.h"
#include "checks/apiclient.h"
#include "config/consolesettings.h"
#include "config/environmentstore.h"
#include "daemon.h"
#include "fakesecretstores.h"
#include "jobdetailview.h"
#include "jobs/jobqueue.h"
#include "jobspanel.h"
#include "keychaintesting.h"
#include "mainwindow.h"
#include "servicecore.h"
#include "sourcesmodel.h"
#include "sourcespanel.h"
#include "tenantsmodel.h"
#include "tenantspanel.h"
#include "testdatabase.h"
#include "twinsmodel.h"
#include "twinspanel.h"
#include "uitesting.h"

#include <QAbstractItemModel>
#include <QApplication>
#include <QComboBox>
#include <QDBusConnection>
#include <QDialog>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QProcess>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace twinops;
using namespace twinops::test;

class TestMainWindow final : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void createsTheDatabaseOnFirstStart();
    void navigationShowsEverySection();
    void environmentsShowTheirOwnTenants();
    void menusAndShortcutsReachThePanels();
    void findFocusesEveryPanelsSearch();
    void deleteOnSourcesAsksFirst();
    void layoutAndEnvironmentAreRemembered();
    void titleAndStatusBarShowTheEnvironmentsHealth();
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

// Ctrl+1…9 and Ctrl+0 switch sections; F5 refreshes and Del asks to delete on the shown panel, from the menu bar's
// actions.
void TestMainWindow::menusAndShortcutsReachThePanels()
{
    InProcessAdminApi api(*m_core);
    const AdminReply tenant = api.call("POST", QStringLiteral("/api/v1/admin/tenants"),
                                       QJsonObject{{QStringLiteral("name"), QStringLiteral("Acme")}});
    QCOMPARE(tenant.status, 201);
    const QString tenantId = tenant.body.value(QLatin1String("id")).toString();

    MainWindow window(*m_core);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QStringList menus;
    for (QAction *menu : window.menuBar()->actions())
        menus << menu->text().remove(u'&');
    QCOMPARE(
        menus,
        (QStringList{QStringLiteral("File"), QStringLiteral("Edit"), QStringLiteral("View"), QStringLiteral("Help")}));

    QTest::keyClick(&window, Qt::Key_5, Qt::ControlModifier);
    QTRY_COMPARE(window.currentSection(), MainWindow::Sources);
    QTest::keyClick(&window, Qt::Key_0, Qt::ControlModifier);
    QTRY_COMPARE(window.currentSection(), MainWindow::Settings);
    QTest::keyClick(&window, Qt::Key_4, Qt::ControlModifier);
    QTRY_COMPARE(window.currentSection(), MainWindow::Twins);

    // F5: a twin made behind the panel's back shows up.
    auto *twins = window.findChild<QTableView *>(QStringLiteral("twinsTable"));
    QVERIFY(twins);
    auto *picker = window.findChild<QComboBox *>(QStringLiteral("twinsTenant"));
    QVERIFY(picker);
    QTRY_VERIFY(picker->findText(QStringLiteral("Acme")) >= 0);
    picker->setCurrentIndex(picker->findText(QStringLiteral("Acme")));
    auto *twinsPanel = window.findChild<TwinsPanel *>();
    QVERIFY(twinsPanel);
    QTRY_VERIFY(twinsPanel->twinsModel()->tenantId() == tenantId && !twinsPanel->twinsModel()->isLoading());
    QCOMPARE(twins->model()->rowCount(), 0);
    QCOMPARE(api.call("POST", QStringLiteral("/api/v1/twins"),
                      QJsonObject{{QStringLiteral("name"), QStringLiteral("Pump")}}, tenantId)
                 .status,
             201);
    QTest::qWait(300);
    QCOMPARE(twins->model()->rowCount(), 0); // not polled: only F5 brings it
    QTest::keyClick(&window, Qt::Key_F5);
    QTRY_COMPARE(twins->model()->rowCount(), 1);

    // Del with the twin selected asks (Cancel keeps it); with nothing selected it says so.
    twins->selectRow(0);
    QTest::keyClick(twins, Qt::Key_Delete);
    QDialog *question = nullptr;
    QTRY_VERIFY((question = window.findChild<QDialog *>(QStringLiteral("confirmDeleteTwin"))));
    QCOMPARE(question->findChild<QLabel *>(QStringLiteral("confirmObject"))->text(), QStringLiteral("Pump"));
    QTest::mouseClick(question->findChild<QPushButton *>(QStringLiteral("confirmCancelButton")), Qt::LeftButton);
    QTRY_VERIFY(!window.findChild<QDialog *>(QStringLiteral("confirmDeleteTwin")));
    QCOMPARE(twins->model()->rowCount(), 1);
    window.activateWindow(); // the question had it
    QVERIFY(QTest::qWaitForWindowActive(&window));
    // Ctrl+F: the audit log's search field takes the keys.
    QTest::keyClick(&window, Qt::Key_9, Qt::ControlModifier);
    QTRY_COMPARE(window.currentSection(), MainWindow::AuditLog);
    QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(QApplication::focusWidget()
                && QApplication::focusWidget()->objectName() == QStringLiteral("auditSearch"));
    QTest::keyClick(&window, Qt::Key_2, Qt::ControlModifier);
    QTRY_COMPARE(window.currentSection(), MainWindow::Alerts);
    QTest::keyClick(&window, Qt::Key_Delete);
    QTRY_VERIFY(window.statusBar()->currentMessage().startsWith(QLatin1String("Nothing to delete here")));
}

namespace {

// What has the keyboard focus: its object name, or empty.
QString focusedName()
{
    return QApplication::focusWidget() ? QApplication::focusWidget()->objectName() : QString();
}

} // namespace

// Ctrl+F puts the cursor in the shown panel's search or filter field (on the Jobs panel, the shown tab's), and says
// where it works on a panel that has none.
void TestMainWindow::findFocusesEveryPanelsSearch()
{
    MainWindow window(*m_core);
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    const auto find = [&](MainWindow::Section section) {
        window.showSection(section);
        QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
    };
    find(MainWindow::Tenants);
    QTRY_COMPARE(focusedName(), QStringLiteral("tenantsSearch"));
    find(MainWindow::Twins); // the knowledge graph's node filter, its tab brought forward
    QTRY_COMPARE(focusedName(), QStringLiteral("graphNodeFilter"));
    QCOMPARE(window.findChild<QTabWidget *>(QStringLiteral("twinDetails"))->currentIndex(), 0);
    auto *jobsTabs = window.findChild<QTabWidget *>(QStringLiteral("jobsTabs"));
    QVERIFY(jobsTabs);
    window.showSection(MainWindow::Jobs);
    jobsTabs->setCurrentIndex(1); // Error groups
    find(MainWindow::Jobs);
    QTRY_COMPARE(focusedName(), QStringLiteral("errorGroupsType"));
    jobsTabs->setCurrentIndex(3); // Workers: nothing to search, the jobs' search is brought forward
    find(MainWindow::Jobs);
    QTRY_COMPARE(focusedName(), QStringLiteral("jobsText"));
    QCOMPARE(jobsTabs->currentIndex(), 0);
    find(MainWindow::AuditLog);
    QTRY_COMPARE(focusedName(), QStringLiteral("auditSearch"));
    find(MainWindow::Sources);
    QTRY_VERIFY(window.statusBar()->currentMessage().startsWith(QLatin1String("Nothing to search here")));
}

// Del on the Sources panel deletes the selected source only once its question is confirmed; with nothing selected it
// says so.
void TestMainWindow::deleteOnSourcesAsksFirst()
{
    InProcessAdminApi api(*m_core);
    const QString tenantId = api.call("POST", QStringLiteral("/api/v1/admin/tenants"),
                                      QJsonObject{{QStringLiteral("name"), QStringLiteral("Sources Co")}})
                                 .body.value(QLatin1String("id"))
                                 .toString();
    const QString twinId = api.call("POST", QStringLiteral("/api/v1/twins"),
                                    QJsonObject{{QStringLiteral("name"), QStringLiteral("Pump")}}, tenantId)
                               .body.value(QLatin1String("id"))
                               .toString();
    QVERIFY(!twinId.isEmpty());
    const AdminReply source = api.call("POST", QStringLiteral("/api/v1/twins/%1/sources").arg(twinId),
                                       QJsonObject{{QStringLiteral("filename"), QStringLiteral("manual.md")},
                                                   {QStringLiteral("content"), QStringLiteral("# Pump manual")}},
                                       tenantId);
    QCOMPARE(source.status, 201);
    const QString sourcePath = QStringLiteral("/api/v1/sources/") + source.body.value(QLatin1String("id")).toString();

    MainWindow window(*m_core);
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTest::keyClick(&window, Qt::Key_5, Qt::ControlModifier);
    QTRY_COMPARE(window.currentSection(), MainWindow::Sources);
    auto *table = window.findChild<QTableView *>(QStringLiteral("sourcesTable"));
    auto *tenant = window.findChild<QComboBox *>(QStringLiteral("sourcesTenant"));
    QVERIFY(table && tenant);
    QTRY_VERIFY(tenant->findData(tenantId) >= 0); // the database is shared with the tests before
    tenant->setCurrentIndex(tenant->findData(tenantId));
    QTRY_COMPARE(table->model()->rowCount(), 1);

    QTest::keyClick(&window, Qt::Key_Delete);
    QTRY_VERIFY(window.statusBar()->currentMessage().startsWith(QLatin1String("Nothing to delete here")));
    QVERIFY(!window.findChild<QDialog *>(QStringLiteral("confirmDeleteSource")));

    table->selectRow(0);
    QTest::keyClick(table, Qt::Key_Delete);
    QDialog *question = nullptr;
    QTRY_VERIFY((question = window.findChild<QDialog *>(QStringLiteral("confirmDeleteSource"))));
    QTRY_VERIFY(question->isVisible());
    QCOMPARE(question->findChild<QLabel *>(QStringLiteral("confirmObject"))->text(), QStringLiteral("manual.md"));
    QTest::mouseClick(question->findChild<QPushButton *>(QStringLiteral("confirmCancelButton")), Qt::LeftButton);
    QTRY_VERIFY(!window.findChild<QDialog *>(QStringLiteral("confirmDeleteSource")));
    QCOMPARE(api.call("GET", sourcePath, QJsonValue(QJsonValue::Undefined), tenantId).status,
             200); // asked, not deleted
    QCOMPARE(table->model()->rowCount(), 1);

    window.activateWindow(); // the question had it
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTest::keyClick(table, Qt::Key_Delete);
    QTRY_VERIFY((question = window.findChild<QDialog *>(QStringLiteral("confirmDeleteSource"))));
    QTRY_VERIFY(question->isVisible());
    QTest::mouseClick(question->findChild<QPushButton *>(QStringLiteral("confirmDeleteSourceButton")), Qt::LeftButton);
    QTRY_COMPARE(table->model()->rowCount(), 0);
    QCOMPARE(api.call("GET", sourcePath, QJsonValue(QJsonValue::Undefined), tenantId).status, 404);
}

// Column widths, the navigation's width and the last environment come back in the next window from the state file.
void TestMainWindow::layoutAndEnvironmentAreRemembered()
{
    QTemporaryDir dir;
    const QString stateFile = dir.filePath(QStringLiteral("window-state.ini"));
    auto store
        = std::make_shared<EnvironmentStore>(dir.filePath(QStringLiteral("environments.ini")),
                                             std::make_unique<FileSecretStore>(dir.filePath(QStringLiteral("keys"))));
    // Nothing listens there: the panels say so, which does not matter here.
    const auto staging = store->add(QStringLiteral("staging"), QUrl(QStringLiteral("http://127.0.0.1:9")),
                                    QStringLiteral("twk_unused"));
    QVERIFY(staging.ok());
    {
        MainWindow window(*m_core, store);
        window.restoreViewState(stateFile);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.showSection(MainWindow::Twins);
        auto *twins = window.findChild<QTableView *>(QStringLiteral("twinsTable"));
        QVERIFY(twins);
        twins->horizontalHeader()->resizeSection(0, 333);
        window.findChild<QSplitter *>(QStringLiteral("navigationSplitter"))->setSizes({150, 1000});
        window.selectEnvironment(1);
        // The remote environment's own panel: widths are per panel, not per environment.
        twins = window.findChild<QTableView *>(QStringLiteral("twinsTable"));
        QCOMPARE(twins->horizontalHeader()->sectionSize(0), 333);
        twins->horizontalHeader()->resizeSection(0, 311);
        window.close();
    }
    MainWindow window(*m_core, store);
    window.restoreViewState(stateFile);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.findChild<QComboBox *>(QStringLiteral("environmentPicker"))->currentIndex(), 1);
    QCOMPARE(window.findChild<QTableView *>(QStringLiteral("twinsTable"))->horizontalHeader()->sectionSize(0), 311);
    QCOMPARE(window.findChild<QSplitter *>(QStringLiteral("navigationSplitter"))->sizes().first(), 150);
}

// The window title and the status bar name the environment and its alert health, and follow the picker.
void TestMainWindow::titleAndStatusBarShowTheEnvironmentsHealth()
{
    QTemporaryDir dir;
    auto store
        = std::make_shared<EnvironmentStore>(dir.filePath(QStringLiteral("environments.ini")),
                                             std::make_unique<FileSecretStore>(dir.filePath(QStringLiteral("keys"))));
    QVERIFY(
        store->add(QStringLiteral("staging"), QUrl(QStringLiteral("http://127.0.0.1:9")), QStringLiteral("twk_unused"))
            .ok());
    MainWindow window(*m_core, store);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *status = window.findChild<QLabel *>(QStringLiteral("environmentStatus"));
    QVERIFY(status);
    QTRY_COMPARE(window.windowTitle(), QStringLiteral("TwinOps — Local (ok)"));
    QCOMPARE(status->text(), QStringLiteral("Local: ok"));
    window.selectEnvironment(1);
    QTRY_COMPARE(window.windowTitle(), QStringLiteral("TwinOps — staging (unreachable)"));
    QCOMPARE(status->text(), QStringLiteral("staging: unreachable"));
    QVERIFY2(status->toolTip().contains(QStringLiteral("File → Environments")), qPrintable(status->toolTip()));
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

// The links of a job's detail open the panel of what the job belongs to with that object selected: the tenant, the
// twin and the source (each the second of its kind, not what the panel would select by itself), and the conversation's
// twin.
void TestMainWindow::jobLinksOpenTheirPanels()
{
    QString beta, south, source;
    {
        InProcessAdminApi api(*m_core);
        const auto created = [&api](const QString &path, const QJsonObject &body, const QString &tenant = {}) {
            const AdminReply reply = api.call("POST", path, body, tenant);
            return reply.status == 201 ? reply.body.value(QLatin1String("id")).toString() : QString();
        };
        const auto named = [](const QString &name) { return QJsonObject{{QStringLiteral("name"), name}}; };
        QVERIFY(!created(QStringLiteral("/api/v1/admin/tenants"), named(QStringLiteral("Alpha Labs"))).isEmpty());
        beta = created(QStringLiteral("/api/v1/admin/tenants"), named(QStringLiteral("Beta Works")));
        QVERIFY(!created(QStringLiteral("/api/v1/twins"), named(QStringLiteral("North pump")), beta).isEmpty());
        south = created(QStringLiteral("/api/v1/twins"), named(QStringLiteral("South pump")), beta);
        const auto file = [](const QString &name) {
            return QJsonObject{{QStringLiteral("filename"), name}, {QStringLiteral("content"), QStringLiteral("# A")}};
        };
        const QString sources = QStringLiteral("/api/v1/twins/%1/sources").arg(south);
        QVERIFY(!created(sources, file(QStringLiteral("a.md")), beta).isEmpty());
        source = created(sources, file(QStringLiteral("b.md")), beta);
        QVERIFY(!beta.isEmpty() && !south.isEmpty() && !source.isEmpty());
    }
    const QString conversation = QStringLiteral("33333333-3333-4333-8333-333333333333");
    NewJob job;
    job.type = QStringLiteral("test.links");
    job.tenantId = beta;
    job.twinId = south;
    job.payload = QJsonObject{{QStringLiteral("source_id"), source}, {QStringLiteral("conversation_id"), conversation}};
    job.runAt = QDateTime::currentDateTimeUtc().addDays(1); // no worker takes it meanwhile
    TWINOPS_VERIFY_OK(JobQueue(m_core->database()).enqueue(job));

    MainWindow window(*m_core);
    QVERIFY(showAndWait(window, {1280, 800}));
    auto *tenants = window.findChild<TenantsPanel *>();
    auto *twins = window.findChild<TwinsPanel *>();
    auto *sourcesPanel = window.findChild<SourcesPanel *>();
    auto *table = window.findChild<QTableView *>(QStringLiteral("jobsTable"));
    auto *detail = window.findChild<JobDetailView *>(QStringLiteral("jobDetail"));
    QVERIFY(tenants && twins && sourcesPanel && table && detail);
    const auto follow = [&](const QString &text) {
        window.showSection(MainWindow::Jobs);
        if (!QTest::qWaitFor([&] { return table->model()->rowCount() == 1; }))
            return false;
        clickRow(table, 0);
        // The names come once the panel has listed them.
        return QTest::qWaitFor([&] { return detail->toPlainText().contains(text); }) && clickText(detail, text);
    };
    const auto selected = [](const QTableView *view, int column) {
        const QModelIndexList rows = view->selectionModel()->selectedRows(column);
        return rows.size() == 1 ? rows.first().data().toString() : QString();
    };

    QVERIFY(follow(QStringLiteral("Beta Works")));
    QCOMPARE(window.currentSection(), MainWindow::Tenants);
    QTRY_COMPARE(tenants->selectedTenantId(), beta);
    QCOMPARE(selected(child<QTableView>(*tenants, QStringLiteral("tenantsTable")), TenantsModel::Name),
             QStringLiteral("Beta Works"));

    QVERIFY(follow(QStringLiteral("South pump")));
    QCOMPARE(window.currentSection(), MainWindow::Twins);
    QTRY_COMPARE(twins->selectedTwinId(), south);

    QVERIFY(follow(source));
    QCOMPARE(window.currentSection(), MainWindow::Sources);
    auto *sourcesTable = child<QTableView>(*sourcesPanel, QStringLiteral("sourcesTable"));
    QTRY_COMPARE(selected(sourcesTable, SourcesModel::Filename), QStringLiteral("b.md"));
    QCOMPARE(sourcesTable->selectionModel()->selectedRows().first().data(PagedAdminModel::IdRole).toString(), source);

    // The conversation opens at its twin (the conversation itself: tst_conversationsview).
    auto *twinsTable = child<QTableView>(*twins, QStringLiteral("twinsTable"));
    clickRow(twinsTable, rowWithText(twinsTable->model(), QStringLiteral("North pump"), TwinsModel::Name));
    QVERIFY(twins->selectedTwinId() != south);
    QVERIFY(follow(conversation));
    QCOMPARE(window.currentSection(), MainWindow::Twins);
    QTRY_COMPARE(twins->selectedTwinId(), south);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
