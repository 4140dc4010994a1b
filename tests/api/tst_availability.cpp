// Availability over the real endpoint on loopback, on SQLite and PostgreSQL: nothing slow holds an HTTP thread.
// Chats generate on the chat pool (an HTTP thread stays free for /health while more chats than HTTP threads are
// being answered), password work on the work pool; a full pool answers 503 at once with Retry-After; concurrent
// answers are limited per tenant and per share link (429); a client that disconnects stops its generation and
// the partial answer is stored as partial; requests pipelined on one connection are answered in order.
#include "apiharness.h"
#include "http/httpendpoint.h"

#include <QJsonArray>
#include <QNetworkProxy>
#include <QTcpSocket>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace twinops;
using namespace twinops::test;

namespace {

constexpr int kTimeoutMs = 10'000;

// Answers with a token every 20 ms until the test opens the gate or the client goes away, and counts both: a
// provider that stands for a slow remote model, whose tokens the test controls.
class GatedProvider final : public ChatProvider
{
public:
    std::atomic<bool> open{false};
    std::atomic<int> running{0};
    std::atomic<int> stoppedByClient{0};

    QString name() const override { return QStringLiteral("gated"); }
    Status generate(const ChatRequest &, const TokenSink &onToken) override
    {
        ++running;
        while (true) {
            if (!onToken(QStringLiteral("tick "))) {
                ++stoppedByClient;
                break;
            }
            if (open)
                break;
            QThread::msleep(20);
        }
        --running;
        return {};
    }
};

struct Response
{
    int status = 0;
    QByteArray head;
    QByteArray body;
    QByteArray header(const QByteArray &name) const
    {
        for (const QByteArray &line : head.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.first(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
                return line.sliced(colon + 1).trimmed();
        }
        return {};
    }
};

QByteArray requestBytes(const QByteArray &method, const QString &path, const QByteArray &authorization = {},
                        const QJsonObject &body = {}, bool eventStream = false)
{
    const QByteArray payload = body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact);
    QByteArray bytes = method + ' ' + path.toUtf8() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!authorization.isEmpty())
        bytes += "Authorization: " + authorization + "\r\n";
    if (eventStream)
        bytes += "Accept: text/event-stream\r\n";
    if (!payload.isEmpty())
        bytes += "Content-Type: application/json\r\n";
    return bytes + "Content-Length: " + QByteArray::number(payload.size()) + "\r\n\r\n" + payload;
}

std::unique_ptr<QTcpSocket> connectTo(quint16 port)
{
    auto socket = std::make_unique<QTcpSocket>();
    socket->setProxy(QNetworkProxy::NoProxy);
    socket->connectToHost(QHostAddress::LocalHost, port);
    if (!socket->waitForConnected(kTimeoutMs))
        return nullptr;
    return socket;
}

// Reads one response with a Content-Length from `buffer` and the socket; status 0 if none came in time.
Response readResponse(QTcpSocket &socket, QByteArray &buffer)
{
    QDeadlineTimer deadline(kTimeoutMs);
    Response response;
    while (!deadline.hasExpired()) {
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end >= 0) {
            response.head = buffer.left(end);
            const qint64 length = response.header("content-length").toLongLong();
            if (buffer.size() >= end + 4 + length) {
                response.status = response.head.mid(9, 3).toInt();
                response.body = buffer.mid(end + 4, length);
                buffer.remove(0, end + 4 + length);
                return response;
            }
        }
        if (!socket.waitForReadyRead(100) && socket.state() != QAbstractSocket::ConnectedState)
            break;
        buffer += socket.readAll();
    }
    return {};
}

Response roundTrip(quint16 port, const QByteArray &request)
{
    auto socket = connectTo(port);
    if (!socket)
        return {};
    socket->write(request);
    QByteArray buffer;
    return readResponse(*socket, buffer);
}

// An endpoint with two HTTP threads over the harness's database, answering chats with a GatedProvider.
struct GatedEndpoint
{
    GatedEndpoint(const DatabaseUrl &url, ApiSettings settings)
        : shared(url, QByteArray(ApiHarness::kJwtSecret), PasswordHasher::Cost::Minimal, metrics, std::move(settings))
        , provider(std::make_shared<GatedProvider>())
        , endpoint(shared, EndpointOptions{QHostAddress::LocalHost, 0, 2, {}})
    {
        shared.chatProvider = provider;
    }
    ~GatedEndpoint() { provider->open = true; } // lets generations end before the endpoint stops

