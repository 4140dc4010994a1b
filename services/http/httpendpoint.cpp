#include "http/httpendpoint.h"

#include "core/logging.h"
#include "http/apicontext.h"
#include "http/tlsconfiguration.h"
#include "http/workpool.h"

#include <QAbstractHttpServer>
#include <QHttpServerRequest>
#include <QMutex>
#include <QRandomGenerator>
#include <QSemaphore>
#include <QSslConfiguration>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <arpa/inet.h>
#include <atomic>
#include <cctype>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <netinet/in.h>
#include <optional>
#include <sys/socket.h>
#include <unistd.h>

namespace twinops {

namespace {

constexpr qint64 kMaxHeaderBytes = 64 * 1024;
// What a refused connection still reads and drops before it closes (LingeringClose).
constexpr qint64 kMaxLingerBytes = 32 * 1024 * 1024;
constexpr int kLingerMs = 10'000;
// A TLS client has this long from its connection to a finished handshake; QSslServer closes slower ones. The
// handshake runs on the HTTP thread's event loop, so a silent client costs a timer, not a blocked thread.
constexpr int kTlsHandshakeMs = 10'000;
// Connections an HTTP thread may hold in the TLS handshake at once (QSslServer counts them as pending and stops
// accepting beyond this); the other threads keep accepting meanwhile.
constexpr int kMaxHandshakes = 256;

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get: return "GET";
    case QHttpServerRequest::Method::Put: return "PUT";
    case QHttpServerRequest::Method::Delete: return "DELETE";
    case QHttpServerRequest::Method::Post: return "POST";
    case QHttpServerRequest::Method::Head: return "HEAD";
    case QHttpServerRequest::Method::Options: return "OPTIONS";
    case QHttpServerRequest::Method::Patch: return "PATCH";
    default: return "OTHER";
    }
}

// Unique per response in this process and, through the random prefix, across processes; UUID-shaped (version 4
// and variant bits set) so logs and the audit log keep one id format. Not QUuid::createUuid: that reads the
// system's random source on every call.
QString newRequestId()
{
    static const quint64 prefix = (QRandomGenerator::system()->generate64() & ~quint64(0xf000)) | 0x4000;
    static std::atomic<quint64> counter{0};
    const quint64 sequence
        = (counter.fetch_add(1, std::memory_order_relaxed) & ~(quint64(3) << 62)) | (quint64(2) << 62);
    char text[37];
    auto hex = [&text](int at, quint64 value, int digits) {
        for (int i = digits - 1; i >= 0; --i, value >>= 4)
            text[at + i] = "0123456789abcdef"[value & 0xf];
    };
    hex(0, prefix >> 32, 8);
    text[8] = '-';
    hex(9, prefix >> 16, 4);
    text[13] = '-';
    hex(14, prefix, 4);
    text[18] = '-';
    hex(19, sequence >> 48, 4);
    text[23] = '-';
    hex(24, sequence, 12);
    return QString::fromLatin1(text, 36);
}

// Closes a connection after its last response without resetting it. Closing a socket with unread bytes makes the
// kernel send a reset, and a client that writes its whole body before it reads (most do) then loses the response
// that was already on its way. So the write side is shut down once the response is out (the client sees its end),
// and what the client still sends is read and dropped until it closes, at most kMaxLingerBytes and kLingerMs:
// past either, the connection is aborted, a reset after all.
class LingeringClose final : public QObject
{
public:
    explicit LingeringClose(QTcpSocket *socket)
        : QObject(socket)
        , m_socket(socket)
    {
        connect(socket, &QTcpSocket::readyRead, this, &LingeringClose::discard);
        connect(socket, &QTcpSocket::bytesWritten, this, &LingeringClose::shutDownWriting);
        if (auto *tls = qobject_cast<QSslSocket *>(socket))
            connect(tls, &QSslSocket::encryptedBytesWritten, this, &LingeringClose::shutDownWriting);
        m_deadline.setSingleShot(true);
        connect(&m_deadline, &QTimer::timeout, socket, &QTcpSocket::abort);
        m_deadline.start(kLingerMs);
        socket->flush();
        shutDownWriting();
        discard();
    }

private:
    void shutDownWriting()
    {
        if (m_shutDown || m_socket->bytesToWrite() > 0 || m_socket->socketDescriptor() < 0)
            return;
        // A TLS socket's bytesToWrite() counts plaintext only; its records may still wait in the TCP socket.
        if (auto *tls = qobject_cast<QSslSocket *>(m_socket); tls && tls->encryptedBytesToWrite() > 0)
            return;
        m_shutDown = true;
        ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
    }

