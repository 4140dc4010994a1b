// Remote environments: the list in an INI file, their secrets in the real system keychain (gnome-keyring over
// D-Bus; scripts/test.sh runs the suite inside dbus-run-session with an unlocked keyring), and, without a
// keychain, nothing stored until the user chooses the owner-only file fallback.
#include "config/environmentstore.h"
#include "keychaintesting.h"
#include "testfiles.h"

#include <QDBusConnection>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <chrono>

using namespace twinops;
using namespace twinops::test;
using namespace std::chrono_literals;

namespace {

const QString kAdminKey = QStringLiteral("tok_admin_4f1c9e0b7a2d");
const QString kDsn = QStringLiteral("postgresql://twinops:pg-p4ss-8e31@db.example.com/twinops");
const QUrl kUrl(QStringLiteral("https://staging.example.com"));

} // namespace

class TestEnvironmentStore final : public QObject
{
    Q_OBJECT
private slots:
    void rejectsIncompleteEnvironments();
    void keychainHoldsTheSecrets();
    void withoutKeychainNothingIsStoredUntilFileFallback();
    // Runs only as the child process the test above starts without a D-Bus session.
    void noKeychainChild();
};

void TestEnvironmentStore::rejectsIncompleteEnvironments()
{
    QTemporaryDir dir;
    EnvironmentStore store(dir.filePath(QStringLiteral("environments.ini")),
                           std::make_unique<FileSecretStore>(dir.filePath(QStringLiteral("secrets"))));
    QCOMPARE(store.add({}, kUrl, kAdminKey).error().code, ErrorCode::ValidationFailed);
    QCOMPARE(store.add(QStringLiteral("x"), QUrl(QStringLiteral("ftp://h")), kAdminKey).error().code,
             ErrorCode::ValidationFailed);
    QCOMPARE(store.add(QStringLiteral("x"), kUrl, {}).error().code, ErrorCode::ValidationFailed);
    QCOMPARE(store.remove(QStringLiteral("missing")).error().code, ErrorCode::NotFound);
    QVERIFY(store.list()->isEmpty());
}

void TestEnvironmentStore::keychainHoldsTheSecrets()
{
    TWINOPS_REQUIRE_SESSION_BUS();
    QTemporaryDir dir;
    const QString settingsPath = dir.filePath(QStringLiteral("environments.ini"));
    const QString service = QStringLiteral("TwinOps tests");
    EnvironmentStore store(settingsPath, std::make_unique<KeychainSecretStore>(service));
    QCOMPARE(store.backend(), SecretBackend::Keychain);

    const auto id = store.add(QStringLiteral("staging"), kUrl, kAdminKey, kDsn);
    QVERIFY2(id.ok(), id.ok() ? "" : qPrintable(id.error().message));
    QCOMPARE(*store.adminKey(*id), kAdminKey);
    QCOMPARE(*store.dsn(*id), kDsn);

    // Really in the keychain, and only there.
    KeychainSecretStore keychain(service);
    QCOMPARE(*keychain.read(EnvironmentStore::adminKeyName(*id)), kAdminKey.toUtf8());
    QCOMPARE(*keychain.read(EnvironmentStore::dsnName(*id)), kDsn.toUtf8());
    const QByteArray settingsBytes = fileBytes(settingsPath);
    QVERIFY(settingsBytes.contains("staging.example.com"));
    QVERIFY(!settingsBytes.contains(kAdminKey.toUtf8()));
    QVERIFY(!settingsBytes.contains("pg-p4ss-8e31"));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("environments.ini")});

    // As after a restart.
    EnvironmentStore reopened(settingsPath, std::make_unique<KeychainSecretStore>(service));
    const auto listed = reopened.list();
    QVERIFY(listed.ok());
    QCOMPARE(listed->size(), 1);
    QCOMPARE(listed->first().id, *id);
    QCOMPARE(listed->first().name, QStringLiteral("staging"));
    QCOMPARE(listed->first().baseUrl, kUrl);
    QVERIFY(listed->first().hasAdminKey);
    QVERIFY(listed->first().hasDsn);
    QCOMPARE(*reopened.adminKey(*id), kAdminKey);

    QVERIFY(reopened.remove(*id).ok());
    QVERIFY(reopened.list()->isEmpty());
    QCOMPARE(keychain.read(EnvironmentStore::adminKeyName(*id)).error().code, ErrorCode::NotFound);
    QCOMPARE(keychain.read(EnvironmentStore::dsnName(*id)).error().code, ErrorCode::NotFound);
}

