// `twinopsd serve` as an operator runs it beside other software: its address is its own, HTTPS with a certificate
// of the operator's, and a /metrics that Prometheus' own checker accepts.
#include "daemon.h"
#include "testdatabase.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace twinops;
using namespace twinops::test;

namespace {

constexpr char kSecret[] = "serve-test-secret-0123456789-abcdefghijklmn";
constexpr int kTimeoutMs = 20'000;

struct Reply
{
    int status = 0; // 0: no HTTP answer
    QByteArray contentType;
    QByteArray body;
    QString error;
};

// One request through QNetworkAccessManager, as the console and most clients make it; TLS trusts `trusted` only.
Reply fetch(const QString &url, const QByteArray &method = "GET", const QByteArray &body = {},
            const QByteArray &token = {}, const QList<QSslCertificate> &trusted = {})
{
    QNetworkAccessManager manager;
    manager.setProxy(QNetworkProxy::NoProxy);
    QNetworkRequest request{QUrl(url)};
    if (!trusted.isEmpty()) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(trusted);
        request.setSslConfiguration(tls);
    }
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token);
    QNetworkReply *reply = manager.sendCustomRequest(request, method, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(kTimeoutMs))
        return {0, {}, {}, QStringLiteral("no answer")};
    Reply result{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                 reply->header(QNetworkRequest::ContentTypeHeader).toByteArray(), reply->readAll(),
                 reply->errorString()};
    reply->deleteLater();
    return result;
}

// A self-signed certificate for localhost and its key, made by openssl(1) at test time.
bool makeCertificate(const QString &directory, const QString &name)
{
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                   QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                   QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                   QStringLiteral("/CN=localhost"), QStringLiteral("-keyout"),
                   directory + u'/' + name + QStringLiteral(".key"), QStringLiteral("-out"),
                   directory + u'/' + name + QStringLiteral(".crt")});
    return openssl.waitForFinished(kTimeoutMs) && openssl.exitStatus() == QProcess::NormalExit
        && openssl.exitCode() == 0;
}

