// API keys in the Tenants panel, on Local and on a remote environment (the same core reached over HTTP with a
// platform-admin key, as the console reaches a twinopsd): a key is created through the dialogs, shown once, works
// against the tenant API within its scopes and twins, and after a confirmed revoke in the panel gets 401.
#include "admin/httpadminapi.h"
#include "apikeysmodel.h"
#include "auth/apikeyrepository.h"
#include "checks/apiclient.h"
#include "consolefixture.h"
#include "createapikeydialog.h"
#include "http/httpendpoint.h"
#include "onetimesecretdialog.h"
#include "tenantsmodel.h"
#include "tenantspanel.h"
#include "uitesting.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QClipboard>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMutex>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

#include <algorithm>
#include <optional>

using namespace twinops;
using namespace twinops::test;

namespace {

constexpr auto kFatal = QAbstractItemModelTester::FailureReportingMode::Fatal;

// Every message logged while a test runs (from any thread), so that a test can prove a secret never reached a log.
class LogCapture
{
public:
    LogCapture()
    {
        s_current = this;
        m_previous = qInstallMessageHandler(&LogCapture::handle);
    }
    ~LogCapture()
    {
        qInstallMessageHandler(m_previous);
        s_current = nullptr;
    }
    bool contains(const QString &text) const
    {
        QMutexLocker lock(&m_mutex);
        return std::any_of(m_lines.cbegin(), m_lines.cend(), [&](const QString &line) { return line.contains(text); });
    }

private:
    static void handle(QtMsgType type, const QMessageLogContext &context, const QString &message)
    {
        LogCapture *self = s_current;
        if (!self)
            return;
        {
            QMutexLocker lock(&self->m_mutex);
            self->m_lines.append(message);
        }
        if (self->m_previous)
            self->m_previous(type, context, message);
    }

    static inline LogCapture *s_current = nullptr;
    QtMessageHandler m_previous = nullptr;
    mutable QMutex m_mutex;
    QStringList m_lines;
};

QStringList names(const ApiReply &reply)
{
    QStringList list;
    for (const QJsonValue &item : reply.object().value(QLatin1String("items")).toArray())
        list << item.toObject().value(QLatin1String("name")).toString();
    return list;
}

// Where a user clicks a check box: on its indicator (the widget may be wider than indicator and text).
void tick(QCheckBox *box)
{
    QTest::mouseClick(box, Qt::LeftButton, {}, QPoint(6, box->height() / 2));
}

// A tenant with two twins, made through the admin API in process; returns the tenant id.
QString seedTenant(ServiceCore &core, const QString &name)
{
    InProcessAdminApi api(core);
    const AdminReply tenant
        = api.call("POST", QStringLiteral("/api/v1/admin/tenants"), QJsonObject{{QStringLiteral("name"), name}});
    const QString tenantId = tenant.body.value(QLatin1String("id")).toString();
    for (const QString &twin : {QStringLiteral("Alpha"), QStringLiteral("Beta")}) {
        const AdminReply created
            = api.call("POST", QStringLiteral("/api/v1/twins"), QJsonObject{{QStringLiteral("name"), twin}}, tenantId);
        if (created.status != 201)
            qWarning("twin %s: %d", qPrintable(twin), created.status);
    }
    return tenantId;
}

// The console's view of the environment under test: Local as the console builds it, or the same core over HTTP.
struct Environment
{
    std::unique_ptr<ConsoleFixture> fixture;
    QUrl base;
    std::unique_ptr<AdminClient> remote; // declared last: its thread ends before the core it calls

    AdminClient &client() const { return remote ? *remote : *fixture->local; }

