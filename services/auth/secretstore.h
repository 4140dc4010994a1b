#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QString>

#include <chrono>

namespace twinops {

// Where secrets (the JWT signing key, provider keys, remote admin keys) live. Never in logs, responses or plain
// config files unless the user asked for the file store.
class SecretStore
{
public:
    virtual ~SecretStore() = default;
    virtual QString description() const = 0;
    // NotFound when the key has no secret yet; Unavailable when the store itself cannot be reached.
    virtual Result<QByteArray> read(const QString &key) = 0;
    virtual Status write(const QString &key, const QByteArray &secret) = 0;
    virtual Status remove(const QString &key) = 0;
};

// The OS keychain through QtKeychain (Secret Service on Linux, over D-Bus). Every call runs on the process's one
// keychain thread and blocks its caller, on any thread, until the keychain answers or the timeout passes (then it is
// Unavailable). Never call it on the GUI thread of a window that is showing.
class KeychainSecretStore final : public SecretStore
{
public:
    // The timeout covers a person answering the keychain's own prompt (creating or unlocking a keyring).
    explicit KeychainSecretStore(QString service = QStringLiteral("TwinOps"),
                                 std::chrono::milliseconds timeout = std::chrono::seconds(10));
    QString description() const override { return QStringLiteral("the system keychain"); }
    Result<QByteArray> read(const QString &key) override;
    Status write(const QString &key, const QByteArray &secret) override;
    Status remove(const QString &key) override;

private:
    QString m_service;
    std::chrono::milliseconds m_timeout;
};

// One file per secret, mode 0600, in a directory only the user can enter (0700). For servers without a
// keychain, and for a user who explicitly chooses it.
class FileSecretStore final : public SecretStore
{
public:
    explicit FileSecretStore(QString directory);
    QString description() const override { return m_directory; }
    Result<QByteArray> read(const QString &key) override;
    Status write(const QString &key, const QByteArray &secret) override;
    Status remove(const QString &key) override;

private:
    QString path(const QString &key) const;
    QString m_directory;
};

// A secret of at least 32 bytes: the environment variable's if set, else the store's under `key`, created (random)
// on first use.
Result<QByteArray> loadOrCreateSecret(SecretStore &store, const char *environmentName, const QString &key);
// The JWT signing secret: TWINOPS_JWT_SECRET, else the store's "jwt-signing-secret".
Result<QByteArray> loadOrCreateJwtSecret(SecretStore &store);

} // namespace twinops
