// The real HTTP endpoint on loopback, driven the way hostile and careless clients drive it: malformed and fuzzed
// requests, oversized headers and bodies, foreign Host headers, slow and idle sockets, many parallel clients, a
// database that goes away, and a user revoked through another process.
#include "core/ids.h"
#include "http/apicontext.h"
#include "http/httpendpoint.h"
#include "metrics/metricsregistry.h"
#include "testdatabase.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <limits>
#include <memory>

using namespace twinops;
using namespace twinops::test;

namespace {

constexpr int kTimeoutMs = 5000;
constexpr int kHttpThreads = 2;
constexpr char kSecret[] = "http-endpoint-test-secret-0123456789-abcdefgh";
constexpr char kPassword[] = "correct horse battery";

using Headers = QList<QPair<QByteArray, QByteArray>>;

struct HttpReply
{
    int status = 0; // 0: the connection closed or timed out before a complete response
    Headers headers;
    QByteArray body;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QString errorCode() const
    {
        return json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
    }
    QString describe() const { return QStringLiteral("%1 %2").arg(status).arg(QString::fromUtf8(body.left(300))); }
};

// resources/api/openapi.json: every response has an X-Request-Id, every error the body {"error": {"code", "message"}},
// and a 401 carries WWW-Authenticate: Bearer. Returns what is wrong, or nothing.
QString shapeProblem(const HttpReply &reply)
{
    if (reply.status == 0)
        return QStringLiteral("no response: the connection closed or timed out");
    if (!isUuid(QString::fromLatin1(reply.header("X-Request-Id"))))
        return QStringLiteral("X-Request-Id is missing or not a UUID: '%1'")
            .arg(QString::fromLatin1(reply.header("X-Request-Id")));
    if (reply.status < 400)
        return {};
    const QJsonObject error = reply.json().value(QStringLiteral("error")).toObject();
    if (!reply.header("Content-Type").startsWith("application/json"))
        return QStringLiteral("error with Content-Type '%1'").arg(QString::fromLatin1(reply.header("Content-Type")));
    if (!error.value(QStringLiteral("code")).isString() || error.value(QStringLiteral("code")).toString().isEmpty()
        || !error.value(QStringLiteral("message")).isString())
        return QStringLiteral("error body is not {\"error\": {\"code\", \"message\"}}: ") + reply.describe();
    if (reply.status == 401 && reply.header("WWW-Authenticate") != "Bearer")
        return QStringLiteral("401 without WWW-Authenticate: Bearer");
    return {};
}

// A blocking HTTP/1.1 client on a raw socket: it writes exactly the bytes it is given, so it can send what no
// well-behaved client would. Usable on any thread without an event loop.
class RawClient
{
public:
    explicit RawClient(quint16 port)
        : m_port(port)
    { }

    bool open()
    {
        m_buffer.clear();
        m_socket = std::make_unique<QTcpSocket>();
        m_socket->setProxy(QNetworkProxy::NoProxy);
        m_socket->connectToHost(QHostAddress::LocalHost, m_port);
        return m_socket->waitForConnected(kTimeoutMs);
    }

    bool isConnected() const { return m_socket && m_socket->state() == QAbstractSocket::ConnectedState; }
    QTcpSocket &socket() { return *m_socket; }

    void write(const QByteArray &bytes)
    {
        m_socket->write(bytes);
        while (m_socket->bytesToWrite() > 0 && m_socket->waitForBytesWritten(kTimeoutMs)) { }
    }

    // Writes `bytes` in pieces and stops early once the server answers or closes, as a client that reads while
    // it uploads would: a server that refuses a request mid-way must not be made to reset the connection.
    qsizetype writeUntilAnswered(const QByteArray &bytes, qsizetype piece)
    {
        qsizetype sent = 0;
        while (sent < bytes.size() && isConnected() && m_socket->bytesAvailable() == 0) {
            write(bytes.mid(sent, piece));
            sent += piece;
            m_socket->waitForReadyRead(10); // a poll for an early answer, not an assertion
        }
        return std::min(sent, bytes.size());
    }

    QByteArray requestBytes(const QByteArray &method, const QByteArray &target, const QByteArray &body = {},
                            const Headers &headers = {}) const
    {
        QByteArray out = method + ' ' + target + " HTTP/1.1\r\n";
        bool host = false;
        bool length = false;
        for (const auto &[name, value] : headers) {
            out += name + ": " + value + "\r\n";
            host = host || name.compare("Host", Qt::CaseInsensitive) == 0;
            length = length || name.compare("Content-Length", Qt::CaseInsensitive) == 0
                || name.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0;
        }
        if (!host)
            out += "Host: 127.0.0.1:" + QByteArray::number(m_port) + "\r\n";
        if (!length && (!body.isEmpty() || method == "POST" || method == "PUT" || method == "PATCH"))
            out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
        return out + "\r\n" + body;
    }

    // One request on the current connection (opened first if the server closed the last one).
    HttpReply request(const QByteArray &method, const QByteArray &target, const QByteArray &body = {},
                      const Headers &headers = {})
    {
        if (!isConnected() && !open())
            return {};
        write(requestBytes(method, target, body, headers));
        HttpReply reply = readReply();
        if (reply.header("Connection").compare("close", Qt::CaseInsensitive) == 0)
            m_socket->disconnectFromHost();
        return reply;
    }

    // Reads one response: status line, headers and a Content-Length body (or everything up to the close).
    HttpReply readReply(int timeoutMs = kTimeoutMs)
    {
        const QDeadlineTimer deadline(timeoutMs);
        for (;;) {
            const qsizetype headEnd = m_buffer.indexOf("\r\n\r\n");
            if (headEnd >= 0) {
                HttpReply reply;
                const QList<QByteArray> lines = m_buffer.left(headEnd).split('\n');
                const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
                if (statusLine.size() < 2 || !statusLine.first().startsWith("HTTP/1."))
                    return {};
                reply.status = statusLine.at(1).toInt();
                for (qsizetype i = 1; i < lines.size(); ++i) {
                    const qsizetype colon = lines.at(i).indexOf(':');
                    if (colon > 0)
                        reply.headers.append({lines.at(i).left(colon).trimmed(), lines.at(i).mid(colon + 1).trimmed()});
                }
                bool known = false;
                qsizetype length = reply.header("Content-Length").toLongLong(&known);
                if (reply.status == 204 || reply.status == 304) {
                    known = true;
                    length = 0;
                }
                const qsizetype bodyStart = headEnd + 4;
                if (known && m_buffer.size() - bodyStart >= length) {
                    reply.body = m_buffer.mid(bodyStart, length);
                    m_buffer.remove(0, bodyStart + length);
                    return reply;
                }
                if (!known && !fill(deadline)) { // the body runs to the end of the connection
                    reply.body = m_buffer.mid(bodyStart);
                    m_buffer.clear();
                    return reply;
                }
                if (known && !fill(deadline))
                    return {};
                continue;
            }
            if (!fill(deadline))
                return {};
        }
    }

    // True once the server has closed the connection (data it sent before is kept for readReply()).
    bool waitClosed(int timeoutMs)
    {
        const QDeadlineTimer deadline(timeoutMs);
        while (m_socket->state() != QAbstractSocket::UnconnectedState && !deadline.hasExpired()) {
            m_socket->waitForDisconnected(int(std::max<qint64>(1, deadline.remainingTime())));
            m_buffer += m_socket->readAll();
        }
        m_buffer += m_socket->readAll();
        return m_socket->state() == QAbstractSocket::UnconnectedState;
    }

    const QByteArray &pending() const { return m_buffer; }

private:
    bool fill(const QDeadlineTimer &deadline)
    {
        if (m_socket->bytesAvailable() > 0) {
            m_buffer += m_socket->readAll();
            return true;
        }
        if (m_socket->state() != QAbstractSocket::ConnectedState || deadline.hasExpired())
            return false;
        m_socket->waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime())));
        const QByteArray data = m_socket->readAll();
        m_buffer += data;
        return !data.isEmpty();
    }

    quint16 m_port;
    std::unique_ptr<QTcpSocket> m_socket;
    QByteArray m_buffer;
};

// The endpoint and everything it borrows, destroyed in the right order (threads first, database last).
struct Served
{
    std::unique_ptr<TestDatabase> database;
    MetricsRegistry metrics;
    std::unique_ptr<ApiShared> shared;
    std::unique_ptr<HttpEndpoint> endpoint;

    quint16 port() const { return endpoint->port(); }
};

