// The Tenants panel on the Local environment, driven like a user: type, click, wait for the answer; the database
// and the HTTP API then show that what the panel said happened did happen.
#include "apikeysmodel.h"
#include "checks/apiclient.h"
#include "consolefixture.h"
#include "onetimesecretdialog.h"
#include "tenantsmodel.h"
#include "tenantspanel.h"
#include "uitesting.h"
#include "usersearchmodel.h"
#include "usersmodel.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QFileDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace twinops;
using namespace twinops::test;

namespace {

constexpr auto kFatal = QAbstractItemModelTester::FailureReportingMode::Fatal;

// The panel's widgets, found the way a user (or a screen reader) finds them.
struct PanelWidgets
{
    QLabel *error;
    QLineEdit *search;
    QTableView *tenants;
    QLineEdit *newName;
    QPushButton *create;
    QPushButton *suspend;
    QTableView *users;
    QPushButton *revoke;
    QPushButton *restore;

    explicit PanelWidgets(const QWidget &panel)
        : error(panel.findChild<QLabel *>(QStringLiteral("tenantsError")))
        , search(panel.findChild<QLineEdit *>(QStringLiteral("tenantsSearch")))
        , tenants(panel.findChild<QTableView *>(QStringLiteral("tenantsTable")))
        , newName(panel.findChild<QLineEdit *>(QStringLiteral("newTenantName")))
        , create(panel.findChild<QPushButton *>(QStringLiteral("createTenantButton")))
        , suspend(panel.findChild<QPushButton *>(QStringLiteral("suspendTenantButton")))
        , users(panel.findChild<QTableView *>(QStringLiteral("usersTable")))
        , revoke(panel.findChild<QPushButton *>(QStringLiteral("revokeUserButton")))
        , restore(panel.findChild<QPushButton *>(QStringLiteral("restoreUserButton")))
    { }
    bool complete() const
    {
        return error && search && tenants && newName && create && suspend && users && revoke && restore;
    }
};

// Every model and proxy of the panel under QAbstractItemModelTester for as long as the test runs.
struct PanelModelTesters
{
    QAbstractItemModelTester tenants, tenantsProxy, users, usersProxy, userSearch, userSearchProxy;
    explicit PanelModelTesters(const TenantsPanel &panel)
        : tenants(panel.tenantsModel(), kFatal)
        , tenantsProxy(panel.tenantsProxy(), kFatal)
        , users(panel.usersModel(), kFatal)
        , usersProxy(panel.usersProxy(), kFatal)
        , userSearch(panel.userSearchModel(), kFatal)
        , userSearchProxy(panel.userSearchProxy(), kFatal)
    { }
};

} // namespace

class TestTenantsPanel final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void init()
    {
        m_fixture = ConsoleFixture::create(currentDialect());
        QVERIFY(m_fixture);
    }
    void cleanup() { m_fixture.reset(); }
    void createSearchAndSuspend();
    void revokedUserIsRefusedOnTheirNextCall();
    void pagesThroughEveryTenant();
    void statusFilterLastActivityExportAndDelete();
    void addUserAndChangeRole();
    void resetPasswordIsShownOnceAndMustBeChanged();
    void searchUsersAcrossTenants();

private:
    std::unique_ptr<ConsoleFixture> m_fixture;
};

void TestTenantsPanel::createSearchAndSuspend()
{
    TenantsPanel panel(*m_fixture->local);
    PanelModelTesters testers(panel);
    QVERIFY(showAndWait(panel, {1000, 700}));
    const PanelWidgets ui(panel);
    QVERIFY(ui.complete());
    QTRY_VERIFY(!panel.tenantsModel()->isLoading());
    QVERIFY(!ui.create->isEnabled());
    QVERIFY(!ui.suspend->isEnabled());

    // Creating adds one row; the table is not reset for it.
    QSignalSpy resets(panel.tenantsModel(), &QAbstractItemModel::modelReset);
    for (const QString &name : {QStringLiteral("Acme Robotics"), QStringLiteral("Globex")}) {
        QTest::keyClicks(ui.newName, name);
        QVERIFY(ui.create->isEnabled());
        QTest::mouseClick(ui.create, Qt::LeftButton);
        QTRY_VERIFY(rowWithText(ui.tenants->model(), name) >= 0);
        QCOMPARE(ui.newName->text(), QString());
    }
    QCOMPARE(resets.count(), 0);
    const int globex = rowWithText(ui.tenants->model(), QStringLiteral("Globex"));
    QCOMPARE(cellText(ui.tenants->model(), globex, TenantsModel::Status), QStringLiteral("active"));
    QCOMPARE(cellText(ui.tenants->model(), globex, TenantsModel::Users), QStringLiteral("0"));

    // A name taken: the API's message, in the panel, and no second row.
    QTest::keyClicks(ui.newName, QStringLiteral("Globex"));
    QTest::mouseClick(ui.create, Qt::LeftButton);
    QTRY_VERIFY(ui.error->isVisible());
    QVERIFY2(!ui.error->text().isEmpty() && !ui.error->text().startsWith(QLatin1String("HTTP")),
             qPrintable(ui.error->text()));
    QCOMPARE(panel.tenantsModel()->rowCount(), 2);
    ui.newName->clear();

    // Search: only the matching tenant, case-insensitive.
    QTest::keyClicks(ui.search, QStringLiteral("aCmE"));
    QTRY_COMPARE(ui.tenants->model()->rowCount(), 1);
    QTRY_VERIFY(!panel.tenantsModel()->isLoading());
    QCOMPARE(ui.tenants->model()->rowCount(), 1);
    QCOMPARE(cellText(ui.tenants->model(), 0, TenantsModel::Name), QStringLiteral("Acme Robotics"));
    QVERIFY(ui.error->isHidden()); // a new action clears the old error

    // Suspend, then reactivate: the row changes in place, and the database says the same.
    clickRow(ui.tenants, 0);
    QTRY_VERIFY(ui.suspend->isEnabled());
    QCOMPARE(ui.suspend->text(), QStringLiteral("Suspend…"));
    const int resetsBefore = resets.count();
    const auto statusInDatabase = [&] {
        auto rows = m_fixture->core->database().query(QStringLiteral("SELECT status FROM tenants WHERE name = $1"),
                                                      {QStringLiteral("Acme Robotics")});
        return rows.ok() && rows->size() == 1 ? rows->first().text(0) : QStringLiteral("(query failed)");
    };
    QTest::mouseClick(ui.suspend, Qt::LeftButton);
    QVERIFY(confirmAction(panel, QStringLiteral("confirmSuspendTenant")));
    QTRY_COMPARE(cellText(ui.tenants->model(), 0, TenantsModel::Status), QStringLiteral("suspended"));
    QCOMPARE(ui.suspend->text(), QStringLiteral("Reactivate"));
    QCOMPARE(statusInDatabase(), QStringLiteral("suspended"));
    QTest::mouseClick(ui.suspend, Qt::LeftButton);
    QTRY_COMPARE(cellText(ui.tenants->model(), 0, TenantsModel::Status), QStringLiteral("active"));
    QCOMPARE(ui.suspend->text(), QStringLiteral("Suspend…"));
    QCOMPARE(statusInDatabase(), QStringLiteral("active"));
    QCOMPARE(resets.count(), resetsBefore);

    // Clearing the search lists everyone again.
    ui.search->clear();
    QTRY_VERIFY(rowWithText(ui.tenants->model(), QStringLiteral("Globex")) >= 0);
}

