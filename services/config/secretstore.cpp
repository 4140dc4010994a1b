#include "config/secretstore.h"

#include "auth/crypto.h"
#include "auth/jwt.h"
#include "core/privatefiles.h"

#include <QDBusConnection>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QRegularExpression>
#include <QTimer>
#include <qt6keychain/keychain.h>

#include <cstdio>

namespace twinops {

namespace {

const QString kJwtSecretKey = QStringLiteral("jwt-signing-secret");

// Runs a QtKeychain job to completion on a local event loop.
bool runJob(QKeychain::Job &job, std::chrono::milliseconds timeout, QString *error)
{
    QEventLoop loop;
    bool finished = false;
    QObject::connect(&job, &QKeychain::Job::finished, &loop, [&] {
        finished = true;
        loop.quit();
    });
    QTimer::singleShot(timeout, &loop, &QEventLoop::quit);
    job.setAutoDelete(false);
    job.start();
    if (!finished)
        loop.exec();
    if (!finished) {
        *error = QStringLiteral("the keychain did not answer within %1 s").arg(timeout.count() / 1000);
        return false;
    }
    return true;
}

} // namespace

KeychainSecretStore::KeychainSecretStore(QString service, std::chrono::milliseconds timeout)
    : m_service(std::move(service))
    , m_timeout(timeout)
{ }

// The Secret Service lives on the session bus: without one there is no keychain, and asking would only wait
// for the timeout.
Status keychainReachable()
{
    if (!QDBusConnection::sessionBus().isConnected())
        return Error::unavailable(QStringLiteral("no keychain: there is no D-Bus session"));
    return {};
}

Result<QByteArray> KeychainSecretStore::read(const QString &key)
{
    TWINOPS_TRY(keychainReachable());
    QKeychain::ReadPasswordJob job(m_service);
    job.setKey(key);
    QString error;
    if (!runJob(job, m_timeout, &error))
        return Error::unavailable(error);
    if (job.error() == QKeychain::EntryNotFound)
        return Error::notFound(QStringLiteral("no secret named %1").arg(key));
    if (job.error() != QKeychain::NoError)
        return Error::unavailable(QStringLiteral("the keychain is unavailable: %1").arg(job.errorString()));
    return job.binaryData();
}

Status KeychainSecretStore::write(const QString &key, const QByteArray &secret)
{
    TWINOPS_TRY(keychainReachable());
    QKeychain::WritePasswordJob job(m_service);
    job.setKey(key);
    job.setBinaryData(secret);
    QString error;
    if (!runJob(job, m_timeout, &error))
        return Error::unavailable(error);
    if (job.error() != QKeychain::NoError)
        return Error::unavailable(QStringLiteral("the keychain is unavailable: %1").arg(job.errorString()));
    return {};
}

Status KeychainSecretStore::remove(const QString &key)
{
    QKeychain::DeletePasswordJob job(m_service);
    job.setKey(key);
    QString error;
    if (!runJob(job, m_timeout, &error))
        return Error::unavailable(error);
    if (job.error() != QKeychain::NoError && job.error() != QKeychain::EntryNotFound)
        return Error::unavailable(QStringLiteral("the keychain is unavailable: %1").arg(job.errorString()));
    return {};
}

FileSecretStore::FileSecretStore(QString directory)
    : m_directory(std::move(directory))
{ }

QString FileSecretStore::path(const QString &key) const
{
    static const QRegularExpression safe(QStringLiteral("[^A-Za-z0-9._-]"));
    return QDir(m_directory).filePath(QString(key).replace(safe, QStringLiteral("_")));
}

Result<QByteArray> FileSecretStore::read(const QString &key)
{
    QFile file(path(key));
    if (!file.exists())
        return Error::notFound(QStringLiteral("no secret named %1").arg(key));
    if (file.permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther))
        return Error::unavailable(QStringLiteral("%1 is readable by others; make it 0600").arg(file.fileName()));
    if (!file.open(QIODevice::ReadOnly))
        return Error::unavailable(QStringLiteral("cannot read %1").arg(file.fileName()));
    return file.readAll();
}

Status FileSecretStore::write(const QString &key, const QByteArray &secret)
{
    TWINOPS_TRY(makePrivateDirectory(m_directory)); // the folders above too, when it makes them (the app-data folder)
    QFile::setPermissions(m_directory, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    // Created 0600 before any byte is written, so the secret is never readable by others, not even briefly;
    // written beside the target and renamed over it, so a crash never leaves half a secret.
    const QString target = path(key);
    const QString temporary = target + QStringLiteral(".new");
    QFile::remove(temporary);
    QFile file(temporary);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, QFile::ReadOwner | QFile::WriteOwner)
        || file.write(secret) != secret.size() || !file.flush()) {
        file.remove();
        return Error::unavailable(QStringLiteral("cannot write %1").arg(temporary));
    }
    file.close();
    if (::rename(QFile::encodeName(temporary).constData(), QFile::encodeName(target).constData()) != 0) {
        QFile::remove(temporary);
        return Error::unavailable(QStringLiteral("cannot replace %1").arg(target));
    }
    return {};
}

Status FileSecretStore::remove(const QString &key)
{
    QFile::remove(path(key));
    return {};
}

Result<QByteArray> loadOrCreateJwtSecret(SecretStore &store)
{
    const QByteArray fromEnvironment = qgetenv("TWINOPS_JWT_SECRET");
    if (!fromEnvironment.isEmpty()) {
        if (fromEnvironment.size() < JwtCodec::kMinimumSecretBytes)
            return Error::badRequest(
                QStringLiteral("TWINOPS_JWT_SECRET must be at least %1 bytes").arg(JwtCodec::kMinimumSecretBytes));
        return fromEnvironment;
    }
    auto stored = store.read(kJwtSecretKey);
    if (stored.ok() && stored->size() >= JwtCodec::kMinimumSecretBytes)
        return stored;
    if (!stored.ok() && stored.error().code != ErrorCode::NotFound)
        return stored.error();
    const QByteArray secret = crypto::randomToken(48).toLatin1();
    TWINOPS_TRY(store.write(kJwtSecretKey, secret));
    return secret;
}

} // namespace twinops