ApiSettings smallSettings()
{
    ApiSettings settings;
    settings.maxBodyBytes = 64 * 1024;
    settings.instance = QStringLiteral("tst_httpendpoint");
    return settings;
}

// Serves `url` on 127.0.0.1:0 with two HTTP threads; fails the test and returns null when it cannot.
std::unique_ptr<Served> serveUrl(std::unique_ptr<TestDatabase> database, const DatabaseUrl &url, ApiSettings settings)
{
    auto served = std::make_unique<Served>();
    served->database = std::move(database);
    served->shared = std::make_unique<ApiShared>(url, QByteArray(kSecret), PasswordHasher::Cost::Minimal,
                                                 served->metrics, std::move(settings));
    served->endpoint = std::make_unique<HttpEndpoint>(*served->shared,
                                                      EndpointOptions{QHostAddress::LocalHost, 0, kHttpThreads, {}});
    const Status started = served->endpoint->start();
    if (!started.ok()) {
        QTest::qFail(qPrintable(started.error().message), __FILE__, __LINE__);
        return nullptr;
    }
    if (served->port() == 0) {
        QTest::qFail("the endpoint reports port 0", __FILE__, __LINE__);
        return nullptr;
    }
    return served;
}

// A fresh migrated database of the current backend, served.
std::unique_ptr<Served> serveFresh(ApiSettings settings = smallSettings())
{
    auto database = TestDatabase::create(currentDialect());
    if (!database || !database->connectMigrated())
        return nullptr;
    const DatabaseUrl url = database->url();
    return serveUrl(std::move(database), url, std::move(settings));
}

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

const Headers kJson{{"Content-Type", "application/json"}};

Headers withBearer(const QByteArray &token, Headers headers = kJson)
{
    headers.append({"Authorization", "Bearer " + token});
    return headers;
}

QJsonObject signupBody(const QString &email)
{
    return {{QStringLiteral("email"), email},
            {QStringLiteral("password"), QLatin1String(kPassword)},
            {QStringLiteral("tenant_name"), QString(QStringLiteral("Tenant of ") + email)}};
}

// Signs up a tenant owner; returns the signup JSON, or an empty object after failing the test.
QJsonObject signup(quint16 port, const QString &email)
{
    RawClient client(port);
    const HttpReply reply = client.request("POST", "/api/v1/auth/signup", json(signupBody(email)), kJson);
    if (reply.status != 201) {
        QTest::qFail(qPrintable(QStringLiteral("signup failed: ") + reply.describe()), __FILE__, __LINE__);
        return {};
    }
    return reply.json();
}

QByteArray accessToken(const QJsonObject &session)
{
    return session.value(QStringLiteral("access_token")).toString().toLatin1();
}

// One generated request of the fuzz test, and what it is (for the failure message).
struct FuzzCase
{
    QByteArray method;
    QByteArray target;
    QByteArray body;
    Headers headers;
    QString what;
};

QByteArray randomBytes(QRandomGenerator &random, int size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (char &byte : bytes)
        byte = char(random.bounded(256));
    return bytes;
}

QByteArray nested(int depth, char open, char close, const QByteArray &inner)
{
    QByteArray out;
    for (int i = 0; i < depth; ++i)
        out += open == '{' ? QByteArray("{\"a\":") : QByteArray(1, open);
    out += inner;
    out += QByteArray(depth, close);
    return out;
}