    static std::optional<Environment> create(bool remote)
    {
        Environment environment;
        environment.fixture = ConsoleFixture::create(currentDialect());
        if (!environment.fixture)
            return std::nullopt;
        ServiceCore &core = *environment.fixture->core;
        EndpointOptions http;
        http.port = 0;
        if (!core.serveHttp(http, QByteArray(32, 'k')).ok()) {
            QTest::qFail("the HTTP endpoint did not start", __FILE__, __LINE__);
            return std::nullopt;
        }
        environment.base = QUrl(core.endpoint()->baseUrl());
        if (remote) {
            auto key = ApiKeyRepository(core.database()).createPlatformAdmin(QStringLiteral("console test"));
            if (!key.ok()) {
                QTest::qFail(qPrintable(key.error().message), __FILE__, __LINE__);
                return std::nullopt;
            }
            environment.remote = std::make_unique<AdminClient>(QStringLiteral("Remote"),
                                                               [base = environment.base, secret = key->secret] {
                                                                   return std::make_unique<HttpAdminApi>(base, secret);
                                                               });
        }
        return std::optional<Environment>(std::move(environment));
    }
};

// The panel on screen with the tenant `name` selected and its "API keys" tab open.
bool openKeysOf(TenantsPanel &panel, const QString &name)
{
    panel.resize(1100, 750);
    panel.show();
    if (!QTest::qWaitForWindowExposed(&panel))
        return false;
    auto *search = child<QLineEdit>(panel, QStringLiteral("tenantsSearch"));
    auto *tenants = child<QTableView>(panel, QStringLiteral("tenantsTable"));
    auto *tabs = child<QTabWidget>(panel, QStringLiteral("tenantDetailsTabs"));
    if (!search || !tenants || !tabs)
        return false;
    QTest::keyClicks(search, name);
    if (!QTest::qWaitFor([&] {
            // The search is applied after a pause in typing: wait for its list, not the one before it.
            return panel.tenantsModel()->search() == name && !panel.tenantsModel()->isLoading()
                && tenants->model()->rowCount() == 1 && cellText(tenants->model(), 0, TenantsModel::Name) == name;
        })) {
        qWarning("the search for %s did not list it alone", qPrintable(name));
        return false;
    }
    clickRow(tenants, 0);
    QTest::mouseClick(tabs->tabBar(), Qt::LeftButton, {}, tabs->tabBar()->tabRect(1).center());
    return tabs->currentIndex() == 1 && QTest::qWaitFor([&] {
               return !panel.apiKeysModel()->tenantId().isEmpty() && !panel.apiKeysModel()->isLoading();
           });
}

} // namespace

class TestApiKeys final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void createUseAndRevoke_data();
    void createUseAndRevoke();
    void errorsAreShownInWords();
    void suspendedTenantHasNoKeysToManage();
    void pagesThroughEveryKey();
    void showsWhoMadeAKeyAndWhyItWasRevoked();
};

void TestApiKeys::createUseAndRevoke_data()
{
    QTest::addColumn<bool>("remote");
    QTest::newRow("local") << false;
    QTest::newRow("remote") << true;
}

