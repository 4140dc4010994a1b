// The environments dialog driven like a user: type, click, wait for the answer from the store's thread. Most
// functions stand in for the keychain (a file store that answers, or one that reports no keychain), so they are the
// same on every machine; the realKeyring… ones use the system keychain (scripts/test.sh provides gnome-keyring).
#include "auth/apikeyrepository.h"
#include "config/environmentstore.h"
#include "environmentsdialog.h"
#include "fakesecretstores.h"
#include "gate.h"
#include "http/httpendpoint.h"
#include "keychaintesting.h"
#include "servicecore.h"
#include "testdatabase.h"
#include "testfiles.h"
#include "uitesting.h"

#include <QClipboard>
#include <QDialogButtonBox>
#include <QDir>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace twinops;
using namespace twinops::test;

namespace {

void fillForm(QWidget &dialog, const QString &name, const QString &url, const QString &key, const QString &dsn = {})
{
    QTest::keyClicks(child<QLineEdit>(dialog, QStringLiteral("environmentName")), name);
    QTest::keyClicks(child<QLineEdit>(dialog, QStringLiteral("environmentUrl")), url);
    QTest::keyClicks(child<QLineEdit>(dialog, QStringLiteral("environmentAdminKey")), key);
    QTest::keyClicks(child<QLineEdit>(dialog, QStringLiteral("environmentDsn")), dsn);
}

const QString kKeychainService = QStringLiteral("TwinOps tests");

// Generous: a keychain call crosses D-Bus to another process, on a machine that may be busy building.
constexpr int kKeychainWaitMs = 30'000;

// What the system keychain holds under `key` for the tests' service (NotFound when nothing).
Result<QByteArray> keychainSecret(const QString &key)
{
    return KeychainSecretStore(kKeychainService).read(key);
}

// The system keychain, with its writes held at `gate` on their way in.
class GatedKeychain final : public SecretStore
{
public:
    explicit GatedKeychain(std::shared_ptr<Gate> gate)
        : m_gate(std::move(gate))
    { }
    QString description() const override { return m_keychain.description(); }
    Result<QByteArray> read(const QString &key) override { return m_keychain.read(key); }
    Status write(const QString &key, const QByteArray &secret) override
    {
        m_gate->pass();
        return m_keychain.write(key, secret);
    }
    Status remove(const QString &key) override { return m_keychain.remove(key); }

private:
    std::shared_ptr<Gate> m_gate;
    KeychainSecretStore m_keychain{kKeychainService};
};

} // namespace

class TestEnvironmentsDialog final : public QObject
{
    Q_OBJECT
private slots:
    void addAndRemoveWithKeychain();
    void invalidInputIsExplained();
    void testConnectionSaysWhatWorks();
    void noKeychainOffersTheFileFallback();
    void realKeyringAddEditAndRemove();
    void realKeyringClosingMidWriteNeverWaits();
};

