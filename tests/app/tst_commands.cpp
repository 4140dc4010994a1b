// The twinopsd command registry: every command is declared completely, the help, the man page's command list and
// the README list them all, and the dispatcher refuses what no command declares.
#include "commandhelp.h"
#include "commandregistry.h"
#include "daemon.h"

#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace twinops;
using namespace twinops::app;
using namespace twinops::test;

namespace {

// Help text wraps long lines; compare words, not line breaks.
QString words(const QString &text)
{
    return text.simplified();
}

QString dashedNames(const QCommandLineOption &option)
{
    QStringList names;
    for (const QString &name : option.names())
        names << dashed(name);
    return names.join(QStringLiteral(", "));
}

// A home of its own, so that nothing a command might touch is the user's.
QProcessEnvironment isolated(const QTemporaryDir &home)
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    return env;
}

} // namespace

class TestCommands final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY2(QFile::exists(qEnvironmentVariable("TWINOPSD")), "TWINOPSD must name the binary"); }

    void everyCommandIsDeclaredCompletely();
    void programHelpListsEveryCommandAndOption();
    void manPageListsEveryCommandAndOption();
    void manPageRenders();
    void manPageListsGlobalOptionsAndEnvironment();
    void everyEnvironmentVariableReadIsListed();
    void readmeListsTheRegisteredCommands();
    void bashCompletionCompletesEveryCommandAndOption();

    void everyCommandHasItsOwnHelp_data();
    void everyCommandHasItsOwnHelp();
    void unknownCommandsAreUsageErrors();
    void optionsOfAnotherCommandAreUsageErrors();
};

void TestCommands::everyCommandIsDeclaredCompletely()
{
    QSet<QString> names;
    QHash<QString, QString> valueNameOf; // option name -> value name, across all commands
    for (const QCommandLineOption &option : globalOptions()) {
        for (const QString &name : option.names())
            valueNameOf.insert(name, option.valueName());
    }
    const QSet<QString> globalNames(valueNameOf.keyBegin(), valueNameOf.keyEnd());
    for (const Command &command : registeredCommands()) {
        QVERIFY2(!names.contains(command.name), qPrintable(command.name));
        names.insert(command.name);
        QVERIFY2(QRegularExpression(QStringLiteral("^[a-z][a-z-]*( [a-z][a-z-]*)*$")).match(command.name).hasMatch(),
                 qPrintable(command.name));
        QVERIFY2(command.summary.endsWith(u'.') && !command.summary.contains(u'\n'), qPrintable(command.name));
        QVERIFY2(command.run, qPrintable(command.name));
        for (const QCommandLineOption &option : command.options) {
            const QString &name = option.names().constFirst();
            QVERIFY2(!option.description().isEmpty(), qPrintable(command.name + u' ' + name));
            QVERIFY2(!globalNames.contains(name), qPrintable(command.name + u' ' + name));
            // The dispatcher finds the command's words with one parser for every command's options: an option two
            // commands share must read the same way in both, taking a value in both or in neither (what the value
            // is may differ: migrate --to N, copy --to URL).
            QVERIFY2(!valueNameOf.contains(name) || valueNameOf.value(name).isEmpty() == option.valueName().isEmpty(),
                     qPrintable(command.name + u' ' + name));
            valueNameOf.insert(name, option.valueName());
        }
    }
    QVERIFY(names.contains(QStringLiteral("serve")) && names.contains(QStringLiteral("help")));
}

void TestCommands::programHelpListsEveryCommandAndOption()
{
    const QString help = programHelp();
    for (const Command &command : registeredCommands()) {
        // "  NAME  Summary…", or a long NAME on a line of its own
        QVERIFY2(help.contains(QStringLiteral("\n  ") + command.usageLine() + QStringLiteral("  "))
                     || help.contains(QStringLiteral("\n  ") + command.usageLine() + u'\n'),
                 qPrintable(command.name));
        QVERIFY2(words(help).contains(words(command.summary)), qPrintable(command.name));
        if (!command.options.isEmpty())
            QVERIFY2(help.contains(QStringLiteral("\n%1 options:\n").arg(command.name)), qPrintable(command.name));
        for (const QCommandLineOption &option : command.options)
            QVERIFY2(help.contains(QStringLiteral("\n  ") + dashedNames(option)), qPrintable(dashedNames(option)));
    }
    for (const QCommandLineOption &option : globalOptions())
        QVERIFY2(help.contains(QStringLiteral("\n  ") + dashedNames(option)), qPrintable(dashedNames(option)));
    for (const QString &line : help.split(u'\n'))
        QVERIFY2(line.size() <= 120, qPrintable(line));
}

