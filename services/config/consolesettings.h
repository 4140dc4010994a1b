#pragma once

#include "core/result.h"
#include "http/httpendpoint.h"
#include "knowledge/chatsettings.h"
#include "storage/databaseurl.h"

#include <QHash>
#include <QString>
#include <QStringList>

namespace twinops {

class SecretStore;

// What the desktop console (`twinops`) runs with: its embedded HTTP endpoint, its job workers, its database and
// the chat provider. The values live in an INI file the caller names (the console uses <app config>/console.ini);
// the provider's API key is a secret and lives in a SecretStore (the keychain) as kProviderApiKeySecret, never in
// the file. Only load() and save() touch the file; nothing here touches the keychain except chatSettings().
//
// Precedence, which the console applies: command line > environment (TWINOPS_DATABASE_URL, TWINOPS_LLM_*) >
// this file > defaults().
struct ConsoleSettings
{
    // INI keys; problems() names the fields by them as well.
    static const QString kListenAddressKey;
    static const QString kPortKey;
    static const QString kWorkersKey;
    static const QString kDatabaseUrlKey;
    static const QString kProviderKey;
    static const QString kProviderBaseUrlKey;
    static const QString kProviderModelKey;
    // The secret store key of the provider's API key: ChatSettings::kApiKeySecret, which fromEnvironment reads too.
    static const QString &kProviderApiKeySecret;

    static constexpr int kDefaultPort = 8710;
    static constexpr int kDefaultWorkers = 2;
    static constexpr int kMaxWorkers = 64;

    QString listenAddress = QStringLiteral("127.0.0.1"); // numeric IPv4 or IPv6 address
    int port = kDefaultPort; // 0: the console serves no HTTP API
    int workers = kDefaultWorkers; // 0: jobs are only enqueued (another process runs them)
    QString databaseUrl; // as DatabaseUrl::parse reads it; defaults() sets the embedded SQLite file
    ChatSettings::Provider provider = ChatSettings::Provider::Grounded;
    QString providerBaseUrl; // openai only; empty: https://api.openai.com/v1
    QString providerModel; // openai only; empty: gpt-4o-mini

    // Everything at its default; the database is twinops.db in the app-data location, the file
    // resolveDatabaseUrl("") picks when TWINOPS_DATABASE_URL is not set.
    static ConsoleSettings defaults();

    // What is wrong with each invalid field, in words, by INI key; empty when every field is valid.
    QHash<QString, QString> problems() const;
    // problems(), plus what may not go into a plain file: a password in the database URL.
    QHash<QString, QString> problemsForSaving() const;
    // Ok, or ValidationFailed with problems() as details and all of them in the message.
    Status validate() const;

    // Whether the endpoint would be reachable from other machines: a listen address that is not loopback.
    bool listensBeyondLoopback() const;
    // What the console says about such an address (empty for a loopback one).
    QString exposureWarning() const;

    // For valid settings.
    EndpointOptions endpointOptions() const;
    Result<DatabaseUrl> database() const;
    // The provider these settings name, ready for ServiceCore::serveHttp. The API key is TWINOPS_LLM_API_KEY, else
    // `secrets`' kProviderApiKeySecret (none when `secrets` is null); the timeouts are TWINOPS_LLM_FIRST_BYTE_TIMEOUT
    // and TWINOPS_LLM_TIMEOUT when set. May block on the secret store: call it off the GUI thread.
    Result<ChatSettings> chatSettings(SecretStore *secrets) const;

    // These settings with what this process's environment sets over them: TWINOPS_DATABASE_URL; and the provider
    // entirely when TWINOPS_LLM_PROVIDER or TWINOPS_LLM_BASE_URL is set (as twinopsd reads them), else
    // TWINOPS_LLM_MODEL over the model. `overrides` gets one sentence per overridden value (and one when
    // TWINOPS_LLM_API_KEY replaces the stored key). A variable that is not valid is an error that names it.
    Result<ConsoleSettings> withEnvironment(QStringList *overrides = nullptr) const;

    // Parsers of text shared by the file, the panel and the command line; their errors say what is expected.
    static Result<int> parsePort(const QString &text);
    static Result<int> parseWorkers(const QString &text);
    static Result<ChatSettings::Provider> parseProvider(const QString &text);

    struct Loaded;
    // A missing file gives the defaults. A value that is not valid is replaced by its default and explained in
    // Loaded::problems, so a file edited by hand never keeps the console from starting.
    static Loaded load(const QString &path);
    // Validates (problemsForSaving) and writes every field, creating the folder; writes nothing when a field is not
    // valid (ValidationFailed) and says why when the file cannot be written (Unavailable).
    Status save(const QString &path) const;

    friend bool operator==(const ConsoleSettings &a, const ConsoleSettings &b);
    friend bool operator!=(const ConsoleSettings &a, const ConsoleSettings &b) { return !(a == b); }
};

struct ConsoleSettings::Loaded
{
    ConsoleSettings settings;
    QStringList problems; // one sentence per value that was replaced by its default, or about the file itself
};

} // namespace twinops