// ~300 requests that are all the client's fault. Deterministic for one seed.
QList<FuzzCase> fuzzCases(QRandomGenerator &random, const QByteArray &token, const QByteArray &twinId)
{
    QList<FuzzCase> cases;
    const Headers authJson = withBearer(token);
    const QByteArray twin = "/api/v1/twins/" + twinId;
    struct Target
    {
        QByteArray method;
        QByteArray path;
        bool auth;
    };
    const QList<Target> jsonTargets{
        {"POST", "/api/v1/auth/signup", false},  {"POST", "/api/v1/auth/login", false},
        {"POST", "/api/v1/auth/refresh", false}, {"POST", "/api/v1/auth/logout", false},
        {"POST", "/api/v1/twins", true},         {"PATCH", twin, true},
        {"POST", twin + "/sources", true},       {"POST", "/api/v1/sources/bulk-approve", true},
        {"POST", "/api/v1/users", true},         {"POST", "/api/v1/api-keys", true},
        {"POST", twin + "/share-links", true},
    };

    // Random bytes as JSON bodies (and, with a byte that is never UTF-8, as text uploads).
    for (int i = 0; i < 70; ++i) {
        const Target &target = jsonTargets.at(random.bounded(int(jsonTargets.size())));
        QByteArray body = randomBytes(random, random.bounded(1, 2048));
        if (i % 7 == 0) {
            body[body.size() / 2] = char(0xff);
            cases.append({"POST", twin + "/sources?filename=random.txt", body,
                          withBearer(token, {{"Content-Type", "text/plain"}}),
                          QStringLiteral("random text/plain upload")});
            continue;
        }
        body[0] = char(random.bounded(2) ? '\x01' : '\xfe'); // never a JSON value that could parse
        cases.append({target.method, target.path, body, target.auth ? authJson : kJson,
                      QStringLiteral("random bytes to ") + QString::fromLatin1(target.path)});
    }

    // Valid bodies cut short every few bytes.
    const QList<QPair<Target, QByteArray>> valid{
        {{"POST", "/api/v1/auth/signup", false}, json(signupBody(QStringLiteral("cut@example.com")))},
        {{"POST", "/api/v1/auth/login", false},
         json({{QStringLiteral("email"), QStringLiteral("cut@example.com")},
               {QStringLiteral("password"), QLatin1String(kPassword)}})},
        {{"POST", "/api/v1/twins", true},
         json({{QStringLiteral("name"), QStringLiteral("Cut twin")},
               {QStringLiteral("description"), QStringLiteral("cut short")},
               {QStringLiteral("settings"), QJsonObject{{QStringLiteral("k"), QJsonArray{1, 2, QJsonObject{}}}}}})},
    };
    for (const auto &[target, body] : valid) {
        for (qsizetype cut = 0; cut < body.size(); cut += 1 + random.bounded(4))
            cases.append({target.method, target.path, body.left(cut), target.auth ? authJson : kJson,
                          QStringLiteral("%1 cut at %2").arg(QString::fromLatin1(target.path)).arg(cut)});
    }

    // Invalid UTF-8 inside JSON strings, and in text uploads.
    const QList<QByteArray> badUtf8{"\xff", "\xc3\x28", "\xe2\x82", "\xed\xa0\x80", "\xf8\x88\x80\x80\x80", "\xc0\xaf"};
    for (const QByteArray &bad : badUtf8) {
        cases.append({"POST", "/api/v1/auth/signup",
                      "{\"email\":\"u" + bad + "@example.com\",\"password\":\"" + kPassword + "\",\"tenant_name\":\"T"
                          + bad + "\"}",
                      kJson, QStringLiteral("invalid UTF-8 in signup")});
        cases.append({"POST", "/api/v1/twins", "{\"name\":\"twin " + bad + "\"}", authJson,
                      QStringLiteral("invalid UTF-8 in a twin name")});
        cases.append({"POST", twin + "/sources", "{\"filename\":\"a.md\",\"content\":\"x" + bad + "y\"}", authJson,
                      QStringLiteral("invalid UTF-8 in JSON source content")});
        cases.append({"POST", twin + "/sources?filename=bad.txt", "some text " + bad + " more",
                      withBearer(token, {{"Content-Type", "text/plain; charset=utf-8"}}),
                      QStringLiteral("invalid UTF-8 in a text/plain upload")});
    }

    // U+0000 (PostgreSQL's text and jsonb refuse it) and half surrogate pairs, escaped in JSON strings and keys,
    // raw in text uploads, percent-encoded in query parameters.
    const QList<QByteArray> unstorable{"\\u0000", "a\\u0000", "\\u0000\\u0000", "\\ud800", "x\\udfffy"};
    for (const QByteArray &text : unstorable) {
        cases.append(
            {"POST", "/api/v1/twins", "{\"name\":\"" + text + "\"}", authJson, QStringLiteral("unstorable twin name")});
        cases.append({"POST", "/api/v1/twins", "{\"name\":\"n\",\"settings\":{\"" + text + "\":1}}", authJson,
                      QStringLiteral("unstorable settings key")});
        cases.append(
            {"PATCH", twin, "{\"description\":\"d" + text + "\"}", authJson, QStringLiteral("unstorable description")});
        cases.append({"PATCH", twin, "{\"settings\":{\"a\":[{\"b\":\"" + text + "\"}]}}", authJson,
                      QStringLiteral("unstorable deep settings value")});
        cases.append({"POST", twin + "/sources", "{\"filename\":\"a" + text + ".md\",\"content\":\"c\"}", authJson,
                      QStringLiteral("unstorable source filename")});
        cases.append({"POST", twin + "/sources", "{\"filename\":\"a.md\",\"content\":\"c" + text + "\"}", authJson,
                      QStringLiteral("unstorable source content")});
        cases.append({"POST", "/api/v1/auth/signup",
                      "{\"email\":\"s@example.com\",\"password\":\"" + QByteArray(kPassword) + "\",\"tenant_name\":\""
                          + text + "\"}",
                      kJson, QStringLiteral("unstorable tenant name")});
        cases.append({"POST", "/api/v1/auth/login",
                      "{\"email\":\"" + text + "@example.com\",\"password\":\"" + QByteArray(kPassword) + "\"}", kJson,
                      QStringLiteral("unstorable login email")});
        cases.append({"POST", "/api/v1/api-keys", "{\"name\":\"k" + text + "\",\"scopes\":[\"twins:read\"]}", authJson,
                      QStringLiteral("unstorable key name")});
        cases.append({"POST", "/api/v1/users",
                      "{\"email\":\"u" + text + "@example.com\",\"password\":\"" + QByteArray(kPassword)
                          + "\",\"role\":\"viewer\"}",
                      authJson, QStringLiteral("unstorable user email")});
    }
    for (const QByteArray &raw : {QByteArray("\0", 1), QByteArray("before\0after", 12)})
        cases.append({"POST", twin + "/sources?filename=nul.txt", raw,
                      withBearer(token, {{"Content-Type", "text/plain"}}), QStringLiteral("NUL in a text upload")});
    for (const QByteArray &query : {QByteArray("q=%00"), QByteArray("type=%00"), QByteArray("q=a%00b&state=available")})
        cases.append({"GET", "/api/v1/jobs?" + query, {}, withBearer(token, {}), QStringLiteral("NUL in a query")});
    cases.append({"POST", twin + "/sources?filename=a%00.txt", "text",
                  withBearer(token, {{"Content-Type", "text/plain"}}), QStringLiteral("NUL in a query filename")});

    // Well-formed cursors with a time no row can have, on the paged lists.
    const QList<qint64> badTimes{std::numeric_limits<qint64>::min(),
                                 std::numeric_limits<qint64>::min() + 1,
                                 -62'135'596'800'001,
                                 253'402'300'800'000,
                                 std::numeric_limits<qint64>::max(),
                                 -random.bounded(1'000'000'000) * 1'000'000'000LL};
    const QList<QByteArray> lists{"/api/v1/twins", "/api/v1/jobs", "/api/v1/jobs?state=available&q=x"};
    for (const qint64 time : badTimes) {
        const QByteArray cursor = QByteArray(QByteArray::number(time) + '|' + newId().toLatin1())
                                      .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
        for (const QByteArray &list : lists)
            cases.append({"GET",
                          list + (list.contains('?') ? "&cursor=" : "?cursor=") + cursor,
                          {},
                          withBearer(token, {}),
                          QStringLiteral("cursor at %1 ms").arg(time)});
    }

    // 1,000 levels of nesting, alone and where a string or object belongs.
    for (const Target &target : {jsonTargets.at(0), jsonTargets.at(4), jsonTargets.at(5)}) {
        const Headers headers = target.auth ? authJson : kJson;
        cases.append({target.method, target.path, nested(1000, '[', ']', "1"), headers, QStringLiteral("deep array")});
        if (target.method == "POST") // PATCH ignores unknown members, so a deep "a" is a valid no-op there
            cases.append(
                {target.method, target.path, nested(1000, '{', '}', "1"), headers, QStringLiteral("deep object")});
        cases.append({target.method, target.path, "{\"name\":" + nested(1000, '{', '}', "1") + "}", headers,
                      QStringLiteral("deep object for a string")});
        cases.append({target.method, target.path, "{\"name\":" + nested(1000, '[', ']', "\"x\"") + "}", headers,
                      QStringLiteral("deep array for a string")});
        cases.append({target.method, target.path, nested(1000, '[', ']', "") + "]", headers,
                      QStringLiteral("deep unbalanced array")});
    }

    // Well-formed JSON with the wrong types.
    const QList<QPair<Target, QByteArray>> wrongTypes{
        {jsonTargets.at(0), R"({"email":42,"password":"correct horse battery","tenant_name":"x"})"},
        {jsonTargets.at(0), R"({"email":"w@example.com","password":["a"],"tenant_name":"x"})"},
        {jsonTargets.at(0), R"({"email":"w@example.com","password":"correct horse battery","tenant_name":{}})"},
        {jsonTargets.at(0), R"({"email":null,"password":null,"tenant_name":null})"},
        {jsonTargets.at(1), R"({"email":true,"password":1.5})"},
        {jsonTargets.at(2), R"({"refresh_token":12345})"},
        {jsonTargets.at(2), R"({"refresh_token":{"a":1}})"},
        {jsonTargets.at(3), R"({"refresh_token":[]})"},
        {jsonTargets.at(4), R"({"name":123})"},
        {jsonTargets.at(4), R"({"name":"typed","settings":[1,2,3]})"},
        {jsonTargets.at(4), R"({"name":"typed","settings":"not an object"})"},
        {jsonTargets.at(4), R"({"name":"typed","description":{"x":1}})"},
        {jsonTargets.at(4), R"({"name":["typed"]})"},
        {jsonTargets.at(5), R"({"name":false})"},
        {jsonTargets.at(5), R"({"status":7})"},
        {jsonTargets.at(5), R"({"settings":[{"a":1}]})"},
        {jsonTargets.at(6), R"({"filename":1,"content":2})"},
        {jsonTargets.at(6), R"({"filename":"a.md","content":["x"]})"},
        {jsonTargets.at(7), R"({"source_ids":"not-a-list"})"},
        {jsonTargets.at(7), R"({"source_ids":[1,2,3]})"},
        {jsonTargets.at(7), R"({"source_ids":{"a":"b"}})"},
        {jsonTargets.at(8), R"({"email":["x"],"password":7,"role":{}})"},
        {jsonTargets.at(9), R"({"name":1,"scopes":"twins:read"})"},
        {jsonTargets.at(9), R"({"name":"k","scopes":[1,2]})"},
        {jsonTargets.at(10), R"({"expires_in_days":"seven"})"},
        {jsonTargets.at(10), R"({"expires_in_days":[7]})"},
        {jsonTargets.at(4), R"([{"name":"array, not object"}])"},
        {jsonTargets.at(0), R"("just a string")"},
        {jsonTargets.at(1), R"(null)"},
        {jsonTargets.at(4), R"(12345)"},
    };
    for (const auto &[target, body] : wrongTypes)
        cases.append({target.method, target.path, body, target.auth ? authJson : kJson,
                      QStringLiteral("wrong types: ") + QString::fromUtf8(body)});

    // Ids that are not UUIDs.
    const QList<QByteArray> badIds{"not-a-uuid",
                                   "%00",
                                   "abc%00def",
                                   "%FF%FE",
                                   QByteArray(5000, 'a'),
                                   QByteArray(36, '0'),
                                   "12345678-1234-1234-1234-12345678901",
                                   "12345678-1234-1234-1234-1234567890123",
                                   "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz",
                                   "%27%20OR%201%3D1--",
                                   "..",
                                   "%2e%2e"};
    for (const QByteArray &id : badIds) {
        const QString what = QStringLiteral("bad id ") + QString::fromLatin1(id.left(40));
        cases.append({"GET", "/api/v1/twins/" + id, {}, withBearer(token, {}), what});
        cases.append({"GET", "/api/v1/sources/" + id + "/health", {}, withBearer(token, {}), what});
        cases.append({"POST", "/api/v1/sources/" + id + "/approve", {}, withBearer(token, {}), what});
        cases.append({"DELETE", "/api/v1/api-keys/" + id, {}, withBearer(token, {}), what});
        cases.append({"GET", "/api/v1/conversations/" + id + "/messages", {}, withBearer(token, {}), what});
    }
    cases.append({"GET", "/api/v1/twins/not-a-uuid", {}, {}, QStringLiteral("bad id without credentials")});

    // Unknown routes.
    const QList<QByteArray> unknown{"/",
                                    "/api",
                                    "/api/v1",
                                    "/api/v2/twins",
                                    "/api/v1/twinz",
                                    "/api/v1/twins/" + twinId + "/nope",
                                    "/api/v1/auth/signup/extra",
                                    "/health/deep",
                                    "/HEALTH",
                                    "/api/v1/admin",
                                    "/%00",
                                    "/api/v1/" + QByteArray(3000, 'x'),
                                    "/api/v1/twins/" + twinId + "/sources/" + twinId + "/x"};
    for (const QByteArray &path : unknown)
        cases.append({"GET",
                      path,
                      {},
                      withBearer(token, {}),
                      QStringLiteral("unknown route ") + QString::fromLatin1(path.left(60))});
    for (int i = 0; i < 8; ++i) {
        QByteArray path = "/api/v1";
        for (int segment = random.bounded(1, 5); segment > 0; --segment)
            path += '/' + randomBytes(random, random.bounded(1, 12)).toPercentEncoding();
        cases.append({"GET", path, {}, {}, QStringLiteral("random route ") + QString::fromLatin1(path)});
    }

    // Wrong methods on routes that exist.
    const QList<QPair<QByteArray, QByteArray>> wrongMethods{
        {"PUT", "/health"},
        {"POST", "/health"},
        {"DELETE", "/metrics"},
        {"PATCH", "/api/v1/openapi.json"},
        {"GET", "/api/v1/auth/signup"},
        {"DELETE", "/api/v1/auth/login"},
        {"PUT", "/api/v1/auth/refresh"},
        {"PUT", "/api/v1/twins"},
        {"DELETE", "/api/v1/twins"},
        {"POST", twin},
        {"PUT", twin},
        {"OPTIONS", "/api/v1/twins"},
        {"OPTIONS", "/health"},
        {"PATCH", twin + "/sources"},
        {"GET", "/api/v1/sources/bulk-approve"},
        {"PUT", "/api/v1/admin/users"},
        {"GET", "/api/v1/admin/users/" + twinId + "/revoke"},
        {"PROPFIND", "/api/v1/twins"},
        {"POST", "/api/v1/jobs/" + twinId + "/logs"},
        {"DELETE", "/api/v1/auth/me"},
    };
    for (const auto &[method, path] : wrongMethods)
        cases.append(
            {method,
             path,
             {},
             withBearer(token, {}),
             QStringLiteral("wrong method %1 %2").arg(QString::fromLatin1(method), QString::fromLatin1(path))});

    // Wrong content types for well-formed JSON.
    const QList<QByteArray> contentTypes{
        "text/plain",        "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "application/jsonx", "text/json",       "application/octet-stream",          ""};
    for (const QByteArray &type : contentTypes) {
        const Headers typed = type.isEmpty() ? Headers{} : Headers{{"Content-Type", type}};
        cases.append({"POST", "/api/v1/auth/signup", json(signupBody(QStringLiteral("typed@example.com"))), typed,
                      QStringLiteral("signup as ") + QString::fromLatin1(type)});
        if (type != "text/plain")
            cases.append({"POST", twin + "/sources", R"({"filename":"a.md","content":"hello"})",
                          withBearer(token, typed), QStringLiteral("source as ") + QString::fromLatin1(type)});
        cases.append({"POST", "/api/v1/twins", R"({"name":"typed twin"})", withBearer(token, typed),
                      QStringLiteral("twin as ") + QString::fromLatin1(type)});
    }

    std::shuffle(cases.begin(), cases.end(), random);
    return cases;
}

// A running `twinopsd serve`, stopped (terminate, then kill) when it goes out of scope.
class Daemon
{
public:
    ~Daemon() { stop(); }

    bool start(const QStringList &arguments, const QProcessEnvironment &environment)
    {
        m_process.setProcessEnvironment(environment);
        m_process.setReadChannel(QProcess::StandardError);
        m_process.start(qEnvironmentVariable("TWINOPSD"), arguments);
        if (!m_process.waitForStarted(kTimeoutMs))
            return false;
        static const QRegularExpression serving(QStringLiteral("twinopsd: serving http://127\\.0\\.0\\.1:(\\d+) "));
        const QDeadlineTimer deadline(20000);
        while (!deadline.hasExpired() && m_process.state() == QProcess::Running) {
            m_process.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime())));
            m_stderr += m_process.readAllStandardError();
            const QRegularExpressionMatch match = serving.match(QString::fromUtf8(m_stderr));
            if (match.hasMatch()) {
                m_port = quint16(match.captured(1).toUInt());
                return m_port != 0;
            }
        }
        return false;
    }

    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        if (!m_process.waitForFinished(kTimeoutMs)) {
            m_process.kill();
            m_process.waitForFinished(kTimeoutMs);
        }
    }

    quint16 port() const { return m_port; }
    QString output() const
    {
        return m_process.errorString() + QStringLiteral("; stderr: ") + QString::fromUtf8(m_stderr);
    }