    void discard()
    {
        m_discarded += m_socket->skip(m_socket->bytesAvailable());
        if (m_discarded > kMaxLingerBytes)
            m_socket->abort();
    }

    QTcpSocket *m_socket;
    QTimer m_deadline;
    qint64 m_discarded = 0;
    bool m_shutDown = false;
};

// Writes a complete response on a raw socket and closes it: for requests rejected before Qt parsed them.
// `status` may differ from the error's own (408 and 431 have no ErrorCode); every response has an X-Request-Id.
void rejectOnSocket(QTcpSocket *socket, const Error &error, int status)
{
    const HttpResponse response = HttpResponse::error(error);
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    out += "Content-Type: " + response.contentType + "\r\nContent-Length: " + QByteArray::number(response.body.size())
        + "\r\nConnection: close\r\nX-Request-Id: " + newRequestId().toLatin1() + "\r\n\r\n" + response.body;
    QObject::disconnect(socket, &QTcpSocket::readyRead, nullptr, nullptr); // Qt's parser must not see the rest
    socket->write(out);
    new LingeringClose(socket);
}

// Why the head's framing headers must be refused (400), or nothing. A length and a transfer coding together, two of
// either, or a coding other than chunked: a proxy in front may frame the body by one and we by the other, and what
// one takes for the rest of a body the other takes for a new request (request smuggling). Refuse, never pick one.
std::optional<QString> framingProblem(int contentLengths, int transferEncodings, QByteArrayView transferEncoding)
{
    if (contentLengths > 1)
        return QStringLiteral("more than one Content-Length header");
    if (transferEncodings > 1)
        return QStringLiteral("more than one Transfer-Encoding header");
    if (contentLengths > 0 && transferEncodings > 0)
        return QStringLiteral("both Content-Length and Transfer-Encoding");
    if (transferEncodings > 0 && transferEncoding.compare("chunked", Qt::CaseInsensitive) != 0)
        return QStringLiteral("Transfer-Encoding must be chunked");
    return std::nullopt;
}

bool isTokenChar(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
        || (c != 0 && std::strchr("!#$%&'*+.^_`|~-", c) != nullptr);
}

// False once the request line is complete and is not `METHOD SP target SP HTTP/d.d`. Qt 6.4 closes the connection
// without a word on a request line it cannot parse, so the guard answers those with a 400 before Qt sees them.
// Hand-written rather than a regular expression: it runs on every request.
bool plausibleRequestLine(const QByteArray &head)
{
    qsizetype start = 0; // Qt skips whitespace left over from the previous request
    while (start < head.size() && QByteArrayLiteral(" \t\r\n\v").contains(head.at(start)))
        ++start;
    qsizetype end = head.indexOf('\n', start);
    if (end < 0)
        return true;
    if (end > start && head.at(end - 1) == '\r')
        --end;
    qsizetype i = start;
    while (i < end && isTokenChar(head.at(i)))
        ++i;
    if (i == start || i == end || head.at(i) != ' ')
        return false;
    const qsizetype target = ++i;
    while (i < end && head.at(i) >= 0x21 && head.at(i) <= 0x7e)
        ++i;
    if (i == target || i == end || head.at(i) != ' ')
        return false;
    const QByteArrayView version(head.constData() + i + 1, end - i - 1);
    return version.size() == 8 && version.startsWith("HTTP/") && std::isdigit(static_cast<unsigned char>(version[5]))
        && version[6] == '.' && std::isdigit(static_cast<unsigned char>(version[7]));
}