    quint16 port() const { return endpoint.port(); }
    // Requests running or waiting on the chat pool (a refused chat leaves it a moment after its answer went out).
    int chatPoolTasks()
    {
        return int(metrics
                       .gauge(QStringLiteral("twinops_http_pool_tasks"), {},
                              {{QStringLiteral("pool"), QStringLiteral("chat")}})
                       .value());
    }

    MetricsRegistry metrics;
    ApiShared shared;
    std::shared_ptr<GatedProvider> provider;
    HttpEndpoint endpoint;
};

ApiSettings settingsWith(int maxStreams, int perTenant, int perLink)
{
    ApiSettings settings;
    settings.instance = QStringLiteral("tst_availability");
    settings.chat.maxStreams = maxStreams;
    settings.chat.maxStreamsPerTenant = perTenant;
    settings.chat.maxStreamsPerShareLink = perLink;
    return settings;
}

} // namespace

class TestAvailability : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendRows(); }
    void init();
    void cleanup();

    void slowRoutesLeaveTheHttpThreads();
    void healthAnswersWhileChatsOutnumberTheHttpThreads();
    void concurrentAnswersAreLimitedPerTenantPerLinkAndInAll();
    void clientThatDisconnectsStopsItsAnswer_data();
    void clientThatDisconnectsStopsItsAnswer();
    void fullWorkPoolAnswers503AtOnceButASpentBudget429();
    void pipelinedRequestsAreAnsweredInOrder();

private:
    QJsonObject shareLink(const QString &twinId, const QByteArray &owner);
    QString twinOf(const QByteArray &owner);
    void startChat(QTcpSocket &socket, const QString &path, const QByteArray &authorization, bool eventStream);

    std::unique_ptr<ApiHarness> m_api;
    QByteArray m_owner;
    QString m_twin;
};

void TestAvailability::init()
{
    m_api = ApiHarness::create(currentDialect());
    QVERIFY(m_api);
    const QJsonObject signup = m_api->signup(QStringLiteral("ada@example.com"), QStringLiteral("Acme"));
    m_owner = ApiHarness::bearer(signup.value(QLatin1String("access_token")).toString());
    m_twin = twinOf(m_owner);
    QVERIFY(!m_twin.isEmpty());
}

void TestAvailability::cleanup()
{
    m_api.reset();
}

QString TestAvailability::twinOf(const QByteArray &owner)
{
    const auto twin = m_api->call("POST", QStringLiteral("/api/v1/twins"),
                                  {{QStringLiteral("name"), QStringLiteral("Ada")}}, owner);
    return twin.status == 201 ? twin.json.value(QLatin1String("id")).toString() : QString();
}

QJsonObject TestAvailability::shareLink(const QString &twinId, const QByteArray &owner)
{
    return m_api->call("POST", QStringLiteral("/api/v1/twins/%1/share-links").arg(twinId), {}, owner).json;
}

void TestAvailability::slowRoutesLeaveTheHttpThreads()
{
    // The policy, read from the router itself: what hashes a password or generates an answer is never inline.
    QHash<QString, Lane> lanes;
    for (const RouteSpec &route : m_api->shared().router.routes())
        lanes.insert(QString::fromLatin1(route.method) + u' ' + route.pattern, route.lane);
    for (const char *route : {"POST /api/v1/auth/signup", "POST /api/v1/auth/login", "POST /api/v1/users"})
        QCOMPARE(lanes.value(QLatin1String(route), Lane::Inline), Lane::Work);
    for (const char *route : {"POST /api/v1/twins/{id}/chat", "POST /api/v1/public/share/{token}/chat"})
        QCOMPARE(lanes.value(QLatin1String(route), Lane::Inline), Lane::Chat);
    QCOMPARE(lanes.value(QStringLiteral("GET /health")), Lane::Inline);
    QCOMPARE(lanes.value(QStringLiteral("GET /api/v1/twins")), Lane::Inline);
}

