#include "serving.h"

#include "auth/secretstore.h"
#include "config/databaselocation.h"

#include <QDir>

namespace twinops::app {

QString secretsDirectory()
{
    return QDir(applicationDataDirectory()).filePath(QStringLiteral("secrets"));
}

Result<std::unique_ptr<ServiceCore>> startServing(const DatabaseUrl &url, const EndpointOptions &http, int workers,
                                                  std::chrono::seconds lease)
{
    TWINOPS_TRY_ASSIGN(CoreOptions options, CoreOptions::fromEnvironment(url));
    FileSecretStore secrets(secretsDirectory());
    TWINOPS_TRY_ASSIGN(const QByteArray secret, loadOrCreateJwtSecret(secrets));
    TWINOPS_TRY_ASSIGN(std::unique_ptr<ServiceCore> core, ServiceCore::start(std::move(options)));
    core->startWorkers(workers, lease);
    TWINOPS_TRY(core->serveHttp(http, secret));
    return core;
}

} // namespace twinops::app