// Test connection against a real endpoint on loopback: a good key, a wrong key, the saved key of the selected
// environment, and an address where nothing listens — each said in words.
void TestEnvironmentsDialog::testConnectionSaysWhatWorks()
{
    QTemporaryDir dir;
    auto core = ServiceCore::start(CoreOptions{DatabaseUrl::sqliteFile(dir.filePath(QStringLiteral("remote.db")))});
    QVERIFY2(core.ok(), core.ok() ? "" : qPrintable(core.error().message));
    EndpointOptions http;
    http.port = 0;
    TWINOPS_VERIFY_OK((*core)->serveHttp(http, QByteArray(32, 'e')));
    const QString base = (*core)->endpoint()->baseUrl();
    const auto key = ApiKeyRepository((*core)->database()).createPlatformAdmin(QStringLiteral("console"));
    QVERIFY(key.ok());
    quint16 closedPort = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        closedPort = probe.serverPort();
    }

    auto store = std::make_shared<EnvironmentStore>(
        dir.filePath(QStringLiteral("environments.ini")),
        std::make_unique<FileSecretStore>(dir.filePath(QStringLiteral("keychain"))));
    QVERIFY(store->add(QStringLiteral("Staging"), QUrl(base), key->secret).ok());
    EnvironmentsDialog dialog(store);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto *url = child<QLineEdit>(dialog, QStringLiteral("environmentUrl"));
    auto *adminKey = child<QLineEdit>(dialog, QStringLiteral("environmentAdminKey"));
    auto *test = child<QPushButton>(dialog, QStringLiteral("testEnvironmentButton"));
    auto *result = child<QLabel>(dialog, QStringLiteral("environmentTestResult"));
    auto *list = child<QListWidget>(dialog, QStringLiteral("environmentsList"));
    QVERIFY(url && adminKey && test && result && list);
    const auto testWith = [&](const QString &address, const QString &typedKey) {
        url->setText(address);
        adminKey->setText(typedKey);
        QTest::mouseClick(test, Qt::LeftButton);
        if (!QTest::qWaitFor([&] { return test->isEnabled() && !result->text().startsWith(QLatin1String("Testing")); },
                             20'000))
            return QStringLiteral("still testing");
        return result->text();
    };

    QString said = testWith(QString(), QString());
    QVERIFY2(said.startsWith(QLatin1String("Enter the base URL")), qPrintable(said));
    said = testWith(base, key->secret);
    QVERIFY2(said.contains(QLatin1String("the admin API key works")) && said.contains(QLatin1String("twinopsd")),
             qPrintable(said));
    said = testWith(base, QStringLiteral("twk_wrong_wrong_wrong"));
    QVERIFY2(said.contains(QLatin1String("was refused")), qPrintable(said));
    said = testWith(QStringLiteral("http://127.0.0.1:%1").arg(closedPort), key->secret);
    QVERIFY2(said.startsWith(QLatin1String("Could not reach")), qPrintable(said));
    // The selected environment's saved key, read off the GUI thread, when the field is empty.
    QTRY_COMPARE(list->count(), 1);
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(list->item(0)).center());
    QTRY_COMPARE(url->text(), base);
    said = testWith(base, QString());
    QVERIFY2(said.contains(QLatin1String("the admin API key works")), qPrintable(said));
    QVERIFY(!said.contains(key->secret));

    // The row's context menu: the row goes into the form (as a click puts it), then Test connection tests it; the
    // name and base URL can be copied.
    url->clear();
    result->clear();
    const QHash<QString, bool> offered = contextMenu(list, 0, QStringLiteral("Test connection"));
    QVERIFY(offered.value(QStringLiteral("Remove…")) && offered.value(QStringLiteral("Copy name")));
    QCOMPARE(url->text(), base);
    QTRY_VERIFY_WITH_TIMEOUT(test->isEnabled() && result->text().contains(QLatin1String("the admin API key works")),
                             20'000);
    contextMenu(list, 0, QStringLiteral("Copy base URL"));
    QCOMPARE(QGuiApplication::clipboard()->text(), base);
}

void TestEnvironmentsDialog::addAndRemoveWithKeychain()
{
    QTemporaryDir dir;
    auto store = std::make_shared<EnvironmentStore>(
        dir.filePath(QStringLiteral("environments.ini")),
        std::make_unique<FileSecretStore>(dir.filePath(QStringLiteral("keychain"))));
    EnvironmentsDialog dialog(store);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto *list = child<QListWidget>(dialog, QStringLiteral("environmentsList"));
    auto *add = child<QPushButton>(dialog, QStringLiteral("addEnvironmentButton"));
    QVERIFY(list && add);
    QTRY_VERIFY(add->isEnabled());
    QVERIFY(!child<QWidget>(dialog, QStringLiteral("environmentsFallback"))->isVisible());
    QCOMPARE(child<QLineEdit>(dialog, QStringLiteral("environmentAdminKey"))->echoMode(), QLineEdit::Password);
    QCOMPARE(child<QLineEdit>(dialog, QStringLiteral("environmentDsn"))->echoMode(), QLineEdit::Password);

    QSignalSpy added(&dialog, &EnvironmentsDialog::environmentAdded);
    fillForm(dialog, QStringLiteral("Staging"), QStringLiteral("https://staging.example.com"),
             QStringLiteral("tok_staging_key"), QStringLiteral("postgresql://u:p@db/twinops"));
    QTest::mouseClick(add, Qt::LeftButton);
    QTRY_COMPARE(added.count(), 1);
    const QString id = added.first().at(0).toString();
    QCOMPARE(added.first().at(1).toString(), QStringLiteral("Staging"));
    QCOMPARE(added.first().at(2).toUrl(), QUrl(QStringLiteral("https://staging.example.com")));
    QCOMPARE(added.first().at(3).toString(), QStringLiteral("tok_staging_key"));
    QTRY_COMPARE(list->count(), 1);
    QVERIFY(list->item(0)->text().contains(QLatin1String("Staging")));
    QVERIFY(child<QLineEdit>(dialog, QStringLiteral("environmentAdminKey"))->text().isEmpty());
    QCOMPARE(*store->adminKey(id), QStringLiteral("tok_staging_key"));
    QCOMPARE(*store->dsn(id), QStringLiteral("postgresql://u:p@db/twinops"));

    auto *remove = child<QPushButton>(dialog, QStringLiteral("removeEnvironmentButton"));
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(list->item(0)).center());
    QTRY_VERIFY(remove->isEnabled());
    QTest::mouseClick(remove, Qt::LeftButton);
    QVERIFY(confirmAction(dialog, QStringLiteral("confirmRemoveEnvironment")));
    QTRY_COMPARE(list->count(), 0);
    QVERIFY(store->list()->isEmpty());
    QCOMPARE(store->adminKey(id).error().code, ErrorCode::NotFound);
    QVERIFY(!child<QLabel>(dialog, QStringLiteral("environmentsError"))->isVisible());
}