// Problems with a scrape in the Prometheus text format 0.0.4, read the way a scraper reads it: every sample
// belongs to a family declared by one HELP and one TYPE line before it, a family's samples are together, no series
// twice, histograms have cumulative buckets ending at +Inf == _count, and no two families claim one name (in
// OpenMetrics a counter x_total is family x; a histogram x also writes x_bucket, x_sum, x_count and x_created).
QStringList expositionProblems(const QByteArray &text)
{
    QStringList problems;
    QHash<QString, QString> types;
    QSet<QString> helped;
    QSet<QString> finished; // families whose samples have ended
    QSet<QString> series;
    QString current;
    QHash<QString, double> lastBucket; // per histogram series without le: the previous bucket's count
    QHash<QString, double> infBucket;
    QHash<QString, double> counts;
    static const QRegularExpression sampleLine(QStringLiteral("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)$"));
    static const QRegularExpression labelPair(QStringLiteral("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\""));
    for (const QByteArray &raw : text.split('\n')) {
        const QString line = QString::fromUtf8(raw);
        if (line.isEmpty())
            continue;
        if (line.startsWith(QStringLiteral("# HELP ")) || line.startsWith(QStringLiteral("# TYPE "))) {
            const QStringList words = line.split(u' ');
            if (words.size() < 4) {
                problems << QStringLiteral("short comment: ") + line;
                continue;
            }
            const QString &name = words.at(2);
            if (words.at(1) == QLatin1String("HELP")) {
                if (helped.contains(name))
                    problems << QStringLiteral("second HELP for ") + name;
                helped.insert(name);
            } else {
                if (types.contains(name))
                    problems << QStringLiteral("second TYPE for ") + name;
                if (!QStringList{QStringLiteral("counter"), QStringLiteral("gauge"), QStringLiteral("histogram")}
                         .contains(words.at(3)))
                    problems << QStringLiteral("unexpected type %1 of %2").arg(words.at(3), name);
                types.insert(name, words.at(3));
            }
            continue;
        }
        if (line.startsWith(u'#'))
            continue;
        const QRegularExpressionMatch match = sampleLine.match(line);
        if (!match.hasMatch()) {
            problems << QStringLiteral("not a sample: ") + line;
            continue;
        }
        const QString name = match.captured(1);
        QString family = name;
        QString suffix;
        for (const QString &candidate : {QStringLiteral("_bucket"), QStringLiteral("_sum"), QStringLiteral("_count")}) {
            if (name.endsWith(candidate) && types.value(name.chopped(candidate.size())) == QLatin1String("histogram")) {
                family = name.chopped(candidate.size());
                suffix = candidate;
            }
        }
        if (!types.contains(family) || !helped.contains(family)) {
            problems << QStringLiteral("sample %1 of no declared family (HELP and TYPE before it)").arg(name);
            continue;
        }
        if (types.value(family) == QLatin1String("histogram") && suffix.isEmpty())
            problems << QStringLiteral("histogram %1 has a plain sample").arg(name);
        if (family != current) {
            if (finished.contains(family))
                problems << QStringLiteral("the samples of %1 are not together").arg(family);
            if (!current.isEmpty())
                finished.insert(current);
            current = family;
        }
        if (series.contains(name + match.captured(2)))
            problems << QStringLiteral("series twice: ") + name + match.captured(2);
        series.insert(name + match.captured(2));
        bool ok = false;
        const QString valueText = match.captured(4);
        const double value = valueText == QLatin1String("+Inf") ? INFINITY
            : valueText == QLatin1String("-Inf")                ? -INFINITY
            : valueText == QLatin1String("NaN")                 ? NAN
                                                                : valueText.toDouble(&ok);
        if (!ok && !valueText.contains(QLatin1String("Inf")) && valueText != QLatin1String("NaN"))
            problems << QStringLiteral("value of %1 is not a number: %2").arg(name, valueText);
        if (types.value(family) == QLatin1String("counter") && !(value >= 0))
            problems << QStringLiteral("counter %1 is %2").arg(name, valueText);
        QString le;
        QStringList others;
        auto labels = labelPair.globalMatch(match.captured(3));
        while (labels.hasNext()) {
            const QRegularExpressionMatch label = labels.next();
            if (label.captured(1) == QLatin1String("le"))
                le = label.captured(2);
            else
                others << label.captured(0);
        }
        const QString key = family + u'{' + others.join(u',') + u'}';
        if (suffix == QLatin1String("_bucket")) {
            if (le.isEmpty())
                problems << QStringLiteral("bucket without le: ") + line;
            if (value < lastBucket.value(key, 0))
                problems << QStringLiteral("buckets of %1 are not cumulative").arg(key);
            lastBucket.insert(key, value);
            if (le == QLatin1String("+Inf"))
                infBucket.insert(key, value);
        } else if (suffix == QLatin1String("_count")) {
            counts.insert(key, value);
        }
    }
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        if (!infBucket.contains(it.key()) || infBucket.value(it.key()) != it.value())
            problems << QStringLiteral("%1: the +Inf bucket is not _count").arg(it.key());
    }
    // The names each family takes, and that no other may.
    QHash<QString, QString> claimedBy;
    for (auto it = types.cbegin(); it != types.cend(); ++it) {
        const QString &name = it.key();
        QStringList claimed{name};
        if (it.value() == QLatin1String("counter")) {
            if (!name.endsWith(QLatin1String("_total")))
                problems << QStringLiteral("counter %1 does not end in _total").arg(name);
            claimed << name.chopped(6) << name.chopped(6) + QStringLiteral("_created");
        } else if (it.value() == QLatin1String("histogram")) {
            claimed << name + QStringLiteral("_bucket") << name + QStringLiteral("_sum")
                    << name + QStringLiteral("_count") << name + QStringLiteral("_created");
        } else if (name.endsWith(QLatin1String("_info"))) {
            claimed << name.chopped(5);
        }
        for (const QString &one : claimed) {
            if (claimedBy.contains(one))
                problems << QStringLiteral("%1 and %2 both claim %3").arg(claimedBy.value(one), name, one);
            claimedBy.insert(one, name);
        }
        if (!helped.contains(name))
            problems << QStringLiteral("%1 has no HELP").arg(name);
    }
    return problems;
}

} // namespace