// Watches one connection before Qt HttpServer reads it: caps header and body sizes (Qt 6.4 buffers any size),
// and closes connections whose request does not arrive in time or that stay idle.
class ConnectionGuard final : public QObject
{
public:
    ConnectionGuard(QTcpSocket *socket, ApiContext &api)
        : QObject(socket)
        , m_socket(socket)
        , m_api(api)
    {
        const ApiSettings &settings = api.shared().settings;
        m_requestTimer.setSingleShot(true);
        m_requestTimer.setInterval(settings.requestTimeoutSeconds * 1000);
        m_idleTimer.setSingleShot(true);
        m_idleTimer.setInterval(settings.idleTimeoutSeconds * 1000);
        connect(&m_requestTimer, &QTimer::timeout, this,
                [this] { reject(Error::badRequest(QStringLiteral("request timed out")), 408); });
        connect(&m_idleTimer, &QTimer::timeout, m_socket, &QTcpSocket::disconnectFromHost);
        connect(socket, &QTcpSocket::readyRead, this, &ConnectionGuard::onReadyRead);
        m_idleTimer.start();
    }

    // Qt parsed a whole request: the next one is measured from here.
    void requestReceived()
    {
        m_received = 0;
        m_head.clear();
        m_headComplete = false;
        m_requestTimer.stop();
    }
    // Every answer is out: a connection with nothing to do counts as idle from now (never while a pool thread
    // still works on its request, which may take minutes for a chat).
    void responsesDone()
    {
        if (!m_requestTimer.isActive())
            m_idleTimer.start();
    }

private:
    void onReadyRead()
    {
        const qint64 available = m_socket->bytesAvailable();
        m_received += available;
        m_idleTimer.stop();
        if (!m_requestTimer.isActive())
            m_requestTimer.start();
        const qint64 maxBody = m_api.shared().settings.maxBodyBytes;
        if (!m_headComplete) {
            m_head += m_socket->peek(std::min<qint64>(available, kMaxHeaderBytes + 4));
            if (!plausibleRequestLine(m_head)) {
                reject(Error::badRequest(QStringLiteral("malformed request line")), 400);
                return;
            }
            const qsizetype end = m_head.indexOf("\r\n\r\n");
            if (end < 0) {
                if (m_head.size() > kMaxHeaderBytes)
                    reject(Error::badRequest(QStringLiteral("request headers are larger than 64 KiB")), 431);
                return;
            }
            m_headComplete = true;
            int contentLengths = 0;
            int transferEncodings = 0;
            qint64 declaredLength = 0;
            QByteArrayView transferEncoding;
            for (qsizetype from = 0; from < end;) { // line by line, as views: no copies per request
                qsizetype next = m_head.indexOf('\n', from);
                if (next < 0 || next > end)
                    next = end;
                const QByteArrayView line(m_head.constData() + from, next - from);
                from = next + 1;
                const qsizetype colon = line.indexOf(':');
                if (colon <= 0)
                    continue;
                const QByteArrayView name = line.first(colon).trimmed();
                if (name.compare("content-length", Qt::CaseInsensitive) == 0) {
                    ++contentLengths;
                    declaredLength = line.sliced(colon + 1).trimmed().toLongLong();
                } else if (name.compare("transfer-encoding", Qt::CaseInsensitive) == 0) {
                    ++transferEncodings;
                    transferEncoding = line.sliced(colon + 1).trimmed();
                }
            }
            if (auto problem = framingProblem(contentLengths, transferEncodings, transferEncoding)) {
                reject(Error::badRequest(*problem), 400);
                return;
            }
            if (declaredLength > maxBody) {
                reject(Error{ErrorCode::PayloadTooLarge,
                             QStringLiteral("the body is larger than %1 bytes").arg(maxBody),
                             {},
                             0},
                       413);
                return;
            }
        }
        if (m_received > maxBody + kMaxHeaderBytes) // chunked bodies announce no length
            reject(
                Error{
                    ErrorCode::PayloadTooLarge, QStringLiteral("the body is larger than %1 bytes").arg(maxBody), {}, 0},
                413);
    }

    void reject(const Error &error, int status)
    {
        m_requestTimer.stop();
        m_idleTimer.stop();
        m_api.recordRequest(QStringLiteral("transport"), "ANY", status, 0);
        rejectOnSocket(m_socket, error, status);
    }

    QTcpSocket *m_socket;
    ApiContext &m_api;
    QTimer m_requestTimer;
    QTimer m_idleTimer;
    qint64 m_received = 0;
    QByteArray m_head;
    bool m_headComplete = false;
};

} // namespace

// The slow lanes of one endpoint (see Lane in router.h), shared by its HTTP threads.
struct EndpointPools
{
    explicit EndpointPools(ApiShared &shared)
        : work(shared, QStringLiteral("http-work"), shared.settings.workThreads, shared.settings.workQueue)
        , chat(shared, QStringLiteral("chat"), shared.settings.chat.maxStreams, 0)
    { }