void TestEnvironmentsDialog::invalidInputIsExplained()
{
    QTemporaryDir dir;
    auto store = std::make_shared<EnvironmentStore>(
        dir.filePath(QStringLiteral("environments.ini")),
        std::make_unique<FileSecretStore>(dir.filePath(QStringLiteral("keychain"))));
    EnvironmentsDialog dialog(store);
    dialog.show();
    auto *add = child<QPushButton>(dialog, QStringLiteral("addEnvironmentButton"));
    QTRY_VERIFY(add->isEnabled());
    QSignalSpy added(&dialog, &EnvironmentsDialog::environmentAdded);
    fillForm(dialog, QStringLiteral("Staging"), QStringLiteral("https://staging.example.com"), {});
    QTest::mouseClick(add, Qt::LeftButton);
    auto *error = child<QLabel>(dialog, QStringLiteral("environmentsError"));
    QTRY_VERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QLatin1String("admin API key")), qPrintable(error->text()));
    QCOMPARE(added.count(), 0);
    QVERIFY(store->list()->isEmpty());
}

void TestEnvironmentsDialog::noKeychainOffersTheFileFallback()
{
    QTemporaryDir dir;
    const QString settingsPath = dir.filePath(QStringLiteral("environments.ini"));
    const QString secrets = dir.filePath(QStringLiteral("secrets"));
    auto store = std::make_shared<EnvironmentStore>(settingsPath, std::make_unique<UnreachableKeychain>());
    EnvironmentsDialog dialog(store);
    dialog.setFileFallbackDirectory(secrets);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));

    auto *fallback = child<QWidget>(dialog, QStringLiteral("environmentsFallback"));
    auto *message = child<QLabel>(dialog, QStringLiteral("environmentsFallbackMessage"));
    auto *useFiles = child<QPushButton>(dialog, QStringLiteral("useFileFallbackButton"));
    auto *add = child<QPushButton>(dialog, QStringLiteral("addEnvironmentButton"));
    QTRY_VERIFY(fallback->isVisible());
    QVERIFY2(message->text().contains(secrets), qPrintable(message->text()));
    QVERIFY(message->text().contains(QLatin1String("readable by this OS user only")));
    QVERIFY(message->text().contains(QLatin1String("No keychain")));
    QTRY_VERIFY(useFiles->isEnabled());
    QVERIFY(!add->isEnabled()); // nothing can be stored yet

    // Cancelling the confirmation changes nothing.
    QTest::mouseClick(useFiles, Qt::LeftButton);
    QMessageBox *question = nullptr;
    QTRY_VERIFY((question = dialog.findChild<QMessageBox *>(QStringLiteral("confirmFileFallback"))));
    QVERIFY(question->text().contains(secrets));
    QTest::mouseClick(question->button(QMessageBox::Cancel), Qt::LeftButton);
    QTRY_VERIFY(!dialog.findChild<QMessageBox *>(QStringLiteral("confirmFileFallback")));
    QCOMPARE(store->backend(), SecretBackend::Unavailable);
    QVERIFY(!QDir(secrets).exists());

    // Confirming enables it.
    QTest::mouseClick(useFiles, Qt::LeftButton);
    QTRY_VERIFY((question = dialog.findChild<QMessageBox *>(QStringLiteral("confirmFileFallback"))));
    QTest::mouseClick(question->findChild<QPushButton *>(QStringLiteral("confirmFileFallbackButton")), Qt::LeftButton);
    QTRY_VERIFY(!fallback->isVisible());
    QTRY_VERIFY(add->isEnabled());
    QCOMPARE(store->backend(), SecretBackend::File);
    QVERIFY(child<QLabel>(dialog, QStringLiteral("environmentsBackend"))->text().contains(secrets));

    QSignalSpy added(&dialog, &EnvironmentsDialog::environmentAdded);
    fillForm(dialog, QStringLiteral("Production"), QStringLiteral("https://prod.example.com"),
             QStringLiteral("tok_prod_key"));
    QTest::mouseClick(add, Qt::LeftButton);
    QTRY_COMPARE(added.count(), 1);
    QCOMPARE(added.first().at(3).toString(), QStringLiteral("tok_prod_key"));
    const QString id = added.first().at(0).toString();
    QCOMPARE(*store->adminKey(id), QStringLiteral("tok_prod_key"));
    QCOMPARE(modeOf(secrets), 0700u);
    const QStringList files = QDir(secrets).entryList(QDir::Files);
    QCOMPARE(files.size(), 1);
    QCOMPARE(modeOf(QDir(secrets).filePath(files.first())), 0600u);
}

