// twinopsd: the service core without any GUI code. Subcommands: serve, migrate, version.
#include "commandline.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    twinops::app::setApplicationIdentity();
    return twinops::app::runDaemonCommand(app.arguments());
}
