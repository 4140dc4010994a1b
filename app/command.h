#pragma once

#include "configurationfile.h"
#include "core/logging.h"
#include "core/result.h"
#include "storage/databaseurl.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QHash>
#include <QStringList>
#include <QTextStream>

#include <memory>
#include <optional>

namespace twinops::app {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// How a command ends: an exit code (0, or a command's own, such as `check`'s 1 when a check failed), an Error
// (exit 1 with one line on stderr, "twinopsd: error: …"), or a usage error (exit 2). Converting from Error lets a
// command propagate failures with TWINOPS_TRY and TWINOPS_TRY_ASSIGN.
class Outcome final
{
public:
    Outcome(int exitCode)
        : m_exitCode(exitCode)
    { }
    Outcome(const Error &error)
        : m_exitCode(kExitFailure)
        , m_message(QStringLiteral("error: ") + error.message)
    { }
    static Outcome usage(const QString &message);

    int exitCode() const { return m_exitCode; }
    // Writes the message, if there is one, to stderr and returns the exit code.
    int report() const;

private:
    int m_exitCode = 0;
    QString m_message; // after "twinopsd: "
};

// One run of a command: its options (the global ones and its own) and the positional arguments after its name.
// An option's value comes from the command line, else from the environment variable that stands in for it
// (EnvironmentVariable::option), else from the configuration file (its long name as the key), else its default.
class Invocation final
{
public:
    // `options`: the long names of the options `parser` knows (the global ones and the command's).
    Invocation(const QCommandLineParser &parser, QStringList options, QStringList arguments,
               std::shared_ptr<const ConfigurationFile> configuration = {})
        : m_parser(&parser)
        , m_options(std::move(options))
        , m_arguments(std::move(arguments))
        , m_configuration(std::move(configuration))
    { }

    const QStringList &arguments() const { return m_arguments; }
    // Whether the command has this option at all.
    bool has(const QString &option) const { return m_options.contains(option); }
    bool isSet(const QString &option) const;
    QString value(const QString &option) const;
    QStringList values(const QString &option) const;
    // The option's value if it is a whole number from `min` to `max`; otherwise a BadRequest that says so, and where
    // the value came from (the environment variable, or the configuration file's FILE:LINE) unless it was typed.
    Result<int> integer(const QString &option, int min, int max) const;
    // --database, else $TWINOPS_DATABASE_URL, else the configuration file's, else the default file in the app-data
    // directory.
    Result<DatabaseUrl> database() const;

    // The configuration file read at start, or null.
    const ConfigurationFile *configuration() const { return m_configuration.get(); }
    // The same invocation with its configuration file read again (SIGHUP); itself when it has none.
    Result<Invocation> reloaded() const;
    // The configuration file's values for environment variables, by variable name (see setConfiguredEnvironment).
    QHash<QString, QString> configuredEnvironment() const;
    // --log-format, --log-level (or -v), --log-file and, for a command that has it, --access-log; JOURNAL_STREAM.
    Result<LogSettings> logSettings() const;

private:
    // Where an option not given on the command line gets its value: its environment variable, else the file.
    QStringList configured(const QString &option) const;
    // Where the option's value comes from, for messages: "" (the command line or the default), "$NAME" or FILE:LINE.
    QString origin(const QString &option) const;

    const QCommandLineParser *m_parser;
    QStringList m_options;
    QStringList m_arguments;
    std::shared_ptr<const ConfigurationFile> m_configuration;
};

// A twinopsd command: everything its help, the man page and the dispatcher need, declared in one place. Each
// lives in a file of its own under commands/ and is listed in commandregistry.cpp. Every member has a default so
// that a declaration names only what it has.
struct Command
{
    QString name{}; // the words that select it: "serve", "admin create-key"
    QStringList arguments{}; // its positional arguments as the usage line shows them; "[X...]" takes the rest
    QString synopsis{}; // the options the usage line shows after the arguments: "--name NAME [--expires-in DAYS]"
    QString summary{}; // one sentence for the command list
    QString description{}; // more for its own help and the man page (paragraphs separated by blank lines); optional
    QList<QCommandLineOption> options{}; // its own options, each with its description (the global ones are shared)
    Outcome (*run)(const Invocation &) = nullptr;

    // "admin create-key --name NAME [--expires-in DAYS]"
    QString usageLine() const;
    // The most positional arguments after the name; -1 when the last one takes the rest.
    int maxArguments() const;
    // Whether `name` (without dashes, as QCommandLineParser reports it) is one of its own options.
    bool hasOption(const QString &name) const;
};

// "-v" for a one-letter option name, "--verbose" for a longer one.
QString dashed(const QString &optionName);

// Standard output, shared by every command and the help so that their writes keep their order.
QTextStream &standardOutput();

} // namespace twinops::app