void TestAvailability::startChat(QTcpSocket &socket, const QString &path, const QByteArray &authorization,
                                 bool eventStream)
{
    socket.write(
        requestBytes("POST", path, authorization, {{QStringLiteral("message"), QStringLiteral("Who?")}}, eventStream));
    socket.flush();
}

void TestAvailability::healthAnswersWhileChatsOutnumberTheHttpThreads()
{
    GatedEndpoint served(m_api->url(), settingsWith(32, 8, 2));
    TWINOPS_VERIFY_OK(served.endpoint.start());
    // Four answers in the making on an endpoint with two HTTP threads: before chats left those threads, only two
    // could start and /health waited behind them.
    std::vector<std::unique_ptr<QTcpSocket>> chats;
    for (int i = 0; i < 4; ++i) {
        chats.push_back(connectTo(served.port()));
        QVERIFY(chats.back());
        startChat(*chats.back(), QStringLiteral("/api/v1/twins/%1/chat").arg(m_twin), m_owner, true);
    }
    QTRY_COMPARE_WITH_TIMEOUT(served.provider->running.load(), 4, kTimeoutMs);
    const Response health = roundTrip(served.port(), requestBytes("GET", QStringLiteral("/health")));
    QVERIFY2(health.status == 200 || health.status == 503, health.head.constData());
    const Response twins = roundTrip(served.port(), requestBytes("GET", QStringLiteral("/api/v1/twins"), m_owner));
    QCOMPARE(twins.status, 200);
    QCOMPARE(served.provider->running.load(), 4); // all four were still being generated meanwhile
    served.provider->open = true;
    QTRY_COMPARE_WITH_TIMEOUT(served.provider->running.load(), 0, kTimeoutMs);
}

