#pragma once

#include "command.h"

namespace twinops::app {

// The help texts and the man page's command list, all made from the commands' declarations (commandregistry.h).

// `twinopsd --help`: every command with its summary, then the global options, the environment and each command's
// options.
QString programHelp();

// `twinopsd help <command>` and `twinopsd <command> --help`.
QString commandHelp(const Command &command);

// The help for the command (or group of commands, such as "admin") named by `words`, the program's when there are
// none; empty when they name no command. Words after a command's name are ignored.
QString helpText(const QStringList &words);

// The man page's COMMANDS section (roff, man macros): each command's usage, summary, description and options.
QString roffCommands();

// The man page's GLOBAL OPTIONS and ENVIRONMENT sections (roff).
QString roffGlobalOptions();
QString roffEnvironment();

// A bash completion script for twinopsd (`complete -F _twinopsd twinopsd`): the command words, each command's
// options and the global ones; files after an option whose value is a FILE or DIR.
QString bashCompletion();

} // namespace twinops::app