// Qt connects to the session bus once per process and keeps that connection, so "no D-Bus session" is a process
// of its own: this test binary again, with no bus address (and nothing libdbus could fall back to).
void TestEnvironmentStore::withoutKeychainNothingIsStoredUntilFileFallback()
{
    QByteArray output;
    QVERIFY2(passesWithoutSessionBus(*this, "noKeychainChild",
                                     {QStringLiteral("DISPLAY"), QStringLiteral("WAYLAND_DISPLAY")}, &output),
             output.constData());
}

void TestEnvironmentStore::noKeychainChild()
{
    TWINOPS_SKIP_UNLESS_NO_BUS_CHILD(); // withoutKeychainNothingIsStoredUntilFileFallback runs it
    QVERIFY(!QDBusConnection::sessionBus().isConnected());

    QTemporaryDir dir;
    const QString settingsPath = dir.filePath(QStringLiteral("environments.ini"));
    auto keychain = [] { return std::make_unique<KeychainSecretStore>(QStringLiteral("TwinOps tests"), 2s); };
    EnvironmentStore store(settingsPath, keychain());
    QCOMPARE(store.backend(), SecretBackend::Unavailable);
    QVERIFY2(store.unavailableReason().contains(QLatin1String("D-Bus")), qPrintable(store.unavailableReason()));

    // Refused, and nothing written anywhere.
    const auto refused = store.add(QStringLiteral("staging"), kUrl, kAdminKey, kDsn);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, ErrorCode::Unavailable);
    QVERIFY(store.list()->isEmpty());
    QVERIFY(!fileBytes(settingsPath).contains(kAdminKey.toUtf8()));
    QVERIFY(QDir(dir.path()).entryList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot).size() <= 1);

    // The user's explicit choice.
    const QString secrets = dir.filePath(QStringLiteral("secrets"));
    QVERIFY(store.useFileFallback(secrets).ok());
    QCOMPARE(store.backend(), SecretBackend::File);
    QCOMPARE(store.fileFallbackDirectory(), secrets);
    const auto id = store.add(QStringLiteral("staging"), kUrl, kAdminKey, kDsn);
    QVERIFY2(id.ok(), id.ok() ? "" : qPrintable(id.error().message));
    QCOMPARE(*store.adminKey(*id), kAdminKey);
    QCOMPARE(*store.dsn(*id), kDsn);

    QCOMPARE(modeOf(secrets), 0700u);
    const QStringList files = QDir(secrets).entryList(QDir::Files);
    QCOMPARE(files.size(), 2);
    for (const QString &file : files) {
        QCOMPARE(modeOf(QDir(secrets).filePath(file)), 0600u);
        QVERIFY(file.contains(*id));
    }
    const QByteArray settingsBytes = fileBytes(settingsPath);
    QVERIFY(!settingsBytes.contains(kAdminKey.toUtf8()));
    QVERIFY(!settingsBytes.contains("pg-p4ss-8e31"));

    // The choice is remembered: a restarted console does not ask the keychain again.
    EnvironmentStore reopened(settingsPath, keychain());
    QCOMPARE(reopened.backend(), SecretBackend::File);
    QCOMPARE(*reopened.adminKey(*id), kAdminKey);
    QVERIFY(reopened.remove(*id).ok());
    QVERIFY(reopened.list()->isEmpty());
    QVERIFY(QDir(secrets).entryList(QDir::Files).isEmpty());
}

QTEST_GUILESS_MAIN(TestEnvironmentStore)
#include "tst_environmentstore.moc"