void TestCommands::manPageListsEveryCommandAndOption()
{
    const QString page = roffCommands();
    QVERIFY(page.startsWith(QLatin1String(".SH COMMANDS\n")));
    auto roffed = [](QString text) { return text.replace(u'-', QStringLiteral("\\-")); };
    for (const Command &command : registeredCommands()) {
        QVERIFY2(page.contains(QStringLiteral(".TP\n\\fB%1\\fR").arg(roffed(command.name))), qPrintable(command.name));
        for (const QCommandLineOption &option : command.options)
            QVERIFY2(page.contains(QStringLiteral(".TP\n\\fB\\-\\-%1\\fR").arg(roffed(option.names().constFirst()))),
                     qPrintable(command.name + u' ' + option.names().constFirst()));
    }
    // What only the man page's own lines may do: start with a request, or hold a character groff reads as one.
    static const QRegularExpression request(QStringLiteral("^\\.(SH|TP|IP|RS|RE)( |$)"));
    for (const QString &line : page.split(u'\n', Qt::SkipEmptyParts)) {
        if (line.startsWith(u'.') || line.startsWith(u'\''))
            QVERIFY2(request.match(line).hasMatch(), qPrintable(line));
        for (const QChar c : line)
            QVERIFY2(c.unicode() < 128, qPrintable(line));
    }
}

// groff reads the section without a warning and shows every command; its text is what `man` would show.
void TestCommands::manPageRenders()
{
    const QString groff = QStandardPaths::findExecutable(QStringLiteral("groff"));
    if (groff.isEmpty())
        QSKIP("groff is not installed");
    QProcess process;
    // Plain text (no bold or underline) on long lines, so that the usage lines read as in the help.
    process.start(groff,
                  {QStringLiteral("-man"), QStringLiteral("-Tutf8"), QStringLiteral("-ww"), QStringLiteral("-P-cbou"),
                   QStringLiteral("-rLL=250n")});
    QVERIFY(process.waitForStarted());
    process.write(".TH TWINOPSD 1\n" + roffCommands().toUtf8());
    process.closeWriteChannel();
    QVERIFY(process.waitForFinished());
    QCOMPARE(process.exitCode(), 0);
    const QString warnings = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(warnings.isEmpty(), qPrintable(warnings));
    // Hyphens and minus signs as the terminal may show them (U+2010, U+2212) read as "-".
    const QString shown
        = QString::fromUtf8(process.readAllStandardOutput()).replace(QChar(0x2010), u'-').replace(QChar(0x2212), u'-');
    for (const Command &command : registeredCommands())
        QVERIFY2(shown.contains(command.usageLine()), qPrintable(command.usageLine() + u'\n' + shown));
    QVERIFY2(shown.contains(QLatin1String("--listen HOST:PORT")), qPrintable(shown));
    QVERIFY2(shown.contains(QStringLiteral("postgres://…")), qPrintable(shown)); // non-ASCII survives
}

void TestCommands::manPageListsGlobalOptionsAndEnvironment()
{
    const QString options = roffGlobalOptions();
    QVERIFY(options.startsWith(QLatin1String(".SH GLOBAL OPTIONS\n")));
    for (const QCommandLineOption &option : globalOptions()) {
        const QString name = option.names().constLast();
        QVERIFY2(options.contains(QStringLiteral("\\fB%1\\fR").arg(dashed(name).replace(u'-', QStringLiteral("\\-")))),
                 qPrintable(name));
    }
    const QString environment = roffEnvironment();
    QVERIFY(environment.startsWith(QLatin1String(".SH ENVIRONMENT\n")));
    for (const EnvironmentVariable &variable : environmentVariables())
        QVERIFY2(environment.contains(QStringLiteral(".TP\n\\fB%1\\fR\n").arg(variable.name)),
                 qPrintable(variable.name));
    QVERIFY(environment.contains(QLatin1String("STATE_DIRECTORY"))
            && environment.contains(QLatin1String("NOTIFY_SOCKET")));
}