void TestAvailability::concurrentAnswersAreLimitedPerTenantPerLinkAndInAll()
{
    GatedEndpoint served(m_api->url(), settingsWith(4, 2, 1));
    TWINOPS_VERIFY_OK(served.endpoint.start());
    const QString memberChat = QStringLiteral("/api/v1/twins/%1/chat").arg(m_twin);
    std::vector<std::unique_ptr<QTcpSocket>> held;
    auto hold = [&](const QString &path, const QByteArray &authorization) {
        held.push_back(connectTo(served.port()));
        startChat(*held.back(), path, authorization, true);
    };
    auto ask = [&](const QString &path, const QByteArray &authorization) {
        const Response response = roundTrip(
            served.port(),
            requestBytes("POST", path, authorization, {{QStringLiteral("message"), QStringLiteral("Who?")}}));
        const int running = served.provider->running;
        if (!QTest::qWaitFor([&] { return served.chatPoolTasks() == running; }, kTimeoutMs))
            qWarning("the chat pool did not settle");
        return response;
    };

    // Tenant A: two answers at once, the third is 429.
    hold(memberChat, m_owner);
    hold(memberChat, m_owner);
    QTRY_COMPARE_WITH_TIMEOUT(served.provider->running.load(), 2, kTimeoutMs);
    const Response tenantFull = ask(memberChat, m_owner);
    QCOMPARE(tenantFull.status, 429);
    QVERIFY(tenantFull.header("retry-after").toInt() >= 1);
    QVERIFY(tenantFull.body.contains("tenant"));

    // Tenant B, through a share link: one answer per link, the second is 429.
    const QJsonObject other = m_api->signup(QStringLiteral("grace@example.com"), QStringLiteral("Navy"));
    const QByteArray otherOwner = ApiHarness::bearer(other.value(QLatin1String("access_token")).toString());
    const QString otherTwin = twinOf(otherOwner);
    const QString token = shareLink(otherTwin, otherOwner).value(QLatin1String("token")).toString();
    QVERIFY(token.startsWith(QLatin1String("tws_")));
    const QString publicChat = QStringLiteral("/api/v1/public/share/%1/chat").arg(token);
    hold(publicChat, {});
    QTRY_COMPARE_WITH_TIMEOUT(served.provider->running.load(), 3, kTimeoutMs);
    const Response linkFull = ask(publicChat, {});
    QCOMPARE(linkFull.status, 429);
    QVERIFY(linkFull.body.contains("share link"));

    // Four answers in all: the chat pool is full, and anyone's next chat is 503 at once.
    const QString otherMemberChat = QStringLiteral("/api/v1/twins/%1/chat").arg(otherTwin);
    hold(otherMemberChat, otherOwner);
    QTRY_COMPARE_WITH_TIMEOUT(served.provider->running.load(), 4, kTimeoutMs);
    const Response poolFull = ask(otherMemberChat, otherOwner);
    QCOMPARE(poolFull.status, 503);
    QVERIFY(poolFull.header("retry-after").toInt() >= 1);
    QCOMPARE(served.provider->running.load(), 4);
    QVERIFY(served.metrics.prometheusText().contains("twinops_http_pool_rejected_total{pool=\"chat\"} 1"));

    // Places come back when answers end.
    served.provider->open = true;
    QTRY_COMPARE_WITH_TIMEOUT(served.provider->running.load(), 0, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(served.shared.tenantChats.holders(m_api->tenantIdOf(other)), 0, kTimeoutMs);
    QCOMPARE(ask(memberChat, m_owner).status, 200);
}

void TestAvailability::clientThatDisconnectsStopsItsAnswer_data()
{
    QTest::addColumn<bool>("eventStream");
    QTest::newRow("server-sent events") << true;
    QTest::newRow("one JSON object") << false;
}

void TestAvailability::clientThatDisconnectsStopsItsAnswer()
{
    QFETCH(bool, eventStream);
    GatedEndpoint served(m_api->url(), settingsWith(32, 8, 2));
    TWINOPS_VERIFY_OK(served.endpoint.start());
    auto socket = connectTo(served.port());
    QVERIFY(socket);
    startChat(*socket, QStringLiteral("/api/v1/twins/%1/chat").arg(m_twin), m_owner, eventStream);
    if (eventStream) {
        QByteArray received;
        QTRY_VERIFY_WITH_TIMEOUT((received += socket->readAll()).contains("event: token"), kTimeoutMs);
    } else {
        QTRY_COMPARE_WITH_TIMEOUT(served.provider->running.load(), 1, kTimeoutMs);
    }
    socket->abort();

    // The gate never opens: only the disconnect can end the generation.
    QTRY_COMPARE_WITH_TIMEOUT(served.provider->stoppedByClient.load(), 1, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(served.provider->running.load(), 0, kTimeoutMs);
    // What was generated is kept, marked partial, and the conversation says so to whoever reads it later.
    const auto conversations
        = m_api->call("GET", QStringLiteral("/api/v1/twins/%1/conversations").arg(m_twin), {}, m_owner);
    const QString conversation
        = conversations.json[QStringLiteral("items")].toArray().first().toObject()[QStringLiteral("id")].toString();
    QTRY_COMPARE_WITH_TIMEOUT(
        m_api->call("GET", QStringLiteral("/api/v1/conversations/%1/messages").arg(conversation), {}, m_owner)
            .json[QStringLiteral("items")]
            .toArray()
            .size(),
        2, kTimeoutMs);
    const auto messages
        = m_api->call("GET", QStringLiteral("/api/v1/conversations/%1/messages").arg(conversation), {}, m_owner);
    const QJsonObject answer = messages.json[QStringLiteral("items")].toArray().last().toObject();
    QCOMPARE(answer[QStringLiteral("role")].toString(), QStringLiteral("assistant"));
    QVERIFY(answer[QStringLiteral("content")].toString().startsWith(QLatin1String("tick")));
    QCOMPARE(answer[QStringLiteral("partial")].toBool(), true);
    QCOMPARE(answer[QStringLiteral("fallback")].toBool(), false);
}

void TestAvailability::fullWorkPoolAnswers503AtOnceButASpentBudget429()
{
    ApiSettings settings = settingsWith(32, 8, 2);
    settings.workThreads = 1;
    settings.workQueue = 0;
    GatedEndpoint served(m_api->url(), settings);
    TWINOPS_VERIFY_OK(served.endpoint.start());

    // This address has spent its login budget (failed logins with made-up emails).
    for (int i = 0; i <= 20; ++i)
        m_api->call("POST", QStringLiteral("/api/v1/auth/login"),
                    {{QStringLiteral("email"), QStringLiteral("guess%1@example.com").arg(i)},
                     {QStringLiteral("password"), QStringLiteral("not the password at all")}});

    // Two signups while the test holds the tenants table: one waits for the database on the only work thread, the
    // other finds the pool full and is answered 503 at once, while the first is still waiting.
    std::optional<Transaction> lock;
    {
        auto begun = Transaction::begin(m_api->db()); // SQLite: BEGIN IMMEDIATE holds its one write lock
        TWINOPS_VERIFY_OK(begun);
        lock.emplace(std::move(begun).value());
    }
    if (currentDialect() == Dialect::Postgres)
        TWINOPS_VERIFY_OK(m_api->db().query(QStringLiteral("LOCK TABLE tenants IN EXCLUSIVE MODE")));
    auto signup = [](const QString &email) {
        return requestBytes("POST", QStringLiteral("/api/v1/auth/signup"), {},
                            {{QStringLiteral("email"), email},
                             {QStringLiteral("password"), QStringLiteral("correct horse battery staple")},
                             {QStringLiteral("tenant_name"), email.section(u'@', 0, 0)}});
    };
    std::unique_ptr<QTcpSocket> sockets[2]{connectTo(served.port()), connectTo(served.port())};
    QVERIFY(sockets[0] && sockets[1]);
    sockets[0]->write(signup(QStringLiteral("first@example.com")));
    sockets[1]->write(signup(QStringLiteral("second@example.com")));
    QTRY_VERIFY_WITH_TIMEOUT(sockets[0]->bytesAvailable() > 0 || sockets[1]->bytesAvailable() > 0, kTimeoutMs);
    const int refusedIndex = sockets[0]->bytesAvailable() > 0 ? 0 : 1;
    QByteArray buffers[2];
    const Response busy = readResponse(*sockets[refusedIndex], buffers[refusedIndex]);
    QCOMPARE(busy.status, 503);
    QCOMPARE(busy.header("retry-after"), QByteArray("1"));
    QVERIFY(busy.body.contains("busy"));
    // Inline routes do not wait for the pool.
    const Response health = roundTrip(served.port(), requestBytes("GET", QStringLiteral("/health")));
    QVERIFY(health.status == 200 || health.status == 503);
    // A login from the address whose budget is spent is refused on the HTTP thread: 429, though the pool is full.
    const Response spent
        = roundTrip(served.port(),
                    requestBytes("POST", QStringLiteral("/api/v1/auth/login"), {},
                                 {{QStringLiteral("email"), QStringLiteral("ada@example.com")},
                                  {QStringLiteral("password"), QStringLiteral("not the password at all")}}));
    QCOMPARE(spent.status, 429);
    QVERIFY(spent.header("retry-after").toInt() >= 1);
    QCOMPARE(sockets[1 - refusedIndex]->bytesAvailable(), 0); // the other is still waiting for the database

    lock.reset(); // rolls back
    const Response created = readResponse(*sockets[1 - refusedIndex], buffers[1 - refusedIndex]);
    QCOMPARE(created.status, 201);
}

void TestAvailability::pipelinedRequestsAreAnsweredInOrder()
{
    GatedEndpoint served(m_api->url(), settingsWith(32, 8, 2));
    TWINOPS_VERIFY_OK(served.endpoint.start());
    auto socket = connectTo(served.port());
    QVERIFY(socket);
    // A login (work pool) and two inline requests in one write: the answers come back in the order asked.
    const QJsonObject wrong{{QStringLiteral("email"), QStringLiteral("ada@example.com")},
                            {QStringLiteral("password"), QStringLiteral("not the password at all")}};
    socket->write(requestBytes("POST", QStringLiteral("/api/v1/auth/login"), {}, wrong)
                  + requestBytes("GET", QStringLiteral("/api/v1/twins"), m_owner)
                  + requestBytes("GET", QStringLiteral("/api/v1/nothing-here"), m_owner));
    QByteArray buffer;
    QCOMPARE(readResponse(*socket, buffer).status, 401);
    QCOMPARE(readResponse(*socket, buffer).status, 200);
    QCOMPARE(readResponse(*socket, buffer).status, 404);
}

QTEST_MAIN(TestAvailability)
#include "tst_availability.moc"