    WorkPool *of(Lane lane) { return lane == Lane::Work ? &work : lane == Lane::Chat ? &chat : nullptr; }

    WorkPool work;
    WorkPool chat;
};

namespace {

class Connection;

// What a pool thread holds of a connection while it works on one of its requests. The link outlives the
// connection; posting runs a function on the connection's thread only while the connection exists, and `gone`
// tells a producer that nobody is listening any more (the client disconnected, or the server is stopping).
class ConnectionLink
{
public:
    explicit ConnectionLink(Connection *connection)
        : m_connection(connection)
    { }

    void post(std::function<void(Connection &)> function);
    bool gone() const { return m_gone.load(std::memory_order_relaxed); }
    void markGone() { m_gone.store(true, std::memory_order_relaxed); }
    // From the connection's destructor: after this, nothing more is posted, and Qt drops what was posted before.
    void detach()
    {
        QMutexLocker locker(&m_mutex);
        m_connection = nullptr;
        markGone();
    }

private:
    QMutex m_mutex;
    Connection *m_connection;
    std::atomic<bool> m_gone{false};
};

// What goes on the wire for a response: the head, then the body, except for HEAD requests (RFC 9110) and streams
// (no length: their events follow, and the connection's end is the body's end).
QByteArray responseBytes(const HttpRequest &request, const HttpResponse &response)
{
    QByteArray head;
    head.reserve(256);
    head += "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status) + "\r\n";
    if (!response.contentType.isEmpty())
        head += "Content-Type: " + response.contentType + "\r\n";
    if (response.stream)
        head += "Connection: close\r\n";
    else if (response.status != 204)
        head += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    head += "X-Request-Id: " + request.requestId.toLatin1() + "\r\n";
    head += "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n";
    for (const auto &[name, value] : response.headers)
        head += name + ": " + value + "\r\n";
    head += "\r\n";
    if (!response.stream && request.method != "HEAD")
        head += response.body;
    return head;
}

// Server-sent events from a pool thread: each frame is handed to the connection's thread and written at once
// (time to first token is measured at the client); once the connection is gone, send() says so and the
// producer stops.
class LinkedEventSink final : public EventSink
{
public:
    explicit LinkedEventSink(std::shared_ptr<ConnectionLink> link)
        : m_link(std::move(link))
    { }

    bool send(const QByteArray &event, const QByteArray &data) override;

private:
    std::shared_ptr<ConnectionLink> m_link;
};

// One client connection on its HTTP thread. Requests are answered in the order they arrived (HTTP/1.1
// pipelining): while one is with a pool thread, the ones behind it wait here, at most kMaxPipelined of them.
class Connection final : public QObject
{
public:
    Connection(QTcpSocket *socket, ApiContext &api, EndpointPools &pools, const QStringList &allowedHosts,
               ConnectionGuard *guard)
        : QObject(socket)
        , m_socket(socket)
        , m_api(api)
        , m_pools(pools)
        , m_allowedHosts(allowedHosts)
        , m_guard(guard)
        , m_link(std::make_shared<ConnectionLink>(this))
    {
        connect(socket, &QTcpSocket::disconnected, this, [link = m_link] { link->markGone(); });
    }
    ~Connection() override { m_link->detach(); }

    void received(HttpRequest request)
    {
        request.client = m_api.shared().clientAddress(QHostAddress(request.peer), request.headers);
        m_guard->requestReceived();
        if (m_busy) {
            if (m_waiting.size() >= kMaxPipelined) {
                m_socket->abort(); // a client that pipelines this much without reading is not one we serve
                return;
            }
            m_waiting.push_back(std::move(request));
            return;
        }
        start(std::move(request));
    }

    void write(const QByteArray &bytes)
    {
        if (m_socket->state() == QAbstractSocket::ConnectedState)
            m_socket->write(bytes);
    }

private:
    static constexpr size_t kMaxPipelined = 16;

    // DNS-rebinding defence: see EndpointOptions::allowedHosts.
    bool hostAllowed(const HttpRequest &request) const
    {
        return m_allowedHosts.isEmpty()
            || m_allowedHosts.contains(QString::fromLatin1(request.header("host")).toLower());
    }