void TestTenantsPanel::revokedUserIsRefusedOnTheirNextCall()
{
    const QUrl base = m_fixture->serveHttp();
    QVERIFY(!base.isEmpty());

    const QString email = QStringLiteral("ada@engines.test");
    const ApiReply signup
        = httpCall(base, "POST", QStringLiteral("/api/v1/auth/signup"),
                   QJsonObject{{QStringLiteral("email"), email},
                               {QStringLiteral("password"), QStringLiteral("correct horse battery")},
                               {QStringLiteral("tenant_name"), QStringLiteral("Analytical Engines")}});
    QCOMPARE(signup.status, 201);
    const QString token = signup.object().value(QLatin1String("access_token")).toString();
    QVERIFY(!token.isEmpty());
    QCOMPARE(httpCall(base, "GET", QStringLiteral("/api/v1/auth/me"), {}, token).status, 200);
    const ApiReply key = httpCall(base, "POST", QStringLiteral("/api/v1/api-keys"),
                                  QJsonObject{{QStringLiteral("name"), QStringLiteral("ada's")},
                                              {QStringLiteral("scopes"), QJsonArray{QStringLiteral("chat")}}},
                                  token);
    QCOMPARE(key.status, 201);

    TenantsPanel panel(*m_fixture->local);
    PanelModelTesters testers(panel);
    QVERIFY(showAndWait(panel, {1000, 700}));
    const PanelWidgets ui(panel);
    QVERIFY(ui.complete());

    QTest::keyClicks(ui.search, QStringLiteral("analytical"));
    // The only tenant is listed before the search too: wait for the search itself, or its reload (250 ms after the
    // last key, later on a busy machine) would clear the selection made below.
    QTRY_COMPARE(panel.tenantsModel()->search(), QStringLiteral("analytical"));
    QTRY_COMPARE(ui.tenants->model()->rowCount(), 1);
    QTRY_VERIFY(!panel.tenantsModel()->isLoading());
    QCOMPARE(cellText(ui.tenants->model(), 0, TenantsModel::Users), QStringLiteral("1"));
    clickRow(ui.tenants, 0);
    QTRY_COMPARE(ui.users->model()->rowCount(), 1);
    QCOMPARE(cellText(ui.users->model(), 0, UsersModel::Email), email);
    QCOMPARE(cellText(ui.users->model(), 0, UsersModel::State), QStringLiteral("active"));
    QCOMPARE(cellText(ui.users->model(), 0, UsersModel::LastLogin), QStringLiteral("never")); // signed up, not in
    QCOMPARE(ui.users->model()->headerData(UsersModel::LastLogin, Qt::Horizontal).toString(),
             QStringLiteral("Last login"));
    QVERIFY(!ui.revoke->isEnabled());

    // Their key, as the keys tab lists it before the revocation.
    auto *tabs = panel.findChild<QTabWidget *>(QStringLiteral("tenantDetailsTabs"));
    QVERIFY(tabs);
    tabs->setCurrentIndex(1);
    QTRY_COMPARE(cellText(panel.apiKeysModel(), 0, ApiKeysModel::State), QStringLiteral("active"));
    tabs->setCurrentIndex(0);

    clickRow(ui.users, 0);
    QTRY_VERIFY(ui.revoke->isEnabled());
    QVERIFY(!ui.restore->isEnabled());
    QTest::mouseClick(ui.revoke, Qt::LeftButton);
    QVERIFY(confirmAction(panel, QStringLiteral("confirmRevokeUser")));
    QTRY_COMPARE(cellText(ui.users->model(), 0, UsersModel::State), QStringLiteral("revoked"));
    // The keys the user made went with them, and the key list says why.
    QTRY_COMPARE(cellText(panel.apiKeysModel(), 0, ApiKeysModel::State), QStringLiteral("revoked (creator revoked)"));
    QCOMPARE(cellText(panel.apiKeysModel(), 0, ApiKeysModel::CreatedBy), email);
    QVERIFY(!ui.revoke->isEnabled());
    QVERIFY(ui.restore->isEnabled());
    auto revoked
        = m_fixture->core->database().query(QStringLiteral("SELECT revoked_at FROM users WHERE email = $1"), {email});
    TWINOPS_VERIFY_OK(revoked);
    QCOMPARE(revoked->size(), 1);
    QVERIFY(!revoked->first().isNull(0));

    // Their very next call, with the token they already hold, is refused.
    QCOMPARE(httpCall(base, "GET", QStringLiteral("/api/v1/auth/me"), {}, token).status, 401);

    QTest::mouseClick(ui.restore, Qt::LeftButton);
    QTRY_COMPARE(cellText(ui.users->model(), 0, UsersModel::State), QStringLiteral("active"));
    QVERIFY(ui.revoke->isEnabled());
    // Restored: they may sign in again, but the session the revocation ended stays ended (issue #12).
    QCOMPARE(httpCall(base, "GET", QStringLiteral("/api/v1/auth/me"), {}, token).status, 401);
    const ApiReply login = httpCall(base, "POST", QStringLiteral("/api/v1/auth/login"),
                                    QJsonObject{{QStringLiteral("email"), email},
                                                {QStringLiteral("password"), QStringLiteral("correct horse battery")}});
    QCOMPARE(login.status, 200);
    const QString newToken = login.object().value(QLatin1String("access_token")).toString();
    QCOMPARE(httpCall(base, "GET", QStringLiteral("/api/v1/auth/me"), {}, newToken).status, 200);

    // End sessions: asked first (Cancel changes nothing), then the new session ends while the password still works.
    auto *endSessions = panel.findChild<QPushButton *>(QStringLiteral("endUserSessionsButton"));
    QVERIFY(endSessions);
    // Selected afresh before each click: on PostgreSQL the tenant list was seen reloaded (its selection gone) during
    // the calls above (the search's delayed reload).
    auto selectUser = [&] {
        QTRY_COMPARE_WITH_TIMEOUT(ui.tenants->model()->rowCount(), 1, 10000);
        if (ui.tenants->selectionModel()->selectedRows().isEmpty())
            clickRow(ui.tenants, 0);
        QTRY_COMPARE(ui.users->model()->rowCount(), 1);
        clickRow(ui.users, 0);
        QTRY_VERIFY(endSessions->isEnabled());
    };
    selectUser();
    if (QTest::currentTestFailed())
        return;
    QTest::mouseClick(endSessions, Qt::LeftButton);
    QDialog *question = waitForConfirmation(panel, QStringLiteral("confirmEndSessions"));
    QVERIFY(question);
    QCOMPARE(child<QLabel>(*question, QStringLiteral("confirmObject"))->text(), email);
    QTest::mouseClick(child<QPushButton>(*question, QStringLiteral("confirmCancelButton")), Qt::LeftButton);
    QTRY_VERIFY(!panel.findChild<QDialog *>(QStringLiteral("confirmEndSessions")));
    QCOMPARE(httpCall(base, "GET", QStringLiteral("/api/v1/auth/me"), {}, newToken).status, 200);
    QSignalSpy ended(panel.usersModel(), &UsersModel::sessionsEnded);
    selectUser();
    if (QTest::currentTestFailed())
        return;
    QTest::mouseClick(endSessions, Qt::LeftButton);
    QVERIFY(confirmAction(panel, QStringLiteral("confirmEndSessions")));
    QTRY_COMPARE(ended.count(), 1);
    QVERIFY(ui.error->isHidden());
    QCOMPARE(httpCall(base, "GET", QStringLiteral("/api/v1/auth/me"), {}, newToken).status, 401);
    QCOMPARE(httpCall(base, "POST", QStringLiteral("/api/v1/auth/login"),
                      QJsonObject{{QStringLiteral("email"), email},
                                  {QStringLiteral("password"), QStringLiteral("correct horse battery")}})
                 .status,
             200);
}

