#include "commandregistry.h"

namespace twinops::app {

// Each command is defined in a file of its own under commands/. Adding one: write that file (and its test), declare
// its function here and put it in the list where the help should show it.
namespace commands {
Command serve();
Command migrate();
Command adminCreateKey();
Command adminListKeys();
Command adminRevokeKey();
Command adminEnqueueProbes();
Command check();
Command help();
Command version();
} // namespace commands

const QList<Command> &registeredCommands()
{
    static const QList<Command> all{
        commands::serve(),         commands::migrate(),        commands::adminCreateKey(),
        commands::adminListKeys(), commands::adminRevokeKey(), commands::adminEnqueueProbes(),
        commands::check(),         commands::help(),           commands::version()};
    return all;
}

QList<QCommandLineOption> globalOptions()
{
    return {
        QCommandLineOption(
            QStringLiteral("database"),
            QStringLiteral("sqlite:///path/file.db, a file path, or postgres://user@host:port/db "
                           "(default: $TWINOPS_DATABASE_URL, else twinops.db in the app-data directory)"),
            QStringLiteral("URL")),
        QCommandLineOption({QStringLiteral("v"), QStringLiteral("verbose")},
                           QStringLiteral("Log informational messages.")),
        QCommandLineOption({QStringLiteral("h"), QStringLiteral("help")},
                           QStringLiteral("Show this help (after a command: that command's help).")),
        QCommandLineOption(QStringLiteral("version"), QStringLiteral("Print the version (as the version command).")),
    };
}

QList<EnvironmentVariable> environmentVariables()
{
    return {
        {QStringLiteral("TWINOPS_DATABASE_URL"), QStringLiteral("Database URL when --database is not given.")},
        {QStringLiteral("TWINOPS_JWT_SECRET"),
         QStringLiteral("Signing secret (>= 32 bytes) shared by instances; else one is generated and kept in "
                        "<app-data>/secrets/ (mode 0600).")},
        {QStringLiteral("TWINOPS_PASSWORD_COST"),
         QStringLiteral("minimal|interactive|moderate argon2id cost (default interactive).")},
        {QStringLiteral("TWINOPS_METRICS_RETENTION_DAYS"),
         QStringLiteral("Days of per-minute metric history kept (default 30; 0 keeps all).")},
        {QStringLiteral("TWINOPS_LOGIN_FAILURES_PER_ADDRESS"),
         QStringLiteral("Failed logins per client address in 15 minutes (default 20; 0 = no limit).")},
        {QStringLiteral("TWINOPS_SIGNUPS_PER_ADDRESS"),
         QStringLiteral("Sign-ups per non-loopback client address in an hour (default 10; 0 = no limit).")},
        {QStringLiteral("TWINOPS_LLM_BASE_URL"),
         QStringLiteral("An OpenAI-compatible endpoint (e.g. http://127.0.0.1:8080/v1) for chat; setting it selects "
                        "that provider.")},
        {QStringLiteral("TWINOPS_LLM_MODEL"), QStringLiteral("Its model (default gpt-4o-mini).")},
        {QStringLiteral("TWINOPS_LLM_API_KEY"),
         QStringLiteral("Sent to it as a bearer token; never logged, stored or returned.")},
        {QStringLiteral("TWINOPS_LLM_PROVIDER"), QStringLiteral("grounded|openai, to choose the chat provider.")},
        {QStringLiteral("TWINOPS_LLM_FIRST_BYTE_TIMEOUT"),
         QStringLiteral("Seconds until the provider's answer starts (default 10).")},
        {QStringLiteral("TWINOPS_LLM_TIMEOUT"),
         QStringLiteral("Seconds for the provider's whole answer (default 120).")},
        {QStringLiteral("TWINOPS_CHAT_MAX_STREAMS"),
         QStringLiteral("Chat answers generated at once (default 32; beyond, 503).")},
        {QStringLiteral("TWINOPS_CHAT_MAX_STREAMS_PER_TENANT"),
         QStringLiteral("Chat answers at once per tenant (default 8; beyond, 429).")},
        {QStringLiteral("TWINOPS_CHAT_MAX_STREAMS_PER_LINK"),
         QStringLiteral("Chat answers at once per share link (default 2; beyond, 429).")},
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