    void start(HttpRequest request)
    {
        if (!hostAllowed(request)) {
            respond(request,
                    HttpResponse::error(
                        Error::badRequest(QStringLiteral("the Host header names no address this server serves"))));
            return;
        }
        const Router &router = m_api.shared().router;
        Router::Routed routed = router.route(request, m_api);
        auto *call = std::get_if<Router::Call>(&routed);
        if (!call) {
            respond(request, std::get<HttpResponse>(routed));
            return;
        }
        WorkPool *pool = m_pools.of(call->lane());
        if (!pool) {
            respond(request, router.execute(*call, request, m_api));
            return;
        }
        m_busy = true;
        request.clientGone = [link = m_link] { return link->gone(); };
        auto pending = std::make_shared<Pending>(Pending{std::move(request), std::move(*call)});
        if (pool->trySubmit(
                [&router, pending, link = m_link](ApiContext &worker) { answer(router, *pending, link, worker); }))
            return;
        // The pool is full: say so at once rather than queue without bound. Counted as the route's 503.
        m_busy = false;
        Error busy = Error::unavailable(QStringLiteral("the server is busy; retry later"));
        busy.retryAfterSeconds = pending->call.lane() == Lane::Chat ? 5 : 1;
        const HttpResponse response = HttpResponse::error(busy);
        router.record(pending->call, pending->request, m_api, response.status);
        respond(pending->request, response);
    }

    // A request handed to a pool.
    struct Pending
    {
        HttpRequest request;
        Router::Call call;
    };

    // On the pool thread: runs the handler and hands the answer to the connection's thread; a stream's producer then
    // runs here, frame by frame, until it ends or the client is gone.
    static void answer(const Router &router, Pending &pending, const std::shared_ptr<ConnectionLink> &link,
                       ApiContext &worker)
    {
        const HttpResponse response = router.execute(pending.call, pending.request, worker);
        const bool streaming = bool(response.stream);
        link->post([bytes = responseBytes(pending.request, response), streaming](Connection &connection) {
            connection.write(bytes);
            if (!streaming)
                connection.done();
        });
        if (!streaming)
            return;
        LinkedEventSink sink(link);
        response.stream(sink);
        link->post([](Connection &connection) { connection.m_socket->disconnectFromHost(); });
    }

    // Writes a whole response on this thread and moves on to the next request.
    void respond(const HttpRequest &request, const HttpResponse &response)
    {
        if (response.stream) {
            // A streamed answer of an inline route (none today) would block this thread: refuse to run it here.
            qCCritical(lcHttp) << "a streaming response on the HTTP thread; routes that stream must use a pool";
            m_socket->abort();
            return;
        }
        write(responseBytes(request, response));
        done();
    }

    void done()
    {
        m_busy = false;
        if (m_waiting.empty()) {
            m_guard->responsesDone();
            return;
        }
        HttpRequest next = std::move(m_waiting.front());
        m_waiting.pop_front();
        start(std::move(next));
    }