void TestTenantsPanel::pagesThroughEveryTenant()
{
    QStringList names;
    {
        InProcessAdminApi api(*m_fixture->core);
        for (int i = 1; i <= 12; ++i) {
            names << QStringLiteral("Paged %1").arg(i, 2, 10, QLatin1Char('0'));
            const AdminReply created = api.call("POST", QStringLiteral("/api/v1/admin/tenants"),
                                                QJsonObject{{QStringLiteral("name"), names.last()}});
            QCOMPARE(created.status, 201);
        }
        QCOMPARE(api.call("POST", QStringLiteral("/api/v1/admin/tenants"),
                          QJsonObject{{QStringLiteral("name"), QStringLiteral("Unrelated")}})
                     .status,
                 201);
    }

    // The model alone: one page per fetchMore until there is no next page. (The tester
    // itself calls fetchMore as rows arrive, so the pages are counted by their rowsInserted, not by our calls.)
    TenantsModel model(*m_fixture->local);
    QAbstractItemModelTester tester(&model, kFatal);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.setPageSize(5);
    model.setSearch(QStringLiteral("paged"));
    const auto fetchAll = [&model] {
        if (model.canFetchMore({}))
            model.fetchMore({});
        return model.rowCount();
    };
    QTRY_COMPARE(fetchAll(), 12);
    QVERIFY(!model.canFetchMore({}));
    QList<QPair<int, int>> pages;
    for (const QList<QVariant> &signal : std::as_const(inserted))
        pages.append({signal.at(1).toInt(), signal.at(2).toInt()});
    QCOMPARE(pages, (QList<QPair<int, int>>{{0, 4}, {5, 9}, {10, 11}}));
    QStringList listed;
    for (int row = 0; row < model.rowCount(); ++row)
        listed << model.index(row, TenantsModel::Name).data().toString();
    // Every tenant once (the server orders by creation time, then id: equal times come in any order).
    listed.sort();
    QCOMPARE(listed, names);
    QCOMPARE(resets.count(), 1); // the search, not the pages

    // The panel's table asks for more pages by itself while its last row is in view.
    TenantsPanel panel(*m_fixture->local);
    PanelModelTesters testers(panel);
    panel.tenantsModel()->setPageSize(5);
    QVERIFY(showAndWait(panel, {1000, 700}));
    const PanelWidgets ui(panel);
    QTest::keyClicks(ui.search, QStringLiteral("Paged"));
    // A user scrolls down; at the bottom the view asks for the next page.
    QTRY_VERIFY((ui.tenants->scrollToBottom(), ui.tenants->model()->rowCount() == 12));
    QTRY_VERIFY(!panel.tenantsModel()->isLoading());
    QVERIFY(!panel.tenantsModel()->canFetchMore({}));
    QCOMPARE(rowWithText(ui.tenants->model(), QStringLiteral("Unrelated")), -1);
}

