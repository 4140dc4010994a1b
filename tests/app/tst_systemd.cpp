// twinopsd as a systemd service (issue #13): `serve` tells the service manager READY=1 once it serves and
// STOPPING=1 when SIGTERM stops it, through a real NOTIFY_SOCKET (an AF_UNIX datagram socket, as systemd's); and
// with STATE_DIRECTORY set (StateDirectory=), the default database and the generated secret live there.
#include "daemon.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace twinops::test;

namespace {

const QByteArray kSecret = QByteArrayLiteral("systemd-test-secret-systemd-test-secret");

// The service manager's end: a bound datagram socket that receives what sd_notify sends.
class NotifySocket final
{
public:
    explicit NotifySocket(const QString &path)
        : m_path(path)
        , m_fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0))
    {
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        const QByteArray encoded = QFile::encodeName(path);
        if (m_fd < 0 || size_t(encoded.size()) >= sizeof(address.sun_path))
            return;
        std::memcpy(address.sun_path, encoded.constData(), size_t(encoded.size()));
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API's generic address
        m_bound = ::bind(m_fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) == 0;
    }
    NotifySocket(const NotifySocket &) = delete;
    NotifySocket &operator=(const NotifySocket &) = delete;
    ~NotifySocket()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }

    bool bound() const { return m_bound; }
    const QString &path() const { return m_path; }

    // The next datagram, or nothing when none comes within `timeoutMs`.
    QByteArray receive(int timeoutMs) const
    {
        const QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            pollfd readable{m_fd, POLLIN, 0};
            if (::poll(&readable, 1, int(deadline.remainingTime())) <= 0)
                continue; // EINTR or the deadline: the loop decides
            QByteArray datagram(4096, Qt::Uninitialized);
            const ssize_t size = ::recv(m_fd, datagram.data(), size_t(datagram.size()), 0);
            if (size >= 0)
                return datagram.left(qsizetype(size));
        }
        return {};
    }

private:
    QString m_path;
    int m_fd = -1;
    bool m_bound = false;
};

} // namespace

class TestSystemd final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY2(QFile::exists(qEnvironmentVariable("TWINOPSD")), "TWINOPSD must name the binary"); }

    void serveNotifiesReadyAndStopping();
    void stateDirectoryHoldsTheDatabaseAndSecrets();
};

void TestSystemd::serveNotifiesReadyAndStopping()
{
    QTemporaryDir home;
    QVERIFY(home.isValid());
    const NotifySocket manager(home.filePath(QStringLiteral("notify")));
    QVERIFY2(manager.bound(), qPrintable(manager.path()));
    QProcessEnvironment environment = daemonEnvironment(home.path(), kSecret);
    environment.insert(QStringLiteral("NOTIFY_SOCKET"), manager.path());
    Daemon daemon;
    daemon.start({QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                  QStringLiteral("--database"), home.filePath(QStringLiteral("twinops.db"))},
                 environment, home.filePath(QStringLiteral("daemon.log")));

    const QByteArray ready = manager.receive(Daemon::kProcessTimeoutMs);
    QVERIFY2(ready.startsWith("READY=1\n"), qPrintable(QString::fromUtf8(ready) + daemon.describe()));
    const QRegularExpressionMatch status
        = QRegularExpression(QStringLiteral("\nSTATUS=serving http://127\\.0\\.0\\.1:(\\d+) on "))
              .match(QString::fromUtf8(ready));
    QVERIFY2(status.hasMatch(), ready.constData());
    // READY=1 means serving: the API answers at the port it names, with nothing more to wait for.
    QCOMPARE(healthStatus(quint16(status.captured(1).toUInt())), 200);

    QVERIFY2(daemon.stop(), qPrintable(daemon.describe())); // SIGTERM, then exit 0
    QCOMPARE(manager.receive(Daemon::kProcessTimeoutMs), QByteArrayLiteral("STOPPING=1"));
    QCOMPARE(manager.receive(100), QByteArray()); // and nothing else
}

void TestSystemd::stateDirectoryHoldsTheDatabaseAndSecrets()
{
    QTemporaryDir home;
    QVERIFY(home.isValid());
    const QString state = home.filePath(QStringLiteral("state"));
    QVERIFY(QDir().mkpath(state));
    QProcessEnvironment environment = daemonEnvironment(home.path(), kSecret);
    environment.remove(QStringLiteral("TWINOPS_JWT_SECRET")); // so that one is generated and kept
    environment.insert(QStringLiteral("STATE_DIRECTORY"), state);
    Daemon daemon;
    daemon.start({QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")}, environment,
                 home.filePath(QStringLiteral("daemon.log")));
    QVERIFY2(daemon.waitUntilServing(Daemon::kProcessTimeoutMs), qPrintable(daemon.describe()));
    QVERIFY2(daemon.stop(), qPrintable(daemon.describe()));

    QVERIFY2(daemon.log().contains(state + QStringLiteral("/twinops.db")), qPrintable(daemon.log()));
    QVERIFY(QFile::exists(state + QStringLiteral("/twinops.db")));
    QVERIFY(QFile::exists(state + QStringLiteral("/secrets/jwt-signing-secret")));
    // …and nothing in the app-data directory it would otherwise use (XDG_DATA_HOME is home/data).
    QVERIFY2(!QFile::exists(home.filePath(QStringLiteral("data"))), qPrintable(home.path()));
}

QTEST_GUILESS_MAIN(TestSystemd)
#include "tst_systemd.moc"