    QTcpSocket *m_socket;
    ApiContext &m_api;
    EndpointPools &m_pools;
    const QStringList &m_allowedHosts;
    ConnectionGuard *m_guard;
    std::shared_ptr<ConnectionLink> m_link;
    std::deque<HttpRequest> m_waiting;
    bool m_busy = false;
};

bool LinkedEventSink::send(const QByteArray &event, const QByteArray &data)
{
    if (m_link->gone())
        return false;
    QByteArray frame = "event: " + event + '\n';
    for (const QByteArray &line : data.split('\n'))
        frame += "data: " + line + '\n';
    frame += '\n';
    m_link->post([frame](Connection &connection) { connection.write(frame); });
    return !m_link->gone();
}

void ConnectionLink::post(std::function<void(Connection &)> function)
{
    QMutexLocker locker(&m_mutex);
    if (!m_connection)
        return;
    Connection *connection = m_connection;
    QMetaObject::invokeMethod(
        connection, [connection, function = std::move(function)] { function(*connection); }, Qt::QueuedConnection);
}

// A QTcpServer (or QSslServer) on the endpoint's listening socket that attaches a guard to every connection before
// Qt HttpServer connects its own readyRead handler: slots run in connection order, so the guard sees data first.
// Qt HttpServer 6.4 takes connections on pendingConnectionAvailable, which a QSslServer emits only once the
// handshake is done: a TLS connection reaches the guard (and its request timer) encrypted.
template<typename Server> class GuardedServer final : public Server
{
public:
    GuardedServer(ApiContext &api, EndpointPools &pools, QStringList allowedHosts)
        : m_api(api)
        , m_pools(pools)
        , m_allowedHosts(std::move(allowedHosts))
    { }

    QTcpSocket *nextPendingConnection() override
    {
        QTcpSocket *socket = Server::nextPendingConnection();
        if (socket)
            new Connection(socket, m_api, m_pools, m_allowedHosts, new ConnectionGuard(socket, m_api));
        return socket;
    }

private:
    ApiContext &m_api;
    EndpointPools &m_pools;
    const QStringList m_allowedHosts;
};

// Qt HttpServer parses; every request goes to its connection, which answers in order.
class TransportServer final : public QAbstractHttpServer
{
protected:
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
#error "The transport uses Qt HttpServer 6.4's socket-level handleRequest(); port Connection to QHttpServerResponder"
#endif
    bool handleRequest(const QHttpServerRequest &qtRequest, QTcpSocket *socket) override
    {
        Connection *connection = nullptr;
        for (QObject *child : socket->children()) {
            if ((connection = dynamic_cast<Connection *>(child)))
                break;
        }
        if (!connection)
            return false;
        HttpRequest request;
        request.requestId = newRequestId();
        request.method = methodName(qtRequest.method());
        request.path = qtRequest.url().path(QUrl::FullyDecoded);
        request.query = qtRequest.query();
        for (const auto &[name, value] : qtRequest.headers())
            request.headers.append({name.toLower(), value});
        request.body = qtRequest.body();
        request.peer = qtRequest.remoteAddress().toString();
        connection->received(std::move(request));
        return true;
    }
    void missingHandler(const QHttpServerRequest &, QTcpSocket *socket) override
    {
        socket->abort();
    }
};

int openListeningSocket(const QHostAddress &address, quint16 port, QString *error)
{
    const bool v6 = address.protocol() == QAbstractSocket::IPv6Protocol;
    const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        *error = QString::fromLocal8Bit(strerror(errno));
        return -1;
    }
    // SO_REUSEADDR only: a restart may bind while the last run's connections are in TIME_WAIT, but no other
    // socket may listen on the address (no SO_REUSEPORT: that would let a second daemon take half the requests).
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    int rc = -1;
    if (v6) {
        sockaddr_in6 sa{};
        sa.sin6_family = AF_INET6;
        sa.sin6_port = htons(port);
        const Q_IPV6ADDR raw = address.toIPv6Address();
        memcpy(&sa.sin6_addr, &raw, sizeof raw);
        rc = ::bind(fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa);
    } else {
        sockaddr_in sa{};
        sa.sin_family = AF_INET;
        sa.sin_port = htons(port);
        sa.sin_addr.s_addr = htonl(address.toIPv4Address());
        rc = ::bind(fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa);
    }
    if (rc != 0 || ::listen(fd, 1024) != 0) {
        *error = QString::fromLocal8Bit(strerror(errno));
        ::close(fd);
        return -1;
    }
    return fd;
}

quint16 boundPort(int fd)
{
    sockaddr_storage sa{};
    socklen_t length = sizeof sa;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&sa), &length);
    if (sa.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<sockaddr_in6 *>(&sa)->sin6_port);
    return ntohs(reinterpret_cast<sockaddr_in *>(&sa)->sin_port);
}

} // namespace

// One HTTP thread: its own event loop, database connection, TCP server and HTTP server.
class EndpointThread final : public QThread
{
public:
    EndpointThread(ApiShared &shared, EndpointPools &pools, int fd, QStringList allowedHosts,
                   std::optional<QSslConfiguration> tls)
        : m_shared(shared)
        , m_pools(pools)
        , m_fd(fd)
        , m_allowedHosts(std::move(allowedHosts))
        , m_tls(std::move(tls))
    { }