// The status filter and Last activity column; Export… writes the tenant's archive to the file chosen; Delete… asks
// for the tenant's name typed exactly (a wrong one keeps the button disabled) and then the tenant and its rows are
// gone from the database, with the outcome in the feedback line.
void TestTenantsPanel::statusFilterLastActivityExportAndDelete()
{
    const QUrl base = m_fixture->serveHttp();
    QVERIFY(!base.isEmpty());
    const QString password = QStringLiteral("correct horse battery");
    for (const auto &[email, tenant] : {std::pair{QStringLiteral("wile@doomed.test"), QStringLiteral("Doomed Corp")},
                                        std::pair{QStringLiteral("road@keeper.test"), QStringLiteral("Keeper")}}) {
        QCOMPARE(httpCall(base, "POST", QStringLiteral("/api/v1/auth/signup"),
                          QJsonObject{{QStringLiteral("email"), email},
                                      {QStringLiteral("password"), password},
                                      {QStringLiteral("tenant_name"), tenant}})
                     .status,
                 201);
    }
    Database &db = m_fixture->core->database();
    TWINOPS_VERIFY_OK(db.query(QStringLiteral("UPDATE tenants SET status = 'suspended' WHERE name = 'Keeper'")));

    TenantsPanel panel(*m_fixture->local);
    PanelModelTesters testers(panel);
    QVERIFY(showAndWait(panel, {1280, 800}));
    const PanelWidgets ui(panel);
    QVERIFY(ui.complete());
    auto *status = child<QComboBox>(panel, QStringLiteral("tenantsStatusFilter"));
    auto *exportButton = child<QPushButton>(panel, QStringLiteral("exportTenantButton"));
    auto *deleteButton = child<QPushButton>(panel, QStringLiteral("deleteTenantButton"));
    QVERIFY(status && exportButton && deleteButton);
    QTRY_VERIFY(!panel.tenantsModel()->isLoading());
    QTRY_COMPARE(ui.tenants->model()->rowCount(), 2);
    QVERIFY(!exportButton->isEnabled() && !deleteButton->isEnabled());

    // The status filter asks the server for the tenants in that status only.
    auto showStatus = [&](const QString &label) {
        status->setCurrentIndex(status->findText(label));
        QTRY_VERIFY(!panel.tenantsModel()->isLoading());
    };
    showStatus(QStringLiteral("Suspended"));
    QTRY_COMPARE(ui.tenants->model()->rowCount(), 1);
    QCOMPARE(cellText(ui.tenants->model(), 0, TenantsModel::Name), QStringLiteral("Keeper"));
    showStatus(QStringLiteral("Active"));
    QTRY_COMPARE(cellText(ui.tenants->model(), 0, TenantsModel::Name), QStringLiteral("Doomed Corp"));
    QCOMPARE(ui.tenants->model()->rowCount(), 1);
    // Signed up, never signed in: no activity yet. A login is activity.
    QCOMPARE(cellText(ui.tenants->model(), 0, TenantsModel::LastActivity), QStringLiteral("never"));
    QCOMPARE(httpCall(base, "POST", QStringLiteral("/api/v1/auth/login"),
                      QJsonObject{{QStringLiteral("email"), QStringLiteral("wile@doomed.test")},
                                  {QStringLiteral("password"), password}})
                 .status,
             200);
    showStatus(QStringLiteral("All statuses"));
    QTRY_COMPARE(ui.tenants->model()->rowCount(), 2);
    const int doomed = rowWithText(ui.tenants->model(), QStringLiteral("Doomed Corp"));
    QVERIFY(doomed >= 0);
    QVERIFY(cellText(ui.tenants->model(), doomed, TenantsModel::LastActivity) != QStringLiteral("never"));
    QCOMPARE(cellText(ui.tenants->model(), rowWithText(ui.tenants->model(), QStringLiteral("Keeper")),
                      TenantsModel::LastActivity),
             QStringLiteral("never"));

    // Export…: a save dialog, then the file is written in the background.
    clickRow(ui.tenants, doomed);
    QTRY_VERIFY(exportButton->isEnabled());
    QTest::mouseClick(exportButton, Qt::LeftButton);
    QFileDialog *save = nullptr;
    QTRY_VERIFY((save = panel.findChild<QFileDialog *>(QStringLiteral("exportTenantDialog"))) && save->isVisible());
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("doomed.json"));
    save->selectFile(path);
    QVERIFY(QMetaObject::invokeMethod(save, "accept")); // as the Save button does
    QTRY_VERIFY(ui.error->text().startsWith(QLatin1String("Exported Doomed Corp")));
    QVERIFY(ui.error->isVisible());
    QFile written(path);
    QVERIFY(written.open(QIODevice::ReadOnly));
    const QByteArray archive = written.readAll();
    const QJsonObject exported = QJsonDocument::fromJson(archive).object();
    QCOMPARE(exported.value(QLatin1String("tenant")).toObject().value(QLatin1String("name")).toString(),
             QStringLiteral("Doomed Corp"));
    QVERIFY(archive.contains("wile@doomed.test"));
    QVERIFY(!archive.contains("road@keeper.test"));
    QVERIFY(!archive.contains("password_hash"));

    // Delete…: Cancel changes nothing.
    auto tenantRows = [&db] {
        auto rows = db.query(QStringLiteral("SELECT (SELECT count(*) FROM tenants WHERE name = 'Doomed Corp'), "
                                            "(SELECT count(*) FROM users WHERE email = 'wile@doomed.test')"));
        return rows.ok() ? rows->first().integer(0) * 10 + rows->first().integer(1) : -1;
    };
    QCOMPARE(tenantRows(), 11);
    QTest::mouseClick(deleteButton, Qt::LeftButton);
    QDialog *question = waitForConfirmation(panel, QStringLiteral("confirmDeleteTenant"));
    QVERIFY(question);
    QCOMPARE(child<QLabel>(*question, QStringLiteral("confirmObject"))->text(), QStringLiteral("Doomed Corp"));
    QVERIFY(child<QLabel>(*question, QStringLiteral("confirmConsequence"))->text().contains(QLatin1String("1 users")));
    QTest::mouseClick(child<QPushButton>(*question, QStringLiteral("confirmCancelButton")), Qt::LeftButton);
    QTRY_VERIFY(!panel.findChild<QDialog *>(QStringLiteral("confirmDeleteTenant")));
    QCOMPARE(tenantRows(), 11);

    // deleteSelected() (what Del does in the main window; tst_mainwindow presses it) asks the same. A wrong name
    // (another case, another tenant) keeps the button disabled; Enter does not delete either.
    QVERIFY(QMetaObject::invokeMethod(&panel, "deleteSelected"));
    question = waitForConfirmation(panel, QStringLiteral("confirmDeleteTenant"));
    QVERIFY(question);
    auto *name = child<QLineEdit>(*question, QStringLiteral("confirmNameField"));
    auto *confirm = child<QPushButton>(*question, QStringLiteral("confirmDeleteTenantButton"));
    QVERIFY(name && confirm);
    QVERIFY(!confirm->isEnabled());
    for (const QString &wrong :
         {QStringLiteral("doomed corp"), QStringLiteral("Keeper"), QStringLiteral("Doomed Cor")}) {
        name->clear();
        QTest::keyClicks(name, wrong);
        QVERIFY2(!confirm->isEnabled(), qPrintable(wrong));
    }
    QTest::keyClick(name, Qt::Key_Return); // Enter presses Cancel, the default, never the destructive button
    QTRY_VERIFY(!panel.findChild<QDialog *>(QStringLiteral("confirmDeleteTenant")));
    QCOMPARE(tenantRows(), 11);

    // The name typed exactly: deleted.
    QSignalSpy deleted(panel.tenantsModel(), &TenantsModel::tenantDeleted);
    QTest::mouseClick(deleteButton, Qt::LeftButton);
    QVERIFY(confirmAction(panel, QStringLiteral("confirmDeleteTenant"), QStringLiteral("Doomed Corp")));
    QTRY_COMPARE(deleted.count(), 1);
    QTRY_COMPARE(ui.tenants->model()->rowCount(), 1);
    QCOMPARE(cellText(ui.tenants->model(), 0, TenantsModel::Name), QStringLiteral("Keeper"));
    QVERIFY2(ui.error->text().startsWith(QLatin1String("Deleted tenant Doomed Corp with 1 users")),
             qPrintable(ui.error->text()));
    QCOMPARE(tenantRows(), 0);
    QVERIFY(!deleteButton->isEnabled()); // the selection went with the row
}