private:
    QProcess m_process;
    QByteArray m_stderr;
    quint16 m_port = 0;
};

} // namespace

class TestHttpEndpoint final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }

    void everyResponseHasRequestIdAndErrorBody();
    void fuzzedRequestsGetClientErrors();
    void malformedRequestsAreAnswered_data();
    void malformedRequestsAreAnswered();
    void oversizedHeadersAndBodiesAreRefused();
    void oversizedBodySentWholeStillGetsTheAnswer();
    void textAndCursorsADatabaseCannotTakeAreRefused();
    void hostHeaderIsChecked();
    void slowAndIdleConnectionsAreClosed();
    void keepAliveServesSeveralRequests();
    void headResponsesHaveNoBody();
    void concurrentClientsAreAllServed();
    void databaseOutageIsSurvived();
    void healthIsDegradedWhileDatabaseIsUnreachable();
    void revocationReachesAnotherProcess();
};

void TestHttpEndpoint::everyResponseHasRequestIdAndErrorBody()
{
    auto served = serveFresh();
    if (!served)
        return;
    const QString base = QStringLiteral("http://127.0.0.1:%1").arg(served->port());
    const QByteArray token = accessToken(signup(served->port(), QStringLiteral("ids@example.com")));
    QVERIFY(!token.isEmpty());

    // Through an ordinary client, so the responses are proven parseable by one.
    QNetworkAccessManager nam;
    nam.setProxy(QNetworkProxy::NoProxy);
    struct Call
    {
        QByteArray verb;
        QString path;
        QByteArray token;
        int status;
        QString code;
    };
    const QList<Call> calls{
        {"GET", QStringLiteral("/health"), {}, 200, {}},
        {"GET", QStringLiteral("/metrics"), {}, 200, {}},
        {"GET", QStringLiteral("/api/v1/twins"), token, 200, {}},
        {"GET", QStringLiteral("/api/v1/twins"), {}, 401, QStringLiteral("unauthorized")},
        {"GET", QStringLiteral("/api/v1/twins"), "not.a.jwt", 401, QStringLiteral("unauthorized")},
        {"GET", QStringLiteral("/api/v1/twins"), "twk_notakey", 401, QStringLiteral("unauthorized")},
        {"GET", QStringLiteral("/api/v1/twins/not-a-uuid"), token, 400, QStringLiteral("bad_request")},
        {"GET", QStringLiteral("/api/v1/twins/") + newId(), token, 404, QStringLiteral("not_found")},
        {"GET", QStringLiteral("/no/such/route"), {}, 404, QStringLiteral("not_found")},
        {"DELETE", QStringLiteral("/health"), {}, 405, QStringLiteral("method_not_allowed")},
        {"GET", QStringLiteral("/api/v1/admin/tenants"), token, 403, QStringLiteral("forbidden")},
        {"GET", QStringLiteral("/api/v1/twins?limit=1000"), token, 400, QStringLiteral("bad_request")},
    };
    QSet<QByteArray> requestIds;
    for (const Call &call : calls) {
        QNetworkRequest request{QUrl(base + call.path)};
        if (!call.token.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + call.token);
        std::unique_ptr<QNetworkReply> reply(nam.sendCustomRequest(request, call.verb));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        QVERIFY2(reply->isFinished() || finished.wait(kTimeoutMs), qPrintable(call.path));
        HttpReply seen;
        seen.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        for (const auto &pair : reply->rawHeaderPairs())
            seen.headers.append(pair);
        seen.body = reply->readAll();
        const QString context
            = QString::fromLatin1(call.verb) + u' ' + call.path + QStringLiteral(" -> ") + seen.describe();
        QVERIFY2(seen.status == call.status, qPrintable(context));
        const QString problem = shapeProblem(seen);
        QVERIFY2(problem.isEmpty(), qPrintable(context + QStringLiteral(": ") + problem));
        if (!call.code.isEmpty())
            QCOMPARE(seen.errorCode(), call.code);
        QVERIFY2(!requestIds.contains(seen.header("X-Request-Id")), "request ids repeat");
        requestIds.insert(seen.header("X-Request-Id"));
    }

    // Responses written by the transport before the router sees the request have them too.
    RawClient headers(served->port());
    QVERIFY(headers.open());
    headers.writeUntilAnswered(headers.requestBytes("GET", "/health", {}, {{"X-Big", QByteArray(100 * 1024, 'h')}}),
                               8 * 1024);
    const HttpReply tooLarge = headers.readReply();
    QCOMPARE(tooLarge.status, 431);
    QVERIFY2(shapeProblem(tooLarge).isEmpty(), qPrintable(shapeProblem(tooLarge)));

    RawClient body(served->port());
    QVERIFY(body.open());
    body.write("POST /api/v1/twins HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               "Content-Length: 99999999\r\n\r\n");
    const HttpReply payload = body.readReply();
    QCOMPARE(payload.status, 413);
    QCOMPARE(payload.errorCode(), QStringLiteral("payload_too_large"));
    QVERIFY2(shapeProblem(payload).isEmpty(), qPrintable(shapeProblem(payload)));
}

void TestHttpEndpoint::fuzzedRequestsGetClientErrors()
{
    auto served = serveFresh();
    if (!served)
        return;
    const quint16 port = served->port();
    const QByteArray token = accessToken(signup(port, QStringLiteral("fuzz@example.com")));
    QVERIFY(!token.isEmpty());
    RawClient client(port);
    const HttpReply twin = client.request(
        "POST", "/api/v1/twins", json({{QStringLiteral("name"), QStringLiteral("Fuzzed")}}), withBearer(token));
    QVERIFY2(twin.status == 201, qPrintable(twin.describe()));
    const QByteArray twinId = twin.json().value(QStringLiteral("id")).toString().toLatin1();
    QVERIFY(isUuid(QString::fromLatin1(twinId)));

    constexpr quint32 kSeed = 0x7717'0b5e;
    QRandomGenerator random(kSeed);
    const QList<FuzzCase> cases = fuzzCases(random, token, twinId);
    QVERIFY2(cases.size() >= 280, qPrintable(QString::number(cases.size())));
    QHash<int, int> statuses;
    for (qsizetype i = 0; i < cases.size(); ++i) {
        const FuzzCase &fuzz = cases.at(i);
        const HttpReply reply = client.request(fuzz.method, fuzz.target, fuzz.body, fuzz.headers);
        const QString context = QStringLiteral("seed %1, case %2 (%3: %4 %5): %6")
                                    .arg(kSeed)
                                    .arg(i)
                                    .arg(fuzz.what, QString::fromLatin1(fuzz.method),
                                         QString::fromLatin1(fuzz.target.left(80)), reply.describe());
        QVERIFY2(reply.status >= 400 && reply.status < 500, qPrintable(context));
        const QString problem = shapeProblem(reply);
        QVERIFY2(problem.isEmpty(), qPrintable(context + QStringLiteral(": ") + problem));
        ++statuses[reply.status];
    }
    qInfo() << "fuzz statuses" << statuses;

    // Nothing of it created anything, and the server still answers.
    const HttpReply twins = client.request("GET", "/api/v1/twins", {}, withBearer(token, {}));
    QCOMPARE(twins.status, 200);
    QCOMPARE(twins.json().value(QStringLiteral("items")).toArray().size(), 1);
    RawClient fresh(port);
    const HttpReply health = fresh.request("GET", "/health");
    QVERIFY2(health.status == 200, qPrintable(health.describe()));
    QCOMPARE(health.json().value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
}

void TestHttpEndpoint::malformedRequestsAreAnswered_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("closes"); // the transport answers and closes; the router's answers keep the connection
    const QByteArray host = "Host: 127.0.0.1\r\n";
    // Request lines Qt's parser cannot read: the guard answers them.
    QTest::newRow("garbage") << QByteArray("\x01\x02\x03 garbage \xff\xfe\r\n\r\n") << 400 << true;
    QTest::newRow("no version") << "GET /health\r\n" + host + "\r\n" << 400 << true;
    QTest::newRow("bad version") << "GET /health HTTP/9.Z\r\n" + host + "\r\n" << 400 << true;
    QTest::newRow("space in target") << "GET /he alth HTTP/1.1\r\n" + host + "\r\n" << 400 << true;
    QTest::newRow("raw UTF-8 target") << "GET /h\xc3\xa9"
                                         "alth HTTP/1.1\r\n"
            + host + "\r\n" << 400 << true;
    QTest::newRow("control in target") << "GET /health\x01 HTTP/1.1\r\n" + host + "\r\n" << 400 << true;
    QTest::newRow("empty line then garbage") << QByteArray("\r\n\x16\x03\x01 \r\n\r\n") << 400 << true;
    QTest::newRow("http2 preface") << QByteArray("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") << 400 << false;
    // Lines Qt reads, with nonsense in them: the router or the Host check answers.
    QTest::newRow("unknown method") << "FROB /health HTTP/1.1\r\n" + host + "\r\n" << 405 << false;
    QTest::newRow("header without colon")
        << QByteArray("GET /health HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n") << 400 << false;
    QTest::newRow("negative length") << "POST /api/v1/auth/login HTTP/1.1\r\n" + host
            + "Content-Type: application/json\r\nContent-Length: -5\r\n\r\n"
                                     << 400 << false;
    QTest::newRow("two content lengths") << "POST /api/v1/auth/login HTTP/1.1\r\n" + host
            + "Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}"
                                         << 400 << true;
    // A length and a transfer coding together, or a coding we do not implement: a proxy in front may frame the body
    // one way and we another, which is how request smuggling works. Refused, and the connection closed.
    const QByteArray login = "POST /api/v1/auth/login HTTP/1.1\r\n" + host + "Content-Type: application/json\r\n";
    const QByteArray chunkedBody = "2\r\n{}\r\n0\r\n\r\n";
    QTest::newRow("length and chunked") << login + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
            + chunkedBody << 400 << true;
    QTest::newRow("chunked and length") << login + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
            + chunkedBody << 400 << true;
    QTest::newRow("length and identity") << login + "Content-Length: 2\r\nTransfer-Encoding: identity\r\n\r\n{}" << 400
                                         << true;
    QTest::newRow("gzip, chunked") << login + "Transfer-Encoding: gzip, chunked\r\n\r\n" + chunkedBody << 400 << true;
    QTest::newRow("chunked, identity") << login + "Transfer-Encoding: chunked, identity\r\n\r\n" + chunkedBody << 400
                                       << true;
    QTest::newRow("two transfer codings")
        << login + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n" + chunkedBody << 400 << true;
    QTest::newRow("xchunked") << login + "Transfer-Encoding: xchunked\r\n\r\n" + chunkedBody << 400 << true;
    // Bytes that never finish a request line: the request timeout answers.
    QTest::newRow("tls hello") << QByteArray::fromHex("160301002e0100002a0303") + QByteArray(40, '\0') << 408 << true;
}

void TestHttpEndpoint::malformedRequestsAreAnswered()
{
    if (currentDialect() != Dialect::Sqlite)
        QSKIP("transport only: runs once");
    QFETCH(QByteArray, bytes);
    QFETCH(int, status);
    QFETCH(bool, closes);
    ApiSettings settings = smallSettings();
    settings.requestTimeoutSeconds = 1;
    auto served = serveFresh(settings);
    if (!served)
        return;
    RawClient client(served->port());
    QVERIFY(client.open());
    client.write(bytes);
    const HttpReply reply = client.readReply();
    QVERIFY2(reply.status == status, qPrintable(reply.describe()));
    QVERIFY2(shapeProblem(reply).isEmpty(), qPrintable(shapeProblem(reply)));
    if (closes)
        QVERIFY(client.waitClosed(kTimeoutMs));
    QCOMPARE(RawClient(served->port()).request("GET", "/health").status, 200);
}

void TestHttpEndpoint::oversizedHeadersAndBodiesAreRefused()
{
    if (currentDialect() != Dialect::Sqlite)
        QSKIP("transport only: runs once");
    auto served = serveFresh();
    if (!served)
        return;
    const quint16 port = served->port();

    // 100 KiB of one header: 431, and the connection is closed.
    RawClient headers(port);
    QVERIFY(headers.open());
    const QByteArray huge = headers.requestBytes("GET", "/health", {}, {{"X-Filler", QByteArray(100 * 1024, 'x')}});
    QVERIFY(headers.writeUntilAnswered(huge, 8 * 1024) < huge.size());
    const HttpReply tooLarge = headers.readReply();
    QVERIFY2(tooLarge.status == 431, qPrintable(tooLarge.describe()));
    QVERIFY(headers.waitClosed(kTimeoutMs));
    QCOMPARE(RawClient(port).request("GET", "/health").status, 200);

    // A declared length over the limit: 413 before a byte of the body is sent.
    RawClient declared(port);
    QVERIFY(declared.open());
    declared.write("POST /api/v1/auth/signup HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
                   + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(64 * 1024 + 1)
                   + "\r\n\r\n");
    const HttpReply early = declared.readReply();
    QVERIFY2(early.status == 413, qPrintable(early.describe()));
    QCOMPARE(early.errorCode(), QStringLiteral("payload_too_large"));
    QVERIFY(declared.waitClosed(kTimeoutMs));

    // Exactly the limit is still accepted by the transport (the JSON is then judged).
    RawClient atLimit(port);
    const HttpReply judged = atLimit.request("POST", "/api/v1/auth/signup", QByteArray(64 * 1024, ' '), kJson);
    QVERIFY2(judged.status == 400, qPrintable(judged.describe()));

    // A chunked body announces no length: it is cut off once it passes the limit.
    RawClient chunked(port);
    QVERIFY(chunked.open());
    QByteArray stream = "POST /api/v1/auth/signup HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
        + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    const QByteArray chunk(8 * 1024, 'c');
    for (int i = 0; i < 64; ++i) // 512 KiB, eight times the limit
        stream += QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n";
    stream += "0\r\n\r\n";
    QVERIFY(chunked.writeUntilAnswered(stream, 8 * 1024) < stream.size());
    const HttpReply cutOff = chunked.readReply();
    QVERIFY2(cutOff.status == 413, qPrintable(cutOff.describe()));
    QVERIFY(chunked.waitClosed(kTimeoutMs));

    // A small chunked body is fine.
    RawClient smallChunked(port);
    const HttpReply small
        = smallChunked.request("POST", "/api/v1/auth/signup", "5\r\n{\"a\":\r\n3\r\n 1}\r\n0\r\n\r\n",
                               {{"Content-Type", "application/json"}, {"Transfer-Encoding", "chunked"}});
    QVERIFY2(small.status == 422, qPrintable(small.describe()));

    RawClient after(port);
    QCOMPARE(after.request("GET", "/health").status, 200);
}

void TestHttpEndpoint::oversizedBodySentWholeStillGetsTheAnswer()
{
    if (currentDialect() != Dialect::Sqlite)
        QSKIP("transport only: runs once");
    auto served = serveFresh(ApiSettings{}); // the production limit, 10 MiB
    if (!served)
        return;
    const qint64 limit = ApiSettings{}.maxBodyBytes;

    // An ordinary client (curl, Python's http.client) writes its whole body before it reads: the server must take
    // in what it refused rather than close on unread bytes, which resets the connection and loses the answer.
    RawClient client(served->port());
    QVERIFY(client.open());
    const QByteArray body(limit + 1024 * 1024, 'x'); // 11 MiB
    client.write(client.requestBytes("POST", "/api/v1/auth/signup", body, kJson));
    QCOMPARE(client.socket().bytesToWrite(), 0);
    const HttpReply reply = client.readReply();
    QVERIFY2(reply.status == 413, qPrintable(reply.describe() + u' ' + client.socket().errorString()));
    QCOMPARE(reply.errorCode(), QStringLiteral("payload_too_large"));
    QVERIFY2(shapeProblem(reply).isEmpty(), qPrintable(shapeProblem(reply)));
    QCOMPARE(reply.header("Connection"), QByteArray("close"));
    QVERIFY(client.waitClosed(kTimeoutMs));

    // The same for a chunked body, which announces no length and is refused once it passes the limit.
    RawClient chunked(served->port());
    QVERIFY(chunked.open());
    QByteArray stream = chunked.requestBytes("POST", "/api/v1/auth/signup", {},
                                             {{"Content-Type", "application/json"}, {"Transfer-Encoding", "chunked"}});
    const QByteArray chunk(256 * 1024, 'c');
    for (qint64 sent = 0; sent <= limit; sent += chunk.size())
        stream += QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n";
    stream += "0\r\n\r\n";
    chunked.write(stream);
    QCOMPARE(chunked.socket().bytesToWrite(), 0);
    const HttpReply cutOff = chunked.readReply();
    QVERIFY2(cutOff.status == 413, qPrintable(cutOff.describe() + u' ' + chunked.socket().errorString()));
    QVERIFY(chunked.waitClosed(kTimeoutMs));

    QCOMPARE(RawClient(served->port()).request("GET", "/health").status, 200);
}

void TestHttpEndpoint::textAndCursorsADatabaseCannotTakeAreRefused()
{
    auto served = serveFresh();
    if (!served)
        return;
    const QByteArray token = accessToken(signup(served->port(), QStringLiteral("nul@example.com")));
    QVERIFY(!token.isEmpty());
    RawClient client(served->port());
    const HttpReply twin = client.request("POST", "/api/v1/twins",
                                          json({{QStringLiteral("name"), QStringLiteral("Kept")}}), withBearer(token));
    QVERIFY2(twin.status == 201, qPrintable(twin.describe()));
    const QByteArray twinPath = "/api/v1/twins/" + twin.json().value(QStringLiteral("id")).toString().toLatin1();

    // U+0000, which PostgreSQL's text and jsonb refuse (it answered 500), is a 422 naming the field on both backends.
    struct Refused
    {
        QByteArray method;
        QByteArray path;
        QByteArray body;
        Headers headers;
        QString field;
    };
    const QList<Refused> refused{
        {"POST", "/api/v1/twins", R"({"name":"a\u0000b"})", withBearer(token), QStringLiteral("name")},
        {"POST", "/api/v1/twins", R"({"name":"ok","description":"\u0000"})", withBearer(token),
         QStringLiteral("description")},
        {"POST", "/api/v1/twins", R"({"name":"ok","settings":{"k\u0000":1}})", withBearer(token),
         QStringLiteral("settings")},
        {"PATCH", twinPath, R"({"settings":{"k":["x\u0000"]}})", withBearer(token), QStringLiteral("settings")},
        {"PATCH", twinPath, R"({"name":"\ud800 half a pair"})", withBearer(token), QStringLiteral("name")},
        {"POST", twinPath + "/sources", R"({"filename":"a.md","content":"x\u0000y"})", withBearer(token),
         QStringLiteral("content")},
        {"POST", twinPath + "/sources?filename=nul.txt", QByteArray("text\0with a NUL", 15),
         withBearer(token, {{"Content-Type", "text/plain"}}), QStringLiteral("content")},
        {"POST", "/api/v1/auth/signup",
         R"({"email":"x@example.com","password":"correct horse battery","tenant_name":"T\u0000"})", kJson,
         QStringLiteral("tenant_name")},
        {"POST", "/api/v1/auth/login", R"({"email":"nul\u0000@example.com","password":"correct horse battery"})", kJson,
         QStringLiteral("email")},
    };
    for (const Refused &request : refused) {
        const HttpReply reply = client.request(request.method, request.path, request.body, request.headers);
        const QString context = QString::fromLatin1(request.method + ' ' + request.path + ' ' + request.body)
            + QStringLiteral(" -> ") + reply.describe();
        QVERIFY2(reply.status == 422, qPrintable(context));
        QVERIFY2(shapeProblem(reply).isEmpty(), qPrintable(context));
        const QJsonObject details
            = reply.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("details")).toObject();
        QVERIFY2(details.contains(request.field), qPrintable(context));
    }

    // A query parameter with U+0000, and a well-formed cursor whose time no row can have: 400.
    auto cursor = [](const QByteArray &msecs) {
        return QByteArray(msecs + '|' + newId().toLatin1())
            .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    };
    const QByteArrayList badQueries{"/api/v1/twins?cursor=" + cursor("-9223372036854775807"),
                                    "/api/v1/twins?cursor=" + cursor("9223372036854775807"),
                                    "/api/v1/twins?cursor=" + cursor("-62135596800001"),
                                    "/api/v1/jobs?cursor=" + cursor("253402300800000"),
                                    "/api/v1/jobs?q=%00",
                                    "/api/v1/jobs?type=a%00b",
                                    "/api/v1/twins?status=%00"};
    for (const QByteArray &target : badQueries) {
        const HttpReply reply = client.request("GET", target, {}, withBearer(token, {}));
        const QString context = QString::fromLatin1(target) + QStringLiteral(" -> ") + reply.describe();
        QVERIFY2(reply.status == 400, qPrintable(context));
        QCOMPARE(reply.errorCode(), QStringLiteral("bad_request"));
    }

    // Nothing was stored, and the twin is unchanged.
    const HttpReply twins = client.request("GET", "/api/v1/twins", {}, withBearer(token, {}));
    QCOMPARE(twins.status, 200);
    const QJsonArray items = twins.json().value(QStringLiteral("items")).toArray();
    QCOMPARE(items.size(), 1);
    QCOMPARE(items.first().toObject().value(QStringLiteral("name")).toString(), QStringLiteral("Kept"));
    QCOMPARE(client.request("GET", twinPath + "/sources", {}, withBearer(token, {}))
                 .json()
                 .value(QStringLiteral("items"))
                 .toArray()
                 .size(),
             0);
}