void TestApiKeys::createUseAndRevoke()
{
    QFETCH(bool, remote);
    LogCapture logs;
    auto environment = Environment::create(remote);
    if (!environment)
        return;
    const QString tenantId = seedTenant(*environment->fixture->core, QStringLiteral("Initech"));
    QVERIFY(!tenantId.isEmpty());

    TenantsPanel panel(environment->client());
    QAbstractItemModelTester keysTester(panel.apiKeysModel(), kFatal);
    QAbstractItemModelTester keysProxyTester(panel.apiKeysProxy(), kFatal);
    QAbstractItemModelTester tenantsTester(panel.tenantsModel(), kFatal);
    auto *keys = child<QTableView>(panel, QStringLiteral("apiKeysTable"));
    auto *create = child<QPushButton>(panel, QStringLiteral("createApiKeyButton"));
    auto *revoke = child<QPushButton>(panel, QStringLiteral("revokeApiKeyButton"));
    auto *error = child<QLabel>(panel, QStringLiteral("tenantsError"));
    QVERIFY(keys && create && revoke && error);
    QVERIFY(!create->isEnabled());
    QVERIFY(openKeysOf(panel, QStringLiteral("Initech")));
    QCOMPARE(panel.apiKeysModel()->tenantId(), tenantId);
    QCOMPARE(keys->model()->rowCount(), 0);
    QVERIFY(create->isEnabled());
    QVERIFY(!revoke->isEnabled());
    QVERIFY(child<QLabel>(panel, QStringLiteral("apiKeysTitle"))->text().contains(QLatin1String("Initech")));

    // The dialog: nothing can be created until there is a name and a scope, and, when the twins are limited, a twin.
    QTest::mouseClick(create, Qt::LeftButton);
    CreateApiKeyDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = panel.findChild<CreateApiKeyDialog *>(QStringLiteral("createApiKeyDialog"))));
    QVERIFY(QTest::qWaitForWindowExposed(dialog));
    auto *name = child<QLineEdit>(*dialog, QStringLiteral("apiKeyName"));
    auto *twinsRead = child<QCheckBox>(*dialog, QStringLiteral("apiKeyScope_twins_read"));
    auto *limitTwins = child<QCheckBox>(*dialog, QStringLiteral("apiKeyLimitTwins"));
    auto *twinList = child<QListView>(*dialog, QStringLiteral("apiKeyTwins"));
    auto *expires = child<QCheckBox>(*dialog, QStringLiteral("apiKeyExpires"));
    auto *expiryDays = child<QSpinBox>(*dialog, QStringLiteral("apiKeyExpiryDays"));
    auto *confirmCreate = child<QPushButton>(*dialog, QStringLiteral("confirmCreateApiKeyButton"));
    QVERIFY(name && twinsRead && limitTwins && twinList && expires && expiryDays && confirmCreate);
    // Every scope of resources/api/openapi.json, and only those, can be ticked.
    const QList<QCheckBox *> scopeBoxes
        = dialog->findChildren<QCheckBox *>(QRegularExpression(QStringLiteral("^apiKeyScope_")));
    QCOMPARE(scopeBoxes.size(), 6);
    QVERIFY(!confirmCreate->isEnabled());
    QTest::keyClicks(name, QStringLiteral("CI reader"));
    QVERIFY(!confirmCreate->isEnabled());
    tick(twinsRead);
    QVERIFY(twinsRead->isChecked());
    QVERIFY(confirmCreate->isEnabled());
    QVERIFY(!twinList->isEnabled());
    tick(limitTwins);
    QVERIFY(twinList->isEnabled());
    QVERIFY(!confirmCreate->isEnabled());
    QTRY_COMPARE(twinList->model()->rowCount(), 2);
    const int alpha = cellText(twinList->model(), 0, 0) == QLatin1String("Alpha") ? 0 : 1;
    QCOMPARE(cellText(twinList->model(), alpha, 0), QStringLiteral("Alpha"));
    clickIndex(twinList, twinList->model()->index(alpha, twinList->modelColumn()));
    QTRY_VERIFY(confirmCreate->isEnabled());
    tick(expires);
    QVERIFY(expiryDays->isEnabled());
    expiryDays->setValue(30);
    const ApiKeysModel::NewKey asked = dialog->newKey();
    QCOMPARE(asked.name, QStringLiteral("CI reader"));
    QCOMPARE(asked.scopes, QStringList{QStringLiteral("twins:read")});
    QVERIFY(asked.twinIds && asked.twinIds->size() == 1);
    QCOMPARE(asked.expiresInDays, std::optional<int>(30));
    QSignalSpy inserted(panel.apiKeysModel(), &QAbstractItemModel::rowsInserted);
    QSignalSpy resets(panel.apiKeysModel(), &QAbstractItemModel::modelReset);
    QTest::mouseClick(confirmCreate, Qt::LeftButton);

    // The key, once: read-only, with Copy and the warning.
    OneTimeSecretDialog *shown = nullptr;
    QTRY_VERIFY((shown = panel.findChild<OneTimeSecretDialog *>(QStringLiteral("oneTimeSecretDialog"))));
    QVERIFY(QTest::qWaitForWindowExposed(shown));
    auto *secretField = child<QLineEdit>(*shown, QStringLiteral("oneTimeSecret"));
    auto *notice = child<QLabel>(*shown, QStringLiteral("oneTimeSecretNotice"));
    auto *copy = child<QPushButton>(*shown, QStringLiteral("copySecretButton"));
    auto *close = child<QPushButton>(*shown, QStringLiteral("closeSecretButton"));
    QVERIFY(secretField && notice && copy && close);
    const QString secret = secretField->text();
    QVERIFY2(secret.startsWith(QLatin1String("twk_")) && secret.size() > 30, qPrintable(secret.left(16)));
    QVERIFY(secretField->isReadOnly());
    QVERIFY(notice->text().contains(QLatin1String("will not be shown again")));
    QVERIFY(notice->text().contains(QLatin1String("CI reader")));
    QTest::mouseClick(copy, Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(), secret);
    QGuiApplication::clipboard()->clear();
    QTest::mouseClick(close, Qt::LeftButton);
    QTRY_VERIFY(!panel.findChild<OneTimeSecretDialog *>());
    QTRY_VERIFY(!panel.findChild<CreateApiKeyDialog *>());

    // One row appended, not a reset; it shows what the key is, never the key itself.
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(resets.count(), 0);
    QAbstractItemModel *rows = keys->model();
    QCOMPARE(rows->rowCount(), 1);
    QCOMPARE(cellText(rows, 0, ApiKeysModel::Name), QStringLiteral("CI reader"));
    QCOMPARE(cellText(rows, 0, ApiKeysModel::Prefix), secret.left(16)); // "twk_" and the public part
    QCOMPARE(cellText(rows, 0, ApiKeysModel::Scopes), QStringLiteral("twins:read"));
    QCOMPARE(cellText(rows, 0, ApiKeysModel::Twins), QStringLiteral("1 twin"));
    QCOMPARE(cellText(rows, 0, ApiKeysModel::State), QStringLiteral("active"));
    QCOMPARE(cellText(rows, 0, ApiKeysModel::LastUsed), QStringLiteral("never"));
    QVERIFY(cellText(rows, 0, ApiKeysModel::Expires) != QLatin1String("never"));
    const QString secretPart = secret.mid(17); // after "twk_<prefix>_"
    QVERIFY(secretPart.size() >= 32);
    for (int column = 0; column < ApiKeysModel::ColumnCount; ++column) {
        for (int role : {int(Qt::DisplayRole), int(Qt::ToolTipRole), int(Qt::EditRole), int(PagedAdminModel::SortRole),
                         int(PagedAdminModel::IdRole)}) {
            QVERIFY(!rows->index(0, column).data(role).toString().contains(secretPart));
        }
    }
    const QByteArray row = QJsonDocument(panel.apiKeysModel()->item(0)).toJson();
    QVERIFY(!row.contains(secretPart.toUtf8()));
    QVERIFY(!panel.apiKeysModel()->item(0).contains(QLatin1String("key")));
    QVERIFY2(!logs.contains(secretPart), "the new key was logged");

    // The key works, within its scope and its one twin.
    const ApiReply twins = httpCall(environment->base, "GET", QStringLiteral("/api/v1/twins"), {}, secret);
    QCOMPARE(twins.status, 200);
    QCOMPARE(names(twins), QStringList{QStringLiteral("Alpha")});
    QCOMPARE(httpCall(environment->base, "POST", QStringLiteral("/api/v1/twins"),
                      QJsonObject{{QStringLiteral("name"), QStringLiteral("Gamma")}}, secret)
                 .status,
             403);

    // Revoke asks first (here from the row's context menu, which offers what the button does); Cancel changes nothing.
    QCOMPARE(contextMenu(keys, 0, QStringLiteral("Revoke…")),
             (QHash<QString, bool>{{QStringLiteral("Revoke…"), true},
                                   {QStringLiteral("Copy full id"), true},
                                   {QStringLiteral("Copy prefix"), true}}));
    QVERIFY(revoke->isEnabled());
    QDialog *question = waitForConfirmation(panel, QStringLiteral("confirmRevokeApiKey"));
    QVERIFY(question);
    QVERIFY(child<QLabel>(*question, QStringLiteral("confirmObject"))->text().contains(QLatin1String("CI reader")));
    QTest::mouseClick(child<QPushButton>(*question, QStringLiteral("confirmCancelButton")), Qt::LeftButton);
    QTRY_VERIFY(!panel.findChild<QDialog *>(QStringLiteral("confirmRevokeApiKey")));
    QCOMPARE(httpCall(environment->base, "GET", QStringLiteral("/api/v1/twins"), {}, secret).status, 200);
    QCOMPARE(cellText(rows, 0, ApiKeysModel::State), QStringLiteral("active"));

    // Confirmed: the row says revoked, the database agrees, and the key's next call is refused.
    QSignalSpy revoked(panel.apiKeysModel(), &ApiKeysModel::keyRevoked);
    QTest::mouseClick(revoke, Qt::LeftButton);
    QVERIFY(confirmAction(panel, QStringLiteral("confirmRevokeApiKey")));
    QTRY_COMPARE(cellText(rows, 0, ApiKeysModel::State), QStringLiteral("revoked"));
    QCOMPARE(revoked.count(), 1);
    QVERIFY(!revoke->isEnabled());
    QCOMPARE(contextMenu(keys, 0).value(QStringLiteral("Revoke…")), false);
    QVERIFY(error->isHidden());
    QCOMPARE(resets.count(), 0);
    auto stored = environment->fixture->core->database().query(
        QStringLiteral("SELECT revoked_at FROM api_keys WHERE name = $1"), {QStringLiteral("CI reader")});
    TWINOPS_VERIFY_OK(stored);
    QCOMPARE(stored->size(), 1);
    QVERIFY(!stored->first().isNull(0));
    const ApiReply refused = httpCall(environment->base, "GET", QStringLiteral("/api/v1/twins"), {}, secret);
    QCOMPARE(refused.status, 401);
    QCOMPARE(refused.errorCode(), QStringLiteral("unauthorized"));

    // A fresh list (another console, a restart) says the same.
    panel.apiKeysModel()->reload();
    QTRY_COMPARE(rows->rowCount(), 1);
    QCOMPARE(cellText(rows, 0, ApiKeysModel::State), QStringLiteral("revoked"));
    QVERIFY2(!logs.contains(secretPart), "the key was logged");
}

