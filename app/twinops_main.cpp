// twinops: the desktop console. It embeds the whole service core on the embedded SQLite database by default,
// and serves the HTTP API on loopback like twinopsd does.
#include "commandline.h"
#include "config/databaselocation.h"
#include "config/environmentstore.h"
#include "config/secretstore.h"
#include "core/logging.h"
#include "mainwindow.h"
#include "servicecore.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QMessageBox>
#include <QStandardPaths>
#include <QThread>

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
    const QCommandLineOption port(QStringLiteral("port"), QStringLiteral("Port of the local HTTP endpoint (0 = off)."),
                                  QStringLiteral("PORT"), QStringLiteral("8710"));
    parser.addOptions({database, port});
    parser.process(app);

    auto url = twinops::resolveDatabaseUrl(parser.value(database));
    if (!url.ok()) {
        QMessageBox::critical(nullptr, QStringLiteral("TwinOps"), url.error().message);
        return 1;
    }
    twinops::CoreOptions options{*url};
    if (auto cost = twinops::passwordCostFromEnvironment(); cost.ok())
        options.passwordCost = *cost;
    auto core = twinops::ServiceCore::start(std::move(options));
    if (!core.ok()) {
        QMessageBox::critical(nullptr, QStringLiteral("TwinOps"),
                              QStringLiteral("The service core could not start:\n%1").arg(core.error().message));
        return 1;
    }

    (*core)->startWorkers(2);

    // Saved remote environments: the list in a settings file, their keys in the keychain (asked only on the
    // environments' own threads; a user unlocking the keychain by hand may take minutes).
    twinops::EnvironmentStore environments(
        QDir(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation))
            .filePath(QStringLiteral("environments.ini")),
        std::make_unique<twinops::KeychainSecretStore>(QStringLiteral("TwinOps"), std::chrono::minutes(5)));
    MainWindow window(**core, &environments);
    window.show();

    // The local endpoint is a convenience: the console works without it, and says why it is off. Its secret comes
    // from the keychain, which may take seconds to answer (or not exist), so it is fetched off the GUI thread and
    // the endpoint started back on it.
    const int endpointPort = parser.value(port).toInt();
    if (endpointPort > 0) {
        window.setEndpointStatus(QStringLiteral("Local API: starting…"));
        QThread *lookup = QThread::create([&window, &core, endpointPort] {
            twinops::KeychainSecretStore keychain(QStringLiteral("TwinOps"), std::chrono::minutes(5));
            auto secret = twinops::loadOrCreateJwtSecret(keychain);
            QMetaObject::invokeMethod(&window, [&window, &core, endpointPort, secret] {
                QString status;
                if (!secret.ok()) {
                    status = QStringLiteral("Local API off: %1").arg(secret.error().message);
                } else {
                    twinops::EndpointOptions http;
                    http.port = quint16(endpointPort);
                    auto serving = (*core)->serveHttp(http, *secret);
                    status = serving.ok() ? QStringLiteral("Local API: %1").arg((*core)->endpoint()->baseUrl())
                                          : QStringLiteral("Local API off: %1").arg(serving.error().message);
                    if (serving.ok())
                        window.setLocalEndpoint((*core)->endpoint()->baseUrl());
                }
                qCInfo(lcCore).noquote() << status;
                window.setEndpointStatus(status);
            });
        });
        QObject::connect(lookup, &QThread::finished, lookup, &QObject::deleteLater);
        lookup->start();
    } else {
        window.setEndpointStatus(QStringLiteral("Local API off"));
    }
    return app.exec();
}