// Every TWINOPS_… variable the daemon's code reads is in environmentVariables(), so the help and the man page name it.
void TestCommands::everyEnvironmentVariableReadIsListed()
{
    QSet<QString> listed;
    for (const EnvironmentVariable &variable : environmentVariables())
        listed.insert(variable.name);
    static const QRegularExpression variableName(QStringLiteral("\"(TWINOPS_[A-Z0-9_]+)\""));
    QStringList missing;
    int files = 0;
    for (const QString &folder : {QStringLiteral("services"), QStringLiteral("app")}) {
        QDirIterator it(QStringLiteral(TWINOPS_SOURCE_DIR "/") + folder,
                        {QStringLiteral("*.cpp"), QStringLiteral("*.h")}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile file(it.next());
            QVERIFY(file.open(QIODevice::ReadOnly));
            ++files;
            for (const QRegularExpressionMatch &match : variableName.globalMatch(QString::fromUtf8(file.readAll()))) {
                if (!listed.contains(match.captured(1)) && !missing.contains(match.captured(1)))
                    missing << match.captured(1);
            }
        }
    }
    QVERIFY(files > 50);
    QVERIFY2(missing.isEmpty(), qPrintable(missing.join(u' ')));
}

// README.md's twinopsd section lists the commands in a code block, one "  NAME …" line each (option lines are
// indented further): the same names as the registry, none missing, none extra.
void TestCommands::readmeListsTheRegisteredCommands()
{
    QFile readme(QStringLiteral(TWINOPS_SOURCE_DIR "/README.md"));
    QVERIFY(readme.open(QIODevice::ReadOnly | QIODevice::Text));
    const QString text = QString::fromUtf8(readme.readAll());
    const qsizetype section = text.indexOf(QLatin1String("\n## twinopsd\n"));
    QVERIFY(section >= 0);
    const qsizetype blockStart = text.indexOf(QLatin1String("\n```\n"), section);
    const qsizetype blockEnd = text.indexOf(QLatin1String("\n```\n"), blockStart + 1);
    QVERIFY(blockStart >= 0 && blockEnd > blockStart);
    static const QRegularExpression commandLine(QStringLiteral("^  ([a-z][a-z-]*(?: [a-z][a-z-]*)*)(?:\\s|$)"));
    QStringList listed;
    for (const QString &line : text.mid(blockStart + 5, blockEnd - blockStart - 5).split(u'\n')) {
        const QRegularExpressionMatch match = commandLine.match(line);
        if (match.hasMatch())
            listed << match.captured(1);
    }
    QStringList registered;
    for (const Command &command : registeredCommands())
        registered << command.name;
    listed.sort();
    registered.sort();
    QCOMPARE(listed, registered);
}

