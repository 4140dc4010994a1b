#include "auth/secretstore.h"

#include "auth/crypto.h"
#include "auth/jwt.h"
#include "core/environment.h"
#include "core/privatefiles.h"

#include <QDBusConnection>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QThread>
#include <qt6keychain/keychain.h>

#include <condition_variable>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace twinops {

namespace {

const QString kJwtSecretKey = QStringLiteral("jwt-signing-secret");

// What a finished QtKeychain job answered.
struct JobAnswer
{
    QKeychain::Error error = QKeychain::NoError;
    QString errorString;
    QByteArray data; // a read job's secret
};

// The answer a caller waits for, filled in on the keychain thread whenever the job finishes (even after the caller
// gave up waiting).
struct PendingAnswer
{
    // Standard primitives: ThreadSanitizer cannot see QWaitCondition::wait release a QMutex (decisions.md, #17).
    std::mutex mutex;
    std::condition_variable arrived;
    std::optional<JobAnswer> answer;
};

// An object on the thread every QtKeychain job runs on. QtKeychain queues its jobs in one object of its own, bound
// to the thread of the first job; a job run on any other thread finishes unseen by that queue, and every later job
// then waits behind it forever. So all jobs run here, on one thread that spins its event loop (libsecret's and
// D-Bus's answers arrive through it) for the whole life of the process: it is never stopped, because a job may
// still be waiting for the keychain when the process ends.
QObject *keychainThreadContext()
{
    static QObject *const context = [] {
        auto *thread = new QThread;
        thread->setObjectName(QStringLiteral("keychain"));
        auto *object = new QObject;
        object->moveToThread(thread);
        thread->start();
        return object;
    }();
    return context;
}

// Runs the job `makeJob` creates on the keychain thread and waits up to `timeout` for its answer, on any thread and
// without an event loop of the caller's: the timeout fires whatever the keychain does. A job that does not finish in
// time is left to finish (or not) on its own; QtKeychain cannot cancel one.
std::optional<JobAnswer> runJob(std::function<QKeychain::Job *()> makeJob, std::chrono::milliseconds timeout)
{
    auto pending = std::make_shared<PendingAnswer>();
    QMetaObject::invokeMethod(
        keychainThreadContext(),
        [makeJob = std::move(makeJob), pending] {
            QKeychain::Job *job = makeJob(); // deletes itself once finished
            QObject::connect(job, &QKeychain::Job::finished, job, [pending](QKeychain::Job *finished) {
                JobAnswer answer{finished->error(), finished->errorString(), {}};
                if (auto *read = qobject_cast<QKeychain::ReadPasswordJob *>(finished))
                    answer.data = read->binaryData();
                const std::lock_guard lock(pending->mutex);
                pending->answer = std::move(answer);
                pending->arrived.notify_all();
            });
            job->start();
        },
        Qt::QueuedConnection);
    std::unique_lock lock(pending->mutex);
    pending->arrived.wait_for(lock, timeout, [&] { return pending->answer.has_value(); });
    return pending->answer;
}

Error noAnswer(std::chrono::milliseconds timeout)
{
    return Error::unavailable(QStringLiteral("the keychain did not answer within %1 s").arg(timeout.count() / 1000.0));
}

Error unavailable(const JobAnswer &answer)
{
    return Error::unavailable(QStringLiteral("the keychain is unavailable: %1").arg(answer.errorString));
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
    const auto answer = runJob(
        [service = m_service, key] {
            auto *job = new QKeychain::ReadPasswordJob(service);
            job->setKey(key);
            return job;
        },
        m_timeout);
    if (!answer)
        return noAnswer(m_timeout);
    if (answer->error == QKeychain::EntryNotFound)
        return Error::notFound(QStringLiteral("no secret named %1").arg(key));
    if (answer->error != QKeychain::NoError)
        return unavailable(*answer);
    return answer->data;
}

Status KeychainSecretStore::write(const QString &key, const QByteArray &secret)
{
    TWINOPS_TRY(keychainReachable());
    const auto answer = runJob(
        [service = m_service, key, secret] {
            auto *job = new QKeychain::WritePasswordJob(service);
            job->setKey(key);
            job->setBinaryData(secret);
            return job;
        },
        m_timeout);
    if (!answer)
        return noAnswer(m_timeout);
    if (answer->error != QKeychain::NoError)
        return unavailable(*answer);
    return {};
}

Status KeychainSecretStore::remove(const QString &key)
{
    TWINOPS_TRY(keychainReachable());
    const auto answer = runJob(
        [service = m_service, key] {
            auto *job = new QKeychain::DeletePasswordJob(service);
            job->setKey(key);
            return job;
        },
        m_timeout);
    if (!answer)
        return noAnswer(m_timeout);
    if (answer->error != QKeychain::NoError && answer->error != QKeychain::EntryNotFound)
        return unavailable(*answer);
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

Result<QByteArray> loadOrCreateSecret(SecretStore &store, const char *environmentName, const QString &key)
{
    const QByteArray fromEnvironment = environmentValue(environmentName).toUtf8();
    if (!fromEnvironment.isEmpty()) {
        if (fromEnvironment.size() < JwtCodec::kMinimumSecretBytes)
            return Error::badRequest(QStringLiteral("%1 must be at least %2 bytes")
                                         .arg(QLatin1String(environmentName))
                                         .arg(JwtCodec::kMinimumSecretBytes));
        return fromEnvironment;
    }
    auto stored = store.read(key);
    if (stored.ok() && stored->size() >= JwtCodec::kMinimumSecretBytes)
        return stored;
    if (!stored.ok() && stored.error().code != ErrorCode::NotFound)
        return stored.error();
    const QByteArray secret = crypto::randomToken(48).toLatin1();
    TWINOPS_TRY(store.write(key, secret));
    return secret;
}

Result<QByteArray> loadOrCreateJwtSecret(SecretStore &store)
{
    return loadOrCreateSecret(store, "TWINOPS_JWT_SECRET", kJwtSecretKey);
}

} // namespace twinops