// Add user: the generated password is shown once and logs in; Change role takes effect on the user's next call; the
// last owner cannot be demoted, said in words.
void TestTenantsPanel::addUserAndChangeRole()
{
    const QUrl base = m_fixture->serveHttp();
    QVERIFY(!base.isEmpty());
    const ApiReply signup = httpCall(base, "POST", QStringLiteral("/api/v1/auth/signup"),
                                     QJsonObject{{QStringLiteral("email"), QStringLiteral("owner@lovelace.test")},
                                                 {QStringLiteral("password"), QStringLiteral("correct horse battery")},
                                                 {QStringLiteral("tenant_name"), QStringLiteral("Lovelace Labs")}});
    QCOMPARE(signup.status, 201);

    TenantsPanel panel(*m_fixture->local);
    PanelModelTesters testers(panel);
    QVERIFY(showAndWait(panel, {1100, 700}));
    const PanelWidgets ui(panel);
    QVERIFY(ui.complete());
    auto *email = child<QLineEdit>(panel, QStringLiteral("newUserEmail"));
    auto *newRole = child<QComboBox>(panel, QStringLiteral("newUserRole"));
    auto *add = child<QPushButton>(panel, QStringLiteral("addUserButton"));
    auto *roleBox = child<QComboBox>(panel, QStringLiteral("userRoleBox"));
    auto *changeRole = child<QPushButton>(panel, QStringLiteral("changeUserRoleButton"));
    QVERIFY(email && newRole && add && roleBox && changeRole);
    QTRY_COMPARE(ui.tenants->model()->rowCount(), 1);
    clickRow(ui.tenants, 0);
    QTRY_COMPARE(ui.users->model()->rowCount(), 1);
    QVERIFY(!add->isEnabled());

    // Add: one row appended, the password once.
    QTest::keyClicks(email, QStringLiteral("grace@lovelace.test"));
    newRole->setCurrentIndex(newRole->findData(QStringLiteral("viewer")));
    QVERIFY(add->isEnabled());
    QTest::mouseClick(add, Qt::LeftButton);
    OneTimeSecretDialog *shown = nullptr;
    QTRY_VERIFY((shown = panel.findChild<OneTimeSecretDialog *>(QStringLiteral("oneTimeSecretDialog"))));
    const QString password = child<QLineEdit>(*shown, QStringLiteral("oneTimeSecret"))->text();
    QVERIFY(password.size() >= 16);
    QVERIFY(child<QLabel>(*shown, QStringLiteral("oneTimeSecretNotice"))->text().contains(QLatin1String("grace@")));
    QTest::mouseClick(child<QPushButton>(*shown, QStringLiteral("closeSecretButton")), Qt::LeftButton);
    QTRY_VERIFY(!panel.findChild<OneTimeSecretDialog *>());
    QTRY_COMPARE(ui.users->model()->rowCount(), 2);
    QVERIFY(email->text().isEmpty());
    const int grace = rowWithText(ui.users->model(), QStringLiteral("grace@lovelace.test"), UsersModel::Email);
    QVERIFY(grace >= 0);
    QCOMPARE(cellText(ui.users->model(), grace, UsersModel::Role), QStringLiteral("viewer"));
    QCOMPARE(cellText(ui.users->model(), grace, UsersModel::Password), QStringLiteral("must change"));
    const ApiReply login = httpCall(base, "POST", QStringLiteral("/api/v1/auth/login"),
                                    QJsonObject{{QStringLiteral("email"), QStringLiteral("grace@lovelace.test")},
                                                {QStringLiteral("password"), password}});
    QCOMPARE(login.status, 200);
    const QJsonObject twin{{QStringLiteral("name"), QStringLiteral("Analytical")}};
    // The generated password is changed first; nothing else is open before.
    const QString firstToken = login.object().value(QLatin1String("access_token")).toString();
    QCOMPARE(httpCall(base, "POST", QStringLiteral("/api/v1/twins"), twin, firstToken).errorCode(),
             QStringLiteral("password_change_required"));
    const ApiReply changed
        = httpCall(base, "POST", QStringLiteral("/api/v1/auth/password"),
                   QJsonObject{{QStringLiteral("current_password"), password},
                               {QStringLiteral("new_password"), QStringLiteral("difference engine notes 1843")}},
                   firstToken);
    QCOMPARE(changed.status, 200);
    const QString token = changed.object().value(QLatin1String("access_token")).toString();
    // A viewer may not create a twin.
    QCOMPARE(httpCall(base, "POST", QStringLiteral("/api/v1/twins"), twin, token).errorCode(),
             QStringLiteral("forbidden"));

    // Change role: the box shows the user's role; another one enables the button; the next call has the new role.
    clickRow(ui.users, grace);
    QTRY_COMPARE(roleBox->currentData().toString(), QStringLiteral("viewer"));
    QVERIFY(!changeRole->isEnabled());
    roleBox->setCurrentIndex(roleBox->findData(QStringLiteral("admin")));
    QVERIFY(changeRole->isEnabled());
    QTest::mouseClick(changeRole, Qt::LeftButton);
    QTRY_COMPARE(cellText(ui.users->model(), grace, UsersModel::Role), QStringLiteral("admin"));
    QTRY_VERIFY(!changeRole->isEnabled());
    QCOMPARE(httpCall(base, "POST", QStringLiteral("/api/v1/twins"), twin, token).status, 201);

    // The last owner stays: refused, in words, and the row keeps its role.
    const int owner = rowWithText(ui.users->model(), QStringLiteral("owner@lovelace.test"), UsersModel::Email);
    clickRow(ui.users, owner);
    QTRY_COMPARE(roleBox->currentData().toString(), QStringLiteral("owner"));
    roleBox->setCurrentIndex(roleBox->findData(QStringLiteral("viewer")));
    QTest::mouseClick(changeRole, Qt::LeftButton);
    QTRY_VERIFY(ui.error->isVisible());
    QVERIFY2(ui.error->text().startsWith(QLatin1String("The role was not changed")), qPrintable(ui.error->text()));
    QCOMPARE(cellText(ui.users->model(), owner, UsersModel::Role), QStringLiteral("owner"));
}