// The completion script, run by bash as the shell runs it: a blank after "twinopsd" offers every command, after a
// group (admin) its subcommands, "-" after a command every option of that command and the global ones.
void TestCommands::bashCompletionCompletesEveryCommandAndOption()
{
    const QString bash = QStandardPaths::findExecutable(QStringLiteral("bash"));
    QVERIFY(!bash.isEmpty());
    const QString script = bashCompletion();
    static const QRegularExpression plainName(QStringLiteral("^-{0,2}[a-z][a-z0-9-]*$"));
    QString queries; // one completion per line of output
    QList<QStringList> expected;
    auto complete = [&](const QStringList &words, const QStringList &offered) {
        QStringList quoted;
        for (const QString &word : words)
            quoted << u'\'' + word + u'\'';
        queries += QStringLiteral("COMP_WORDS=(twinopsd %1); COMP_CWORD=%2; _twinopsd; echo \"${COMPREPLY[*]}\"\n")
                       .arg(quoted.join(u' '))
                       .arg(words.size());
        expected << offered;
    };
    QStringList firstWords;
    QStringList globalNames;
    for (const QCommandLineOption &option : globalOptions()) {
        for (const QString &name : option.names())
            globalNames << dashed(name);
    }
    QMap<QString, QStringList> groups;
    for (const Command &command : registeredCommands()) {
        const QStringList words = command.name.split(u' ');
        if (!firstWords.contains(words.first()))
            firstWords << words.first();
        if (words.size() > 1)
            groups[words.first()] << words.mid(1).join(u' ');
        QStringList options = globalNames;
        for (const QCommandLineOption &option : command.options) {
            for (const QString &name : option.names()) {
                QVERIFY2(plainName.match(name).hasMatch(), qPrintable(name)); // the script quotes nothing
                options << dashed(name);
            }
        }
        complete(words + QStringList{QStringLiteral("-")}, options);
    }
    for (const QString &word : firstWords)
        QVERIFY2(plainName.match(word).hasMatch(), qPrintable(word));
    complete({QString()}, firstWords);
    complete({QStringLiteral("help"), QString()}, firstWords);
    for (auto group = groups.cbegin(); group != groups.cend(); ++group)
        complete({group.key(), QString()}, group.value());
    // An option's value is not a command's word: `--database x serve -` still completes serve's options.
    const Command *serve = findCommand({QStringLiteral("serve")});
    QVERIFY(serve);
    QStringList serveOptions = globalNames;
    for (const QCommandLineOption &option : serve->options)
        serveOptions << dashed(option.names().constFirst());
    complete({QStringLiteral("--database"), QStringLiteral("x.db"), QStringLiteral("serve"), QStringLiteral("-")},
             serveOptions);

    QProcess process;
    process.start(bash, {QStringLiteral("--norc"), QStringLiteral("--noprofile")});
    QVERIFY(process.waitForStarted());
    process.write((script + queries).toUtf8());
    process.closeWriteChannel();
    QVERIFY(process.waitForFinished());
    QCOMPARE(process.exitCode(), 0);
    QCOMPARE(QString::fromUtf8(process.readAllStandardError()), QString());
    const QStringList answers = QString::fromUtf8(process.readAllStandardOutput()).split(u'\n');
    QCOMPARE(answers.size(), expected.size() + 1); // and the empty text after the last newline
    for (qsizetype i = 0; i < expected.size(); ++i) {
        QStringList offered = answers.at(i).split(u' ', Qt::SkipEmptyParts);
        QStringList wanted = expected.at(i);
        offered.sort();
        wanted.sort();
        QVERIFY2(
            offered == wanted,
            qPrintable(QStringLiteral("query %1: %2\nwanted: %3").arg(i).arg(offered.join(u' '), wanted.join(u' '))));
    }
}

void TestCommands::everyCommandHasItsOwnHelp_data()
{
    QTest::addColumn<QString>("name");
    for (const Command &command : registeredCommands())
        QTest::newRow(qPrintable(command.name)) << command.name;
}

// `twinopsd help NAME` and `twinopsd NAME --help` print the same help: usage, summary, description, options.
void TestCommands::everyCommandHasItsOwnHelp()
{
    QFETCH(QString, name);
    const Command *command = findCommand(name.split(u' '));
    QVERIFY(command);
    QTemporaryDir home;
    const TwinopsdRun help = twinopsd(QStringList{QStringLiteral("help")} + name.split(u' '), isolated(home));
    QCOMPARE(help.exitCode, 0);
    QVERIFY2(help.err.isEmpty(), qPrintable(help.err));
    QVERIFY2(help.out.startsWith(QStringLiteral("Usage: twinopsd [--database URL] %1\n").arg(command->usageLine())),
             qPrintable(help.out));
    QVERIFY2(words(help.out).contains(words(command->summary)), qPrintable(help.out));
    QVERIFY2(words(help.out).contains(words(command->description)), qPrintable(help.out));
    for (const QCommandLineOption &option : command->options)
        QVERIFY2(help.out.contains(QStringLiteral("\n  ") + dashedNames(option)), qPrintable(help.out));
    QVERIFY2(help.out.contains(QLatin1String("\n  --database URL")), qPrintable(help.out));

    const TwinopsdRun dashDashHelp = twinopsd(name.split(u' ') + QStringList{QStringLiteral("--help")}, isolated(home));
    QCOMPARE(dashDashHelp.exitCode, 0);
    QCOMPARE(dashDashHelp.out, help.out);
    // Nothing was opened or created: help never touches a database.
    QVERIFY(!QFile::exists(home.filePath(QStringLiteral("data"))));
}

