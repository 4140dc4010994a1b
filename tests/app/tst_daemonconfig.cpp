// twinopsd as a service runs it: a configuration file and its precedence, SIGHUP reloads, the log formats and
// files (reopened after logrotate moved them) and the access log. Real processes, real files, loopback HTTP.
#include "daemon.h"
#include "testfiles.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <csignal>
#include <sys/stat.h>

using namespace twinops::test;

namespace {

constexpr QByteArrayView kJwtSecret = "config-test-secret-config-test-secret-0123";
constexpr int kDeadlineMs = 30'000;

void writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(content), content.size());
}

// Polls `condition` until it holds or the deadline passes.
template<typename Condition> bool eventually(Condition condition)
{
    const QDeadlineTimer deadline(kDeadlineMs);
    while (!deadline.hasExpired()) {
        if (condition())
            return true;
        QThread::msleep(20);
    }
    return condition();
}

struct Reply
{
    int status = 0;
    QJsonObject json;
};

// One blocking HTTP request to the daemon.
Reply request(quint16 port, const QByteArray &method, const QString &path, const QJsonObject &body = {},
              const QByteArray &authorization = {}, const QByteArray &forwardedFor = {})
{
    QNetworkAccessManager manager;
    QNetworkRequest outgoing(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path)));
    outgoing.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!authorization.isEmpty())
        outgoing.setRawHeader("Authorization", authorization);
    if (!forwardedFor.isEmpty())
        outgoing.setRawHeader("X-Forwarded-For", forwardedFor);
    QNetworkReply *reply = manager.sendCustomRequest(
        outgoing, method, body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    Reply answer{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                 QJsonDocument::fromJson(reply->readAll()).object()};
    reply->deleteLater();
    return answer;
}

int failedLogin(quint16 port, const QString &email, const QByteArray &forwardedFor = {})
{
    return request(port, "POST", QStringLiteral("/api/v1/auth/login"),
                   {{QStringLiteral("email"), email}, {QStringLiteral("password"), QStringLiteral("not the password")}},
                   {}, forwardedFor)
        .status;
}

bool hangUp(const Daemon &daemon)
{
    return ::kill(pid_t(daemon.pid()), SIGHUP) == 0;
}

} // namespace

class TestDaemonConfig final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY2(QFile::exists(qEnvironmentVariable("TWINOPSD")), "TWINOPSD must name the binary"); }
    void init();

    void fileThenEnvironmentThenCommandLine();
    void fileSettingsOfEnvironmentVariables();
    void fileErrorsAreUsageErrors_data();
    void fileErrorsAreUsageErrors();
    void badNumbersSayWhereTheyCameFrom();
    void sighupAppliesLogLevelAndLoginLimit();
    void sighupAppliesTrustedProxies();
    void brokenFileOnSighupKeepsTheRunningConfiguration();
    void logFilesAreReopenedAfterLogrotate();
    void jsonLogLinesAreObjects();
    void journalLinesCarryThePriority();
    void accessLogHasRouteTemplatesAndNoSecrets();

private:
    QString path(const QString &name) const { return m_dir->filePath(name); }
    QProcessEnvironment environment() const { return daemonEnvironment(m_dir->path(), kJwtSecret.toByteArray()); }
    // Starts `twinopsd [--config config.conf] serve` on a free port with `extra` arguments before `serve`.
    bool serve(Daemon &daemon, const QStringList &extra, const QProcessEnvironment &environment);

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestDaemonConfig::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

