#include "commandline.h"

#include "auth/apikeyrepository.h"
#include "auth/secretstore.h"
#include "checks/checklist.h"
#include "checks/checklistrunner.h"
#include "config/databaselocation.h"
#include "jobs/jobqueue.h"
#include "jobs/probehandler.h"
#include "servicecore.h"
#include "signalwatcher.h"
#include "storage/auditlog.h"
#include "storage/migrator.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QStandardPaths>
#include <QTextStream>

namespace twinops::app {

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

int fail(const QString &message)
{
    QTextStream err(stderr);
    err << "twinopsd: error: " << message << Qt::endl;
    return kExitFailure;
}

int usage(const QString &message)
{
    QTextStream err(stderr);
    err << "twinopsd: " << message << "\nTry 'twinopsd --help'." << Qt::endl;
    return kExitUsage;
}

const char *kHelp = R"(Usage: twinopsd [--database URL] <command> [options]

The TwinOps service core, headless.

Commands:
  serve                 Run the HTTP API and the job workers.
  migrate [--status]    Apply pending database migrations (or list their state).
  admin create-key --name NAME [--expires-in DAYS]
                        Create a platform-admin API key and print it (once, and nothing else); it expires after
                        DAYS (1 to 3650) when given, else never.
  admin list-keys       List the platform-admin API keys: id, prefix, state, expiry, name (never the secret).
  admin revoke-key ID   Revoke a platform-admin API key: from then on it is refused (401).
  admin enqueue-probes --count N
                        Enqueue N probe jobs (each counts its own runs in job_probes) and print their count.
  check                 Run a checklist (default: staging) and print its report; exit 1 if a check failed.
                        Without --target it starts its own embedded instance (the --database one) and checks
                        that; every run is recorded in the --database database.
  version               Print the version.

Global options:
  --database URL        sqlite:///path/file.db, a file path, or postgres://user@host:port/db
                        (default: $TWINOPS_DATABASE_URL, else twinops.db in the app-data directory)
  -v, --verbose         Log informational messages.
  -h, --help            Show this help.

serve options:
  --listen HOST:PORT    Address of the HTTP API (default 127.0.0.1:8710; port 0 picks a free port).
  --http-threads N      HTTP threads, each with its own database connection (default 2).
  --allowed-host NAME   Also accept this Host header (repeatable; DNS-rebinding defence).
  --workers N           Job worker threads (default 2; 0 = enqueue only, another process runs the jobs).
  --job-lease SECONDS   How long a claimed job may run before it is presumed lost and rescued (default 60).

Environment:
  TWINOPS_DATABASE_URL  Database URL when --database is not given.
  TWINOPS_JWT_SECRET    Signing secret (>= 32 bytes) shared by instances; else one is generated and kept
                        in <app-data>/secrets/ (mode 0600).
  TWINOPS_PASSWORD_COST minimal|interactive|moderate argon2id cost (default interactive).
  TWINOPS_METRICS_RETENTION_DAYS  Days of per-minute metric history kept (default 30; 0 keeps all).
  TWINOPS_LOGIN_FAILURES_PER_ADDRESS  Failed logins per client address in 15 minutes (default 20; 0 = no limit).
  TWINOPS_SIGNUPS_PER_ADDRESS  Sign-ups per non-loopback client address in an hour (default 10; 0 = no limit).

check options:
  --target URL          Check a remote deployment's HTTP API (health, smoke tests, /metrics thresholds).
  --dsn URL             postgres://… of the target's database: migrations and the security lint (read-only).
  --checklist ID        Built-in checklist to run (default staging).
  --format FORMAT       text (default), json or markdown.
  --window SECONDS      Time between the two /metrics scrapes (default 60 with --target, else 0: since start).
  --threshold N=V       Override a threshold: error_rate (0.01), ttft_p95 (3.0 s), job_success (0.95),
                        auth_failures (0.05), database_errors (0). Repeatable.
  TWINOPS_CHECK_ADMIN_KEY  A platform-admin API key; smoke tests then suspend their throwaway tenants.

migrate options:
  --status              Show applied and pending migrations; change nothing.
  --migrations DIR      Use the NNNN_name.sql files of DIR instead of the embedded ones (for developers).
)";

