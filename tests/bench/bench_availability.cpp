// Availability under load, over the real endpoint on loopback (two HTTP threads, as `twinopsd serve` by default):
// the latency of GET /health and GET /api/v1/twins, measured by one client each sending requests back to back,
// while (a) 20 chats stream from an OpenAI-compatible server that sends one token a second (the real client against
// a local server that speaks its protocol), and (b) 32 clients flood POST /api/v1/auth/login with wrong passwords
// for made-up emails (argon2id at its interactive cost, as in production). A quiet baseline comes first.
// A program, not a test: `ctest --preset ci -L bench -R 'pg_cluster|bench_availability' -V`. BENCH_SECONDS sets the
// length of each phase (default 15), BENCH_BACKENDS the backends (default "sqlite postgres").
#include "apiharness.h"
#include "fakellmserver.h"
#include "http/httpendpoint.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace twinops;
using namespace twinops::test;

namespace {

constexpr int kTenants = 4;
constexpr int kChats = 20; // 5 per tenant, within the per-tenant limit of 8
constexpr int kFlooders = 32;

[[noreturn]] void fail(const QString &what)
{
    std::fprintf(stderr, "bench_availability: %s\n", qPrintable(what));
    std::exit(1);
}

// A blocking HTTP/1.1 client on one keep-alive connection: the load side must cost little and never queue.
class Client
{
public:
    explicit Client(quint16 port)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0)
            fail(QStringLiteral("cannot connect to the endpoint"));
        const int one = 1;
        ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        const timeval timeout{30, 0};
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    }
    ~Client() { ::close(m_fd); }
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;

    void send(const QByteArray &request)
    {
        for (qsizetype sent = 0; sent < request.size();) {
            const ssize_t n = ::send(m_fd, request.constData() + sent, size_t(request.size() - sent), MSG_NOSIGNAL);
            if (n <= 0)
                return;
            sent += n;
        }
    }

    // The status of the next response with a Content-Length; 0 when the connection closed or timed out.
    int response()
    {
        for (;;) {
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end >= 0) {
                const qsizetype at = m_buffer.toLower().indexOf("content-length:");
                const qint64 length = at >= 0 && at < end
                    ? m_buffer.mid(at + 15, m_buffer.indexOf("\r\n", at) - at - 15).trimmed().toLongLong()
                    : 0;
                if (m_buffer.size() >= end + 4 + length) {
                    const int status = m_buffer.mid(9, 3).toInt();
                    m_buffer.remove(0, end + 4 + length);
                    return status;
                }
            }
            if (!readMore())
                return 0;
        }
    }

    // Reads until the server closes the connection (a server-sent event stream).
    void drain()
    {
        while (readMore())
            m_buffer.clear();
    }

    void shutdown() { ::shutdown(m_fd, SHUT_RDWR); }

private:
    bool readMore()
    {
        char chunk[16384];
        const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
        if (n <= 0)
            return false;
        m_buffer.append(chunk, n);
        return true;
    }

    int m_fd = -1;
    QByteArray m_buffer;
};

QByteArray request(const QByteArray &method, const QByteArray &path, const QByteArray &bearer = {},
                   const QByteArray &body = {}, bool eventStream = false)
{
    QByteArray bytes = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!bearer.isEmpty())
        bytes += "Authorization: " + bearer + "\r\n";
    if (eventStream)
        bytes += "Accept: text/event-stream\r\n";
    if (!body.isEmpty())
        bytes += "Content-Type: application/json\r\n";
    return bytes + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

struct Latencies
{
    std::vector<double> ms;
    int failures = 0;

    double percentile(double p) const
    {
        if (ms.empty())
            return 0;
        std::vector<double> sorted = ms;
        std::sort(sorted.begin(), sorted.end());
        return sorted[std::min(sorted.size() - 1, size_t(p * double(sorted.size())))];
    }
};

