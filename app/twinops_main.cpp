// twinops: the desktop console. It embeds the whole service core on the embedded SQLite database by default,
// and serves the HTTP API on loopback like twinopsd does; the Settings panel's console.ini can change both.
#include "auth/secretstore.h"
#include "commandline.h"
#include "config/consolesettings.h"
#include "config/environmentstore.h"
#include "core/logging.h"
#include "mainwindow.h"
#include "servicecore.h"
#include "settingspanel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QMessageBox>
#include <QStandardPaths>

int main(int argc, char *argv[])
{
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
    // --help, --version and a mistyped command line need no display: answered before QApplication, which aborts
    // without one. process() prints and exits.
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    if (!parser.parse(arguments) || parser.isSet(QStringLiteral("help")) || parser.isSet(QStringLiteral("help-all"))
        || parser.isSet(QStringLiteral("version"))) {
        const QCoreApplication textOnly(argc, argv);
        twinops::app::setApplicationIdentity();
        parser.process(textOnly);
    }

    QApplication app(argc, argv);
    twinops::app::setApplicationIdentity();
    QApplication::setApplicationDisplayName(QStringLiteral("TwinOps"));
    // The desktop entry's name: Wayland compositors match the window to its icon with it.
    QGuiApplication::setDesktopFileName(QStringLiteral("org.twinops.console"));
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
    auto options = twinops::CoreOptions::fromEnvironment(*url);
    if (!options.ok())
        return fail(options.error().message);
    auto core = twinops::ServiceCore::start(std::move(options).value());
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
    // environments' own threads; a user unlocking the keychain by hand may take minutes). Shared with the calls that
    // use them, so that a call still running when its window closes keeps them alive.
    auto environments = std::make_shared<twinops::EnvironmentStore>(
        configDirectory.filePath(QStringLiteral("environments.ini")),
        std::make_unique<twinops::KeychainSecretStore>(QStringLiteral("TwinOps"), std::chrono::minutes(5)));
    // The local API's signing secret and the provider's API key, asked on threads of their own only.
    auto keychain = std::make_shared<twinops::KeychainSecretStore>(QStringLiteral("TwinOps"), std::chrono::minutes(5));
    twinops::MainWindow window(**core, environments);
    window.setSettings(twinops::SettingsPanelOptions{settingsPath, keychain, effective, overrides});
    window.restoreViewState(configDirectory.filePath(QStringLiteral("window-state.ini")));
    window.show();
    // The local endpoint is a convenience: the console works without it, and says why it is off.
    window.startLocalApi(effective, keychain);
    return app.exec();
}