void TestApiKeys::errorsAreShownInWords()
{
    auto environment = Environment::create(false);
    if (!environment)
        return;
    seedTenant(*environment->fixture->core, QStringLiteral("Hooli"));
    TenantsPanel panel(environment->client());
    QAbstractItemModelTester keysTester(panel.apiKeysModel(), kFatal);
    QVERIFY(openKeysOf(panel, QStringLiteral("Hooli")));
    auto *error = child<QLabel>(panel, QStringLiteral("tenantsError"));
    QVERIFY(error);

    // What the dialog would not send, sent anyway: the API's 422, with the fields in the dialog's words.
    panel.apiKeysModel()->createKey({QStringLiteral("No scopes"), {}, std::nullopt, std::nullopt});
    QTRY_VERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QLatin1String("not created"))
                 && error->text().contains(QLatin1String("Scopes: must name at least one scope")),
             qPrintable(error->text()));
    panel.apiKeysModel()->createKey(
        {QStringLiteral("Odd"), {QStringLiteral("twins:read")}, std::nullopt, std::optional<int>(0)});
    QTRY_VERIFY(error->text().contains(QLatin1String("Expiry: must be between 1 and 3650")));

    // A twin that is not the tenant's (deleted meanwhile, or another tenant's).
    panel.apiKeysModel()->createKey({QStringLiteral("Stale"),
                                     {QStringLiteral("twins:read")},
                                     QStringList{QStringLiteral("00000000-0000-4000-8000-000000000000")},
                                     std::nullopt});
    QTRY_VERIFY(error->text().contains(QLatin1String("twin not found")));
    QCOMPARE(panel.apiKeysModel()->rowCount(), 0);
    QCOMPARE(environment->fixture->core->database().query(QStringLiteral("SELECT id FROM api_keys"))->size(), 0);

    // Revoking a key that is not there (any more).
    panel.apiKeysModel()->revokeKey(QStringLiteral("00000000-0000-4000-8000-000000000000"));
    QTRY_VERIFY(error->text().contains(QLatin1String("not revoked")));
    QVERIFY(error->text().contains(QLatin1String("not found")));
}