    QSemaphore ready;

protected:
    void run() override
    {
        ApiContext api(m_shared);
        (void)api.ensureDatabase(); // failures are retried per request, and reported as 503 until then
        TransportServer server;
        QTcpServer *tcp = nullptr;
        if (m_tls) {
            auto *tls = new GuardedServer<QSslServer>(api, m_pools, m_allowedHosts);
            tls->setSslConfiguration(*m_tls);
            tls->setHandshakeTimeout(kTlsHandshakeMs);
            tls->setMaxPendingConnections(kMaxHandshakes);
            tcp = tls;
        } else {
            tcp = new GuardedServer<QTcpServer>(api, m_pools, m_allowedHosts);
        }
        // Every thread's server holds a descriptor of the one listening socket and accepts when it is readable;
        // a thread that loses the race gets EAGAIN, which QTcpServer takes as a temporary error and ignores.
        if (!tcp->setSocketDescriptor(m_fd))
            qCCritical(lcHttp) << "cannot adopt the listening socket:" << tcp->errorString();
        server.bind(tcp);
        ready.release();
        exec();
    }

private:
    ApiShared &m_shared;
    EndpointPools &m_pools;
    int m_fd;
    QStringList m_allowedHosts;
    std::optional<QSslConfiguration> m_tls;
};

HttpEndpoint::HttpEndpoint(ApiShared &shared, EndpointOptions options)
    : m_shared(shared)
    , m_options(std::move(options))
{ }

HttpEndpoint::~HttpEndpoint()
{
    stop();
}

QString HttpEndpoint::baseUrl() const
{
    const QString host = m_options.address.protocol() == QAbstractSocket::IPv6Protocol
        ? u'[' + m_options.address.toString() + u']'
        : m_options.address.toString();
    const QString scheme = m_options.tlsCertificateFile.isEmpty() ? QStringLiteral("http") : QStringLiteral("https");
    return QStringLiteral("%1://%2:%3").arg(scheme, host).arg(m_port);
}

Status HttpEndpoint::start()
{
    m_shared.setTrustedProxies(m_options.trustedProxies);
    std::optional<QSslConfiguration> tls;
    if (!m_options.tlsCertificateFile.isEmpty() || !m_options.tlsKeyFile.isEmpty()) {
        TWINOPS_TRY_ASSIGN(tls, serverTlsConfiguration(m_options.tlsCertificateFile, m_options.tlsKeyFile));
    }
    QString error;
    const int listening = openListeningSocket(m_options.address, m_options.port, &error);
    if (listening < 0)
        return Error::unavailable(QStringLiteral("cannot listen on %1:%2: %3")
                                      .arg(m_options.address.toString())
                                      .arg(m_options.port)
                                      .arg(error));
    const quint16 port = boundPort(listening);
    // One descriptor per thread: each QTcpServer closes its own when it goes.
    std::vector<int> fds{listening};
    while (int(fds.size()) < std::max(1, m_options.threads)) {
        const int fd = ::fcntl(listening, F_DUPFD_CLOEXEC, 0);
        if (fd < 0) {
            const QString reason = QString::fromLocal8Bit(strerror(errno));
            for (int open : fds)
                ::close(open);
            return Error::unavailable(QStringLiteral("cannot share the listening socket: %1").arg(reason));
        }
        fds.push_back(fd);
    }
    m_port = port;
    QStringList allowed = m_options.allowedHosts;
    if (m_options.address.isLoopback()) {
        for (const QString &name : {QStringLiteral("127.0.0.1"), QStringLiteral("localhost"), QStringLiteral("[::1]")})
            allowed << name << name + u':' + QString::number(port);
    } else if (!allowed.isEmpty()) {
        allowed << m_options.address.toString() + u':' + QString::number(port);
    }
    m_pools = std::make_unique<EndpointPools>(m_shared);
    for (int fd : fds) {
        auto thread = std::make_unique<EndpointThread>(m_shared, *m_pools, fd, allowed, tls);
        thread->setObjectName(QStringLiteral("http-%1").arg(m_threads.size()));
        thread->start();
        thread->ready.acquire();
        m_threads.push_back(std::move(thread));
    }
    qCInfo(lcHttp).noquote() << "listening on" << baseUrl() << "with" << m_threads.size() << "threads";
    return {};
}

void HttpEndpoint::stop()
{
    // The HTTP threads first: their connections go, so every answer still being made sees its client gone (a
    // chat stops generating) and what it posts is dropped. Then the pools finish what they hold.
    for (auto &thread : m_threads) {
        thread->quit();
        thread->wait();
    }
    m_threads.clear();
    m_pools.reset();
}

} // namespace twinops