bool TestDaemonConfig::serve(Daemon &daemon, const QStringList &extra, const QProcessEnvironment &environment)
{
    daemon.start(QStringList{QStringLiteral("--database"), path(QStringLiteral("twinops.db"))} + extra
                     + QStringList{QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")},
                 environment, path(QStringLiteral("stderr.log")));
    return daemon.waitUntilServing(kDeadlineMs);
}

void TestDaemonConfig::fileThenEnvironmentThenCommandLine()
{
    // --database has an environment variable (TWINOPS_DATABASE_URL): each layer wins over the ones below it.
    const QString config = path(QStringLiteral("twinopsd.conf"));
    writeFile(config, "# the database of the file\ndatabase = " + path(QStringLiteral("file.db")).toUtf8() + "\n\n");
    QProcessEnvironment withEnvironment;
    withEnvironment.insert(QStringLiteral("TWINOPS_DATABASE_URL"), path(QStringLiteral("environment.db")));

    QCOMPARE(twinopsd({QStringLiteral("--config"), config, QStringLiteral("migrate")}).exitCode, 0);
    QVERIFY(QFile::exists(path(QStringLiteral("file.db"))));
    QCOMPARE(twinopsd({QStringLiteral("--config"), config, QStringLiteral("migrate")}, withEnvironment).exitCode, 0);
    QVERIFY(QFile::exists(path(QStringLiteral("environment.db"))));
    QCOMPARE(twinopsd({QStringLiteral("--config"), config, QStringLiteral("--database"),
                       path(QStringLiteral("command-line.db")), QStringLiteral("migrate")},
                      withEnvironment)
                 .exitCode,
             0);
    QVERIFY(QFile::exists(path(QStringLiteral("command-line.db"))));

    // TWINOPS_CONFIG names the file when --config does not.
    QProcessEnvironment configFromEnvironment;
    configFromEnvironment.insert(QStringLiteral("TWINOPS_CONFIG"), config);
    QFile::remove(path(QStringLiteral("file.db")));
    QCOMPARE(twinopsd({QStringLiteral("migrate")}, configFromEnvironment).exitCode, 0);
    QVERIFY(QFile::exists(path(QStringLiteral("file.db"))));

    // A serve option: the file's, unless the command line gives one. The file may hold other commands' keys.
    writeFile(config, "http-threads = 3\nlog-level = info\nstatus = true\n");
    {
        Daemon daemon;
        QVERIFY2(serve(daemon, {QStringLiteral("--config"), config}, environment()), qPrintable(daemon.describe()));
        QVERIFY2(daemon.log().contains(QLatin1String("with 3 threads")), qPrintable(daemon.log()));
    }
    {
        Daemon daemon;
        daemon.start({QStringLiteral("--config"), config, QStringLiteral("--database"),
                      path(QStringLiteral("twinops.db")), QStringLiteral("serve"), QStringLiteral("--listen"),
                      QStringLiteral("127.0.0.1:0"), QStringLiteral("--http-threads"), QStringLiteral("1")},
                     environment(), path(QStringLiteral("stderr.log")));
        QVERIFY2(daemon.waitUntilServing(kDeadlineMs), qPrintable(daemon.describe()));
        QVERIFY2(daemon.log().contains(QLatin1String("with 1 threads")), qPrintable(daemon.log()));
        QVERIFY(daemon.stop());
    }
}

void TestDaemonConfig::fileSettingsOfEnvironmentVariables()
{
    // An environment variable's setting in the file (its key: the name without TWINOPS_, lower case, dashes); the
    // environment wins over it.
    const QString config = path(QStringLiteral("twinopsd.conf"));
    writeFile(config, "password-cost = extravagant\n");
    QProcessEnvironment environment = this->environment();
    environment.remove(QStringLiteral("TWINOPS_PASSWORD_COST"));
    QProcessEnvironment refusedEnvironment = environment;
    refusedEnvironment.insert(QStringLiteral("TWINOPS_PASSWORD_COST"), QString()); // empty is unset
    const TwinopsdRun refused = twinopsd({QStringLiteral("--config"), config, QStringLiteral("--database"),
                                          path(QStringLiteral("twinops.db")), QStringLiteral("serve"),
                                          QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")},
                                         refusedEnvironment);
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains(QLatin1String("TWINOPS_PASSWORD_COST must be")), qPrintable(refused.err));

    environment.insert(QStringLiteral("TWINOPS_PASSWORD_COST"), QStringLiteral("minimal"));
    Daemon daemon;
    QVERIFY2(serve(daemon, {QStringLiteral("--config"), config}, environment), qPrintable(daemon.describe()));
    QVERIFY(daemon.stop());
}

void TestDaemonConfig::fileErrorsAreUsageErrors_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected"); // after "FILE:"

    QTest::newRow("unknown key") << QByteArray("# comment\n\nlisten = 127.0.0.1:0\nlisten-address = x\n")
                                 << QStringLiteral("4: unknown key 'listen-address'");
    QTest::newRow("no equals sign") << QByteArray("log-level = info\nthe-secret-value-s3cr3t\n")
                                    << QStringLiteral("2: expected 'key = value'");
    QTest::newRow("no key") << QByteArray(" = value\n") << QStringLiteral("1: expected 'key = value'");
    QTest::newRow("switch") << QByteArray("verbose = yes please\n")
                            << QStringLiteral("1: 'verbose' is a switch: its value must be true or false");
    QTest::newRow("config in config") << QByteArray("config = /etc/other.conf\n")
                                      << QStringLiteral("1: 'config' cannot be set in a configuration file");
}