void TestCommands::unknownCommandsAreUsageErrors()
{
    QTemporaryDir home;
    const TwinopsdRun unknown = twinopsd({QStringLiteral("frobnicate")}, isolated(home));
    QCOMPARE(unknown.exitCode, 2);
    QCOMPARE(unknown.err, QStringLiteral("twinopsd: unknown command 'frobnicate'\nTry 'twinopsd --help'.\n"));
    QVERIFY(unknown.out.isEmpty());

    const TwinopsdRun unknownHelp = twinopsd({QStringLiteral("help"), QStringLiteral("frobnicate")}, isolated(home));
    QCOMPARE(unknownHelp.exitCode, 2);
    QVERIFY2(unknownHelp.err.startsWith(QLatin1String("twinopsd: unknown command 'frobnicate'\n")),
             qPrintable(unknownHelp.err));

    // A group without (or with an unknown) subcommand names its subcommands, in the registry's order.
    for (const QStringList &arguments :
         {QStringList{QStringLiteral("admin")}, QStringList{QStringLiteral("admin"), QStringLiteral("frobnicate")}}) {
        const TwinopsdRun admin = twinopsd(arguments, isolated(home));
        QCOMPARE(admin.exitCode, 2);
        QVERIFY2(admin.err.startsWith(QLatin1String("twinopsd: admin expects a subcommand: create-key, list-keys, "
                                                    "revoke-key, rotate-signing-key, enqueue-probes\n")),
                 qPrintable(admin.err));
    }
    // The group's help is the help of each of its commands.
    const TwinopsdRun adminHelp = twinopsd({QStringLiteral("help"), QStringLiteral("admin")}, isolated(home));
    QCOMPARE(adminHelp.exitCode, 0);
    for (const Command *command : commandGroup(QStringLiteral("admin")))
        QVERIFY2(
            adminHelp.out.contains(QStringLiteral("Usage: twinopsd [--database URL] %1\n").arg(command->usageLine())),
            qPrintable(adminHelp.out));

    const TwinopsdRun extra = twinopsd({QStringLiteral("version"), QStringLiteral("now")}, isolated(home));
    QCOMPARE(extra.exitCode, 2);
    QVERIFY2(extra.err.startsWith(QLatin1String("twinopsd: unexpected argument 'now'\n")), qPrintable(extra.err));
    QVERIFY(!QFile::exists(home.filePath(QStringLiteral("data"))));
}

// An option is read by the command that declares it; given to another, it is refused rather than ignored.
void TestCommands::optionsOfAnotherCommandAreUsageErrors()
{
    QTemporaryDir home;
    const TwinopsdRun run = twinopsd({QStringLiteral("serve"), QStringLiteral("--status")}, isolated(home));
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.startsWith(QLatin1String("twinopsd: --status is an option of 'migrate', not of 'serve'\n")),
             qPrintable(run.err));
    const TwinopsdRun before
        = twinopsd({QStringLiteral("--count"), QStringLiteral("3"), QStringLiteral("check")}, isolated(home));
    QCOMPARE(before.exitCode, 2);
    QVERIFY2(before.err.contains(QLatin1String("--count is an option of 'admin enqueue-probes', not of 'check'")),
             qPrintable(before.err));
    QVERIFY(!QFile::exists(home.filePath(QStringLiteral("data"))));
}

QTEST_GUILESS_MAIN(TestCommands)
#include "tst_commands.moc"
