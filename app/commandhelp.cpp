#include "commandhelp.h"

#include "commandregistry.h"

#include <QMap>
#include <QRegularExpression>

#include <algorithm>

namespace twinops::app {

namespace {

constexpr int kLineWidth = 116;
constexpr int kTextColumn = 24; // where descriptions start, after "  " and a 20-character name column

// `text` wrapped at word boundaries so that no line, indented by `indent`, passes kLineWidth; the first line is not
// indented (it continues whatever the caller wrote).
QString wrapped(const QString &text, int indent)
{
    QString result;
    int column = indent;
    for (const QString &word : text.split(u' ', Qt::SkipEmptyParts)) {
        if (column > indent && column + 1 + word.size() > kLineWidth) {
            result += u'\n' + QString(indent, u' ');
            column = indent;
        } else if (column > indent) {
            result += u' ';
            ++column;
        }
        result += word;
        column += int(word.size());
    }
    return result;
}

// "  NAME                  Description…", or the description on the next line when NAME is too long.
QString entry(const QString &name, const QString &description)
{
    const QString head = QStringLiteral("  ") + name;
    const QString gap = head.size() < kTextColumn - 1 ? QString(kTextColumn - head.size(), u' ')
                                                      : QString(u'\n' + QString(kTextColumn, u' '));
    return head + gap + wrapped(description, kTextColumn) + u'\n';
}

QString paragraphs(const QString &text)
{
    QString result;
    for (const QString &paragraph : text.split(QStringLiteral("\n\n"), Qt::SkipEmptyParts))
        result += wrapped(paragraph, 0) + QStringLiteral("\n\n");
    return result;
}

// "-v, --verbose", "--listen HOST:PORT"
QString optionName(const QCommandLineOption &option)
{
    QStringList names;
    for (const QString &name : option.names())
        names << dashed(name);
    QString text = names.join(QStringLiteral(", "));
    if (!option.valueName().isEmpty())
        text += u' ' + option.valueName();
    return text;
}

QString optionList(const QList<QCommandLineOption> &options)
{
    QString result;
    for (const QCommandLineOption &option : options)
        result += entry(optionName(option), option.description());
    return result;
}

QString environmentList()
{
    QString result;
    for (const EnvironmentVariable &variable : environmentVariables())
        result += entry(variable.name, variable.description);
    return result;
}

// Roff text: backslashes and hyphens escaped (a man page's "-" is a hyphen, "\-" the minus of an option), other
// characters than ASCII as \[uXXXX], and a line that would start with a control character made plain.
QString roff(const QString &text)
{
    QString result;
    for (const char32_t c : text.toUcs4()) {
        if (c == U'\\')
            result += QStringLiteral("\\e");
        else if (c == U'-')
            result += QStringLiteral("\\-");
        else if (c > 127)
            result += QStringLiteral("\\[u%1]").arg(QString::number(c, 16).toUpper().rightJustified(4, u'0'));
        else
            result += QChar(char16_t(c));
    }
    static const QRegularExpression controlStart(QStringLiteral("^(?=[.'])"), QRegularExpression::MultilineOption);
    return result.replace(controlStart, QStringLiteral("\\&"));
}

QString roffOption(const QCommandLineOption &option)
{
    QStringList names;
    for (const QString &name : option.names())
        names << QStringLiteral("\\fB%1\\fR").arg(roff(dashed(name)));
    QString text = names.join(QStringLiteral(", "));
    if (!option.valueName().isEmpty())
        text += QStringLiteral(" \\fI%1\\fR").arg(roff(option.valueName()));
    return text;
}

} // namespace

QString programHelp()
{
    QString help = QStringLiteral("Usage: twinopsd [--database URL] <command> [options]\n\n"
                                  "The TwinOps service core, headless.\n\nCommands:\n");
    for (const Command &command : registeredCommands())
        help += entry(command.usageLine(), command.summary);
    help += QStringLiteral("\nGlobal options:\n") + optionList(globalOptions());
    help += QStringLiteral("\nEnvironment:\n") + environmentList();
    for (const Command &command : registeredCommands()) {
        if (!command.options.isEmpty())
            help += QStringLiteral("\n%1 options:\n").arg(command.name) + optionList(command.options);
    }
    help += QStringLiteral("\n'twinopsd help <command>' shows a command's help.\n");
    return help;
}

QString commandHelp(const Command &command)
{
    QString help = QStringLiteral("Usage: twinopsd [--database URL] %1\n\n").arg(command.usageLine());
    help += paragraphs(command.summary + QStringLiteral("\n\n") + command.description);
    if (!command.options.isEmpty())
        help += QStringLiteral("Options:\n") + optionList(command.options) + u'\n';
    help += QStringLiteral("Global options:\n") + optionList(globalOptions());
    return help;
}

QString helpText(const QStringList &words)
{
    if (words.isEmpty())
        return programHelp();
    if (const Command *command = findCommand(words))
        return commandHelp(*command);
    QStringList group;
    for (const Command *command : commandGroup(words.first()))
        group << commandHelp(*command);
    return words.size() == 1 ? group.join(u'\n') : QString();
}

QString roffCommands()
{
    QString page = QStringLiteral(".SH COMMANDS\n");
    for (const Command &command : registeredCommands()) {
        page += QStringLiteral(".TP\n\\fB%1\\fR").arg(roff(command.name));
        for (const QString &argument : command.arguments)
            page += QStringLiteral(" \\fI%1\\fR").arg(roff(argument));
        if (!command.synopsis.isEmpty())
            page += u' ' + roff(command.synopsis);
        page += u'\n' + roff(command.summary) + u'\n';
        for (const QString &paragraph : command.description.split(QStringLiteral("\n\n"), Qt::SkipEmptyParts))
            page += QStringLiteral(".IP\n") + roff(paragraph) + u'\n';
        if (command.options.isEmpty())
            continue;
        page += QStringLiteral(".RS\n");
        for (const QCommandLineOption &option : command.options)
            page += QStringLiteral(".TP\n") + roffOption(option) + u'\n' + roff(option.description()) + u'\n';
        page += QStringLiteral(".RE\n");
    }
    return page;
}

QString roffGlobalOptions()
{
    QString page = QStringLiteral(".SH GLOBAL OPTIONS\n");
    for (const QCommandLineOption &option : globalOptions())
        page += QStringLiteral(".TP\n") + roffOption(option) + u'\n' + roff(option.description()) + u'\n';
    return page;
}

QString roffEnvironment()
{
    QString page = QStringLiteral(".SH ENVIRONMENT\n");
    for (const EnvironmentVariable &variable : environmentVariables())
        page += QStringLiteral(".TP\n\\fB%1\\fR\n").arg(roff(variable.name)) + roff(variable.description) + u'\n';
    return page;
}

QString bashCompletion()
{
    // Every name below is made of letters, digits and hyphens (tst_commands checks it), so none needs quoting.
    QStringList valued; // options that take a value, which is then the word being completed
    QStringList pathValued; // … whose value is a path
    const auto dashedNames = [&](const QList<QCommandLineOption> &options) {
        QStringList names;
        for (const QCommandLineOption &option : options) {
            for (const QString &name : option.names()) {
                names << dashed(name);
                if (!option.valueName().isEmpty())
                    valued << dashed(name);
                if (option.valueName() == QLatin1String("FILE") || option.valueName() == QLatin1String("DIR"))
                    pathValued << dashed(name);
            }
        }
        return names.join(u' ');
    };
    const QString global = dashedNames(globalOptions());
    QStringList firstWords;
    QString perCommand; // case patterns: the options after a command's words, longest names first
    QMap<QString, QStringList> groups; // "admin" -> create-key list-keys …
    QList<Command> commands = registeredCommands();
    std::stable_sort(commands.begin(), commands.end(),
                     [](const Command &a, const Command &b) { return a.name.size() > b.name.size(); });
    for (const Command &command : registeredCommands()) {
        const QString first = command.name.section(u' ', 0, 0);
        if (!firstWords.contains(first))
            firstWords << first;
        if (command.name.contains(u' '))
            groups[first] << command.name.section(u' ', 1);
    }
    for (const Command &command : commands) {
        perCommand += QStringLiteral("        '%1' | '%1 '*) options='%2' ;;\n")
                          .arg(command.name, dashedNames(command.options));
    }
    QString groupCases;
    for (auto group = groups.cbegin(); group != groups.cend(); ++group)
        groupCases += QStringLiteral("        '%1') words='%2' ;;\n").arg(group.key(), group.value().join(u' '));
    valued.removeDuplicates();
    pathValued.removeDuplicates();

    return QStringLiteral(
               "# bash completion for twinopsd; generated by `twinopsd help --bash-completion` from its commands.\n"
               "_twinopsd()\n"
               "{\n"
               "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
               "    local valued=' %1 ' paths=' %2 '\n"
               "    COMPREPLY=()\n"
               "    if [[ $valued == *\" $prev \"* ]]; then\n"
               "        [[ $paths == *\" $prev \"* ]] && COMPREPLY=($(compgen -f -- \"$cur\"))\n"
               "        return\n"
               "    fi\n"
               "    # The command's words typed so far: neither options nor their values.\n"
               "    local i command=\n"
               "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
               "        case ${COMP_WORDS[i]} in\n"
               "        -*) [[ $valued == *\" ${COMP_WORDS[i]} \"* ]] && ((i++)) ;;\n"
               "        *) command+=${command:+ }${COMP_WORDS[i]} ;;\n"
               "        esac\n"
               "    done\n"
               "    local options= words=\n"
               "    case $command in\n"
               "%3"
               "    esac\n"
               "    case $command in\n"
               "        '' | help | 'help '*) words='%4' ;;\n"
               "%5"
               "    esac\n"
               "    if [[ $cur == -* || -z $words ]]; then\n"
               "        COMPREPLY=($(compgen -W \"$options %6\" -- \"$cur\"))\n"
               "    else\n"
               "        COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
               "    fi\n"
               "}\n"
               "complete -F _twinopsd twinopsd\n")
        .arg(valued.join(u' '), pathValued.join(u' '), perCommand, firstWords.join(u' '), groupCases, global);
}

} // namespace twinops::app
