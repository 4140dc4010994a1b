// twinops: the desktop console. It embeds the whole service core on the embedded SQLite database by default,
// and serves the HTTP API on loopback like twinopsd does; the Settings panel's console.ini can change both.
#include "commandline.h"
#include "config/consolesettings.h"
#include "config/environmentstore.h"
#include "config/secretstore.h"
#include "core/logging.h"
#include "mainwindow.h"
#include "servicecore.h"
#include "settingspanel.h"

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
    parser.setApplicationDescription(QStringLiteral("TwinOps operations console. The command line wins over the "
                                                    "environment, which wins over the Settings panel's values."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption database(QStringLiteral("database"),
                                      QStringLiteral("Database URL (sqlite:///path or postgres://…)."),
                                      QStringLiteral("URL"));
    const QCommandLineOption listen(QStringLiteral("listen"),
                                    QStringLiteral("Address of the local HTTP endpoint (default 127.0.0.1; any other "
                                                   "address makes the API reachable from the network)."),
                                    QStringLiteral("ADDRESS"));
    const QCommandLineOption port(QStringLiteral("port"),
                                  QStringLiteral("Port of the local HTTP endpoint (default 8710; 0 = off)."),
                                  QStringLiteral("PORT"));
    const QCommandLineOption workers(QStringLiteral("workers"),
                                     QStringLiteral("Job worker threads (default 2; 0 = enqueue only)."),
                                     QStringLiteral("N"));
    parser.addOptions({database, listen, port, workers});
    parser.process(app);
    const auto fail = [](const QString &message) {
        QMessageBox::critical(nullptr, QStringLiteral("TwinOps"), message);
        return 1;
    };

    // The settings this run uses: the command line over the environment over the saved file over the defaults. A
    // saved value that is not valid falls back to its default (the Settings panel shows why); a bad command line or
    // environment stops here.
    const QDir configDirectory(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation));
    const QString settingsPath = configDirectory.filePath(QStringLiteral("console.ini"));
    const twinops::ConsoleSettings::Loaded saved = twinops::ConsoleSettings::load(settingsPath);
    for (const QString &problem : saved.problems)
        qCWarning(lcCore).noquote() << problem;
    QStringList overrides;
    auto settings = saved.settings.withEnvironment(&overrides);
    if (!settings.ok())
        return fail(settings.error().message);
    if (parser.isSet(database)) {
        settings->databaseUrl = parser.value(database);
        overrides << QStringLiteral("--database on the command line sets the database.");
    }
    if (parser.isSet(listen)) {
        settings->listenAddress = parser.value(listen);
        overrides << QStringLiteral("--listen on the command line sets the listen address.");
    }
    if (parser.isSet(port)) {
        auto value = twinops::ConsoleSettings::parsePort(parser.value(port));
        if (!value.ok())
            return fail(
                QStringLiteral("--port: %1").arg(value.error().details.value(twinops::ConsoleSettings::kPortKey)));
        settings->port = *value;
        overrides << QStringLiteral("--port on the command line sets the port.");
    }
    if (parser.isSet(workers)) {
        auto value = twinops::ConsoleSettings::parseWorkers(parser.value(workers));
        if (!value.ok())
            return fail(QStringLiteral("--workers: %1")
                            .arg(value.error().details.value(twinops::ConsoleSettings::kWorkersKey)));
        settings->workers = *value;
        overrides << QStringLiteral("--workers on the command line sets the worker count.");
    }
    if (auto valid = settings->validate(); !valid.ok())
        return fail(valid.error().message);
    const twinops::ConsoleSettings effective = *settings;

    auto url = effective.database();
    if (!url.ok())
        return fail(url.error().message);
    twinops::CoreOptions options{*url};
    if (auto cost = twinops::passwordCostFromEnvironment(); cost.ok())
        options.passwordCost = *cost;
    auto retention = twinops::metricsRetentionFromEnvironment();
    if (!retention.ok())
        return fail(retention.error().message);
    options.metricsRetention = *retention;
    auto core = twinops::ServiceCore::start(std::move(options));
    if (!core.ok()) {
        // A database saved in the settings that no longer opens must not lock the user out of the console.
        const bool savedDatabase = effective.databaseUrl == saved.settings.databaseUrl
            && saved.settings.databaseUrl != twinops::ConsoleSettings::defaults().databaseUrl;
        return fail(QStringLiteral("The service core could not start:\n%1%2")
                        .arg(core.error().message,
                             savedDatabase ? QStringLiteral("\n\nThe database is the one saved in %1; start the "
                                                            "console with --database to use another one.")
                                                 .arg(QDir::toNativeSeparators(settingsPath))
                                           : QString()));
    }

    (*core)->startWorkers(effective.workers);

    // Saved remote environments: the list in a settings file, their keys in the keychain (asked only on the
    // environments' own threads; a user unlocking the keychain by hand may take minutes).
    twinops::EnvironmentStore environments(
        configDirectory.filePath(QStringLiteral("environments.ini")),
        std::make_unique<twinops::KeychainSecretStore>(QStringLiteral("TwinOps"), std::chrono::minutes(5)));
    // The provider's API key, asked by the Settings panel on its own threads only.
    twinops::KeychainSecretStore settingsKeychain(QStringLiteral("TwinOps"), std::chrono::minutes(5));
    MainWindow window(**core, &environments);
    window.setSettings(twinops::SettingsPanelOptions{settingsPath, &settingsKeychain, effective, overrides});
    window.show();

    // The local endpoint is a convenience: the console works without it, and says why it is off. Its secret and the
    // provider's API key come from the keychain, which may take seconds to answer (or not exist), so they are
    // fetched off the GUI thread and the endpoint started back on it.
    if (effective.port > 0) {
        if (effective.listensBeyondLoopback())
            qCWarning(lcCore).noquote() << effective.exposureWarning();
        window.setEndpointStatus(QStringLiteral("Local API: starting…"));
        QThread *lookup = QThread::create([&window, &core, effective] {
            twinops::KeychainSecretStore keychain(QStringLiteral("TwinOps"), std::chrono::minutes(5));
            auto secret = twinops::loadOrCreateJwtSecret(keychain);
            auto chat = secret.ok() ? effective.chatSettings(&keychain)
                                    : twinops::Result<twinops::ChatSettings>(secret.error());
            QMetaObject::invokeMethod(&window, [&window, &core, effective, secret, chat] {
                QString status;
                if (!secret.ok()) {
                    status = QStringLiteral("Local API off: %1").arg(secret.error().message);
                } else if (!chat.ok()) {
                    status = QStringLiteral("Local API off: %1").arg(chat.error().message);
                } else {
                    auto serving = (*core)->serveHttp(effective.endpointOptions(), *secret, *chat);
                    status = serving.ok() ? QStringLiteral("Local API: %1").arg((*core)->endpoint()->baseUrl())
                                          : QStringLiteral("Local API off: %1").arg(serving.error().message);
                    if (serving.ok() && effective.listensBeyondLoopback())
                        status += QStringLiteral(" (reachable from the network)");
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