void TestEnvironmentsDialog::realKeyringAddEditAndRemove()
{
    TWINOPS_REQUIRE_SESSION_BUS();
    QTemporaryDir dir;
    auto store = std::make_shared<EnvironmentStore>(dir.filePath(QStringLiteral("environments.ini")),
                                                    std::make_unique<KeychainSecretStore>(kKeychainService));
    EnvironmentsDialog dialog(store);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto *list = child<QListWidget>(dialog, QStringLiteral("environmentsList"));
    auto *add = child<QPushButton>(dialog, QStringLiteral("addEnvironmentButton"));
    auto *remove = child<QPushButton>(dialog, QStringLiteral("removeEnvironmentButton"));
    auto *error = child<QLabel>(dialog, QStringLiteral("environmentsError"));
    QTRY_VERIFY_WITH_TIMEOUT(add->isEnabled(), kKeychainWaitMs);
    QVERIFY(child<QLabel>(dialog, QStringLiteral("environmentsBackend"))->text().contains(QLatin1String("keychain")));

    QSignalSpy added(&dialog, &EnvironmentsDialog::environmentAdded);
    fillForm(dialog, QStringLiteral("Staging"), QStringLiteral("https://staging.example.com"),
             QStringLiteral("tok_keyring_staging"), QStringLiteral("postgresql://u:p@db/staging"));
    QTest::mouseClick(add, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(added.count() == 1 || error->isVisible(), kKeychainWaitMs);
    QVERIFY2(!error->isVisible(), qPrintable(error->text()));
    const QString id = added.first().at(0).toString();
    QTRY_COMPARE(list->count(), 1);
    QCOMPARE(*keychainSecret(EnvironmentStore::adminKeyName(id)), QByteArray("tok_keyring_staging"));
    QCOMPARE(*keychainSecret(EnvironmentStore::dsnName(id)), QByteArray("postgresql://u:p@db/staging"));

    // Edit: selecting fills the form (never with the secrets); a new name and key, the DSN kept.
    auto *save = child<QPushButton>(dialog, QStringLiteral("saveEnvironmentButton"));
    auto *name = child<QLineEdit>(dialog, QStringLiteral("environmentName"));
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(list->item(0)).center());
    QTRY_VERIFY_WITH_TIMEOUT(save->isEnabled(), kKeychainWaitMs);
    QCOMPARE(name->text(), QStringLiteral("Staging"));
    QCOMPARE(child<QLineEdit>(dialog, QStringLiteral("environmentUrl"))->text(),
             QStringLiteral("https://staging.example.com"));
    QVERIFY(child<QLineEdit>(dialog, QStringLiteral("environmentAdminKey"))->text().isEmpty());
    QVERIFY(child<QLineEdit>(dialog, QStringLiteral("environmentDsn"))->text().isEmpty());
    QSignalSpy changed(&dialog, &EnvironmentsDialog::environmentChanged);
    name->selectAll();
    QTest::keyClicks(name, QStringLiteral("Staging EU"));
    QTest::keyClicks(child<QLineEdit>(dialog, QStringLiteral("environmentAdminKey")),
                     QStringLiteral("tok_keyring_rotated"));
    QTest::mouseClick(save, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(changed.count() == 1 || error->isVisible(), kKeychainWaitMs);
    QVERIFY2(!error->isVisible(), qPrintable(error->text()));
    QCOMPARE(changed.first().at(0).toString(), id);
    QCOMPARE(changed.first().at(1).toString(), QStringLiteral("Staging EU"));
    QCOMPARE(changed.first().at(3).toString(), QStringLiteral("tok_keyring_rotated"));
    QTRY_VERIFY(list->count() == 1 && list->item(0)->text().contains(QLatin1String("Staging EU")));
    QCOMPARE(store->list()->first().name, QStringLiteral("Staging EU"));
    QCOMPARE(*keychainSecret(EnvironmentStore::adminKeyName(id)), QByteArray("tok_keyring_rotated"));
    QCOMPARE(*keychainSecret(EnvironmentStore::dsnName(id)), QByteArray("postgresql://u:p@db/staging"));

    if (!list->currentItem())
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(list->item(0)).center());
    QTRY_VERIFY_WITH_TIMEOUT(remove->isEnabled(), kKeychainWaitMs);
    QTest::mouseClick(remove, Qt::LeftButton);
    QVERIFY(confirmAction(dialog, QStringLiteral("confirmRemoveEnvironment")));
    QTRY_VERIFY_WITH_TIMEOUT(list->count() == 0 || error->isVisible(), kKeychainWaitMs);
    QVERIFY2(!error->isVisible(), qPrintable(error->text()));
    QCOMPARE(keychainSecret(EnvironmentStore::adminKeyName(id)).error().code, ErrorCode::NotFound);
    QCOMPARE(keychainSecret(EnvironmentStore::dsnName(id)).error().code, ErrorCode::NotFound);
}