class TestServe final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(qEnvironmentVariable("TWINOPSD")), "TWINOPSD must name the binary");
        QVERIFY2(makeCertificate(m_certificates.path(), QStringLiteral("server")), "openssl req failed");
        QVERIFY2(makeCertificate(m_certificates.path(), QStringLiteral("other")), "openssl req failed");
    }

    void secondProcessOnTheSameAddressFails();
    void busyThreadsShareTheSocket();
    void httpsRoundTrip();
    void badTlsFilesFailAtStart();
    void expositionParserFindsProblems();
    void metricsAreWellFormed_data();
    void metricsAreWellFormed();

private:
    QString certificate(const QString &name) const { return m_certificates.filePath(name + QStringLiteral(".crt")); }
    QString key(const QString &name) const { return m_certificates.filePath(name + QStringLiteral(".key")); }
    // Starts `twinopsd serve` on a fresh SQLite database with `extra` arguments; false after failing the test.
    bool serve(Daemon &daemon, QTemporaryDir &home, const QStringList &extra = {})
    {
        daemon.start(QStringList{QStringLiteral("--database"), home.filePath(QStringLiteral("twinops.db")),
                                 QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                 QStringLiteral("--workers"), QStringLiteral("0")}
                         + extra,
                     daemonEnvironment(home.path(), kSecret), home.filePath(QStringLiteral("serve.log")));
        if (!daemon.waitUntilServing(kTimeoutMs)) {
            QTest::qFail(qPrintable(QStringLiteral("twinopsd did not start: ") + daemon.describe()), __FILE__,
                         __LINE__);
            return false;
        }
        return true;
    }

    QTemporaryDir m_certificates;
};

void TestServe::secondProcessOnTheSameAddressFails()
{
    QTemporaryDir home;
    Daemon first;
    if (!serve(first, home))
        return;
    QTemporaryDir otherHome;
    const TwinopsdRun second
        = twinopsd({QStringLiteral("--database"), otherHome.filePath(QStringLiteral("twinops.db")),
                    QStringLiteral("serve"), QStringLiteral("--listen"),
                    QStringLiteral("127.0.0.1:%1").arg(first.port()), QStringLiteral("--workers"), QStringLiteral("0")},
                   daemonEnvironment(otherHome.path(), kSecret));
    QCOMPARE(second.exitCode, 1);
    QCOMPARE(
        second.err,
        QStringLiteral("twinopsd: error: cannot listen on 127.0.0.1:%1: Address already in use\n").arg(first.port()));
    QVERIFY(first.running());
    for (int i = 0; i < 20; ++i) // every connection reaches the first daemon: none is refused or lost
        QCOMPARE(healthStatus(first.port()), 200);
}

// Two HTTP threads accept from one socket: many clients at once are all answered, none waits on a thread that lost
// the race to accept (EAGAIN is a temporary error to QTcpServer, not a reason to stop accepting).
void TestServe::busyThreadsShareTheSocket()
{
    QTemporaryDir home;
    Daemon daemon;
    if (!serve(daemon, home, {QStringLiteral("--http-threads"), QStringLiteral("4")}))
        return;
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    for (int i = 0; i < 64; ++i) {
        auto &socket = sockets.emplace_back(std::make_unique<QTcpSocket>());
        socket->setProxy(QNetworkProxy::NoProxy);
        socket->connectToHost(QHostAddress::LocalHost, daemon.port());
    }
    for (auto &socket : sockets) {
        QVERIFY(socket->waitForConnected(kTimeoutMs));
        socket->write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    }
    for (auto &socket : sockets) {
        QByteArray answer;
        const QDeadlineTimer deadline(kTimeoutMs);
        while (!answer.contains("\r\n") && !deadline.hasExpired() && socket->waitForReadyRead(1000))
            answer += socket->readAll();
        answer += socket->readAll();
        QVERIFY2(answer.startsWith("HTTP/1.1 200 "), answer.constData());
    }
    QVERIFY(daemon.stop());
}

