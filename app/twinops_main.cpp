// twinops: the desktop console. It embeds the whole service core on the embedded SQLite database by default.
#include "commandline.h"
#include "config/databaselocation.h"
#include "mainwindow.h"
#include "servicecore.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    twinops::app::setApplicationIdentity();
    QApplication::setApplicationDisplayName(QStringLiteral("TwinOps"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("TwinOps operations console"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption database(QStringLiteral("database"),
                                      QStringLiteral("Database URL (sqlite:///path or postgres://…)."),
                                      QStringLiteral("URL"));
    parser.addOption(database);
    parser.process(app);

    auto url = twinops::resolveDatabaseUrl(parser.value(database));
    if (!url.ok()) {
        QMessageBox::critical(nullptr, QStringLiteral("TwinOps"), url.error().message);
        return 1;
    }
    auto core = twinops::ServiceCore::start({*url, true});
    if (!core.ok()) {
        QMessageBox::critical(nullptr, QStringLiteral("TwinOps"),
                              QStringLiteral("The service core could not start:\n%1").arg(core.error().message));
        return 1;
    }
    MainWindow window(**core);
    window.show();
    return app.exec();
}