// Sends `what` back to back until `stop`, timing each answer.
void probe(quint16 port, const QByteArray &what, const std::atomic<bool> &stop, Latencies *out)
{
    Client client(port);
    QElapsedTimer clock;
    while (!stop) {
        clock.start();
        client.send(what);
        const int status = client.response();
        const double ms = double(clock.nsecsElapsed()) / 1e6;
        if (status != 200 && status != 503) // 503: /health's "degraded", still an answer
            ++out->failures;
        out->ms.push_back(ms);
    }
}

struct Phase
{
    QString name;
    Latencies health;
    Latencies twins;
    std::map<int, int> floodStatuses;
    int chatsRunning = 0;
};

QString row(const QString &backend, const Phase &phase)
{
    auto figures = [](const Latencies &l) {
        return QStringLiteral("%1 | %2 | %3 | %4")
            .arg(l.ms.size())
            .arg(l.percentile(0.5), 0, 'f', 2)
            .arg(l.percentile(0.99), 0, 'f', 2)
            .arg(l.ms.empty() ? 0.0 : *std::max_element(l.ms.begin(), l.ms.end()), 0, 'f', 1);
    };
    QStringList flood;
    for (const auto &[status, count] : phase.floodStatuses)
        flood << QStringLiteral("%1×%2").arg(count).arg(status);
    return QStringLiteral("| %1 | %2 | %3 | %4 | %5 |")
        .arg(backend, phase.name, figures(phase.health), figures(phase.twins),
             phase.name.startsWith(QLatin1String("chat")) ? QStringLiteral("%1 streams").arg(phase.chatsRunning)
                                                          : flood.join(u' '));
}

