#pragma once

#include "auth/secretstore.h"
#include "core/result.h"

#include <QList>
#include <QMutex>
#include <QString>
#include <QUrl>

#include <memory>
#include <optional>

namespace twinops {

// A remote environment as the console lists it. The secrets themselves are never part of it: only whether
// there are any.
struct EnvironmentEntry
{
    QString id;
    QString name;
    QUrl baseUrl;
    bool hasAdminKey = false;
    bool hasDsn = false;
};

// Where the secrets of remote environments go. Unavailable: no keychain, and the user has not (yet) chosen the
// file fallback, so nothing is stored.
enum class SecretBackend { Keychain, File, Unavailable };

// The console's remote environments. The non-secret list lives in an INI file (QSettings); the admin key and
// PostgreSQL DSN of each environment live in the OS keychain ("environment/<id>/admin-key", ".../dsn"), or in
// owner-only files when the user explicitly chose the file fallback (remembered in the INI file). Secrets never
// go into the INI file, and nothing is written to a file without that choice.
//
// Every call may block: the keychain is asked over D-Bus and may wait for a person to unlock it (bounded by the
// keychain store's timeout). Callers run them off the GUI thread. Calls are serialized by a mutex, so one store
// may be shared by several threads; it must outlive every call running on it.
class EnvironmentStore final
{
public:
    // settingsPath: the INI file. keychain: the keychain to use; a KeychainSecretStore when null (tests inject
    // one that is unreachable, or another store).
    explicit EnvironmentStore(QString settingsPath, std::unique_ptr<SecretStore> keychain = {});
    ~EnvironmentStore();
    EnvironmentStore(const EnvironmentStore &) = delete;
    EnvironmentStore &operator=(const EnvironmentStore &) = delete;

    // Which store the secrets go to. Asks the keychain once (a read of a key that does not exist) unless the file
    // fallback was chosen; a keychain that later stops answering turns it Unavailable.
    SecretBackend backend();
    // Why the keychain is unavailable, in words (empty otherwise).
    QString unavailableReason();
    // The file fallback's directory when chosen, else empty.
    QString fileFallbackDirectory();
    // Where the file fallback goes unless the user picks another place: <app data>/secrets.
    static QString defaultFileFallbackDirectory();
    // The user's explicit choice: secrets go to files (0600) in `directory` (0700) from now on, also after a
    // restart. Secrets already in the keychain stay there and are still read from it while it answers.
    Status useFileFallback(const QString &directory);

    Result<QList<EnvironmentEntry>> list();
    // Stores the secrets first, then the entry, so that a listed environment always has the secrets it claims.
    // adminKey is required, dsn is optional. Unavailable while there is no keychain and no file fallback.
    Result<QString> add(const QString &name, const QUrl &baseUrl, const QString &adminKey, const QString &dsn = {});
    // Changes an environment's name and base URL, and its admin key or DSN when given (an empty one keeps the stored
    // secret). Secrets first, as in add(): the entry never claims a secret that was not stored.
    Status update(const QString &id, const QString &name, const QUrl &baseUrl, const QString &adminKey = {},
                  const QString &dsn = {});
    // Removes the entry and deletes its secrets.
    Status remove(const QString &id);
    Result<QString> adminKey(const QString &id);
    // An empty string when the environment has no DSN.
    Result<QString> dsn(const QString &id);

    static QString adminKeyName(const QString &id);
    static QString dsnName(const QString &id);

private:
    SecretBackend backendLocked();
    // The store to write to, or why there is none; a keychain that fails a write is Unavailable from then on.
    Result<SecretStore *> writableStore();
    Status writeSecret(SecretStore *store, const QString &key, const QString &secret);
    SecretStore *activeStore();
    Result<QString> readSecret(const QString &id, const QString &key, bool expected);

    QMutex m_mutex;
    const QString m_settingsPath;
    std::unique_ptr<SecretStore> m_keychain;
    std::unique_ptr<FileSecretStore> m_files;
    std::optional<bool> m_keychainAvailable; // unknown until asked
    QString m_unavailableReason;
};

} // namespace twinops