void TestHttpEndpoint::hostHeaderIsChecked()
{
    if (currentDialect() != Dialect::Sqlite)
        QSKIP("transport only: runs once");
    auto served = serveFresh();
    if (!served)
        return;
    const QByteArray port = QByteArray::number(served->port());
    RawClient client(served->port());

    const HttpReply evil = client.request("GET", "/health", {}, {{"Host", "evil.example"}});
    QVERIFY2(evil.status == 400, qPrintable(evil.describe()));
    QCOMPARE(evil.errorCode(), QStringLiteral("bad_request"));
    QVERIFY2(shapeProblem(evil).isEmpty(), qPrintable(shapeProblem(evil)));
    QCOMPARE(client.request("GET", "/health", {}, {{"Host", "evil.example:" + port}}).status, 400);
    QCOMPARE(client.request("GET", "/health", {}, {{"Host", "127.0.0.2:" + port}}).status, 400);
    QCOMPARE(client.request("GET", "/health", {}, {{"Host", "localhost.evil.example"}}).status, 400);

    const QByteArrayList accepted{"localhost:" + port, "127.0.0.1:" + port, "localhost",
                                  "127.0.0.1",         "LocalHost:" + port, "[::1]:" + port};
    for (const QByteArray &host : accepted) {
        const HttpReply ok = client.request("GET", "/health", {}, {{"Host", host}});
        QVERIFY2(ok.status == 200, qPrintable(QString::fromLatin1(host) + QStringLiteral(": ") + ok.describe()));
    }
}