void TestApiKeys::suspendedTenantHasNoKeysToManage()
{
    auto environment = Environment::create(false);
    if (!environment)
        return;
    seedTenant(*environment->fixture->core, QStringLiteral("Vandelay"));
    TenantsPanel panel(environment->client());
    QAbstractItemModelTester keysTester(panel.apiKeysModel(), kFatal);
    QVERIFY(openKeysOf(panel, QStringLiteral("Vandelay")));
    auto *create = child<QPushButton>(panel, QStringLiteral("createApiKeyButton"));
    auto *suspend = child<QPushButton>(panel, QStringLiteral("suspendTenantButton"));
    auto *title = child<QLabel>(panel, QStringLiteral("apiKeysTitle"));
    auto *error = child<QLabel>(panel, QStringLiteral("tenantsError"));
    QVERIFY(create && suspend && title && error);
    QVERIFY(create->isEnabled());

    // The routes of a suspended tenant answer 403: the panel says why there is nothing instead of failing.
    QTest::mouseClick(suspend, Qt::LeftButton);
    QVERIFY(confirmAction(panel, QStringLiteral("confirmSuspendTenant")));
    QTRY_VERIFY(title->text().contains(QLatin1String("suspended")));
    QVERIFY(!create->isEnabled());
    QVERIFY(panel.apiKeysModel()->tenantId().isEmpty());
    QVERIFY(error->isHidden());
    QTest::mouseClick(suspend, Qt::LeftButton);
    QTRY_VERIFY(create->isEnabled());
    QVERIFY(!title->text().contains(QLatin1String("suspended")));
    QTRY_VERIFY(!panel.apiKeysModel()->isLoading());
    QVERIFY(error->isHidden());
}

