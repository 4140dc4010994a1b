#pragma once

// Stand-ins for the keychain, for the tests that are about what is read and shown, not about the keychain itself
// (tst_secretstore, tst_environmentstore and tst_consolesettings cover the real one).
#include "auth/secretstore.h"

#include <QMutex>
#include <QMutexLocker>

#include <map>

namespace twinops::test {

// A secret store in memory that always answers.
class MemorySecretStore final : public SecretStore
{
public:
    QString description() const override { return QStringLiteral("the test keychain"); }
    Result<QByteArray> read(const QString &key) override
    {
        QMutexLocker lock(&m_mutex);
        const auto it = m_secrets.find(key);
        if (it == m_secrets.end())
            return Error::notFound();
        return it->second;
    }
    Status write(const QString &key, const QByteArray &secret) override
    {
        QMutexLocker lock(&m_mutex);
        m_secrets[key] = secret;
        return {};
    }
    Status remove(const QString &key) override
    {
        QMutexLocker lock(&m_mutex);
        m_secrets.erase(key);
        return {};
    }

private:
    QMutex m_mutex;
    std::map<QString, QByteArray> m_secrets;
};

// What KeychainSecretStore answers without a D-Bus session.
class UnreachableKeychain final : public SecretStore
{
public:
    QString description() const override { return QStringLiteral("the system keychain"); }
    Result<QByteArray> read(const QString &) override { return unreachable(); }
    Status write(const QString &, const QByteArray &) override { return unreachable(); }
    Status remove(const QString &) override { return unreachable(); }

private:
    static Error unreachable() { return Error::unavailable(QStringLiteral("no keychain: there is no D-Bus session")); }
};

} // namespace twinops::test
