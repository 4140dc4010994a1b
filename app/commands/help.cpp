#include "command.h"
#include "commandhelp.h"
#include "commandregistry.h"

namespace twinops::app::commands {

namespace {

Outcome run(const Invocation &invocation)
{
    const QStringList &words = invocation.arguments();
    QTextStream &out = standardOutput();
    if (invocation.isSet(QStringLiteral("roff"))) {
        if (!words.isEmpty())
            return Outcome::usage(QStringLiteral("help --roff lists every command; name none"));
        out << roffCommands() << roffGlobalOptions() << roffEnvironment() << Qt::flush;
        return 0;
    }
    if (invocation.isSet(QStringLiteral("bash-completion"))) {
        if (!words.isEmpty())
            return Outcome::usage(QStringLiteral("help --bash-completion completes every command; name none"));
        out << bashCompletion() << Qt::flush;
        return 0;
    }
    if (const Command *command = findCommand(words)) {
        const qsizetype nameWords = command->name.count(u' ') + 1;
        if (words.size() > nameWords)
            return Outcome::usage(QStringLiteral("unexpected argument '%1'").arg(words.at(nameWords)));
    }
    const QString text = helpText(words);
    if (text.isEmpty())
        return Outcome::usage(QStringLiteral("unknown command '%1'").arg(words.join(u' ')));
    out << text << Qt::flush;
    return 0;
}

} // namespace

Command help()
{
    return {
        .name = QStringLiteral("help"),
        .arguments = {QStringLiteral("[COMMAND...]")},
        .summary = QStringLiteral("Show this help, or a command's usage, description and options."),
        .description = QStringLiteral("'twinopsd help admin' shows every admin command. 'twinopsd <command> --help' "
                                      "is the same as 'twinopsd help <command>'."),
        .options = {
            QCommandLineOption(QStringLiteral("roff"),
                               QStringLiteral("Print the man page's COMMANDS, GLOBAL OPTIONS and ENVIRONMENT sections "
                                              "(roff) instead; the build makes twinopsd.1 with them.")),
            QCommandLineOption(QStringLiteral("bash-completion"),
                               QStringLiteral("Print a bash completion script for twinopsd instead; the package "
                                              "installs it.")),
        },
        .run = run,
    };
}

} // namespace twinops::app::commands
