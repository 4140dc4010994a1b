#include "command.h"

#include <QCoreApplication>

namespace twinops::app::commands {

namespace {

Outcome run(const Invocation &)
{
    standardOutput() << "twinopsd " << QCoreApplication::applicationVersion() << Qt::endl;
    return 0;
}

} // namespace

Command version()
{
    return {
        .name = QStringLiteral("version"),
        .summary = QStringLiteral("Print the version."),
        .run = run,
    };
}

} // namespace twinops::app::commands
