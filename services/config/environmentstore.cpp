#include "config/environmentstore.h"

#include <QDir>
#include <QFile>
#include <QMutexLocker>
#include <QSettings>
#include <QStandardPaths>
#include <QUuid>

namespace twinops {

namespace {

const QString kIdsKey = QStringLiteral("environments/ids");
const QString kFileFallbackKey = QStringLiteral("secrets/fileFallbackDirectory");
// A key no environment uses: reading it tells whether the keychain answers at all (NotFound means it does).
const QString kProbeKey = QStringLiteral("environment/probe");

QString entryKey(const QString &id, const QString &field)
{
    return QStringLiteral("environment/%1/%2").arg(id, field);
}

Error invalid(const QString &field, const QString &problem)
{
    Error error = Error::validation(field, problem);
    error.message = problem;
    return error;
}

} // namespace

EnvironmentStore::EnvironmentStore(QString settingsPath, std::unique_ptr<SecretStore> keychain)
    : m_settingsPath(std::move(settingsPath))
    , m_keychain(keychain ? std::move(keychain) : std::make_unique<KeychainSecretStore>())
{
    const QSettings settings(m_settingsPath, QSettings::IniFormat);
    const QString directory = settings.value(kFileFallbackKey).toString();
    if (!directory.isEmpty())
        m_files = std::make_unique<FileSecretStore>(directory);
}

EnvironmentStore::~EnvironmentStore() = default;

QString EnvironmentStore::adminKeyName(const QString &id)
{
    return QStringLiteral("environment/%1/admin-key").arg(id);
}

QString EnvironmentStore::dsnName(const QString &id)
{
    return QStringLiteral("environment/%1/dsn").arg(id);
}

QString EnvironmentStore::defaultFileFallbackDirectory()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(QStringLiteral("secrets"));
}

SecretBackend EnvironmentStore::backendLocked()
{
    if (m_files)
        return SecretBackend::File;
    if (!m_keychainAvailable) {
        const auto probe = m_keychain->read(kProbeKey);
        m_keychainAvailable = probe.ok() || probe.error().code == ErrorCode::NotFound;
        m_unavailableReason = *m_keychainAvailable ? QString() : probe.error().message;
    }
    return *m_keychainAvailable ? SecretBackend::Keychain : SecretBackend::Unavailable;
}

SecretStore *EnvironmentStore::activeStore()
{
    switch (backendLocked()) {
    case SecretBackend::File: return m_files.get();
    case SecretBackend::Keychain: return m_keychain.get();
    case SecretBackend::Unavailable: break;
    }
    return nullptr;
}

SecretBackend EnvironmentStore::backend()
{
    QMutexLocker lock(&m_mutex);
    return backendLocked();
}

QString EnvironmentStore::unavailableReason()
{
    QMutexLocker lock(&m_mutex);
    return backendLocked() == SecretBackend::Unavailable ? m_unavailableReason : QString();
}

QString EnvironmentStore::fileFallbackDirectory()
{
    QMutexLocker lock(&m_mutex);
    return m_files ? m_files->description() : QString();
}

Status EnvironmentStore::useFileFallback(const QString &directory)
{
    if (directory.isEmpty() || QDir::isRelativePath(directory))
        return invalid(QStringLiteral("directory"), QStringLiteral("the secrets directory must be an absolute path"));
    QMutexLocker lock(&m_mutex);
    // Created (0700) now rather than at the first secret, so a directory that cannot exist is reported here.
    if (!QDir().mkpath(directory)
        || !QFile::setPermissions(directory, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner))
        return Error::unavailable(QStringLiteral("cannot create %1 for the secrets").arg(directory));
    QSettings settings(m_settingsPath, QSettings::IniFormat);
    settings.setValue(kFileFallbackKey, directory);
    settings.sync();
    if (settings.status() != QSettings::NoError)
        return Error::unavailable(QStringLiteral("cannot write %1").arg(m_settingsPath));
    m_files = std::make_unique<FileSecretStore>(directory);
    return {};
}

