#include "auth/auththrottle.h"
#include "command.h"
#include "commandregistry.h"
#include "core/environment.h"
#include "core/logging.h"
#include "notify/webhookreceiver.h"
#include "servicemanager.h"
#include "serving.h"
#include "signalwatcher.h"

#include <QCoreApplication>

namespace twinops::app::commands {

Command serve();

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

// What a reload applies while the daemon runs; any other setting that changed waits for a restart.
const QStringList kLiveSettings{
    QStringLiteral("log-format"),
    QStringLiteral("log-level"),
    QStringLiteral("log-file"),
    QStringLiteral("verbose"),
    QStringLiteral("access-log"),
    QStringLiteral("trusted-proxy"),
    QStringLiteral("login-failures-per-address"),
    QStringLiteral("signups-per-address"),
};

// The settings (option names and environment keys) whose values differ between two invocations.
QStringList changedSettings(const Invocation &before, const Invocation &after)
{
    QStringList changed;
    for (const QCommandLineOption &option : globalOptions() + serve().options) {
        const QString name = option.names().constLast();
        if (before.values(name) != after.values(name) || before.isSet(name) != after.isSet(name))
            changed << name;
    }
    const QHash<QString, QString> was = before.configuredEnvironment();
    const QHash<QString, QString> is = after.configuredEnvironment();
    for (const EnvironmentVariable &variable : environmentVariables()) {
        if (was.value(variable.name) != is.value(variable.name))
            changed << variable.key();
    }
    return changed;
}

// SIGHUP: reads the configuration file again and applies what can change live (the log settings, which also
// reopens the log files for logrotate, the auth limits, the trusted proxies). Nothing is applied unless all of it
// is valid; the error says what is not.
Result<Invocation> reload(const Invocation &running, ServiceCore &core)
{
    TWINOPS_TRY_ASSIGN(Invocation next, running.reloaded());
    TWINOPS_TRY_ASSIGN(const LogSettings logging, next.logSettings());
    TWINOPS_TRY_ASSIGN(TrustedProxies proxies, TrustedProxies::parse(next.values(QStringLiteral("trusted-proxy"))));
    const QHash<QString, QString> previousEnvironment = configuredEnvironment();
    setConfiguredEnvironment(next.configuredEnvironment());
    const Result<AuthLimits> limits = AuthLimits::fromEnvironment();
    const Status logsReopened = limits.ok() ? configureLogging(logging) : Status();
    if (!limits.ok() || !logsReopened.ok()) {
        setConfiguredEnvironment(previousEnvironment);
        return limits.ok() ? logsReopened.error() : limits.error();
    }
    core.setAuthLimits(*limits);
    core.setTrustedProxies(std::move(proxies));

    QStringList restart;
    for (const QString &name : changedSettings(running, next)) {
        if (!kLiveSettings.contains(name))
            restart << name;
    }
    if (!restart.isEmpty())
        qCWarning(lcConfig).noquote() << "changed settings that need a restart:" << restart.join(QStringLiteral(", "));
    qCInfo(lcConfig).noquote() << "configuration reloaded"
                               << (next.configuration() ? QStringLiteral("from ") + next.configuration()->path()
                                                        : QStringLiteral("(no configuration file; logs reopened)"));
    return next;
}

Outcome run(const Invocation &invocation)
{
    TWINOPS_TRY_ASSIGN(const DatabaseUrl url, invocation.database());
    auto http = parseListen(invocation.value(QStringLiteral("listen")));
    if (!http.ok())
        return Outcome::usage(http.error().message);
    const Result<int> threads = invocation.integer(QStringLiteral("http-threads"), 1, 64);
    if (!threads.ok())
        return Outcome::usage(threads.error().message);
    http->threads = *threads;
    http->allowedHosts = invocation.values(QStringLiteral("allowed-host"));
    http->tlsCertificateFile = invocation.value(QStringLiteral("tls-cert"));
    http->tlsKeyFile = invocation.value(QStringLiteral("tls-key"));
    if (http->tlsCertificateFile.isEmpty() != http->tlsKeyFile.isEmpty())
        return Outcome::usage(QStringLiteral("--tls-cert and --tls-key go together"));
    auto proxies = TrustedProxies::parse(invocation.values(QStringLiteral("trusted-proxy")));
    if (!proxies.ok())
        return Outcome::usage(proxies.error().message);
    http->trustedProxies = std::move(*proxies);
    const Result<int> workers = invocation.integer(QStringLiteral("workers"), 0, 64);
    if (!workers.ok())
        return Outcome::usage(workers.error().message);
    const Result<int> lease = invocation.integer(QStringLiteral("job-lease"), 1, 86400);
    if (!lease.ok())
        return Outcome::usage(lease.error().message);
    for (const QString &webhook : invocation.values(QStringLiteral("alert-webhook"))) {
        if (const auto receiver = WebhookReceiver::fromUrl(webhook); !receiver.ok())
            return Outcome::usage(receiver.error().message);
    }

    TWINOPS_TRY_ASSIGN(const std::unique_ptr<ServiceCore> core,
                       startServing(url, *http, *workers, std::chrono::seconds(*lease),
                                    invocation.values(QStringLiteral("alert-webhook"))));
    TWINOPS_TRY(core->startCheckScheduler());
    // Before saying it serves: whoever reacts to that with SIGTERM gets the graceful stop, not the default death.
    Invocation running = invocation;
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, QCoreApplication::instance(), [] {
        notifyServiceManager("STOPPING=1");
        QCoreApplication::quit();
    });
    QObject::connect(&watcher, &SignalWatcher::reloadRequested, &watcher, [&] {
        notifyServiceManager("RELOADING=1");
        if (auto reloaded = reload(running, *core); reloaded.ok())
            running = std::move(reloaded).value();
        else
            qCCritical(lcConfig).noquote()
                << "reload failed, the running configuration stays:" << reloaded.error().message;
        notifyServiceManager("READY=1");
    });
    const QString serving
        = QStringLiteral("serving %1 on %2").arg(core->endpoint()->baseUrl(), core->database().description());
    QTextStream(stderr) << "twinopsd: " << serving << "; stop with Ctrl+C or SIGTERM" << Qt::endl;
    // Migrations are applied and the sockets listen: systemd may now start what is ordered after the service.
    notifyServiceManager("READY=1\nSTATUS=" + serving.toUtf8());
    return QCoreApplication::exec();
}

} // namespace

