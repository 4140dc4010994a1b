#include "config/consolesettings.h"

#include "auth/secretstore.h"
#include "config/databaselocation.h"

#include <QDir>
#include <QFileInfo>
#include <QHostAddress>
#include <QSettings>
#include <QUrl>

#include <optional>

namespace twinops {

const QString ConsoleSettings::kListenAddressKey = QStringLiteral("endpoint/address");
const QString ConsoleSettings::kPortKey = QStringLiteral("endpoint/port");
const QString ConsoleSettings::kWorkersKey = QStringLiteral("jobs/workers");
const QString ConsoleSettings::kDatabaseUrlKey = QStringLiteral("database/url");
const QString ConsoleSettings::kProviderKey = QStringLiteral("provider/name");
const QString ConsoleSettings::kProviderBaseUrlKey = QStringLiteral("provider/baseUrl");
const QString ConsoleSettings::kProviderModelKey = QStringLiteral("provider/model");
const QString &ConsoleSettings::kProviderApiKeySecret = ChatSettings::kApiKeySecret;

namespace {

constexpr int kMaxModelLength = 200;

// The fields in the order a person reads them, for messages that list several.
QStringList fieldOrder()
{
    return {ConsoleSettings::kListenAddressKey, ConsoleSettings::kPortKey,     ConsoleSettings::kWorkersKey,
            ConsoleSettings::kDatabaseUrlKey,   ConsoleSettings::kProviderKey, ConsoleSettings::kProviderBaseUrlKey,
            ConsoleSettings::kProviderModelKey};
}

// ValidationFailed with the problems as details and all of them, in reading order, as the message.
Error validationError(const QHash<QString, QString> &problems)
{
    QStringList sentences;
    for (const QString &key : fieldOrder()) {
        if (problems.contains(key))
            sentences << problems.value(key);
    }
    Error error = Error::validation(problems);
    error.message = sentences.join(u' ');
    return error;
}

QString listenAddressProblem(const QString &text)
{
    if (text.trimmed().isEmpty())
        return QStringLiteral("The listen address is empty: use 127.0.0.1 (this machine only) or another numeric "
                              "IP address.");
    if (QHostAddress(text.trimmed()).isNull())
        return QStringLiteral("The listen address \"%1\" is not a numeric IP address: use one such as 127.0.0.1, "
                              "::1 or 0.0.0.0.")
            .arg(text.trimmed());
    return {};
}

QString workersProblem(int workers)
{
    if (workers < 0 || workers > ConsoleSettings::kMaxWorkers)
        return QStringLiteral("The worker count must be a whole number from 0 to %1 (0 only enqueues jobs); %2 is "
                              "out of range.")
            .arg(ConsoleSettings::kMaxWorkers)
            .arg(workers);
    return {};
}

QString portProblem(int port)
{
    if (port < 0 || port > 65535)
        return QStringLiteral("The port must be a whole number from 0 to 65535 (0 turns the local API off); %1 is "
                              "out of range.")
            .arg(port);
    return {};
}

QString databaseProblem(const QString &text)
{
    if (text.trimmed().isEmpty())
        return QStringLiteral("The database URL is empty: use sqlite:///path/to/file.db, a file path, or "
                              "postgres://user@host/database.");
    auto url = DatabaseUrl::parse(text);
    if (!url.ok())
        return QStringLiteral("The database URL is not valid: %1.").arg(url.error().message);
    return {};
}

QString providerBaseUrlProblem(ChatSettings::Provider provider, const QString &text)
{
    if (provider != ChatSettings::Provider::OpenAi || text.trimmed().isEmpty())
        return {};
    if (!ChatSettings::isHttpUrl(text.trimmed()))
        return QStringLiteral("The provider base URL must be an http or https URL, such as %1.")
            .arg(ChatSettings::kDefaultBaseUrl);
    return {};
}

QString providerModelProblem(const QString &text)
{
    if (text.size() > kMaxModelLength)
        return QStringLiteral("The provider model name is longer than %1 characters.").arg(kMaxModelLength);
    for (const QChar c : text) {
        if (c.category() == QChar::Other_Control)
            return QStringLiteral("The provider model name contains a control character (a line break or tab).");
    }
    return {};
}

bool databaseUrlHasPassword(const QString &text)
{
    auto url = DatabaseUrl::parse(text);
    if (!url.ok() || url->dialect() != Dialect::Postgres)
        return false;
    const QUrl parsed(url->postgresUri());
    return !parsed.password().isEmpty() || parsed.query().contains(QLatin1String("password="), Qt::CaseInsensitive);
}

// A value of the INI file as text: QSettings reads "a, b" as a list, which is still what the user typed.
std::optional<QString> textValue(const QSettings &file, const QString &key)
{
    if (!file.contains(key))
        return std::nullopt;
    const QVariant value = file.value(key);
    if (value.typeId() == QMetaType::QStringList)
        return value.toStringList().join(QStringLiteral(", "));
    return value.toString();
}

bool environmentSet(const char *name)
{
    return !qEnvironmentVariable(name).trimmed().isEmpty();
}

} // namespace

ConsoleSettings ConsoleSettings::defaults()
{
    ConsoleSettings settings;
    settings.databaseUrl = DatabaseUrl::sqliteFile(defaultDatabasePath()).redacted();
    return settings;
}

QHash<QString, QString> ConsoleSettings::problems() const
{
    QHash<QString, QString> found;
    const auto note = [&found](const QString &key, const QString &problem) {
        if (!problem.isEmpty())
            found.insert(key, problem);
    };
    note(kListenAddressKey, listenAddressProblem(listenAddress));
    note(kPortKey, portProblem(port));
    note(kWorkersKey, workersProblem(workers));
    note(kDatabaseUrlKey, databaseProblem(databaseUrl));
    note(kProviderBaseUrlKey, providerBaseUrlProblem(provider, providerBaseUrl));
    note(kProviderModelKey, providerModelProblem(providerModel));
    return found;
}

QHash<QString, QString> ConsoleSettings::problemsForSaving() const
{
    QHash<QString, QString> found = problems();
    if (!found.contains(kDatabaseUrlKey) && databaseUrlHasPassword(databaseUrl))
        found.insert(kDatabaseUrlKey,
                     QStringLiteral("The database URL carries a password, which would be stored in the settings file "
                                    "in plain text: leave it out and keep it in ~/.pgpass (or PGPASSFILE), or pass "
                                    "the URL with --database."));
    if (!found.contains(kProviderBaseUrlKey) && !providerBaseUrl.trimmed().isEmpty()
        && !QUrl(providerBaseUrl.trimmed()).userInfo().isEmpty())
        found.insert(kProviderBaseUrlKey,
                     QStringLiteral("The provider base URL carries a user name or password, which would be stored in "
                                    "the settings file in plain text: leave it out and enter the API key instead."));
    return found;
}

Status ConsoleSettings::validate() const
{
    const QHash<QString, QString> found = problems();
    if (found.isEmpty())
        return {};
    return validationError(found);
}

bool ConsoleSettings::listensBeyondLoopback() const
{
    const QHostAddress address(listenAddress.trimmed());
    return !address.isNull() && !address.isLoopback();
}

QString ConsoleSettings::exposureWarning() const
{
    if (!listensBeyondLoopback())
        return {};
    const QHostAddress address(listenAddress.trimmed());
    // 0.0.0.0, :: and the dual-stack "any" are one wildcard once unspecified addresses compare alike.
    const bool everyInterface
        = address.isEqual(QHostAddress(QHostAddress::Any), QHostAddress::ConvertUnspecifiedAddress);
    return QStringLiteral("%1 is not a loopback address: the HTTP API will be reachable from the network%2%3, over "
                          "plain HTTP. Anyone who can reach this machine can try to sign in, and passwords and tokens "
                          "cross the network unencrypted. Keep 127.0.0.1 unless other machines must connect, and then "
                          "put a firewall and a TLS proxy in front.")
        .arg(listenAddress.trimmed(),
             everyInterface ? QStringLiteral(" on every interface of this machine") : QString(),
             port > 0 ? QStringLiteral(" (port %1)").arg(port) : QString());
}

EndpointOptions ConsoleSettings::endpointOptions() const
{
    EndpointOptions options;
    options.address = QHostAddress(listenAddress.trimmed());
    options.port = quint16(port);
    return options;
}

Result<DatabaseUrl> ConsoleSettings::database() const
{
    return DatabaseUrl::parse(databaseUrl);
}

Result<ChatSettings> ConsoleSettings::chatSettings(SecretStore *secrets) const
{
    return ChatSettings::forProvider(provider, providerBaseUrl, providerModel, secrets);
}

Result<ConsoleSettings> ConsoleSettings::withEnvironment(QStringList *overrides) const
{
    ConsoleSettings merged = *this;
    const auto note = [overrides](const QString &sentence) {
        if (overrides)
            overrides->append(sentence);
    };
    const QString database = qEnvironmentVariable("TWINOPS_DATABASE_URL").trimmed();
    if (!database.isEmpty()) {
        if (auto url = DatabaseUrl::parse(database); !url.ok())
            return Error::badRequest(QStringLiteral("TWINOPS_DATABASE_URL: %1").arg(url.error().message));
        merged.databaseUrl = database;
        note(QStringLiteral("TWINOPS_DATABASE_URL in the environment sets the database."));
    }
    if (environmentSet("TWINOPS_LLM_PROVIDER") || environmentSet("TWINOPS_LLM_BASE_URL")) {
        TWINOPS_TRY_ASSIGN(const auto chat, ChatSettings::fromEnvironment());
        merged.provider = chat.provider;
        merged.providerBaseUrl = chat.baseUrl;
        merged.providerModel = chat.model;
        note(QStringLiteral("TWINOPS_LLM_* variables in the environment configure the chat provider."));
    } else if (environmentSet("TWINOPS_LLM_MODEL")) {
        merged.providerModel = qEnvironmentVariable("TWINOPS_LLM_MODEL").trimmed();
        note(QStringLiteral("TWINOPS_LLM_MODEL in the environment sets the provider model."));
    }
    if (environmentSet("TWINOPS_LLM_API_KEY"))
        note(QStringLiteral("TWINOPS_LLM_API_KEY in the environment is used instead of the key in the keychain."));
    return merged;
}

Result<int> ConsoleSettings::parsePort(const QString &text)
{
    bool ok = false;
    const int port = text.trimmed().toInt(&ok);
    if (!ok || !portProblem(port).isEmpty())
        return Error::validation(kPortKey,
                                 QStringLiteral("The port must be a whole number from 0 to 65535 (0 turns "
                                                "the local API off); \"%1\" is not.")
                                     .arg(text.trimmed()));
    return port;
}

Result<int> ConsoleSettings::parseWorkers(const QString &text)
{
    bool ok = false;
    const int workers = text.trimmed().toInt(&ok);
    if (!ok || !workersProblem(workers).isEmpty())
        return Error::validation(kWorkersKey,
                                 QStringLiteral("The worker count must be a whole number from 0 to %1 (0 only "
                                                "enqueues jobs); \"%2\" is not.")
                                     .arg(kMaxWorkers)
                                     .arg(text.trimmed()));
    return workers;
}

Result<ChatSettings::Provider> ConsoleSettings::parseProvider(const QString &text)
{
    const QString name = text.trimmed().toLower();
    if (name == chatProviderName(ChatSettings::Provider::Grounded))
        return ChatSettings::Provider::Grounded;
    if (name == chatProviderName(ChatSettings::Provider::OpenAi))
        return ChatSettings::Provider::OpenAi;
    return Error::validation(kProviderKey,
                             QStringLiteral("The provider must be grounded (built in, offline) or "
                                            "openai (an OpenAI-compatible server); \"%1\" is neither.")
                                 .arg(text.trimmed()));
}

ConsoleSettings::Loaded ConsoleSettings::load(const QString &path)
{
    Loaded loaded{defaults(), {}};
    if (!QFileInfo::exists(path))
        return loaded;
    const QSettings file(path, QSettings::IniFormat);
    if (file.status() == QSettings::AccessError) {
        loaded.problems << QStringLiteral("The settings file %1 could not be read (no permission, or not a "
                                          "file), so the defaults are used.")
                               .arg(QDir::toNativeSeparators(path));
        return loaded;
    }
    // QSettings keeps the lines it understood; the others are lost, which the user should know.
    if (file.status() == QSettings::FormatError)
        loaded.problems << QStringLiteral("The settings file %1 has lines that are not \"key=value\"; they are "
                                          "ignored.")
                               .arg(QDir::toNativeSeparators(path));
    ConsoleSettings &settings = loaded.settings;
    const ConsoleSettings fallback = defaults();
    // A value that is not valid is named with what was wrong and replaced by its default.
    const auto reject = [&loaded](const QString &key, const QString &problem, const QString &defaultValue) {
        loaded.problems << QStringLiteral("%1 in the settings file: %2 The default (%3) is used instead.")
                               .arg(key, problem, defaultValue.isEmpty() ? QStringLiteral("none") : defaultValue);
    };

    if (auto address = textValue(file, kListenAddressKey)) {
        if (const QString problem = listenAddressProblem(*address); problem.isEmpty())
            settings.listenAddress = address->trimmed();
        else
            reject(kListenAddressKey, problem, fallback.listenAddress);
    }
    if (auto port = textValue(file, kPortKey)) {
        if (auto parsed = parsePort(*port); parsed.ok())
            settings.port = *parsed;
        else
            reject(kPortKey, parsed.error().details.value(kPortKey), QString::number(fallback.port));
    }
    if (auto workers = textValue(file, kWorkersKey)) {
        if (auto parsed = parseWorkers(*workers); parsed.ok())
            settings.workers = *parsed;
        else
            reject(kWorkersKey, parsed.error().details.value(kWorkersKey), QString::number(fallback.workers));
    }
    if (auto database = textValue(file, kDatabaseUrlKey)) {
        // The value is not repeated in the message: a PostgreSQL URL may carry a password.
        if (const QString problem = databaseProblem(*database); problem.isEmpty())
            settings.databaseUrl = database->trimmed();
        else
            reject(kDatabaseUrlKey, problem, fallback.databaseUrl);
    }
    if (auto provider = textValue(file, kProviderKey)) {
        if (auto parsed = parseProvider(*provider); parsed.ok())
            settings.provider = *parsed;
        else
            reject(kProviderKey, parsed.error().details.value(kProviderKey), chatProviderName(fallback.provider));
    }
    if (auto baseUrl = textValue(file, kProviderBaseUrlKey)) {
        if (const QString problem = providerBaseUrlProblem(settings.provider, *baseUrl); problem.isEmpty())
            settings.providerBaseUrl = baseUrl->trimmed();
        else
            reject(kProviderBaseUrlKey, problem, ChatSettings::kDefaultBaseUrl);
    }
    if (auto model = textValue(file, kProviderModelKey)) {
        if (const QString problem = providerModelProblem(*model); problem.isEmpty())
            settings.providerModel = model->trimmed();
        else
            reject(kProviderModelKey, problem, ChatSettings::kDefaultModel);
    }
    return loaded;
}

Status ConsoleSettings::save(const QString &path) const
{
    if (const QHash<QString, QString> found = problemsForSaving(); !found.isEmpty())
        return validationError(found);
    const QString folder = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(folder))
        return Error::unavailable(
            QStringLiteral("The folder %1 could not be created.").arg(QDir::toNativeSeparators(folder)));
    QSettings file(path, QSettings::IniFormat);
    file.setValue(kListenAddressKey, listenAddress.trimmed());
    file.setValue(kPortKey, port);
    file.setValue(kWorkersKey, workers);
    file.setValue(kDatabaseUrlKey, databaseUrl.trimmed());
    file.setValue(kProviderKey, chatProviderName(provider));
    file.setValue(kProviderBaseUrlKey, providerBaseUrl.trimmed());
    file.setValue(kProviderModelKey, providerModel.trimmed());
    file.sync();
    if (file.status() != QSettings::NoError)
        return Error::unavailable(QStringLiteral("The settings could not be written to %1 (%2).")
                                      .arg(QDir::toNativeSeparators(path),
                                           file.status() == QSettings::AccessError
                                               ? QStringLiteral("no permission to write there, or not a file")
                                               : QStringLiteral("format error")));
    return {};
}

bool operator==(const ConsoleSettings &a, const ConsoleSettings &b)
{
    return a.listenAddress == b.listenAddress && a.port == b.port && a.workers == b.workers
        && a.databaseUrl == b.databaseUrl && a.provider == b.provider && a.providerBaseUrl == b.providerBaseUrl
        && a.providerModel == b.providerModel;
}

} // namespace twinops