void TestApiKeys::pagesThroughEveryKey()
{
    auto environment = Environment::create(false);
    if (!environment)
        return;
    const QString tenantId = seedTenant(*environment->fixture->core, QStringLiteral("Paged keys"));
    QStringList made;
    {
        InProcessAdminApi api(*environment->fixture->core);
        for (int i = 1; i <= 7; ++i) {
            made << QStringLiteral("key %1").arg(i);
            const AdminReply created
                = api.call("POST", QStringLiteral("/api/v1/api-keys"),
                           QJsonObject{{QStringLiteral("name"), made.last()},
                                       {QStringLiteral("scopes"), QJsonArray{QStringLiteral("jobs:read")}}},
                           tenantId);
            QCOMPARE(created.status, 201);
        }
    }

    // The keys list pages with a cursor like the admin lists: one page per fetchMore until there is no next one.
    ApiKeysModel model(environment->client());
    QAbstractItemModelTester tester(&model, kFatal);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.setPageSize(3);
    model.setTenantId(tenantId);
    const auto fetchAll = [&model] {
        if (model.canFetchMore({}))
            model.fetchMore({});
        return model.rowCount();
    };
    QTRY_COMPARE(fetchAll(), 7);
    QVERIFY(!model.canFetchMore({}));
    QList<QPair<int, int>> pages;
    for (const QList<QVariant> &signal : std::as_const(inserted))
        pages.append({signal.at(1).toInt(), signal.at(2).toInt()});
    QCOMPARE(pages, (QList<QPair<int, int>>{{0, 2}, {3, 5}, {6, 6}}));
    QStringList listed;
    for (int row = 0; row < model.rowCount(); ++row) {
        listed << model.index(row, ApiKeysModel::Name).data().toString();
        QCOMPARE(model.index(row, ApiKeysModel::Twins).data().toString(), QStringLiteral("all"));
        QCOMPARE(model.index(row, ApiKeysModel::Expires).data().toString(), QStringLiteral("never"));
    }
    listed.sort();
    made.sort();
    QCOMPARE(listed, made);

    // Another tenant: a reset, and that tenant's (no) keys.
    model.setTenantId(QString());
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(!model.canFetchMore({}));
}