int runMigrate(const DatabaseUrl &url, bool statusOnly, const QString &directory)
{
    auto db = Database::open(url);
    if (!db.ok())
        return fail(db.error().message);
    auto shipped = directory.isEmpty() ? Migrator::embedded((*db)->dialect()) : Migrator::fromDirectory(directory);
    if (!shipped.ok())
        return fail(shipped.error().message);
    Migrator migrator(**db, *shipped);
    if (statusOnly) {
        auto status = migrator.status();
        if (!status.ok())
            return fail(status.error().message);
        for (const AppliedMigration &m : status->applied)
            out() << QStringLiteral("%1  %2  applied %3\n")
                         .arg(m.version, 4, 10, QLatin1Char('0'))
                         .arg(m.name, -24)
                         .arg(m.appliedAt.toString(Qt::ISODate));
        for (const Migration &m : status->pending)
            out() << QStringLiteral("%1  %2  pending\n").arg(m.version, 4, 10, QLatin1Char('0')).arg(m.name, -24);
        out() << QStringLiteral("%1 applied, %2 pending on %3")
                     .arg(status->applied.size())
                     .arg(status->pending.size())
                     .arg((*db)->description())
              << Qt::endl;
        return 0;
    }
    auto applied = migrator.migrate();
    if (!applied.ok())
        return fail(applied.error().message);
    for (const Migration &m : *applied)
        out() << QStringLiteral("applied %1 %2\n").arg(m.version, 4, 10, QLatin1Char('0')).arg(m.name);
    out() << QStringLiteral("%1 migration(s) applied; %2 is up to date").arg(applied->size()).arg((*db)->description())
          << Qt::endl;
    return 0;
}

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

QString secretsDirectory()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(QStringLiteral("secrets"));
}

// What `serve` runs, and `check` without a target: the core, its workers and the HTTP API, with the daemon's
// password cost and signing secret.
Result<std::unique_ptr<ServiceCore>> startServing(const DatabaseUrl &url, const EndpointOptions &http, int workers,
                                                  std::chrono::seconds lease)
{
    auto cost = passwordCostFromEnvironment();
    if (!cost.ok())
        return cost.error();
    auto retention = metricsRetentionFromEnvironment();
    if (!retention.ok())
        return retention.error();
    FileSecretStore secrets(secretsDirectory());
    auto secret = loadOrCreateJwtSecret(secrets);
    if (!secret.ok())
        return secret.error();
    CoreOptions options{url};
    options.passwordCost = *cost;
    options.metricsRetention = *retention;
    auto core = ServiceCore::start(std::move(options));
    if (!core.ok())
        return core.error();
    (*core)->startWorkers(workers, lease);
    TWINOPS_TRY((*core)->serveHttp(http, *secret));
    return core;
}

int runServe(const DatabaseUrl &url, EndpointOptions http, int workers, int leaseSeconds)
{
    auto core = startServing(url, http, workers, std::chrono::seconds(leaseSeconds));
    if (!core.ok())
        return fail(core.error().message);
    QTextStream(stderr) << "twinopsd: serving " << (*core)->endpoint()->baseUrl() << " on "
                        << (*core)->database().description() << "; stop with Ctrl+C or SIGTERM" << Qt::endl;
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, QCoreApplication::instance(),
                     &QCoreApplication::quit);
    return QCoreApplication::exec();
}

// An audit entry for what the operator did on the command line (actor "cli"), in the caller's transaction.
Status auditCli(Database &db, const QString &action, const QString &keyId, const QJsonObject &details = {})
{
    return writeAudit(db, {{}, QStringLiteral("cli"), {}, action, QStringLiteral("api_key"), keyId, details, {}});
}

