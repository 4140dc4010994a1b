#include "commandregistry.h"

namespace twinops::app {

// Each command is defined in a file of its own under commands/. Adding one: write that file (and its test), declare
// its function here and put it in the list where the help should show it.
namespace commands {
Command serve();
Command migrate();
Command backup();
Command restore();
Command adminCreateKey();
Command adminListKeys();
Command adminRevokeKey();
Command adminRotateSigningKey();
Command adminEnqueueProbes();
Command check();
Command copy();
Command help();
Command version();
} // namespace commands

const QList<Command> &registeredCommands()
{
    static const QList<Command> all{commands::serve(),
                                    commands::migrate(),
                                    commands::backup(),
                                    commands::restore(),
                                    commands::adminCreateKey(),
                                    commands::adminListKeys(),
                                    commands::adminRevokeKey(),
                                    commands::adminRotateSigningKey(),
                                    commands::adminEnqueueProbes(),
                                    commands::check(),
                                    commands::copy(),
                                    commands::help(),
                                    commands::version()};
    return all;
}

QList<QCommandLineOption> globalOptions()
{
    return {
        QCommandLineOption(QStringLiteral("config"),
                           QStringLiteral("Read settings from this file (default: $TWINOPS_CONFIG, else none): "
                                          "`key = value` lines, keys the long option names and the environment "
                                          "variables' keys; the command line and the environment win over it."),
                           QStringLiteral("FILE")),
        QCommandLineOption(
            QStringLiteral("database"),
            QStringLiteral("sqlite:///path/file.db, a file path, or postgres://user@host:port/db "
                           "(default: $TWINOPS_DATABASE_URL, else twinops.db in the app-data directory)"),
            QStringLiteral("URL")),
        QCommandLineOption(QStringLiteral("log-format"),
                           QStringLiteral("text (default) or json: one object per line with time, level, category, "
                                          "message and the event's fields."),
                           QStringLiteral("FORMAT"), QStringLiteral("text")),
        QCommandLineOption(QStringLiteral("log-level"),
                           QStringLiteral("debug, info, warning (default; info with -v) or error."),
                           QStringLiteral("LEVEL")),
        QCommandLineOption(QStringLiteral("log-file"),
                           QStringLiteral("Append the log to this file instead of stderr (reopened on SIGHUP)."),
                           QStringLiteral("FILE")),
        QCommandLineOption({QStringLiteral("v"), QStringLiteral("verbose")},
                           QStringLiteral("Log informational messages (--log-level info).")),
        QCommandLineOption({QStringLiteral("h"), QStringLiteral("help")},
                           QStringLiteral("Show this help (after a command: that command's help).")),
        QCommandLineOption(QStringLiteral("version"), QStringLiteral("Print the version (as the version command).")),
    };
}

QString EnvironmentVariable::key() const
{
    if (!option.isEmpty())
        return option;
    // What the service manager sets (STATE_DIRECTORY, NOTIFY_SOCKET) describes the run, not a setting: no key.
    if (!name.startsWith(QLatin1String("TWINOPS_")))
        return {};
    return name.mid(int(qstrlen("TWINOPS_"))).toLower().replace(u'_', u'-');
}

QList<EnvironmentVariable> environmentVariables()
{
    return {
        {QStringLiteral("TWINOPS_CONFIG"), QStringLiteral("Configuration file when --config is not given."),
         QStringLiteral("config")},
        {QStringLiteral("TWINOPS_DATABASE_URL"), QStringLiteral("Database URL when --database is not given."),
         QStringLiteral("database")},
        {QStringLiteral("TWINOPS_JWT_SECRET"),
         QStringLiteral("Signing secret (>= 32 bytes) shared by instances; else one is generated and kept in "
                        "<app-data>/secrets/ (mode 0600).")},
        {QStringLiteral("TWINOPS_ALERT_WEBHOOK_SECRET"),
         QStringLiteral("Signs the --alert-webhook requests (>= 32 bytes); else one is generated and kept in "
                        "<app-data>/secrets/alert-webhook-secret (mode 0600), for the receivers to verify with.")},
        {QStringLiteral("TWINOPS_PASSWORD_COST"),
         QStringLiteral("minimal|interactive|moderate argon2id cost (default interactive).")},
        {QStringLiteral("TWINOPS_METRICS_RETENTION_DAYS"),
         QStringLiteral("Days of per-minute metric history kept (default 30; 0 keeps all).")},
        {QStringLiteral("TWINOPS_JOB_RETENTION_COMPLETED_HOURS"),
         QStringLiteral("Hours a completed job and its log are kept (default 24; 0 keeps all).")},
        {QStringLiteral("TWINOPS_JOB_RETENTION_CANCELLED_HOURS"),
         QStringLiteral("Hours a cancelled job and its log are kept (default 168; 0 keeps all).")},
        {QStringLiteral("TWINOPS_JOB_RETENTION_DISCARDED_HOURS"),
         QStringLiteral("Hours a discarded job and its log are kept (default 168; 0 keeps all).")},
        {QStringLiteral("TWINOPS_ALERT_INTERVAL_MS"),
         QStringLiteral("Milliseconds between alert evaluations (default 10000; 0 evaluates none; docs/alerts.md).")},
        {QStringLiteral("TWINOPS_ALERT_KEEP_FIRING_MS"),
         QStringLiteral("Milliseconds an alert's condition must stay false before it resolves (default 60000).")},
        {QStringLiteral("TWINOPS_CHECK_SCHEDULE_UNIT_MS"),
         QStringLiteral("For tests only: milliseconds a minute of the checklist schedule lasts (default 60000; "
                        "docs/checks.md).")},
        {QStringLiteral("TWINOPS_LOGIN_FAILURES_PER_ADDRESS"),
         QStringLiteral("Failed logins per client address in 15 minutes (default 20; 0 = no limit; SIGHUP applies "
                        "a new value).")},
        {QStringLiteral("TWINOPS_SIGNUPS_PER_ADDRESS"),
         QStringLiteral("Sign-ups per non-loopback client address in an hour (default 10; 0 = no limit; SIGHUP "
                        "applies a new value).")},
        {QStringLiteral("TWINOPS_LLM_BASE_URL"),
         QStringLiteral("OpenAI-compatible chat endpoint (selects that provider), e.g. https://api.openai.com/v1.")},
        {QStringLiteral("TWINOPS_LLM_PROVIDER"), QStringLiteral("grounded or openai, to choose explicitly.")},
        {QStringLiteral("TWINOPS_LLM_MODEL"), QStringLiteral("The chat model (default gpt-4o-mini).")},
        {QStringLiteral("TWINOPS_LLM_API_KEY"), QStringLiteral("Sent to the chat endpoint; never logged.")},
        {QStringLiteral("TWINOPS_LLM_FIRST_BYTE_TIMEOUT"),
         QStringLiteral("Seconds until the chat answer starts (default 10).")},
        {QStringLiteral("TWINOPS_LLM_TIMEOUT"), QStringLiteral("Seconds for a whole chat answer (default 120).")},
        {QStringLiteral("TWINOPS_CHAT_MAX_STREAMS"), QStringLiteral("Answers generated at once (default 32).")},
        {QStringLiteral("TWINOPS_CHAT_MAX_STREAMS_PER_TENANT"),
         QStringLiteral("Answers generated at once per tenant (default 8).")},
        {QStringLiteral("TWINOPS_CHAT_MAX_STREAMS_PER_LINK"),
         QStringLiteral("Answers generated at once per share link (default 2).")},
        {QStringLiteral("TWINOPS_CHECK_ADMIN_KEY"),
         QStringLiteral("For check: a platform-admin API key; smoke tests then suspend their throwaway tenants.")},
        {QStringLiteral("STATE_DIRECTORY"),
         QStringLiteral("The app-data directory instead of ~/.local/share/TwinOps/twinops: the default database and "
                        "secrets/ (systemd sets it from StateDirectory=, /var/lib/twinops for the service).")},
        {QStringLiteral("NOTIFY_SOCKET"),
         QStringLiteral("Where serve tells the service manager READY=1 once it serves and STOPPING=1 when it stops "
                        "(systemd sets it for Type=notify).")},
    };
}

const Command *findCommand(const QStringList &words)
{
    const Command *found = nullptr;
    qsizetype foundWords = 0;
    for (const Command &command : registeredCommands()) {
        const QStringList name = command.name.split(u' ');
        if (name.size() > foundWords && words.mid(0, name.size()) == name) {
            found = &command;
            foundWords = name.size();
        }
    }
    return found;
}

QList<const Command *> commandGroup(const QString &group)
{
    QList<const Command *> members;
    for (const Command &command : registeredCommands()) {
        if (command.name.startsWith(group + u' '))
            members << &command;
    }
    return members;
}

} // namespace twinops::app
