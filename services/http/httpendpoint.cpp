#include "http/httpendpoint.h"

#include "core/logging.h"
#include "http/apicontext.h"

#include <QAbstractHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QPointer>
#include <QRandomGenerator>
#include <QSemaphore>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <arpa/inet.h>
#include <atomic>
#include <cctype>
#include <cstring>
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

    void requestHandled()
    {
        m_received = 0;
        m_head.clear();
        m_headComplete = false;
        m_requestTimer.stop();
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

// Server-sent events straight onto the socket: each event is flushed at once (time to first token is measured
// at the client), and a socket that is no longer connected ends the stream.
class SocketEventSink final : public EventSink
{
public:
    SocketEventSink(QHttpServerResponder &responder, QTcpSocket *socket)
        : m_responder(responder)
        , m_socket(socket)
    { }

    bool send(const QByteArray &event, const QByteArray &data) override
    {
        if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState)
            return false;
        QByteArray frame = "event: " + event + '\n';
        for (const QByteArray &line : data.split('\n'))
            frame += "data: " + line + '\n';
        frame += '\n';
        m_responder.writeBody(frame);
        m_socket->flush();
        return m_socket->state() == QAbstractSocket::ConnectedState;
    }

private:
    QHttpServerResponder &m_responder;
    QPointer<QTcpSocket> m_socket;
};

// A QTcpServer on a socket we opened (for SO_REUSEPORT) that attaches a guard to every connection before Qt
// HttpServer connects its own readyRead handler: slots run in connection order, so the guard sees data first.
class GuardedTcpServer final : public QTcpServer
{
public:
    explicit GuardedTcpServer(ApiContext &api)
        : m_api(api)
    { }

    QTcpSocket *nextPendingConnection() override
    {
        QTcpSocket *socket = QTcpServer::nextPendingConnection();
        if (socket)
            new ConnectionGuard(socket, m_api);
        return socket;
    }

private:
    ApiContext &m_api;
};

class TransportServer final : public QAbstractHttpServer
{
public:
    TransportServer(ApiContext &api, QStringList allowedHosts)
        : m_api(api)
        , m_allowedHosts(std::move(allowedHosts))
    { }

protected:
#if QT_VERSION < QT_VERSION_CHECK(6, 5, 0)
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        QHttpServerResponder responder = makeResponder(request, socket);
        respond(request, responder);
        for (QObject *child : socket->children()) {
            if (auto *guard = dynamic_cast<ConnectionGuard *>(child))
                guard->requestHandled();
        }
        return true;
    }
    void missingHandler(const QHttpServerRequest &, QTcpSocket *) override { }
#else
    bool handleRequest(const QHttpServerRequest &request, QHttpServerResponder &responder) override
    {
        respond(request, responder);
        return true;
    }
    void missingHandler(const QHttpServerRequest &, QHttpServerResponder &) override { }
#endif

private:
    bool hostAllowed(const QHttpServerRequest &request) const
    {
        if (m_allowedHosts.isEmpty())
            return true;
        const QString host = QString::fromLatin1(request.value("Host")).toLower();
        return m_allowedHosts.contains(host);
    }

    void respond(const QHttpServerRequest &qtRequest, QHttpServerResponder &responder)
    {
        HttpRequest request;
        request.requestId = newRequestId();
        request.method = methodName(qtRequest.method());
        request.path = qtRequest.url().path(QUrl::FullyDecoded);
        request.query = qtRequest.query();
        for (const auto &[name, value] : qtRequest.headers())
            request.headers.append({name.toLower(), value});
        request.body = qtRequest.body();
        request.peer = qtRequest.remoteAddress().toString();

        const HttpResponse response = hostAllowed(qtRequest)
            ? m_api.handle(request)
            : HttpResponse::error(
                Error::badRequest(QStringLiteral("the Host header names no address this server serves")));
        responder.writeStatusLine(QHttpServerResponder::StatusCode(response.status));
        if (!response.contentType.isEmpty())
            responder.writeHeader("Content-Type", response.contentType);
        if (response.stream)
            responder.writeHeader("Connection", "close"); // no length: the end of the stream is the end of the body
        else if (response.status != 204)
            responder.writeHeader("Content-Length", QByteArray::number(response.body.size()));
        responder.writeHeader("X-Request-Id", request.requestId.toLatin1());
        responder.writeHeader("Cache-Control", "no-store");
        responder.writeHeader("X-Content-Type-Options", "nosniff");
        for (const auto &[name, value] : response.headers)
            responder.writeHeader(name, value);
        if (!response.stream) {
            // A response to HEAD has no body (RFC 9110): the client reads the next response right after the head.
            responder.writeBody(request.method == "HEAD" ? QByteArray() : response.body);
            return;
        }
        QTcpSocket *socket = responder.socket();
        responder.writeBody(QByteArray()); // ends the headers
        SocketEventSink sink(responder, socket);
        response.stream(sink);
        if (socket)
            socket->disconnectFromHost();
    }

    ApiContext &m_api;
    QStringList m_allowedHosts;
};

int openListeningSocket(const QHostAddress &address, quint16 port, QString *error)
{
    const bool v6 = address.protocol() == QAbstractSocket::IPv6Protocol;
    const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        *error = QString::fromLocal8Bit(strerror(errno));
        return -1;
    }
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
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
    EndpointThread(ApiShared &shared, int fd, QStringList allowedHosts)
        : m_shared(shared)
        , m_fd(fd)
        , m_allowedHosts(std::move(allowedHosts))
    { }

    QSemaphore ready;

protected:
    void run() override
    {
        ApiContext api(m_shared);
        (void)api.ensureDatabase(); // failures are retried per request, and reported as 503 until then
        TransportServer server(api, m_allowedHosts);
        auto *tcp = new GuardedTcpServer(api);
        if (!tcp->setSocketDescriptor(m_fd))
            qCCritical(lcHttp) << "cannot adopt the listening socket:" << tcp->errorString();
        server.bind(tcp);
        ready.release();
        exec();
    }

private:
    ApiShared &m_shared;
    int m_fd;
    QStringList m_allowedHosts;
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
    return QStringLiteral("http://%1:%2").arg(host).arg(m_port);
}

Status HttpEndpoint::start()
{
    QStringList allowed = m_options.allowedHosts;
    std::vector<int> fds;
    quint16 port = m_options.port;
    for (int i = 0; i < std::max(1, m_options.threads); ++i) {
        QString error;
        const int fd = openListeningSocket(m_options.address, port, &error);
        if (fd < 0) {
            for (int open : fds)
                ::close(open);
            return Error::unavailable(
                QStringLiteral("cannot listen on %1:%2: %3").arg(m_options.address.toString()).arg(port).arg(error));
        }
        port = boundPort(fd);
        fds.push_back(fd);
    }
    m_port = port;
    if (m_options.address.isLoopback()) {
        for (const QString &name : {QStringLiteral("127.0.0.1"), QStringLiteral("localhost"), QStringLiteral("[::1]")})
            allowed << name << name + u':' + QString::number(port);
    } else if (!allowed.isEmpty()) {
        allowed << m_options.address.toString() + u':' + QString::number(port);
    }
    for (int fd : fds) {
        auto thread = std::make_unique<EndpointThread>(m_shared, fd, allowed);
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
    for (auto &thread : m_threads) {
        thread->quit();
        thread->wait();
    }
    m_threads.clear();
}

} // namespace twinops