int runCreateAdminKey(const DatabaseUrl &url, const QString &name, std::optional<int> expiresInDays)
{
    if (name.trimmed().isEmpty())
        return usage(QStringLiteral("admin create-key needs --name NAME"));
    auto core = ServiceCore::start(CoreOptions{url});
    if (!core.ok())
        return fail(core.error().message);
    Database &db = (*core)->database();
    auto tx = Transaction::begin(db);
    if (!tx.ok())
        return fail(tx.error().message);
    auto issued = ApiKeyRepository(db).createPlatformAdmin(name, expiresInDays);
    if (!issued.ok())
        return fail(issued.error().message);
    if (auto audited = auditCli(db, QStringLiteral("admin_key.create"), issued->key.id,
                                {{QStringLiteral("name"), issued->key.name}});
        !audited.ok())
        return fail(audited.error().message);
    if (auto committed = tx->commit(); !committed.ok())
        return fail(committed.error().message);
    out() << issued->secret << Qt::endl;
    return 0;
}

int runListAdminKeys(const DatabaseUrl &url)
{
    auto core = ServiceCore::start(CoreOptions{url});
    if (!core.ok())
        return fail(core.error().message);
    ApiKeyRepository keys((*core)->database());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    PageRequest page{PageRequest::kMaxLimit, {}};
    do {
        auto listed = keys.listPlatformAdmin(page);
        if (!listed.ok())
            return fail(listed.error().message);
        for (const ApiKey &key : listed->items) {
            const QString state = key.revokedAt.isValid()         ? QStringLiteral("revoked")
                : key.expiresAt.isValid() && key.expiresAt <= now ? QStringLiteral("expired")
                                                                  : QStringLiteral("active");
            out() << QStringLiteral("%1  twk_%2  %3  expires %4  %5\n")
                         .arg(key.id, key.prefix, state.leftJustified(7),
                              key.expiresAt.isValid() ? key.expiresAt.toString(Qt::ISODate) : QStringLiteral("never"),
                              key.name);
        }
        page.cursor = listed->nextCursor;
    } while (!page.cursor.isEmpty());
    out() << Qt::flush;
    return 0;
}

int runRevokeAdminKey(const DatabaseUrl &url, const QString &id)
{
    auto core = ServiceCore::start(CoreOptions{url});
    if (!core.ok())
        return fail(core.error().message);
    Database &db = (*core)->database();
    auto tx = Transaction::begin(db);
    if (!tx.ok())
        return fail(tx.error().message);
    auto revoked = ApiKeyRepository(db).revokePlatformAdmin(id);
    if (!revoked.ok())
        return fail(revoked.error().message);
    if (auto audited = auditCli(db, QStringLiteral("admin_key.revoke"), revoked->id); !audited.ok())
        return fail(audited.error().message);
    if (auto committed = tx->commit(); !committed.ok())
        return fail(committed.error().message);
    return 0;
}

int runEnqueueProbes(const DatabaseUrl &url, int probes)
{
    auto core = ServiceCore::start(CoreOptions{url});
    if (!core.ok())
        return fail(core.error().message);
    JobQueue queue((*core)->database());
    constexpr int kBatch = 1000;
    int added = 0;
    for (int start = 0; start < probes; start += kBatch) {
        QList<NewJob> batch;
        for (int i = start; i < std::min(probes, start + kBatch); ++i) {
            NewJob job;
            job.type = jobtypes::probe;
            batch << job;
        }
        auto tx = Transaction::begin((*core)->database());
        if (!tx.ok())
            return fail(tx.error().message);
        auto inserted = queue.enqueueBatch(batch);
        if (!inserted.ok())
            return fail(inserted.error().message);
        if (auto committed = tx->commit(); !committed.ok())
            return fail(committed.error().message);
        added += *inserted;
    }
    out() << added << Qt::endl;
    return 0;
}