void TestDaemonConfig::fileErrorsAreUsageErrors()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    const QString config = path(QStringLiteral("twinopsd.conf"));
    writeFile(config, content);
    const TwinopsdRun run = twinopsd({QStringLiteral("--config"), config, QStringLiteral("migrate")});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.startsWith(QStringLiteral("twinopsd: %1:%2\n").arg(config, expected)), qPrintable(run.err));
    QVERIFY2(!run.err.contains(QLatin1String("s3cr3t")), "values are never repeated");
    QVERIFY(!QFile::exists(path(QStringLiteral("twinops.db"))));

    const TwinopsdRun unreadable
        = twinopsd({QStringLiteral("--config"), path(QStringLiteral("missing.conf")), QStringLiteral("migrate")});
    QCOMPARE(unreadable.exitCode, 2);
    QVERIFY2(unreadable.err.startsWith(QStringLiteral("twinopsd: %1: cannot read the configuration file")
                                           .arg(path(QStringLiteral("missing.conf")))),
             qPrintable(unreadable.err));
}

void TestDaemonConfig::badNumbersSayWhereTheyCameFrom()
{
    const QString config = path(QStringLiteral("twinopsd.conf"));
    writeFile(config, "# twinopsd\nhttp-threads = 2\nworkers = lots\n");
    const QStringList serve{QStringLiteral("--database"), path(QStringLiteral("twinops.db")), QStringLiteral("serve"),
                            QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")};

    const TwinopsdRun fromFile = twinopsd(QStringList{QStringLiteral("--config"), config} + serve);
    QCOMPARE(fromFile.exitCode, 2);
    QVERIFY2(fromFile.err.startsWith(
                 QStringLiteral("twinopsd: --workers expects a whole number from 0 to 64 (%1:3)\n").arg(config)),
             qPrintable(fromFile.err));

    const TwinopsdRun typed = twinopsd(QStringList{QStringLiteral("--config"), config} + serve
                                       + QStringList{QStringLiteral("--workers"), QStringLiteral("65")});
    QCOMPARE(typed.exitCode, 2);
    QVERIFY2(typed.err.startsWith(QStringLiteral("twinopsd: --workers expects a whole number from 0 to 64\n")),
             qPrintable(typed.err));
    QVERIFY(!QFile::exists(path(QStringLiteral("twinops.db"))));
}

void TestDaemonConfig::sighupAppliesLogLevelAndLoginLimit()
{
    const QString config = path(QStringLiteral("twinopsd.conf"));
    writeFile(config, "log-level = warning\nhttp-threads = 2\n");
    Daemon daemon;
    QVERIFY2(serve(daemon, {QStringLiteral("--config"), config}, environment()), qPrintable(daemon.describe()));
    QVERIFY(!daemon.log().contains(QLatin1String("listening on"))); // an info line: not at warning

    // The default per-address budget (20) allows these.
    for (int i = 0; i < 3; ++i)
        QCOMPARE(failedLogin(daemon.port(), QStringLiteral("nobody%1@example.com").arg(i)), 401);

    writeFile(config, "log-level = info\nhttp-threads = 4\nlogin-failures-per-address = 2\n");
    QVERIFY(hangUp(daemon));
    // Info lines appear, so the level changed; the thread count waits for a restart and says so.
    QVERIFY2(eventually([&] { return daemon.log().contains(QLatin1String("configuration reloaded from")); }),
             qPrintable(daemon.log()));
    QVERIFY2(daemon.log().contains(QLatin1String("changed settings that need a restart: http-threads")),
             qPrintable(daemon.log()));
    // The address has failed 3 times in the window, beyond the new budget of 2: the next failure starts its wait
    // (the attempt that reaches the limit is still made, AuthThrottle::take), and the one after is refused; under
    // the old budget of 20 both would be 401.
    QCOMPARE(failedLogin(daemon.port(), QStringLiteral("nobody8@example.com")), 401);
    QCOMPARE(failedLogin(daemon.port(), QStringLiteral("nobody9@example.com")), 429);
    QCOMPARE(healthStatus(daemon.port()), 200);
    QVERIFY(daemon.running());
    QVERIFY(daemon.stop()); // SIGTERM still ends it gracefully, exit 0
}

void TestDaemonConfig::sighupAppliesTrustedProxies()
{
    const QString config = path(QStringLiteral("twinopsd.conf"));
    writeFile(config, "log-level = info\nlogin-failures-per-address = 2\n");
    Daemon daemon;
    QVERIFY2(serve(daemon, {QStringLiteral("--config"), config}, environment()), qPrintable(daemon.describe()));

    // No trusted proxy: X-Forwarded-For is the client's own word and ignored; every attempt is loopback's.
    QCOMPARE(failedLogin(daemon.port(), QStringLiteral("a@example.com"), "203.0.113.1"), 401);
    QCOMPARE(failedLogin(daemon.port(), QStringLiteral("b@example.com"), "203.0.113.2"), 401);
    QCOMPARE(failedLogin(daemon.port(), QStringLiteral("c@example.com"), "203.0.113.3"), 429);

    writeFile(config, "log-level = info\nlogin-failures-per-address = 2\ntrusted-proxy = 127.0.0.0/8\n");
    QVERIFY(hangUp(daemon));
    QVERIFY2(eventually([&] { return daemon.log().contains(QLatin1String("configuration reloaded from")); }),
             qPrintable(daemon.log()));
    // Loopback is now a trusted proxy: the forwarded client has a budget of its own, loopback's stays spent.
    QCOMPARE(failedLogin(daemon.port(), QStringLiteral("d@example.com"), "203.0.113.4"), 401);
    QCOMPARE(failedLogin(daemon.port(), QStringLiteral("e@example.com")), 429);

    // A bad range on reload is refused as a whole: the running list stays.
    writeFile(config, "log-level = info\nlogin-failures-per-address = 2\ntrusted-proxy = 127.0.0.0/99\n");
    QVERIFY(hangUp(daemon));
    QVERIFY2(eventually([&] { return daemon.log().contains(QLatin1String("reload failed")); }),
             qPrintable(daemon.log()));
    QCOMPARE(failedLogin(daemon.port(), QStringLiteral("f@example.com"), "203.0.113.5"), 401);
    QVERIFY(daemon.stop());
}

void TestDaemonConfig::brokenFileOnSighupKeepsTheRunningConfiguration()
{
    const QString config = path(QStringLiteral("twinopsd.conf"));
    writeFile(config, "log-level = info\nlogin-failures-per-address = 1\n");
    Daemon daemon;
    QVERIFY2(serve(daemon, {QStringLiteral("--config"), config}, environment()), qPrintable(daemon.describe()));

    writeFile(config, "log-level = info\nlogin-failures-per-address = 1000\nworkers = 2\nthreads = 3\n");
    QVERIFY(hangUp(daemon));
    QVERIFY2(eventually([&] {
                 return daemon.log().contains(
                     QStringLiteral("reload failed, the running configuration stays: %1:4: unknown key 'threads'")
                         .arg(config));
             }),
             qPrintable(daemon.log()));
    // A value out of range is refused the same way.
    writeFile(config, "log-level = info\nlogin-failures-per-address = lots\n");
    QVERIFY(hangUp(daemon));
    QVERIFY2(eventually([&] {
                 return daemon.log().contains(
                     QLatin1String("TWINOPS_LOGIN_FAILURES_PER_ADDRESS must be a whole number"));
             }),
             qPrintable(daemon.log()));
    QVERIFY(!daemon.log().contains(QLatin1String("configuration reloaded")));

    // Still serving, still with the budget of 1 failed login.
    QCOMPARE(healthStatus(daemon.port()), 200);
    QCOMPARE(failedLogin(daemon.port(), QStringLiteral("first@example.com")), 401);
    QCOMPARE(failedLogin(daemon.port(), QStringLiteral("second@example.com")), 429);
    QVERIFY(daemon.stop());
}

void TestDaemonConfig::logFilesAreReopenedAfterLogrotate()
{
    const QString log = path(QStringLiteral("twinopsd.log"));
    const QString access = path(QStringLiteral("access.log"));
    Daemon daemon;
    QVERIFY2(serve(daemon,
                   {QStringLiteral("--log-level"), QStringLiteral("info"), QStringLiteral("--log-file"), log,
                    QStringLiteral("--access-log"), access},
                   environment()),
             qPrintable(daemon.describe()));
    QVERIFY(fileBytes(log).contains("listening on"));
    QVERIFY(!daemon.log().contains(QLatin1String("listening on"))); // the log went to the file, not stderr
    QCOMPARE(healthStatus(daemon.port()), 200);
    QVERIFY(eventually([&] { return fileBytes(access).contains("route=/health"); }));

    QVERIFY(QFile::rename(log, log + QStringLiteral(".1")));
    QVERIFY(QFile::rename(access, access + QStringLiteral(".1")));
    QVERIFY(hangUp(daemon));
    QVERIFY(eventually([&] { return fileBytes(log).contains("configuration reloaded"); }));
    QCOMPARE(request(daemon.port(), "GET", QStringLiteral("/api/v1/openapi.json")).status, 200);
    QVERIFY(eventually([&] { return fileBytes(access).contains("route=/api/v1/openapi.json"); }));
    QVERIFY(!fileBytes(access).contains("route=/health"));
    QVERIFY(!fileBytes(access + QStringLiteral(".1")).contains("openapi"));
    QVERIFY(fileBytes(log + QStringLiteral(".1")).contains("listening on"));
    QVERIFY(daemon.stop());
}

void TestDaemonConfig::jsonLogLinesAreObjects()
{
    const QString log = path(QStringLiteral("twinopsd.log"));
    const QString access = path(QStringLiteral("access.log"));
    Daemon daemon;
    QVERIFY2(serve(daemon,
                   {QStringLiteral("--log-format"), QStringLiteral("json"), QStringLiteral("--log-level"),
                    QStringLiteral("debug"), QStringLiteral("--log-file"), log, QStringLiteral("--access-log"), access},
                   environment()),
             qPrintable(daemon.describe()));
    QCOMPARE(healthStatus(daemon.port()), 200);
    QCOMPARE(request(daemon.port(), "GET", QStringLiteral("/api/v1/no/such/route")).status, 404);
    QVERIFY(hangUp(daemon));
    QVERIFY(eventually([&] { return fileBytes(log).contains("configuration reloaded"); }));
    QVERIFY(eventually([&] { return fileBytes(access).count('\n') >= 2; }));
    QVERIFY(daemon.stop());

    const QList<QByteArray> lines = fileBytes(log).split('\n');
    QVERIFY(lines.size() > 5);
    QVERIFY(lines.constLast().isEmpty()); // every line ends with a newline
    static const QRegularExpression time(QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$"));
    for (const QByteArray &line : lines.mid(0, lines.size() - 1)) {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(line, &error);
        QVERIFY2(error.error == QJsonParseError::NoError && document.isObject(), line.constData());
        const QJsonObject object = document.object();
        QVERIFY2(time.match(object.value(QLatin1String("time")).toString()).hasMatch(), line.constData());
        QVERIFY2(QStringList({QStringLiteral("debug"), QStringLiteral("info"), QStringLiteral("warning"),
                              QStringLiteral("error")})
                     .contains(object.value(QLatin1String("level")).toString()),
                 line.constData());
        QVERIFY2(object.value(QLatin1String("category")).toString().startsWith(QLatin1String("twinops."))
                     || object.value(QLatin1String("category")).toString().startsWith(QLatin1String("qt.")),
                 line.constData());
        QVERIFY2(object.value(QLatin1String("message")).isString(), line.constData());
    }
    QStringList routes;
    for (const QByteArray &line : fileBytes(access).split('\n')) {
        if (line.isEmpty())
            continue;
        const QJsonObject object = QJsonDocument::fromJson(line).object();
        QVERIFY2(object.value(QLatin1String("request_id")).toString().size() > 8, line.constData());
        QVERIFY2(object.value(QLatin1String("duration_ms")).isDouble(), line.constData());
        routes << object.value(QLatin1String("route")).toString() + u' '
                + QString::number(object.value(QLatin1String("status")).toInt());
    }
    QCOMPARE(routes, QStringList({QStringLiteral("/health 200"), QStringLiteral("unmatched 404")}));
}

void TestDaemonConfig::journalLinesCarryThePriority()
{
    // The daemon's stderr is this file; JOURNAL_STREAM naming its device and inode is what systemd sets.
    const QString stderrPath = path(QStringLiteral("stderr.log"));
    writeFile(stderrPath, {});
    struct stat status = {};
    QCOMPARE(::stat(QFile::encodeName(stderrPath).constData(), &status), 0);
    QProcessEnvironment environment = this->environment();
    environment.insert(QStringLiteral("JOURNAL_STREAM"),
                       QStringLiteral("%1:%2").arg(quint64(status.st_dev)).arg(quint64(status.st_ino)));
    Daemon daemon;
    QVERIFY2(serve(daemon, {QStringLiteral("--log-level"), QStringLiteral("info")}, environment),
             qPrintable(daemon.describe()));
    QVERIFY2(daemon.log().contains(QRegularExpression(QStringLiteral("^<6>info twinops\\.http: listening on"),
                                                      QRegularExpression::MultilineOption)),
             qPrintable(daemon.log()));
    QVERIFY(daemon.stop());
}

void TestDaemonConfig::accessLogHasRouteTemplatesAndNoSecrets()
{
    const QString access = path(QStringLiteral("access.log"));
    Daemon daemon;
    QVERIFY2(serve(daemon, {QStringLiteral("--access-log"), access}, environment()), qPrintable(daemon.describe()));
    const quint16 port = daemon.port();

    const Reply signup = request(port, "POST", QStringLiteral("/api/v1/auth/signup"),
                                 {{QStringLiteral("email"), QStringLiteral("ada@example.com")},
                                  {QStringLiteral("password"), QStringLiteral("correct horse battery staple")},
                                  {QStringLiteral("tenant_name"), QStringLiteral("Acme")}});
    QCOMPARE(signup.status, 201);
    const QString jwt = signup.json.value(QLatin1String("access_token")).toString();
    const QByteArray user = "Bearer " + jwt.toLatin1();
    const Reply twin = request(port, "POST", QStringLiteral("/api/v1/twins"),
                               {{QStringLiteral("name"), QStringLiteral("Plant")}}, user);
    QCOMPARE(twin.status, 201);
    const QString twinId = twin.json.value(QLatin1String("id")).toString();
    const Reply key = request(port, "POST", QStringLiteral("/api/v1/api-keys"),
                              {{QStringLiteral("name"), QStringLiteral("reader")},
                               {QStringLiteral("scopes"), QJsonArray{QStringLiteral("twins:read")}}},
                              user);
    QCOMPARE(key.status, 201);
    const QString apiKey = key.json.value(QLatin1String("key")).toString();
    QCOMPARE(request(port, "GET", QStringLiteral("/api/v1/twins/") + twinId, {}, "Bearer " + apiKey.toLatin1()).status,
             200);
    const Reply link = request(port, "POST", QStringLiteral("/api/v1/twins/%1/share-links").arg(twinId), {}, user);
    QCOMPARE(link.status, 201);
    const QString token = link.json.value(QLatin1String("token")).toString();
    QVERIFY(token.size() > 10);
    QCOMPARE(request(port, "GET", QStringLiteral("/api/v1/public/share/") + token).status, 200);
    QCOMPARE(request(port, "GET", QStringLiteral("/api/v1/twins"), {}, "Bearer not-a-real-token-s3cr3t").status, 401);

    QVERIFY(eventually([&] { return fileBytes(access).count('\n') >= 7; }));
    const QByteArray lines = fileBytes(access);
    for (const QString &expected : {QStringLiteral("method=POST route=/api/v1/auth/signup status=201"),
                                    QStringLiteral("method=POST route=/api/v1/twins status=201"),
                                    QStringLiteral("method=GET route=/api/v1/twins/{id} status=200"),
                                    QStringLiteral("method=GET route=/api/v1/public/share/{token} status=200"),
                                    QStringLiteral("method=GET route=/api/v1/twins status=401")})
        QVERIFY2(lines.contains(expected.toUtf8()), qPrintable(expected + QStringLiteral(" in\n") + lines));
    QVERIFY2(lines.contains("route=/api/v1/twins/{id} status=200 duration_ms="), lines.constData());
    QVERIFY2(QString::fromUtf8(lines).contains(
                 QRegularExpression(QStringLiteral("route=/api/v1/twins/\\{id\\} status=200 duration_ms=[0-9.]+ "
                                                   "request_id=[0-9a-f-]{36} principal=api-key"))),
             lines.constData());
    QVERIFY2(lines.contains("route=/api/v1/twins status=201 duration_ms="), lines.constData());
    QVERIFY2(lines.contains("principal=user"), lines.constData());
    QVERIFY2(lines.contains("route=/api/v1/public/share/{token} status=200"), lines.constData());
    QVERIFY2(lines.contains("principal=share-link"), lines.constData());
    for (const QString &secret : {token, apiKey, jwt, twinId, QStringLiteral("s3cr3t"), QStringLiteral("horse")})
        QVERIFY2(!lines.contains(secret.toUtf8()), qPrintable(QStringLiteral("the access log holds ") + secret));
    QVERIFY(!daemon.log().contains(token) && !daemon.log().contains(apiKey));
    QVERIFY(daemon.stop());
}

QTEST_GUILESS_MAIN(TestDaemonConfig)
#include "tst_daemonconfig.moc"