void TestHttpEndpoint::slowAndIdleConnectionsAreClosed()
{
    if (currentDialect() != Dialect::Sqlite)
        QSKIP("transport only: runs once");
    ApiSettings settings = smallSettings();
    settings.requestTimeoutSeconds = 1;
    settings.idleTimeoutSeconds = 2;
    auto served = serveFresh(settings);
    if (!served)
        return;
    const quint16 port = served->port();

    QElapsedTimer clock;
    clock.start();
    RawClient slow(port); // half a request line, then nothing
    QVERIFY(slow.open());
    slow.write("GET /hea");
    RawClient silent(port); // connects and never sends
    QVERIFY(silent.open());
    RawClient idle(port); // one request, then an idle keep-alive connection
    QVERIFY(idle.open());
    QCOMPARE(idle.request("GET", "/health").status, 200);
    const qint64 idleSince = clock.elapsed();

    // Others are served meanwhile, on new connections and on both threads.
    for (int i = 0; i < 6; ++i) {
        RawClient other(port);
        QCOMPARE(other.request("GET", "/health").status, 200);
    }
    QVERIFY(slow.isConnected());

    QVERIFY2(slow.waitClosed(kTimeoutMs), "a half-sent request is never timed out");
    QVERIFY2(clock.elapsed() >= 900, qPrintable(QString::number(clock.elapsed())));
    if (!slow.pending().isEmpty()) { // the server may say why it closes
        const HttpReply timedOut = slow.readReply();
        QVERIFY2(timedOut.status == 408, qPrintable(timedOut.describe()));
        QVERIFY2(shapeProblem(timedOut).isEmpty(), qPrintable(shapeProblem(timedOut)));
    }

    QVERIFY2(idle.waitClosed(kTimeoutMs), "an idle keep-alive connection stays open");
    QVERIFY2(clock.elapsed() - idleSince >= 1500, qPrintable(QString::number(clock.elapsed() - idleSince)));
    QVERIFY2(idle.pending().isEmpty(), idle.pending().constData());
    QVERIFY2(silent.waitClosed(kTimeoutMs), "a connection that never sends stays open");
    QVERIFY(silent.pending().isEmpty());

    RawClient after(port);
    QCOMPARE(after.request("GET", "/health").status, 200);
}

