#include "serving.h"

#include "auth/secretstore.h"
#include "config/databaselocation.h"
#include "core/environment.h"
#include "core/logging.h"

#include <QDir>

namespace twinops::app {

namespace {
// The secret store key of the generated alert webhook signing secret (a file of that name in secrets/).
const QString kAlertWebhookSecretKey = QStringLiteral("alert-webhook-secret");
} // namespace

QString secretsDirectory()
{
    return QDir(applicationDataDirectory()).filePath(QStringLiteral("secrets"));
}

Result<WebhookSettings> alertWebhookSettings(const QStringList &urls, SecretStore &secrets)
{
    WebhookSettings settings;
    if (urls.isEmpty())
        return settings;
    TWINOPS_TRY_ASSIGN(const QByteArray secret,
                       loadOrCreateSecret(secrets, "TWINOPS_ALERT_WEBHOOK_SECRET", kAlertWebhookSecretKey));
    for (const QString &url : urls) {
        TWINOPS_TRY_ASSIGN(WebhookReceiver receiver, WebhookReceiver::fromUrl(url));
        receiver.secret = secret;
        if (settings.find(receiver.name))
            return Error::badRequest(QStringLiteral("--alert-webhook %1 is given twice").arg(receiver.target()));
        settings.receivers.append(receiver);
        qCInfo(lcNotify).noquote() << "alert notifications go to" << receiver.name << receiver.target();
    }
    if (environmentValue("TWINOPS_ALERT_WEBHOOK_SECRET").isEmpty())
        qCInfo(lcNotify).noquote() << "alert webhooks are signed with the secret in" << secrets.description()
                                   << "(" + kAlertWebhookSecretKey + "; TWINOPS_ALERT_WEBHOOK_SECRET overrides it)";
    return settings;
}

Result<std::unique_ptr<ServiceCore>> startServing(const DatabaseUrl &url, const EndpointOptions &http, int workers,
                                                  std::chrono::seconds lease, const QStringList &alertWebhooks)
{
    TWINOPS_TRY_ASSIGN(CoreOptions options, CoreOptions::fromEnvironment(url));
    FileSecretStore secrets(secretsDirectory());
    TWINOPS_TRY_ASSIGN(const QByteArray secret, loadOrCreateJwtSecret(secrets));
    TWINOPS_TRY_ASSIGN(options.alertWebhooks, alertWebhookSettings(alertWebhooks, secrets));
    TWINOPS_TRY_ASSIGN(std::unique_ptr<ServiceCore> core, ServiceCore::start(std::move(options)));
    core->startWorkers(workers, lease);
    TWINOPS_TRY(core->serveHttp(http, secret));
    return core;
}

} // namespace twinops::app