// Issue #12: a key dies with its creator's access. The table says who made each key and why a key was revoked.
void TestApiKeys::showsWhoMadeAKeyAndWhyItWasRevoked()
{
    auto environment = Environment::create(false);
    QVERIFY(environment);
    const QString tenantId = seedTenant(*environment->fixture->core, QStringLiteral("Creators"));
    InProcessAdminApi api(*environment->fixture->core);
    const QString password = QStringLiteral("correct horse battery");
    const AdminReply grace = api.call("POST", QStringLiteral("/api/v1/users"),
                                      QJsonObject{{QStringLiteral("email"), QStringLiteral("grace@example.com")},
                                                  {QStringLiteral("password"), password},
                                                  {QStringLiteral("role"), QStringLiteral("admin")}},
                                      tenantId);
    QCOMPARE(grace.status, 201);
    ApiClient http(environment->base);
    const ApiReply session = http.post(QStringLiteral("/api/v1/auth/login"),
                                       QJsonObject{{QStringLiteral("email"), QStringLiteral("grace@example.com")},
                                                   {QStringLiteral("password"), password}});
    QCOMPARE(session.status, 200);
    const ApiReply made = http.post(QStringLiteral("/api/v1/api-keys"),
                                    QJsonObject{{QStringLiteral("name"), QStringLiteral("grace's")},
                                                {QStringLiteral("scopes"), QJsonArray{QStringLiteral("chat")}}},
                                    session.object().value(QLatin1String("access_token")).toString());
    QCOMPARE(made.status, 201);
    QCOMPARE(api.call("POST", QStringLiteral("/api/v1/api-keys"),
                      QJsonObject{{QStringLiteral("name"), QStringLiteral("console's")},
                                  {QStringLiteral("scopes"), QJsonArray{QStringLiteral("chat")}}},
                      tenantId)
                 .status,
             201);
    QCOMPARE(api.call("PATCH", QStringLiteral("/api/v1/users/") + grace.body.value(QLatin1String("id")).toString(),
                      QJsonObject{{QStringLiteral("is_active"), false}}, tenantId)
                 .status,
             200);

    ApiKeysModel model(environment->client());
    QAbstractItemModelTester tester(&model, kFatal);
    model.setTenantId(tenantId);
    QTRY_COMPARE(model.rowCount(), 2);
    QHash<QString, int> rowOf;
    for (int row = 0; row < model.rowCount(); ++row)
        rowOf.insert(model.index(row, ApiKeysModel::Name).data().toString(), row);
    QCOMPARE(model.headerData(ApiKeysModel::CreatedBy, Qt::Horizontal).toString(), QStringLiteral("Created by"));
    QCOMPARE(model.index(rowOf.value(QStringLiteral("grace's")), ApiKeysModel::CreatedBy).data().toString(),
             QStringLiteral("grace@example.com"));
    QCOMPARE(model.index(rowOf.value(QStringLiteral("grace's")), ApiKeysModel::State).data().toString(),
             QStringLiteral("revoked (creator deactivated)"));
    QCOMPARE(model.index(rowOf.value(QStringLiteral("console's")), ApiKeysModel::CreatedBy).data().toString(),
             QStringLiteral("platform admin"));
    QCOMPARE(model.index(rowOf.value(QStringLiteral("console's")), ApiKeysModel::State).data().toString(),
             QStringLiteral("active"));
}

QTEST_MAIN(TestApiKeys)
#include "tst_apikeys.moc"