Result<QList<EnvironmentEntry>> EnvironmentStore::list()
{
    QMutexLocker lock(&m_mutex);
    const QSettings settings(m_settingsPath, QSettings::IniFormat);
    if (settings.status() != QSettings::NoError)
        return Error::unavailable(QStringLiteral("cannot read %1").arg(m_settingsPath));
    QList<EnvironmentEntry> entries;
    const QStringList ids = settings.value(kIdsKey).toStringList();
    for (const QString &id : ids) {
        EnvironmentEntry entry;
        entry.id = id;
        entry.name = settings.value(entryKey(id, QStringLiteral("name"))).toString();
        entry.baseUrl = QUrl(settings.value(entryKey(id, QStringLiteral("url"))).toString());
        entry.hasAdminKey = settings.value(entryKey(id, QStringLiteral("hasAdminKey"))).toBool();
        entry.hasDsn = settings.value(entryKey(id, QStringLiteral("hasDsn"))).toBool();
        entries.append(entry);
    }
    return entries;
}

namespace {

// What add() and update() require of every environment.
Status validateEntry(const QString &name, const QUrl &baseUrl)
{
    if (name.trimmed().isEmpty())
        return invalid(QStringLiteral("name"), QStringLiteral("the environment needs a name"));
    if (!baseUrl.isValid() || baseUrl.host().isEmpty()
        || (baseUrl.scheme() != QLatin1String("http") && baseUrl.scheme() != QLatin1String("https")))
        return invalid(
            QStringLiteral("url"),
            QStringLiteral("the base URL must be an http:// or https:// address, like https://twinops.example.com"));
    return {};
}

} // namespace

Result<SecretStore *> EnvironmentStore::writableStore()
{
    SecretStore *store = activeStore();
    if (!store)
        return Error::unavailable(
            QStringLiteral("no keychain is available (%1) and the file fallback is not enabled; nothing was stored")
                .arg(m_unavailableReason));
    return store;
}

Status EnvironmentStore::writeSecret(SecretStore *store, const QString &key, const QString &secret)
{
    auto written = store->write(key, secret.toUtf8());
    if (!written.ok() && written.error().code == ErrorCode::Unavailable && store == m_keychain.get()) {
        m_keychainAvailable = false;
        m_unavailableReason = written.error().message;
    }
    return written;
}

Result<QString> EnvironmentStore::add(const QString &name, const QUrl &baseUrl, const QString &adminKey,
                                      const QString &dsn)
{
    TWINOPS_TRY(validateEntry(name, baseUrl));
    if (adminKey.isEmpty())
        return invalid(QStringLiteral("adminKey"), QStringLiteral("the environment needs an admin API key"));

    QMutexLocker lock(&m_mutex);
    TWINOPS_TRY_ASSIGN(SecretStore *const store, writableStore());
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    auto failed = [&](const Error &error) -> Error {
        store->remove(adminKeyName(id)).ok(); // best effort: the entry is not stored, so nothing refers to them
        store->remove(dsnName(id)).ok();
        return error;
    };
    if (auto written = writeSecret(store, adminKeyName(id), adminKey); !written.ok())
        return failed(written.error());
    if (!dsn.isEmpty()) {
        if (auto written = writeSecret(store, dsnName(id), dsn); !written.ok())
            return failed(written.error());
    }

    QSettings settings(m_settingsPath, QSettings::IniFormat);
    settings.setValue(entryKey(id, QStringLiteral("name")), name.trimmed());
    settings.setValue(entryKey(id, QStringLiteral("url")), baseUrl.toString());
    settings.setValue(entryKey(id, QStringLiteral("hasAdminKey")), true);
    settings.setValue(entryKey(id, QStringLiteral("hasDsn")), !dsn.isEmpty());
    settings.setValue(kIdsKey, settings.value(kIdsKey).toStringList() << id);
    settings.sync();
    if (settings.status() != QSettings::NoError)
        return failed(Error::unavailable(QStringLiteral("cannot write %1").arg(m_settingsPath)));
    return id;
}

