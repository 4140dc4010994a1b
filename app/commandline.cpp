#include "commandline.h"

#include "config/databaselocation.h"
#include "servicecore.h"
#include "signalwatcher.h"
#include "storage/migrator.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLoggingCategory>
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
  version               Print the version.

Global options:
  --database URL        sqlite:///path/file.db, a file path, or postgres://user@host:port/db
                        (default: $TWINOPS_DATABASE_URL, else twinops.db in the app-data directory)
  -v, --verbose         Log informational messages.
  -h, --help            Show this help.

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

int runServe(const DatabaseUrl &url)
{
    auto core = ServiceCore::start({url, true});
    if (!core.ok())
        return fail(core.error().message);
    // Until the HTTP endpoint exists, serve keeps the migrated database open and says plainly what it lacks.
    QTextStream(stderr) << "twinopsd: serving " << (*core)->database().description()
                        << " (the HTTP API is not implemented yet); stop with Ctrl+C or SIGTERM" << Qt::endl;
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, QCoreApplication::instance(),
                     &QCoreApplication::quit);
    return QCoreApplication::exec();
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
    const QCommandLineOption verbose(QStringList {QStringLiteral("v"), QStringLiteral("verbose")});
    const QCommandLineOption help(QStringList {QStringLiteral("h"), QStringLiteral("help")});
    const QCommandLineOption status(QStringLiteral("status"));
    const QCommandLineOption migrations(QStringLiteral("migrations"), QString(), QStringLiteral("DIR"));
    parser.addOptions({database, verbose, help, status, migrations});
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
    if (positional.size() > 1)
        return usage(QStringLiteral("unexpected argument '%1'").arg(positional.at(1)));
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
    if (command == QLatin1String("serve"))
        return runServe(*url);
    return usage(QStringLiteral("unknown command '%1'").arg(command));
}

} // namespace twinops::app