// Reset password…: asked first (the user named, the sessions ending said), the new password shown once in the
// one-time dialog; it signs in, must be changed before anything else, and the old password and session are gone.
void TestTenantsPanel::resetPasswordIsShownOnceAndMustBeChanged()
{
    const QUrl base = m_fixture->serveHttp();
    QVERIFY(!base.isEmpty());
    const QString email = QStringLiteral("ada@babbage.test");
    const ApiReply signup = httpCall(base, "POST", QStringLiteral("/api/v1/auth/signup"),
                                     QJsonObject{{QStringLiteral("email"), email},
                                                 {QStringLiteral("password"), QStringLiteral("correct horse battery")},
                                                 {QStringLiteral("tenant_name"), QStringLiteral("Babbage Works")}});
    QCOMPARE(signup.status, 201);
    const QString oldToken = signup.object().value(QLatin1String("access_token")).toString();

    TenantsPanel panel(*m_fixture->local);
    PanelModelTesters testers(panel);
    QVERIFY(showAndWait(panel, {1100, 700}));
    const PanelWidgets ui(panel);
    QVERIFY(ui.complete());
    auto *reset = child<QPushButton>(panel, QStringLiteral("resetUserPasswordButton"));
    QVERIFY(reset);
    QTRY_COMPARE(ui.tenants->model()->rowCount(), 1);
    clickRow(ui.tenants, 0);
    QTRY_COMPARE(ui.users->model()->rowCount(), 1);
    QVERIFY(!reset->isEnabled());
    QCOMPARE(cellText(ui.users->model(), 0, UsersModel::Password), QString());
    clickRow(ui.users, 0);
    QTRY_VERIFY(reset->isEnabled());

    // Asked first: Cancel changes nothing.
    QTest::mouseClick(reset, Qt::LeftButton);
    QDialog *question = waitForConfirmation(panel, QStringLiteral("confirmResetPassword"));
    QVERIFY(question);
    QCOMPARE(child<QLabel>(*question, QStringLiteral("confirmObject"))->text(), email);
    QVERIFY(question->findChild<QLabel *>(QStringLiteral("confirmConsequence"))
                ->text()
                .contains(QLatin1String("sessions end")));
    QTest::mouseClick(child<QPushButton>(*question, QStringLiteral("confirmCancelButton")), Qt::LeftButton);
    QTRY_VERIFY(!panel.findChild<QDialog *>(QStringLiteral("confirmResetPassword")));
    QCOMPARE(httpCall(base, "GET", QStringLiteral("/api/v1/auth/me"), {}, oldToken).status, 200);

    QTest::mouseClick(reset, Qt::LeftButton);
    QVERIFY(confirmAction(panel, QStringLiteral("confirmResetPassword")));
    OneTimeSecretDialog *shown = nullptr;
    QTRY_VERIFY((shown = panel.findChild<OneTimeSecretDialog *>(QStringLiteral("oneTimeSecretDialog"))));
    const QString password = child<QLineEdit>(*shown, QStringLiteral("oneTimeSecret"))->text();
    QVERIFY(password.size() >= 20);
    QVERIFY(child<QLabel>(*shown, QStringLiteral("oneTimeSecretNotice"))->text().contains(email));
    QTest::mouseClick(child<QPushButton>(*shown, QStringLiteral("closeSecretButton")), Qt::LeftButton);
    QTRY_VERIFY(!panel.findChild<OneTimeSecretDialog *>());
    QTRY_COMPARE(cellText(ui.users->model(), 0, UsersModel::Password), QStringLiteral("must change"));
    QVERIFY(ui.error->isHidden());

    // The old session and password are gone; the shown one signs in and must be changed first.
    QCOMPARE(httpCall(base, "GET", QStringLiteral("/api/v1/auth/me"), {}, oldToken).status, 401);
    QCOMPARE(httpCall(base, "POST", QStringLiteral("/api/v1/auth/login"),
                      QJsonObject{{QStringLiteral("email"), email},
                                  {QStringLiteral("password"), QStringLiteral("correct horse battery")}})
                 .status,
             401);
    const ApiReply login
        = httpCall(base, "POST", QStringLiteral("/api/v1/auth/login"),
                   QJsonObject{{QStringLiteral("email"), email}, {QStringLiteral("password"), password}});
    QCOMPARE(login.status, 200);
    QVERIFY(login.object()[QStringLiteral("user")][QStringLiteral("must_change_password")].toBool());
    const QString token = login.object().value(QLatin1String("access_token")).toString();
    const ApiReply refused = httpCall(base, "GET", QStringLiteral("/api/v1/twins"), {}, token);
    QCOMPARE(refused.status, 403);
    QCOMPARE(refused.errorCode(), QStringLiteral("password_change_required"));
    const ApiReply changed
        = httpCall(base, "POST", QStringLiteral("/api/v1/auth/password"),
                   QJsonObject{{QStringLiteral("current_password"), password},
                               {QStringLiteral("new_password"), QStringLiteral("analytical engine notes 1843")}},
                   token);
    QCOMPARE(changed.status, 200);
    QCOMPARE(httpCall(base, "GET", QStringLiteral("/api/v1/twins"), {},
                      changed.object().value(QLatin1String("access_token")).toString())
                 .status,
             200);
    // The users' next read shows it changed.
    panel.usersModel()->reload();
    QTRY_COMPARE(cellText(ui.users->model(), 0, UsersModel::Password), QString());
}