void run(Dialect dialect, int seconds)
{
    const QString backend = dialect == Dialect::Sqlite ? QStringLiteral("sqlite") : QStringLiteral("postgres");
    auto harness = ApiHarness::create(dialect);
    if (!harness)
        fail(QStringLiteral("cannot create the %1 database").arg(backend));
    QList<QByteArray> owners;
    QStringList tenantIds;
    QList<QString> twins;
    for (int t = 0; t < kTenants; ++t) {
        const QJsonObject signedUp
            = harness->signup(QStringLiteral("owner%1@example.com").arg(t), QStringLiteral("Tenant %1").arg(t));
        owners << ApiHarness::bearer(signedUp.value(QStringLiteral("access_token")).toString());
        tenantIds << ApiHarness::tenantIdOf(signedUp);
        for (int i = 0; i < 10; ++i) {
            const auto created
                = harness->call("POST", QStringLiteral("/api/v1/twins"),
                                {{QStringLiteral("name"), QStringLiteral("Twin %1").arg(i)}}, owners.last());
            if (created.status != 201)
                fail(QStringLiteral("creating a twin answered %1").arg(created.status));
            if (i == 0)
                twins << created.json.value(QStringLiteral("id")).toString();
        }
    }

    QStringList tokens;
    for (int i = 0; i < 120; ++i)
        tokens << QStringLiteral("word%1 ").arg(i);
    FakeLlmServer llm(FakeLlmServer::Mode::Stream, tokens, 1000); // one token a second
    ApiSettings settings;
    settings.instance = QStringLiteral("bench_availability");
    settings.chat.provider = ChatSettings::Provider::OpenAi;
    settings.chat.baseUrl = llm.baseUrl();
    settings.chat.model = QStringLiteral("test-model");
    settings.chat.totalTimeoutMs = 600'000;
    MetricsRegistry metrics;
    ApiShared shared(harness->url(), QByteArray(ApiHarness::kJwtSecret), PasswordHasher::Cost::Interactive, metrics,
                     settings);
    HttpEndpoint endpoint(shared, EndpointOptions{QHostAddress::LocalHost, 0, 2, {}});
    if (auto started = endpoint.start(); !started.ok())
        fail(started.error().message);
    const quint16 port = endpoint.port();
    const QByteArray health = request("GET", "/health");
    const QByteArray list = request("GET", "/api/v1/twins", owners.first());

    auto measure = [&](Phase &phase) {
        std::atomic<bool> stop{false};
        std::thread a(probe, port, health, std::cref(stop), &phase.health);
        std::thread b(probe, port, list, std::cref(stop), &phase.twins);
        std::this_thread::sleep_for(std::chrono::seconds(seconds));
        stop = true;
        a.join();
        b.join();
    };

    std::vector<Phase> phases(3);
    phases[0].name = QStringLiteral("quiet");
    measure(phases[0]);

    // (a) 20 chats, each streaming one token a second for two minutes (longer than the phase).
    phases[1].name = QStringLiteral("chat ×%1").arg(kChats);
    {
        std::vector<std::unique_ptr<Client>> chats;
        std::vector<std::thread> readers;
        for (int i = 0; i < kChats; ++i) {
            chats.push_back(std::make_unique<Client>(port));
            chats.back()->send(request("POST", "/api/v1/twins/" + twins.at(i % kTenants).toLatin1() + "/chat",
                                       owners.at(i % kTenants), R"({"message":"Tell me everything."})", true));
            readers.emplace_back([client = chats.back().get()] { client->drain(); });
        }
        std::this_thread::sleep_for(std::chrono::seconds(2)); // every stream has started
        measure(phases[1]);
        for (const QString &tenant : std::as_const(tenantIds)) // still being generated at the end of the phase
            phases[1].chatsRunning += shared.tenantChats.holders(tenant);
        for (auto &chat : chats)
            chat->shutdown(); // the clients leave: their generations stop
        for (auto &reader : readers)
            reader.join();
    }

    // (b) 32 clients flooding the login with wrong passwords for made-up emails.
    phases[2].name = QStringLiteral("login flood ×%1").arg(kFlooders);
    {
        std::atomic<bool> stop{false};
        std::mutex mutex;
        std::vector<std::thread> flooders;
        for (int i = 0; i < kFlooders; ++i) {
            flooders.emplace_back([&, i] {
                Client client(port);
                std::map<int, int> statuses;
                for (int n = 0; !stop; ++n) {
                    const QByteArray body
                        = QStringLiteral(R"({"email":"guess%1.%2@example.com","password":"wrong password %2"})")
                              .arg(i)
                              .arg(n)
                              .toUtf8();
                    client.send(request("POST", "/api/v1/auth/login", {}, body));
                    const int status = client.response();
                    ++statuses[status];
                    if (status == 0)
                        break; // the server closed the connection
                }
                std::lock_guard locker(mutex);
                for (const auto &[status, count] : statuses)
                    phases[2].floodStatuses[status] += count;
            });
        }
        std::this_thread::sleep_for(std::chrono::seconds(1));
        measure(phases[2]);
        stop = true;
        for (auto &flooder : flooders)
            flooder.join();
    }

    for (const Phase &phase : phases) {
        std::printf("%s\n", qPrintable(row(backend, phase)));
        if (phase.health.failures || phase.twins.failures)
            std::printf("  (failed probes: /health %d, twins %d)\n", phase.health.failures, phase.twins.failures);
    }
    std::fflush(stdout);
    endpoint.stop();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int seconds = qEnvironmentVariableIsSet("BENCH_SECONDS") ? qEnvironmentVariableIntValue("BENCH_SECONDS") : 15;
    const QStringList backends
        = qEnvironmentVariable("BENCH_BACKENDS", QStringLiteral("sqlite postgres")).split(u' ', Qt::SkipEmptyParts);
    std::printf(
        "| backend | phase | /health n | p50 ms | p99 ms | max ms | twins n | p50 ms | p99 ms | max ms | load |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (const QString &backend : backends)
        run(backend == QLatin1String("postgres") ? Dialect::Postgres : Dialect::Sqlite, seconds);
    return 0;
}
