// The keychain's timeout really fires: a Secret Service that takes every call and never answers makes a keychain call
// Unavailable after the timeout, on any thread, instead of hanging. The silent service is this process itself, on the
// private session bus that ctest starts for it (dbus-run-session, see tests/CMakeLists.txt), where no keyring runs.
#include "auth/secretstore.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusVirtualObject>
#include <QTest>
#include <QThread>

#include <chrono>
#include <optional>

using namespace twinops;
using namespace std::chrono_literals;

namespace {

// Takes every call to every path below it and answers none.
class SilentService final : public QDBusVirtualObject
{
public:
    QString introspect(const QString &) const override { return {}; }
    bool handleMessage(const QDBusMessage &, const QDBusConnection &) override { return true; }
};

} // namespace

class TestKeychainTimeout final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void aSilentKeychainTimesOut();

private:
    SilentService m_service;
};

void TestKeychainTimeout::initTestCase()
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    QVERIFY2(bus.isConnected(), "no session bus: ctest runs this suite under dbus-run-session");
    QVERIFY(
        bus.registerVirtualObject(QStringLiteral("/org/freedesktop/secrets"), &m_service, QDBusConnection::SubPath));
    // Fails where a real keyring already owns the name: then this is not the private bus it must be.
    QVERIFY(bus.registerService(QStringLiteral("org.freedesktop.secrets")));
}

void TestKeychainTimeout::aSilentKeychainTimesOut()
{
    KeychainSecretStore keychain(QStringLiteral("TwinOps tests"), 500ms);
    // On a thread of its own, as the console asks; then on this one (whose event loop does not run meanwhile, so the
    // silent service cannot answer even by accident).
    std::optional<Status> written;
    QThread *thread = QThread::create([&] { written = keychain.write(QStringLiteral("k"), "secret"); });
    thread->start();
    QVERIFY(thread->wait(60'000));
    delete thread;
    QVERIFY(written && !written->ok());
    QCOMPARE(written->error().code, ErrorCode::Unavailable);
    QVERIFY2(written->error().message.contains(QLatin1String("did not answer within 0.5 s")),
             qPrintable(written->error().message));

    const auto read = keychain.read(QStringLiteral("k"));
    QVERIFY(!read.ok());
    QCOMPARE(read.error().code, ErrorCode::Unavailable);
}

QTEST_GUILESS_MAIN(TestKeychainTimeout)
#include "tst_keychaintimeout.moc"