void TestServe::httpsRoundTrip()
{
    QTemporaryDir home;
    Daemon daemon;
    if (!serve(daemon, home,
               {QStringLiteral("--tls-cert"), certificate(QStringLiteral("server")), QStringLiteral("--tls-key"),
                key(QStringLiteral("server"))}))
        return;
    QVERIFY2(daemon.log().contains(QStringLiteral("serving https://127.0.0.1:%1 ").arg(daemon.port())),
             qPrintable(daemon.log()));
    const QList<QSslCertificate> trusted = QSslCertificate::fromPath(certificate(QStringLiteral("server")));
    QCOMPARE(trusted.size(), 1);
    const QString base = QStringLiteral("https://localhost:%1").arg(daemon.port());

    // A client that connects and says nothing holds no thread: others are served meanwhile, and it is let go.
    QTcpSocket silent;
    silent.setProxy(QNetworkProxy::NoProxy);
    silent.connectToHost(QHostAddress::LocalHost, daemon.port());
    QVERIFY(silent.waitForConnected(kTimeoutMs));

    const Reply health = fetch(base + QStringLiteral("/health"), "GET", {}, {}, trusted);
    QVERIFY2(health.status == 200, qPrintable(health.error + u' ' + QString::fromUtf8(health.body)));
    QCOMPARE(QJsonDocument::fromJson(health.body).object().value(QStringLiteral("status")).toString(),
             QStringLiteral("ok"));

    const QByteArray signup
        = QJsonDocument(QJsonObject{{QStringLiteral("email"), QStringLiteral("tls@example.com")},
                                    {QStringLiteral("password"), QStringLiteral("correct horse battery")},
                                    {QStringLiteral("tenant_name"), QStringLiteral("TLS")}})
              .toJson(QJsonDocument::Compact);
    const Reply session = fetch(base + QStringLiteral("/api/v1/auth/signup"), "POST", signup, {}, trusted);
    QVERIFY2(session.status == 201, qPrintable(session.error + u' ' + QString::fromUtf8(session.body)));
    const QByteArray token
        = QJsonDocument::fromJson(session.body).object().value(QStringLiteral("access_token")).toString().toLatin1();
    QVERIFY(!token.isEmpty());
    const Reply twins = fetch(base + QStringLiteral("/api/v1/twins"), "GET", {}, token, trusted);
    QVERIFY2(twins.status == 200, qPrintable(twins.error + u' ' + QString::fromUtf8(twins.body)));
    QVERIFY(QJsonDocument::fromJson(twins.body).object().contains(QStringLiteral("items")));

    // A client that does not trust the certificate gets nothing.
    const Reply untrusted = fetch(base + QStringLiteral("/health"));
    QCOMPARE(untrusted.status, 0);
    // Plain HTTP to the TLS port gets no answer from the API: the connection is closed.
    QCOMPARE(healthStatus(daemon.port()), 0);

    // The silent client is closed after the handshake timeout (10 s).
    QTRY_VERIFY_WITH_TIMEOUT(silent.state() == QAbstractSocket::UnconnectedState, 30'000);
    QVERIFY(daemon.stop());
}

void TestServe::badTlsFilesFailAtStart()
{
    QTemporaryDir home;
    const QStringList serve{QStringLiteral("--database"),
                            home.filePath(QStringLiteral("twinops.db")),
                            QStringLiteral("serve"),
                            QStringLiteral("--listen"),
                            QStringLiteral("127.0.0.1:0"),
                            QStringLiteral("--workers"),
                            QStringLiteral("0")};
    const QProcessEnvironment environment = daemonEnvironment(home.path(), kSecret);
    const QString serverCertificate = certificate(QStringLiteral("server"));
    struct Case
    {
        QStringList arguments;
        int exitCode;
        QString message;
    };
    const QString missing = home.filePath(QStringLiteral("missing.key"));
    const QList<Case> cases{
        {{QStringLiteral("--tls-cert"), serverCertificate, QStringLiteral("--tls-key"), key(QStringLiteral("other"))},
         1,
         QStringLiteral("twinopsd: error: the TLS key %1 does not belong to the certificate %2\n")
             .arg(key(QStringLiteral("other")), serverCertificate)},
        {{QStringLiteral("--tls-cert"), serverCertificate, QStringLiteral("--tls-key"), serverCertificate},
         1,
         QStringLiteral("twinopsd: error: the TLS key %1 holds no unencrypted PEM private key (EC or RSA)\n")
             .arg(serverCertificate)},
        {{QStringLiteral("--tls-cert"), serverCertificate, QStringLiteral("--tls-key"), missing},
         1,
         QStringLiteral("twinopsd: error: cannot read the TLS key %1: No such file or directory\n").arg(missing)},
        {{QStringLiteral("--tls-cert"), key(QStringLiteral("server")), QStringLiteral("--tls-key"),
          key(QStringLiteral("server"))},
         1,
         QStringLiteral("twinopsd: error: the TLS certificate %1 holds no PEM certificate\n")
             .arg(key(QStringLiteral("server")))},
        {{QStringLiteral("--tls-cert"), serverCertificate},
         2,
         QStringLiteral("twinopsd: --tls-cert and --tls-key go together\nTry 'twinopsd --help'.\n")},
    };
    for (const Case &c : cases) {
        const TwinopsdRun run = twinopsd(serve + c.arguments, environment);
        QCOMPARE(run.err, c.message);
        QCOMPARE(run.exitCode, c.exitCode);
    }
}

// The checker itself must catch what it is there to catch.
void TestServe::expositionParserFindsProblems()
{
    QVERIFY(
        expositionProblems("# HELP twinops_a_total A.\n# TYPE twinops_a_total counter\ntwinops_a_total 1\n").isEmpty());
    // Each a scrape, line by line.
    const QList<QByteArrayList> broken{
        {"twinops_a_total 1"}, // no family
        {"# HELP twinops_jobs J.", "# TYPE twinops_jobs gauge", "twinops_jobs 1", "# HELP twinops_jobs_total J.",
         "# TYPE twinops_jobs_total counter", "twinops_jobs_total 1"}, // collision
        {"# HELP twinops_h H.", "# TYPE twinops_h histogram", "twinops_h_bucket{le=\"1\"} 2",
         "twinops_h_bucket{le=\"+Inf\"} 1", "twinops_h_sum 1", "twinops_h_count 1"}, // not cumulative
        {"# HELP twinops_h H.", "# TYPE twinops_h histogram", "twinops_h_bucket{le=\"+Inf\"} 1", "twinops_h_sum 1",
         "twinops_h_count 2"}, // +Inf != count
        {"# HELP twinops_h H.", "# TYPE twinops_h histogram", "twinops_h_bucket{le=\"+Inf\"} 1", "twinops_h_count 1",
         "# HELP twinops_h_sum S.", "# TYPE twinops_h_sum gauge", "twinops_h_sum 1"}, // a gauge on a histogram's name
        {"# HELP twinops_g G.", "# TYPE twinops_g gauge", "# TYPE twinops_g gauge", "twinops_g 1"}, // two TYPEs
        {"# HELP twinops_g G.", "# TYPE twinops_g gauge", "twinops_g{a=\"1\"} 1", "# HELP twinops_f F.",
         "# TYPE twinops_f gauge", "twinops_f 1", "twinops_g{a=\"2\"} 1"}, // apart
        {"# HELP twinops_g G.", "# TYPE twinops_g gauge", "twinops_g 1", "twinops_g 2"}, // series twice
        {"# HELP twinops_c C.", "# TYPE twinops_c counter", "twinops_c 1"}, // counter without _total
    };
    for (const QByteArrayList &lines : broken) {
        const QByteArray text = lines.join('\n') + '\n';
        QVERIFY2(!expositionProblems(text).isEmpty(), text.constData());
    }
}

void TestServe::metricsAreWellFormed_data()
{
    QTest::addColumn<Dialect>("dialect");
    QTest::newRow("sqlite") << Dialect::Sqlite;
    QTest::newRow("postgres") << Dialect::Postgres;
}

// A real daemon's /metrics after traffic (so labelled series and histograms exist), checked by the parser above and
// by promtool, Prometheus' own checker (scripts/setup.sh installs it; missing is a failure, not a skip).
void TestServe::metricsAreWellFormed()
{
    QFETCH(Dialect, dialect);
    auto database = TestDatabase::create(dialect);
    if (!database)
        return;
    QTemporaryDir home;
    Daemon daemon;
    daemon.start({QStringLiteral("--database"), databaseArgument(*database), QStringLiteral("serve"),
                  QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--workers"),
                  QStringLiteral("1")},
                 daemonEnvironment(home.path(), kSecret), home.filePath(QStringLiteral("serve.log")));
    QVERIFY2(daemon.waitUntilServing(kTimeoutMs), qPrintable(daemon.describe()));
    const QString base = daemon.baseUrl();
    QCOMPARE(fetch(base + QStringLiteral("/health")).status, 200);
    QCOMPARE(fetch(base + QStringLiteral("/api/v1/twins")).status, 401);
    const QByteArray wrongLogin = "{\"email\":\"x@example.com\",\"password\":\"wrong password\"}";
    QCOMPARE(fetch(base + QStringLiteral("/api/v1/auth/login"), "POST", wrongLogin).status, 401);
    const Reply scrape = fetch(base + QStringLiteral("/metrics"));
    QCOMPARE(scrape.status, 200);
    QCOMPARE(scrape.contentType, QByteArray("text/plain; version=0.0.4; charset=utf-8"));

    const QStringList problems = expositionProblems(scrape.body);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
    const QString text = QString::fromUtf8(scrape.body);
    for (const char *family :
         {"process_cpu_seconds_total", "process_resident_memory_bytes", "process_virtual_memory_bytes",
          "process_open_fds", "process_max_fds", "process_start_time_seconds", "twinops_http_requests_total",
          "twinops_http_request_duration_seconds", "twinops_jobs"})
        QVERIFY2(text.contains(QStringLiteral("\n# TYPE %1 ").arg(QLatin1String(family))), family);
    const QRegularExpression buildInfo(
        QStringLiteral(
            "\\ntwinops_build_info\\{version=\"[0-9.]+\",qt=\"%1\",backend=\"%2\",instance_name=\"[^\"]+:%3\"\\} 1\\n")
            .arg(QRegularExpression::escape(QString::fromLatin1(qVersion())),
                 dialect == Dialect::Postgres ? QStringLiteral("postgres") : QStringLiteral("sqlite"))
            .arg(daemon.pid()));
    QVERIFY2(buildInfo.match(text).hasMatch(), qPrintable(text.left(3000)));
    // The process metrics describe this daemon: started moments ago, with memory and descriptors in use.
    const QRegularExpression startTime(QStringLiteral("\\nprocess_start_time_seconds (\\S+)\\n"));
    const double started = startTime.match(text).captured(1).toDouble();
    QVERIFY2(std::abs(started - double(QDateTime::currentSecsSinceEpoch())) < 120, qPrintable(text.right(800)));
    const QRegularExpression openFds(QStringLiteral("\\nprocess_open_fds (\\d+)\\n"));
    QVERIFY(openFds.match(text).captured(1).toInt() > 3);

    const QString promtool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
    QVERIFY2(!promtool.isEmpty(), "promtool is missing: scripts/setup.sh installs it (Debian package prometheus)");
    QProcess check;
    check.start(promtool, {QStringLiteral("check"), QStringLiteral("metrics")});
    QVERIFY(check.waitForStarted(kTimeoutMs));
    check.write(scrape.body);
    check.closeWriteChannel();
    QVERIFY(check.waitForFinished(kTimeoutMs));
    const QByteArray findings = check.readAllStandardOutput() + check.readAllStandardError();
    QVERIFY2(check.exitStatus() == QProcess::NormalExit && check.exitCode() == 0 && findings.trimmed().isEmpty(),
             findings.constData());
    QVERIFY(daemon.stop());
}

QTEST_GUILESS_MAIN(TestServe)
#include "tst_serve.moc"
