#include "commandline.h"

#include "command.h"
#include "commandhelp.h"
#include "commandregistry.h"
#include "configurationfile.h"
#include "core/environment.h"

#include <QCoreApplication>
#include <QSet>

#include <algorithm>

namespace twinops::app {

namespace {

// The global options and those of every command, each name once (as first declared). It reads any command line
// as the command's own parser will, so it finds the command's name wherever the options stand (an option's value
// is never taken for a word of it) and the options that belong to another command.
void addEveryOption(QCommandLineParser &parser)
{
    QSet<QString> known;
    auto add = [&](const QCommandLineOption &option) {
        if (known.contains(option.names().constFirst()))
            return;
        for (const QString &name : option.names())
            known.insert(name);
        parser.addOption(option);
    };
    for (const QCommandLineOption &option : globalOptions())
        add(option);
    for (const Command &command : registeredCommands()) {
        for (const QCommandLineOption &option : command.options)
            add(option);
    }
}

bool isGlobalOption(const QString &name)
{
    const QList<QCommandLineOption> options = globalOptions();
    return std::any_of(options.cbegin(), options.cend(),
                       [&](const QCommandLineOption &option) { return option.names().contains(name); });
}

// "--status is an option of 'migrate', not of 'serve'"
QString foreignOption(const QString &name, const Command &command)
{
    QStringList owners;
    for (const Command &other : registeredCommands()) {
        if (other.hasOption(name))
            owners << u'\'' + other.name + u'\'';
    }
    return QStringLiteral("%1 is an option of %2, not of '%3'")
        .arg(dashed(name), owners.join(QStringLiteral(" and ")), command.name);
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
    QCommandLineParser everything;
    everything.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    addEveryOption(everything);
    if (!everything.parse(arguments))
        return Outcome::usage(everything.errorText()).report();

    const QStringList words = everything.positionalArguments();
    if (everything.isSet(QStringLiteral("version")) && !everything.isSet(QStringLiteral("help")))
        return findCommand({QStringLiteral("version")})->run(Invocation(everything, {}, {})).report();
    if (everything.isSet(QStringLiteral("help")) || words.isEmpty()) {
        const QString help = helpText(words);
        standardOutput() << (help.isEmpty() ? programHelp() : help) << Qt::flush;
        return everything.isSet(QStringLiteral("help")) ? 0 : kExitUsage;
    }
    const Command *command = findCommand(words);
    if (!command) {
        QStringList subcommands;
        for (const Command *member : commandGroup(words.first()))
            subcommands << member->name.section(u' ', 1);
        if (!subcommands.isEmpty())
            return Outcome::usage(QStringLiteral("%1 expects a subcommand: %2")
                                      .arg(words.first(), subcommands.join(QStringLiteral(", "))))
                .report();
        return Outcome::usage(QStringLiteral("unknown command '%1'").arg(words.first())).report();
    }
    const QStringList commandArguments = words.mid(command->name.count(u' ') + 1);
    const int maxArguments = command->maxArguments();
    if (maxArguments >= 0 && commandArguments.size() > maxArguments)
        return Outcome::usage(QStringLiteral("unexpected argument '%1'").arg(commandArguments.at(maxArguments)))
            .report();
    for (const QString &name : everything.optionNames()) {
        if (!isGlobalOption(name) && !command->hasOption(name))
            return Outcome::usage(foreignOption(name, *command)).report();
    }

    QCommandLineParser parser;
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    const QList<QCommandLineOption> options = globalOptions() + command->options;
    parser.addOptions(options);
    if (!parser.parse(arguments))
        return Outcome::usage(parser.errorText()).report();

    QStringList optionNames;
    for (const QCommandLineOption &option : options)
        optionNames << option.names().constLast();
    std::shared_ptr<const ConfigurationFile> configuration;
    if (const QString path = Invocation(parser, optionNames, {}).value(QStringLiteral("config")); !path.isEmpty()) {
        auto file = ConfigurationFile::read(path);
        if (!file.ok())
            return Outcome::usage(file.error().message).report();
        configuration = std::make_shared<const ConfigurationFile>(std::move(file).value());
    }
    const Invocation invocation(parser, optionNames, commandArguments, configuration);
    setConfiguredEnvironment(invocation.configuredEnvironment());
    const Result<LogSettings> logging = invocation.logSettings();
    if (!logging.ok())
        return Outcome::usage(logging.error().message).report();
    if (const Status configured = configureLogging(*logging); !configured.ok())
        return Outcome(configured.error()).report();
    return command->run(invocation).report();
}

} // namespace twinops::app