Status EnvironmentStore::update(const QString &id, const QString &name, const QUrl &baseUrl, const QString &adminKey,
                                const QString &dsn)
{
    TWINOPS_TRY(validateEntry(name, baseUrl));
    QMutexLocker lock(&m_mutex);
    QSettings settings(m_settingsPath, QSettings::IniFormat);
    if (!settings.value(kIdsKey).toStringList().contains(id))
        return Error::notFound(QStringLiteral("no environment with id %1").arg(id));
    if (!adminKey.isEmpty() || !dsn.isEmpty()) {
        TWINOPS_TRY_ASSIGN(const auto store, writableStore());
        if (!adminKey.isEmpty())
            TWINOPS_TRY(writeSecret(store, adminKeyName(id), adminKey));
        if (!dsn.isEmpty())
            TWINOPS_TRY(writeSecret(store, dsnName(id), dsn));
    }
    settings.setValue(entryKey(id, QStringLiteral("name")), name.trimmed());
    settings.setValue(entryKey(id, QStringLiteral("url")), baseUrl.toString());
    if (!dsn.isEmpty())
        settings.setValue(entryKey(id, QStringLiteral("hasDsn")), true);
    settings.sync();
    if (settings.status() != QSettings::NoError)
        return Error::unavailable(QStringLiteral("cannot write %1").arg(m_settingsPath));
    return {};
}

Status EnvironmentStore::remove(const QString &id)
{
    QMutexLocker lock(&m_mutex);
    QSettings settings(m_settingsPath, QSettings::IniFormat);
    QStringList ids = settings.value(kIdsKey).toStringList();
    if (!ids.contains(id))
        return Error::notFound(QStringLiteral("no environment with id %1").arg(id));
    // Secrets first: an entry whose secrets could not be deleted stays listed, so the user can retry later
    // instead of leaving a key behind that nothing refers to.
    SecretStore *store = activeStore();
    if (!store)
        return Error::unavailable(
            QStringLiteral("cannot delete the environment's secrets: no keychain is available (%1)")
                .arg(m_unavailableReason));
    TWINOPS_TRY(store->remove(adminKeyName(id)));
    TWINOPS_TRY(store->remove(dsnName(id)));
    ids.removeAll(id);
    settings.setValue(kIdsKey, ids);
    settings.remove(QStringLiteral("environment/%1").arg(id));
    settings.sync();
    if (settings.status() != QSettings::NoError)
        return Error::unavailable(QStringLiteral("cannot write %1").arg(m_settingsPath));
    return {};
}

Result<QString> EnvironmentStore::readSecret(const QString &id, const QString &key, bool expected)
{
    QMutexLocker lock(&m_mutex);
    const QSettings settings(m_settingsPath, QSettings::IniFormat);
    if (!settings.value(kIdsKey).toStringList().contains(id))
        return Error::notFound(QStringLiteral("no environment with id %1").arg(id));
    SecretStore *store = activeStore();
    if (!store)
        return Error::unavailable(QStringLiteral("no keychain is available: %1").arg(m_unavailableReason));
    auto secret = store->read(key);
    if (secret.ok())
        return QString::fromUtf8(*secret);
    if (secret.error().code == ErrorCode::NotFound && !expected)
        return QString();
    if (secret.error().code == ErrorCode::NotFound)
        return Error::notFound(
            QStringLiteral("the secret of this environment is missing from %1").arg(store->description()));
    return secret.error();
}

Result<QString> EnvironmentStore::adminKey(const QString &id)
{
    return readSecret(id, adminKeyName(id), true);
}

Result<QString> EnvironmentStore::dsn(const QString &id)
{
    return readSecret(id, dsnName(id), false);
}

} // namespace twinops
