#pragma once

#include <QStringList>

namespace twinops::app {

// Organisation and application names decide QStandardPaths locations; both programs share them so that they
// find the same default database.
void setApplicationIdentity();

// Parses and runs one twinopsd command line; returns the process exit code
// (0 success, 1 failure, 2 usage error).
int runDaemonCommand(const QStringList &arguments);

} // namespace twinops::app
