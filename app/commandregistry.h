#pragma once

#include "command.h"

#include <QList>

namespace twinops::app {

// Every twinopsd command, in the order the help and the man page list them.
const QList<Command> &registeredCommands();

// The options every command takes: --database, -v/--verbose, -h/--help, --version.
QList<QCommandLineOption> globalOptions();

struct EnvironmentVariable
{
    QString name;
    QString description;
};

// The environment variables twinopsd reads, for the help.
QList<EnvironmentVariable> environmentVariables();

// The command whose name is the leading words of `words` (the longest such name), or nullptr.
const Command *findCommand(const QStringList &words);

// The commands whose name is `group` followed by more words: "admin" gives admin create-key, admin list-keys, ….
QList<const Command *> commandGroup(const QString &group);

} // namespace twinops::app