void TestHttpEndpoint::keepAliveServesSeveralRequests()
{
    auto served = serveFresh();
    if (!served)
        return;
    const QByteArray token = accessToken(signup(served->port(), QStringLiteral("keep@example.com")));
    QVERIFY(!token.isEmpty());
    RawClient client(served->port());
    QVERIFY(client.open());
    const QTcpSocket *connection = &client.socket();
    for (int i = 0; i < 10; ++i) {
        const HttpReply reply = i % 3 == 0 ? client.request("GET", "/health")
            : i % 3 == 1
            ? client.request("POST", "/api/v1/twins",
                             json({{QStringLiteral("name"), QStringLiteral("Kept %1").arg(i)}}), withBearer(token))
            : client.request("GET", "/api/v1/nope");
        QVERIFY2(reply.status == (i % 3 == 0 ? 200 : i % 3 == 1 ? 201 : 404), qPrintable(reply.describe()));
        QVERIFY2(shapeProblem(reply).isEmpty(), qPrintable(shapeProblem(reply)));
        QVERIFY2(client.isConnected() && &client.socket() == connection, "the server closed a keep-alive connection");
    }

    // Pipelined: two requests in one write, then one whose head is split across writes after another request.
    const QByteArray health = client.requestBytes("GET", "/health");
    const QByteArray twins = client.requestBytes("GET", "/api/v1/twins", {}, withBearer(token, {}));
    client.write(health + twins);
    QCOMPARE(client.readReply().status, 200);
    const HttpReply listed = client.readReply();
    QVERIFY2(listed.status == 200, qPrintable(listed.describe()));
    QCOMPARE(listed.json().value(QStringLiteral("items")).toArray().size(), 3);
    client.write(health + twins.left(30));
    QCOMPARE(client.readReply().status, 200);
    client.write(twins.mid(30));
    QCOMPARE(client.readReply().status, 200);
    QVERIFY(client.isConnected() && &client.socket() == connection);
}

void TestHttpEndpoint::headResponsesHaveNoBody()
{
    if (currentDialect() != Dialect::Sqlite)
        QSKIP("transport only: runs once");
    auto served = serveFresh();
    if (!served)
        return;
    RawClient client(served->port());
    QVERIFY(client.open());
    // A body after the HEAD answer would be read as the start of the next response.
    client.write(client.requestBytes("HEAD", "/health") + client.requestBytes("GET", "/health"));
    QByteArray received;
    QElapsedTimer timer;
    timer.start();
    while (received.count("HTTP/1.1 ") < 2 || !received.endsWith('}')) {
        if (timer.elapsed() > kTimeoutMs || !client.socket().waitForReadyRead(1000))
            break;
        received += client.socket().readAll();
    }
    const qsizetype headEnd = received.indexOf("\r\n\r\n");
    QVERIFY2(headEnd > 0, received.constData());
    QVERIFY2(received.mid(headEnd + 4).startsWith("HTTP/1.1 200"), received.constData());
}