Command serve()
{
    return {
        .name = QStringLiteral("serve"),
        .summary = QStringLiteral("Run the HTTP API and the job workers."),
        .description = QStringLiteral(
            "Runs until Ctrl+C or SIGTERM; then it finishes the jobs' transactions, gives back the jobs it has not "
            "started and exits 0.\n\n"
            "SIGHUP reopens the log files (for logrotate) and rereads the configuration file (--config), applying "
            "what can change live: the log format, level and files, the access log, the per-address login and "
            "sign-up limits and the trusted proxies. Other changed settings are named in one log line as needing a "
            "restart; an invalid file is logged and the running configuration kept.\n\n"
            "The address is this process's alone: its HTTP threads share one listening socket, and a second process "
            "asked to listen on it fails. With --tls-cert and --tls-key the API is served over HTTPS only.\n\n"
            "Exit status: 0 after a stop by signal; 1 when it cannot start (the database, the address already in "
            "use, an unreadable or mismatched TLS file); 2 for a usage error."),
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
            QCommandLineOption(QStringLiteral("tls-cert"),
                               QStringLiteral("Serve HTTPS with this PEM certificate (chain); needs --tls-key."),
                               QStringLiteral("FILE")),
            QCommandLineOption(QStringLiteral("tls-key"),
                               QStringLiteral("The PEM private key of --tls-cert (unencrypted; EC or RSA)."),
                               QStringLiteral("FILE")),
            QCommandLineOption(QStringLiteral("trusted-proxy"),
                               QStringLiteral("A reverse proxy's address or range (repeatable): from it, the client "
                                              "address is read from X-Forwarded-For or Forwarded."),
                               QStringLiteral("CIDR")),
            QCommandLineOption(QStringLiteral("workers"),
                               QStringLiteral("Job worker threads (default 2; 0 = enqueue only, another process runs "
                                              "the jobs)."),
                               QStringLiteral("N"), QStringLiteral("2")),
            QCommandLineOption(QStringLiteral("access-log"),
                               QStringLiteral("Append one line per HTTP request to this file (- for stdout): method, "
                                              "route template, status, duration, request id, principal kind; "
                                              "reopened on SIGHUP."),
                               QStringLiteral("FILE")),
            QCommandLineOption(QStringLiteral("alert-webhook"),
                               QStringLiteral("Send alert notifications to this URL (repeatable), signed with "
                                              "TWINOPS_ALERT_WEBHOOK_SECRET: Alertmanager's webhook JSON for every "
                                              "severity, or as WORDS=URL chosen by comma-separated words: slack "
                                              "for a Slack body, critical, warning, info for only those "
                                              "(docs/alerts-webhooks.md)."),
                               QStringLiteral("[WORDS=]URL")),
            QCommandLineOption(QStringLiteral("job-lease"),
                               QStringLiteral("How long a claimed job may run before it is presumed lost and rescued "
                                              "(default 60)."),
                               QStringLiteral("SECONDS"), QStringLiteral("60")),
        },
        .run = run,
    };
}

} // namespace twinops::app::commands
