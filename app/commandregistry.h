#pragma once

#include "command.h"

#include <QList>

namespace twinops::app {

// Every twinopsd command, in the order the help and the man page list them.
const QList<Command> &registeredCommands();

// The options every command takes: --config, --database, the logging ones, -v/--verbose, -h/--help, --version.
QList<QCommandLineOption> globalOptions();

struct EnvironmentVariable
{
    QString name;
    QString description;
    QString option{}; // the option it stands in for when that is not given (TWINOPS_DATABASE_URL: database)

    // Its key in the configuration file: the option's name, else the name without TWINOPS_, in lower case with
    // dashes (TWINOPS_LOGIN_FAILURES_PER_ADDRESS: login-failures-per-address); none for the service manager's.
    QString key() const;
};

// The environment variables twinopsd reads, for the help, the man page and the configuration file's keys.
QList<EnvironmentVariable> environmentVariables();

// The command whose name is the leading words of `words` (the longest such name), or nullptr.
const Command *findCommand(const QStringList &words);

// The commands whose name is `group` followed by more words: "admin" gives admin create-key, admin list-keys, ….
QList<const Command *> commandGroup(const QString &group);

} // namespace twinops::app