void TestHttpEndpoint::concurrentClientsAreAllServed()
{
    auto served = serveFresh();
    if (!served)
        return;
    const quint16 port = served->port();
    const QByteArray token = accessToken(signup(port, QStringLiteral("many@example.com")));
    QVERIFY(!token.isEmpty());

    constexpr int kClients = 8;
    constexpr int kRequests = 50;
    std::atomic<int> answered{0};
    QMutex failuresLock;
    QStringList failures;
    std::vector<std::unique_ptr<QThread>> threads;
    for (int c = 0; c < kClients; ++c) {
        threads.emplace_back(QThread::create([&, c] {
            RawClient client(port);
            for (int i = 0; i < kRequests; ++i) {
                const bool twins = (i + c) % 2 == 0;
                const HttpReply reply = twins ? client.request("GET", "/api/v1/twins", {}, withBearer(token, {}))
                                              : client.request("GET", "/health");
                if (reply.status == 200 && isUuid(QString::fromLatin1(reply.header("X-Request-Id")))) {
                    ++answered;
                } else {
                    const QMutexLocker locker(&failuresLock);
                    failures << QStringLiteral("client %1 request %2: %3").arg(c).arg(i).arg(reply.describe());
                }
            }
        }));
        threads.back()->start();
    }
    for (auto &thread : threads)
        QVERIFY(thread->wait(30000));
    QVERIFY2(failures.isEmpty(), qPrintable(failures.mid(0, 5).join(u'\n')));
    QCOMPARE(answered.load(), kClients * kRequests);
}

void TestHttpEndpoint::databaseOutageIsSurvived()
{
    if (currentDialect() != Dialect::Postgres)
        QSKIP("PostgreSQL only: its connections can be cut from outside");
    auto served = serveFresh();
    if (!served)
        return;
    const quint16 port = served->port();
    const QByteArray token = accessToken(signup(port, QStringLiteral("outage@example.com")));
    QVERIFY(!token.isEmpty());
    for (int i = 0; i < 4; ++i)
        QCOMPARE(RawClient(port).request("GET", "/api/v1/twins", {}, withBearer(token, {})).status, 200);

    auto admin = served->database->connect();
    QVERIFY(admin);
    const QString others
        = QStringLiteral("FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
    auto countOthers = [&]() -> qint64 {
        auto rows = admin->query(QStringLiteral("SELECT count(*) ") + others);
        return rows.ok() ? rows->first().integer(0) : -1;
    };
    QVERIFY(countOthers() >= kHttpThreads); // one connection per HTTP thread
    TWINOPS_VERIFY_OK(admin->query(QStringLiteral("SELECT pg_terminate_backend(pid) ") + others));
    QTRY_COMPARE_WITH_TIMEOUT(countOthers(), qint64(0), kTimeoutMs);

    // Each thread finds out on its next statement (one 503), then reconnects by itself.
    int unavailable = 0;
    QStringList seen;
    for (int i = 0; i < 20; ++i) {
        const HttpReply reply = RawClient(port).request("GET", "/api/v1/twins", {}, withBearer(token, {}));
        seen << QString::number(reply.status);
        QVERIFY2(reply.status == 200 || reply.status == 503, qPrintable(reply.describe()));
        QVERIFY2(shapeProblem(reply).isEmpty(), qPrintable(shapeProblem(reply)));
        if (reply.status == 503) {
            QCOMPARE(reply.errorCode(), QStringLiteral("unavailable"));
            ++unavailable;
        }
    }
    QVERIFY2(unavailable <= kHttpThreads, qPrintable(seen.join(u' ')));
    for (int i = 0; i < 6; ++i) {
        const HttpReply reply = RawClient(port).request("GET", "/api/v1/twins", {}, withBearer(token, {}));
        QVERIFY2(reply.status == 200, qPrintable(seen.join(u' ') + QStringLiteral(" then ") + reply.describe()));
    }
    const HttpReply health = RawClient(port).request("GET", "/health");
    QVERIFY2(health.status == 200, qPrintable(health.describe()));
    QVERIFY(countOthers() >= 1);
}

void TestHttpEndpoint::healthIsDegradedWhileDatabaseIsUnreachable()
{
    if (currentDialect() != Dialect::Postgres)
        QSKIP("PostgreSQL only");
    const auto url = DatabaseUrl::parse(
        QStringLiteral("postgres://twinops:secret-pw@127.0.0.1:%1/twinops").arg(closedLoopbackPort()));
    QVERIFY(url.ok());
    auto served = serveUrl(nullptr, *url, smallSettings());
    if (!served)
        return;
    const quint16 port = served->port();
    for (int round = 0; round < 3; ++round) {
        const HttpReply health = RawClient(port).request("GET", "/health");
        QVERIFY2(health.status == 503, qPrintable(health.describe()));
        QVERIFY(isUuid(QString::fromLatin1(health.header("X-Request-Id"))));
        QCOMPARE(health.json().value(QStringLiteral("status")).toString(), QStringLiteral("degraded"));
        const QJsonObject database
            = health.json().value(QStringLiteral("checks")).toObject().value(QStringLiteral("database")).toObject();
        QCOMPARE(database.value(QStringLiteral("ok")).toBool(true), false);

        const HttpReply signup = RawClient(port).request("POST", "/api/v1/auth/signup",
                                                         json(signupBody(QStringLiteral("down@example.com"))), kJson);
        QVERIFY2(signup.status == 503, qPrintable(signup.describe()));
        QCOMPARE(signup.errorCode(), QStringLiteral("unavailable"));
        QVERIFY2(shapeProblem(signup).isEmpty(), qPrintable(shapeProblem(signup)));
        QVERIFY2(!signup.body.contains("secret-pw") && !health.body.contains("secret-pw"), signup.body.constData());

        // What needs no database still works.
        QCOMPARE(RawClient(port).request("GET", "/metrics").status, 200);
        QCOMPARE(RawClient(port).request("GET", "/nope").status, 404);
    }
}

void TestHttpEndpoint::revocationReachesAnotherProcess()
{
    if (currentDialect() != Dialect::Postgres)
        QSKIP("PostgreSQL only: two processes share one database");
    QVERIFY2(QFile::exists(qEnvironmentVariable("TWINOPSD")), "TWINOPSD must name the twinopsd binary");
    TWINOPS_FRESH_DATABASE(testDb);
    QVERIFY(testDb->connectMigrated());
    const QString url = testDb->url().postgresUri();

    QTemporaryDir home;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("TWINOPS_DATABASE_URL"));
    environment.insert(QStringLiteral("TWINOPS_JWT_SECRET"), QLatin1String(kSecret));
    environment.insert(QStringLiteral("TWINOPS_PASSWORD_COST"), QStringLiteral("minimal"));
    environment.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    const QStringList serve{QStringLiteral("--database"), url, QStringLiteral("serve"), QStringLiteral("--listen"),
                            QStringLiteral("127.0.0.1:0")};
    Daemon a;
    Daemon b;
    QVERIFY2(a.start(serve, environment), qPrintable(a.output()));
    QVERIFY2(b.start(serve, environment), qPrintable(b.output()));
    QVERIFY(a.port() != b.port());

    const QJsonObject session = signup(a.port(), QStringLiteral("revoked@example.com"));
    const QByteArray token = accessToken(session);
    QVERIFY(!token.isEmpty());
    const QString userId = session.value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toString();
    QVERIFY(isUuid(userId));

    QProcess createKey;
    createKey.setProcessEnvironment(environment);
    createKey.start(qEnvironmentVariable("TWINOPSD"),
                    {QStringLiteral("--database"), url, QStringLiteral("admin"), QStringLiteral("create-key"),
                     QStringLiteral("--name"), QStringLiteral("t")});
    QVERIFY(createKey.waitForFinished(30000));
    QVERIFY2(createKey.exitCode() == 0, createKey.readAllStandardError().constData());
    const QByteArray adminKey = createKey.readAllStandardOutput().trimmed();
    QVERIFY2(adminKey.startsWith("twk_"), adminKey.constData());

    RawClient onB(b.port());
    const HttpReply before = onB.request("GET", "/api/v1/twins", {}, withBearer(token, {}));
    QVERIFY2(before.status == 200, qPrintable(before.describe()));

    const HttpReply revoked = RawClient(a.port()).request(
        "POST", "/api/v1/admin/users/" + userId.toLatin1() + "/revoke", {}, withBearer(adminKey, {}));
    QVERIFY2(revoked.status == 200, qPrintable(revoked.describe()));

    const HttpReply after = onB.request("GET", "/api/v1/twins", {}, withBearer(token, {}));
    QVERIFY2(after.status == 401, qPrintable(after.describe()));
    QCOMPARE(after.header("WWW-Authenticate"), QByteArray("Bearer"));
    QVERIFY2(shapeProblem(after).isEmpty(), qPrintable(shapeProblem(after)));
    QCOMPARE(RawClient(a.port()).request("GET", "/api/v1/auth/me", {}, withBearer(token, {})).status, 401);

    a.stop();
    b.stop();
}

QTEST_GUILESS_MAIN(TestHttpEndpoint)
#include "tst_httpendpoint.moc"
