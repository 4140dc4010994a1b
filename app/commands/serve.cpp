#include "command.h"
#include "serving.h"
#include "signalwatcher.h"

#include <QCoreApplication>

namespace twinops::app::commands {

namespace {

Result<EndpointOptions> parseListen(const QString &text)
{
    EndpointOptions options;
    const qsizetype colon = text.lastIndexOf(u':');
    bool ok = false;
    const int port = colon >= 0 ? text.mid(colon + 1).toInt(&ok) : 0;
    QString host = colon >= 0 ? text.left(colon) : QString();
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    if (!ok || port < 0 || port > 65535 || (!host.isEmpty() && QHostAddress(host).isNull()))
        return Error::badRequest(
            QStringLiteral("--listen expects HOST:PORT with a numeric address, e.g. 127.0.0.1:8710"));
    options.address = host.isEmpty() ? QHostAddress(QHostAddress::LocalHost) : QHostAddress(host);
    options.port = quint16(port);
    return options;
}

Outcome run(const Invocation &invocation)
{
    TWINOPS_TRY_ASSIGN(const DatabaseUrl url, invocation.database());
    auto http = parseListen(invocation.value(QStringLiteral("listen")));
    if (!http.ok())
        return Outcome::usage(http.error().message);
    const std::optional<int> threads = invocation.integer(QStringLiteral("http-threads"), 1, 64);
    if (!threads)
        return Outcome::usage(QStringLiteral("--http-threads expects a number from 1 to 64"));
    http->threads = *threads;
    http->allowedHosts = invocation.values(QStringLiteral("allowed-host"));
    auto proxies = TrustedProxies::parse(invocation.values(QStringLiteral("trusted-proxy")));
    if (!proxies.ok())
        return Outcome::usage(proxies.error().message);
    http->trustedProxies = std::move(*proxies);
    const std::optional<int> workers = invocation.integer(QStringLiteral("workers"), 0, 64);
    if (!workers)
        return Outcome::usage(QStringLiteral("--workers expects a number from 0 to 64"));
    const std::optional<int> lease = invocation.integer(QStringLiteral("job-lease"), 1, 86400);
    if (!lease)
        return Outcome::usage(QStringLiteral("--job-lease expects seconds from 1 to 86400"));

    TWINOPS_TRY_ASSIGN(const std::unique_ptr<ServiceCore> core,
                       startServing(url, *http, *workers, std::chrono::seconds(*lease)));
    QTextStream(stderr) << "twinopsd: serving " << core->endpoint()->baseUrl() << " on "
                        << core->database().description() << "; stop with Ctrl+C or SIGTERM" << Qt::endl;
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, QCoreApplication::instance(),
                     &QCoreApplication::quit);
    return QCoreApplication::exec();
}

} // namespace

Command serve()
{
    return {
        .name = QStringLiteral("serve"),
        .summary = QStringLiteral("Run the HTTP API and the job workers."),
        .description = QStringLiteral("Runs until Ctrl+C or SIGTERM; then it finishes the jobs' transactions, gives "
                                      "back the jobs it has not started and exits 0."),
        .options = {
            QCommandLineOption(QStringLiteral("listen"),
                               QStringLiteral("Address of the HTTP API (default 127.0.0.1:8710; port 0 picks a free "
                                              "port)."),
                               QStringLiteral("HOST:PORT"), QStringLiteral("127.0.0.1:8710")),
            QCommandLineOption(QStringLiteral("http-threads"),
                               QStringLiteral("HTTP threads, each with its own database connection (default 2)."),
                               QStringLiteral("N"), QStringLiteral("2")),
            QCommandLineOption(QStringLiteral("allowed-host"),
                               QStringLiteral("Also accept this Host header (repeatable; DNS-rebinding defence)."),
                               QStringLiteral("NAME")),
            QCommandLineOption(QStringLiteral("trusted-proxy"),
                               QStringLiteral("A reverse proxy's address or range (repeatable): from it, the client "
                                              "address is read from X-Forwarded-For or Forwarded."),
                               QStringLiteral("CIDR")),
            QCommandLineOption(QStringLiteral("workers"),
                               QStringLiteral("Job worker threads (default 2; 0 = enqueue only, another process runs "
                                              "the jobs)."),
                               QStringLiteral("N"), QStringLiteral("2")),
            QCommandLineOption(QStringLiteral("job-lease"),
                               QStringLiteral("How long a claimed job may run before it is presumed lost and rescued "
                                              "(default 60)."),
                               QStringLiteral("SECONDS"), QStringLiteral("60")),
        },
        .run = run,
    };
}

} // namespace twinops::app::commands