// The user search finds users of every tenant by email or tenant name; choosing one selects its tenant (the tenant
// search that hid it cleared, further pages fetched) and the user in the users tab.
void TestTenantsPanel::searchUsersAcrossTenants()
{
    QHash<QString, QString> tenantIds; // name → id
    QString graceId;
    {
        InProcessAdminApi api(*m_fixture->core);
        for (const QString &name :
             {QStringLiteral("Babbage Works"), QStringLiteral("Filler 1"), QStringLiteral("Filler 2"),
              QStringLiteral("Filler 3"), QStringLiteral("Lovelace Labs")}) {
            const AdminReply created = api.call("POST", QStringLiteral("/api/v1/admin/tenants"),
                                                QJsonObject{{QStringLiteral("name"), name}});
            QCOMPARE(created.status, 201);
            tenantIds.insert(name, created.body.value(QLatin1String("id")).toString());
        }
        const auto addUser = [&api, &tenantIds](const QString &tenant, const QString &email, const QString &role) {
            return api.call("POST", QStringLiteral("/api/v1/admin/tenants/%1/users").arg(tenantIds.value(tenant)),
                            QJsonObject{{QStringLiteral("email"), email}, {QStringLiteral("role"), role}});
        };
        QCOMPARE(
            addUser(QStringLiteral("Babbage Works"), QStringLiteral("charles@babbage.test"), QStringLiteral("owner"))
                .status,
            201);
        QCOMPARE(addUser(QStringLiteral("Lovelace Labs"), QStringLiteral("ada@lovelace.test"), QStringLiteral("owner"))
                     .status,
                 201);
        const AdminReply grace
            = addUser(QStringLiteral("Lovelace Labs"), QStringLiteral("grace@lovelace.test"), QStringLiteral("viewer"));
        QCOMPARE(grace.status, 201);
        graceId = grace.body.value(QLatin1String("id")).toString();
    }

    TenantsPanel panel(*m_fixture->local);
    PanelModelTesters testers(panel);
    QVERIFY(showAndWait(panel, {1100, 800}));
    const PanelWidgets ui(panel);
    QVERIFY(ui.complete());
    auto *userSearch = child<QLineEdit>(panel, QStringLiteral("userSearch"));
    auto *found = child<QTableView>(panel, QStringLiteral("userSearchTable"));
    auto *details = child<QTabWidget>(panel, QStringLiteral("tenantDetailsTabs"));
    QVERIFY(userSearch && found && details);
    QVERIFY(!found->isVisible()); // no search, no results table

    // Another tenant is shown, with the tenant search on it and its API keys in front; tenants come two a page.
    panel.tenantsModel()->setPageSize(2);
    QTest::keyClicks(ui.search, QStringLiteral("babbage"));
    QTRY_VERIFY(panel.tenantsModel()->search() == QLatin1String("babbage") && !panel.tenantsModel()->isLoading());
    QCOMPARE(ui.tenants->model()->rowCount(), 1);
    clickRow(ui.tenants, 0);
    QTRY_COMPARE(ui.users->model()->rowCount(), 1);
    details->setCurrentIndex(1);

    // The tenant's name finds its users (email, tenant, role, state, last login) ...
    QTest::keyClicks(userSearch, QStringLiteral("LOVELACE labs"));
    QTRY_VERIFY(found->isVisible());
    QTRY_COMPARE(found->model()->rowCount(), 2);
    // ... and an email finds the one user, shown whole.
    userSearch->clear();
    QTest::keyClicks(userSearch, QStringLiteral("grace@"));
    QTRY_VERIFY(panel.userSearchModel()->search() == QLatin1String("grace@") && !panel.userSearchModel()->isLoading());
    QCOMPARE(found->model()->rowCount(), 1);
    QCOMPARE(cellText(found->model(), 0, UserSearchModel::Email), QStringLiteral("grace@lovelace.test"));
    QCOMPARE(cellText(found->model(), 0, UserSearchModel::Tenant), QStringLiteral("Lovelace Labs"));
    QCOMPARE(cellText(found->model(), 0, UserSearchModel::Role), QStringLiteral("viewer"));
    QCOMPARE(cellText(found->model(), 0, UserSearchModel::State), QStringLiteral("active"));
    QCOMPARE(cellText(found->model(), 0, UserSearchModel::LastLogin), QStringLiteral("never"));

    // Choosing it selects Lovelace Labs (hidden by the tenant search, which is cleared) and Grace in its users.
    clickRow(found, 0);
    QTRY_COMPARE(panel.selectedTenantId(), tenantIds.value(QStringLiteral("Lovelace Labs")));
    QVERIFY(ui.search->text().isEmpty());
    const QModelIndexList tenantRows = ui.tenants->selectionModel()->selectedRows(TenantsModel::Name);
    QCOMPARE(tenantRows.size(), 1);
    QCOMPARE(tenantRows.first().data().toString(), QStringLiteral("Lovelace Labs"));
    QTRY_COMPARE(ui.users->selectionModel()->selectedRows(UsersModel::Email).size(), 1);
    const QModelIndex user = ui.users->selectionModel()->selectedRows(UsersModel::Email).first();
    QCOMPARE(user.data().toString(), QStringLiteral("grace@lovelace.test"));
    QCOMPARE(user.data(PagedAdminModel::IdRole).toString(), graceId);
    QCOMPARE(details->currentIndex(), 0); // the users tab, in front
    QCOMPARE(ui.revoke->isEnabled(), true); // the user's own actions apply to them
}

QTEST_MAIN(TestTenantsPanel)
#include "tst_tenantspanel.moc"