struct CheckOptions
{
    QString target;
    QString dsn;
    QString checklist = QStringLiteral("staging");
    QString format = QStringLiteral("text");
    std::optional<int> windowSeconds;
    QStringList thresholds;
};

Status applyThreshold(Thresholds &thresholds, const QString &assignment)
{
    const QString name = assignment.section(u'=', 0, 0).trimmed();
    bool ok = false;
    const double value = assignment.section(u'=', 1).trimmed().toDouble(&ok);
    if (!ok || value < 0)
        return Error::badRequest(QStringLiteral("--threshold expects NAME=NUMBER, got '%1'").arg(assignment));
    if (name == QLatin1String("error_rate"))
        thresholds.maxErrorRate = value;
    else if (name == QLatin1String("ttft_p95"))
        thresholds.maxTtftP95Seconds = value;
    else if (name == QLatin1String("job_success"))
        thresholds.minJobSuccessRate = value;
    else if (name == QLatin1String("auth_failures"))
        thresholds.maxAuthFailureRate = value;
    else if (name == QLatin1String("database_errors"))
        thresholds.maxDatabaseErrors = value;
    else
        return Error::badRequest(QStringLiteral("unknown threshold '%1' (error_rate, ttft_p95, job_success, "
                                                "auth_failures, database_errors)")
                                     .arg(name));
    return {};
}

int runCheck(const DatabaseUrl &url, const CheckOptions &options)
{
    auto checklist = builtInChecklist(options.checklist);
    if (!checklist.ok())
        return usage(checklist.error().message);
    TargetEnvironment target;
    target.adminApiKey = qEnvironmentVariable("TWINOPS_CHECK_ADMIN_KEY"); // never on the command line (ps)
    target.postgresDsn = options.dsn;
    for (const QString &assignment : options.thresholds) {
        if (auto applied = applyThreshold(target.thresholds, assignment); !applied.ok())
            return usage(applied.error().message);
    }
    // Against its own embedded instance: the same core as `serve`, on a free loopback port, with workers so
    // that the graph smoke test sees its job run. Metrics are read since start (no window) unless asked.
    std::unique_ptr<ServiceCore> core;
    if (options.target.isEmpty()) {
        EndpointOptions http;
        http.port = 0;
        auto started = startServing(url, http, 2, std::chrono::seconds(60));
        if (!started.ok())
            return fail(started.error().message);
        core = std::move(started).value();
        target.baseUrl = QUrl(core->endpoint()->baseUrl());
        target.local = true;
        target.localDatabase = url;
        target.secretsDirectory = qEnvironmentVariableIsSet("TWINOPS_JWT_SECRET") ? QString() : secretsDirectory();
        target.thresholds.windowSeconds = options.windowSeconds.value_or(0);
    } else {
        target.baseUrl = QUrl(options.target);
        if (!target.baseUrl.isValid() || !target.baseUrl.scheme().startsWith(QLatin1String("http")))
            return usage(QStringLiteral("--target expects an http(s) URL, e.g. https://staging.example.com"));
        target.thresholds.windowSeconds = options.windowSeconds.value_or(60);
    }

    // Every run is recorded: in the embedded instance's database, or for a remote target in the local one
    // (opened and migrated as any command does).
    if (!core) {
        auto started = ServiceCore::start(CoreOptions{url});
        if (!started.ok())
            return fail(started.error().message);
        core = std::move(started).value();
    }
    ChecklistRunRepository repository(core->database());
    const QString startedBy = qEnvironmentVariable("USER", QStringLiteral("twinopsd"));
    const ChecklistRun run = runChecklist(*checklist, target, startedBy + QStringLiteral(" (twinopsd check)"),
                                          &repository, [](const ChecklistRun &r, int index) {
                                              const ChecklistItemResult &item = r.items.at(index);
                                              QTextStream(stderr) << "twinopsd: " << checkStatusName(item.result.status)
                                                                  << "  " << item.item.checkId << Qt::endl;
                                          });
    if (options.format == QLatin1String("json"))
        out() << QJsonDocument(run.toJson()).toJson(QJsonDocument::Indented);
    else if (options.format == QLatin1String("markdown"))
        out() << run.toMarkdown();
    else
        out() << run.toText();
    out() << Qt::flush;
    return run.anyFailed() ? 1 : 0;
}

} // namespace

void setApplicationIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("TwinOps"));
    QCoreApplication::setApplicationName(QStringLiteral("twinops"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TWINOPS_VERSION));
}

int runDaemonCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    const QCommandLineOption database(QStringLiteral("database"), QString(), QStringLiteral("URL"));
    const QCommandLineOption verbose(QStringList{QStringLiteral("v"), QStringLiteral("verbose")});
    const QCommandLineOption help(QStringList{QStringLiteral("h"), QStringLiteral("help")});
    const QCommandLineOption status(QStringLiteral("status"));
    const QCommandLineOption migrations(QStringLiteral("migrations"), QString(), QStringLiteral("DIR"));
    const QCommandLineOption listen(QStringLiteral("listen"), QString(), QStringLiteral("HOST:PORT"),
                                    QStringLiteral("127.0.0.1:8710"));
    const QCommandLineOption httpThreads(QStringLiteral("http-threads"), QString(), QStringLiteral("N"),
                                         QStringLiteral("2"));
    const QCommandLineOption allowedHost(QStringLiteral("allowed-host"), QString(), QStringLiteral("NAME"));
    const QCommandLineOption name(QStringLiteral("name"), QString(), QStringLiteral("NAME"));
    const QCommandLineOption expiresIn(QStringLiteral("expires-in"), QString(), QStringLiteral("DAYS"));
    const QCommandLineOption workers(QStringLiteral("workers"), QString(), QStringLiteral("N"), QStringLiteral("2"));
    const QCommandLineOption jobLease(QStringLiteral("job-lease"), QString(), QStringLiteral("SECONDS"),
                                      QStringLiteral("60"));
    const QCommandLineOption count(QStringLiteral("count"), QString(), QStringLiteral("N"));
    const QCommandLineOption target(QStringLiteral("target"), QString(), QStringLiteral("URL"));
    const QCommandLineOption dsn(QStringLiteral("dsn"), QString(), QStringLiteral("DSN"));
    const QCommandLineOption checklist(QStringLiteral("checklist"), QString(), QStringLiteral("ID"),
                                       QStringLiteral("staging"));
    const QCommandLineOption format(QStringLiteral("format"), QString(), QStringLiteral("FORMAT"),
                                    QStringLiteral("text"));
    const QCommandLineOption window(QStringLiteral("window"), QString(), QStringLiteral("SECONDS"));
    const QCommandLineOption threshold(QStringLiteral("threshold"), QString(), QStringLiteral("NAME=VALUE"));
    parser.addOptions({database, verbose, help, status, migrations, listen, httpThreads, allowedHost, name, expiresIn,
                       workers, jobLease, count, target, dsn, checklist, format, window, threshold});
    if (!parser.parse(arguments))
        return usage(parser.errorText());

    const QStringList positional = parser.positionalArguments();
    if (parser.isSet(help) || positional.isEmpty()) {
        out() << kHelp << Qt::flush;
        return positional.isEmpty() && !parser.isSet(help) ? kExitUsage : 0;
    }
    if (!parser.isSet(verbose))
        QLoggingCategory::setFilterRules(QStringLiteral("twinops.*.info=false"));

    const QString command = positional.first();
    const int expectedArguments = command != QLatin1String("admin") ? 1
        : positional.value(1) == QLatin1String("revoke-key")        ? 3
                                                                    : 2;
    if (positional.size() > expectedArguments)
        return usage(QStringLiteral("unexpected argument '%1'").arg(positional.at(expectedArguments)));
    if (command == QLatin1String("version")) {
        out() << "twinopsd " << QCoreApplication::applicationVersion() << Qt::endl;
        return 0;
    }
    if (command != QLatin1String("migrate") && (parser.isSet(status) || parser.isSet(migrations)))
        return usage(QStringLiteral("--status and --migrations belong to 'migrate'"));

    auto url = resolveDatabaseUrl(parser.value(database));
    if (!url.ok())
        return fail(url.error().message);
    if (command == QLatin1String("migrate"))
        return runMigrate(*url, parser.isSet(status), parser.value(migrations));
    if (command == QLatin1String("serve")) {
        auto http = parseListen(parser.value(listen));
        if (!http.ok())
            return usage(http.error().message);
        bool ok = false;
        http->threads = parser.value(httpThreads).toInt(&ok);
        if (!ok || http->threads < 1 || http->threads > 64)
            return usage(QStringLiteral("--http-threads expects a number from 1 to 64"));
        http->allowedHosts = parser.values(allowedHost);
        const int workerCount = parser.value(workers).toInt(&ok);
        if (!ok || workerCount < 0 || workerCount > 64)
            return usage(QStringLiteral("--workers expects a number from 0 to 64"));
        const int lease = parser.value(jobLease).toInt(&ok);
        if (!ok || lease < 1 || lease > 86400)
            return usage(QStringLiteral("--job-lease expects seconds from 1 to 86400"));
        return runServe(*url, *http, workerCount, lease);
    }
    if (command == QLatin1String("check")) {
        CheckOptions options;
        options.target = parser.value(target);
        options.dsn = parser.value(dsn);
        options.checklist = parser.value(checklist);
        options.format = parser.value(format);
        options.thresholds = parser.values(threshold);
        if (!QStringList{QStringLiteral("text"), QStringLiteral("json"), QStringLiteral("markdown")}.contains(
                options.format))
            return usage(QStringLiteral("--format expects text, json or markdown"));
        if (parser.isSet(window)) {
            bool ok = false;
            options.windowSeconds = parser.value(window).toInt(&ok);
            if (!ok || *options.windowSeconds < 0 || *options.windowSeconds > 3600)
                return usage(QStringLiteral("--window expects seconds from 0 to 3600"));
        }
        return runCheck(*url, options);
    }
    if (command == QLatin1String("admin")) {
        if (positional.value(1) == QLatin1String("create-key")) {
            std::optional<int> days;
            if (parser.isSet(expiresIn)) {
                bool ok = false;
                days = parser.value(expiresIn).toInt(&ok);
                if (!ok || *days < 1 || *days > 3650)
                    return usage(QStringLiteral("--expires-in expects days from 1 to 3650"));
            }
            return runCreateAdminKey(*url, parser.value(name), days);
        }
        if (positional.value(1) == QLatin1String("list-keys"))
            return runListAdminKeys(*url);
        if (positional.value(1) == QLatin1String("revoke-key")) {
            if (positional.size() < 3)
                return usage(QStringLiteral("admin revoke-key needs the key's ID (see admin list-keys)"));
            return runRevokeAdminKey(*url, positional.at(2));
        }
        if (positional.value(1) == QLatin1String("enqueue-probes")) {
            bool ok = false;
            const int probes = parser.value(count).toInt(&ok);
            if (!ok || probes < 1 || probes > 10'000'000)
                return usage(QStringLiteral("enqueue-probes needs --count N (1 to 10,000,000)"));
            return runEnqueueProbes(*url, probes);
        }
        return usage(QStringLiteral("admin expects a subcommand: create-key, list-keys, revoke-key, enqueue-probes"));
    }
    return usage(QStringLiteral("unknown command '%1'").arg(command));
}

} // namespace twinops::app
