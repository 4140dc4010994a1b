// Secrets: the file store's permissions and atomic writes, the JWT secret's rules, and the real system keychain
// (gnome-keyring over D-Bus; scripts/test.sh runs the suite inside dbus-run-session with an unlocked keyring).
#include "auth/secretstore.h"
#include "keychaintesting.h"
#include "testfiles.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <optional>

using namespace twinops;

class TestSecretStore final : public QObject
{
    Q_OBJECT
private slots:
    void init() { qunsetenv("TWINOPS_JWT_SECRET"); }

    void fileStoreWritesOwnerOnlyFiles();
    void fileStoreRefusesFilesOthersCanRead();
    void jwtSecretIsCreatedOnceAndReused();
    void environmentOverridesAndIsValidated();
    void keychainRoundTrip();
    void keychainAnswersOnEveryThread();
};

void TestSecretStore::fileStoreWritesOwnerOnlyFiles()
{
    QTemporaryDir dir;
    const QString secrets = dir.filePath(QStringLiteral("secrets"));
    FileSecretStore store(secrets);
    QCOMPARE(store.read(QStringLiteral("k")).error().code, ErrorCode::NotFound);
    QVERIFY(store.write(QStringLiteral("k"), "s3cret").ok());
    QCOMPARE(*store.read(QStringLiteral("k")), QByteArray("s3cret"));
    QVERIFY(store.write(QStringLiteral("k"), "replaced").ok());
    QCOMPARE(*store.read(QStringLiteral("k")), QByteArray("replaced"));

    QCOMPARE(twinops::test::modeOf(QDir(secrets).filePath(QStringLiteral("k"))), 0600u);
    QCOMPARE(twinops::test::modeOf(secrets), 0700u);
    QCOMPARE(QDir(secrets).entryList(QDir::Files), QStringList{QStringLiteral("k")}); // no temporary left behind
    QVERIFY(store.remove(QStringLiteral("k")).ok());
    QCOMPARE(store.read(QStringLiteral("k")).error().code, ErrorCode::NotFound);
}

void TestSecretStore::fileStoreRefusesFilesOthersCanRead()
{
    QTemporaryDir dir;
    FileSecretStore store(dir.path());
    QVERIFY(store.write(QStringLiteral("k"), "s3cret").ok());
    QVERIFY(QFile::setPermissions(dir.filePath(QStringLiteral("k")),
                                  QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther));
    const auto read = store.read(QStringLiteral("k"));
    QVERIFY(!read.ok());
    QVERIFY(read.error().message.contains(QLatin1String("0600")));
}

void TestSecretStore::jwtSecretIsCreatedOnceAndReused()
{
    QTemporaryDir dir;
    FileSecretStore store(dir.path());
    auto first = loadOrCreateJwtSecret(store);
    QVERIFY(first.ok());
    QVERIFY(first->size() >= 32);
    FileSecretStore reopened(dir.path()); // as after a restart
    auto second = loadOrCreateJwtSecret(reopened);
    QVERIFY(second.ok());
    QCOMPARE(*second, *first);
}

void TestSecretStore::environmentOverridesAndIsValidated()
{
    QTemporaryDir dir;
    FileSecretStore store(dir.path());
    qputenv("TWINOPS_JWT_SECRET", "0123456789abcdef0123456789abcdef-from-env");
    QCOMPARE(*loadOrCreateJwtSecret(store), QByteArray("0123456789abcdef0123456789abcdef-from-env"));
    QVERIFY(QDir(dir.path()).entryList(QDir::Files).isEmpty()); // the environment's secret is never written down
    qputenv("TWINOPS_JWT_SECRET", "too short");
    QVERIFY(!loadOrCreateJwtSecret(store).ok());
}

void TestSecretStore::keychainRoundTrip()
{
    TWINOPS_REQUIRE_SESSION_BUS();
    KeychainSecretStore keychain(QStringLiteral("TwinOps tests"));
    const QString key = QStringLiteral("roundtrip-%1").arg(QCoreApplication::applicationPid());
    const QByteArray secret("\x00\x01 binary secret \xff", 18);
    const auto written = keychain.write(key, secret);
    QVERIFY2(written.ok(), written.ok() ? "" : qPrintable(written.error().message));
    const auto read = keychain.read(key);
    QVERIFY2(read.ok(), read.ok() ? "" : qPrintable(read.error().message));
    QCOMPARE(*read, secret);
    QVERIFY(keychain.remove(key).ok());
    QCOMPARE(keychain.read(key).error().code, ErrorCode::NotFound);
}

namespace {

// Runs `call` on a thread of its own that ends right after, like the console's background calls, and returns its
// answer.
template<typename Call> auto onItsOwnThread(Call call)
{
    std::optional<std::invoke_result_t<Call>> answer;
    QThread *thread = QThread::create([&] { answer.emplace(call()); });
    thread->start();
    thread->wait();
    delete thread;
    return std::move(*answer);
}

} // namespace

// The console asks the keychain from short-lived threads, one per call. Every call must reach the keychain and be
// answered, whichever thread made the ones before it (QtKeychain queues its jobs in one object of its own, bound
// to the thread that first used it).
void TestSecretStore::keychainAnswersOnEveryThread()
{
    TWINOPS_REQUIRE_SESSION_BUS();
    KeychainSecretStore keychain(QStringLiteral("TwinOps tests"));
    const QString key = QStringLiteral("threads-%1").arg(QCoreApplication::applicationPid());
    const auto missing = onItsOwnThread([&] { return keychain.read(key); });
    QCOMPARE(missing.error().code, ErrorCode::NotFound);
    for (const QByteArray &secret : {QByteArray("first"), QByteArray("second")}) {
        const auto written = onItsOwnThread([&] { return keychain.write(key, secret); });
        QVERIFY2(written.ok(), written.ok() ? "" : qPrintable(written.error().message));
        const auto read = onItsOwnThread([&] { return keychain.read(key); });
        QVERIFY2(read.ok(), read.ok() ? "" : qPrintable(read.error().message));
        QCOMPARE(*read, secret);
    }
    QVERIFY(onItsOwnThread([&] { return keychain.remove(key); }).ok());
    QCOMPARE(keychain.read(key).error().code, ErrorCode::NotFound); // and on this thread too
}

QTEST_GUILESS_MAIN(TestSecretStore)
#include "tst_secretstore.moc"