// Closing the dialog while its write is still in the keychain closes it at once; the write ends on its own and its
// answer goes nowhere.
void TestEnvironmentsDialog::realKeyringClosingMidWriteNeverWaits()
{
    TWINOPS_REQUIRE_SESSION_BUS();
    QTemporaryDir dir;
    auto gate = std::make_shared<Gate>();
    auto store = std::make_shared<EnvironmentStore>(dir.filePath(QStringLiteral("environments.ini")),
                                                    std::make_unique<GatedKeychain>(gate));
    auto *dialog = new EnvironmentsDialog(store);
    dialog->setAttribute(Qt::WA_DeleteOnClose); // as the main window opens it
    const QPointer<EnvironmentsDialog> open(dialog);
    dialog->show();
    auto *add = child<QPushButton>(*dialog, QStringLiteral("addEnvironmentButton"));
    QTRY_VERIFY_WITH_TIMEOUT(add->isEnabled(), kKeychainWaitMs);

    gate->close();
    fillForm(*dialog, QStringLiteral("Production"), QStringLiteral("https://prod.example.com"),
             QStringLiteral("tok_keyring_prod"));
    QTest::mouseClick(add, Qt::LeftButton);
    QTRY_VERIFY(gate->holdsSomeone());
    QVERIFY(!add->isEnabled());
    QTest::mouseClick(
        child<QDialogButtonBox>(*dialog, QStringLiteral("environmentsButtons"))->button(QDialogButtonBox::Close),
        Qt::LeftButton);
    QTRY_VERIFY(open.isNull()); // closed and destroyed while its write is held

    gate->open();
    QTRY_VERIFY_WITH_TIMEOUT(store->list()->size() == 1, kKeychainWaitMs);
    const QString id = store->list()->first().id;
    QCOMPARE(*keychainSecret(EnvironmentStore::adminKeyName(id)), QByteArray("tok_keyring_prod"));
    QVERIFY(store->remove(id).ok());
}

QTEST_MAIN(TestEnvironmentsDialog)
#include "tst_environmentsdialog.moc"
