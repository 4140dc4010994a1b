#include "notify/webhookreceiver.h"

#include "auth/crypto.h"

#include <QSet>

namespace twinops {

bool WebhookReceiver::accepts(const AlertNotice &notice) const
{
    return severities.isEmpty() || severities.contains(notice.severity());
}

QString WebhookReceiver::target() const
{
    return url.adjusted(QUrl::RemoveUserInfo | QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment).toString();
}

QString WebhookReceiver::problem() const
{
    if (name.isEmpty())
        return QStringLiteral("a webhook receiver needs a name");
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
        || url.host().isEmpty())
        return QStringLiteral("webhook receiver %1: the URL must be an absolute http:// or https:// URL").arg(name);
    if (secret.size() < kMinimumWebhookSecretBytes)
        return QStringLiteral("webhook receiver %1: the signing secret must be at least %2 bytes")
            .arg(name)
            .arg(kMinimumWebhookSecretBytes);
    return {};
}

Result<WebhookReceiver> WebhookReceiver::fromUrl(const QString &text)
{
    WebhookReceiver receiver;
    receiver.url = QUrl(text, QUrl::StrictMode);
    receiver.name = QStringLiteral("webhook-") + crypto::sha256Hex(text.toUtf8()).left(8);
    receiver.secret = QByteArray(kMinimumWebhookSecretBytes, 'x'); // any, to check the rest
    if (const QString problem = receiver.problem(); !problem.isEmpty())
        return Error::badRequest(
            QStringLiteral("--alert-webhook: the URL must be an absolute http:// or https:// URL"));
    receiver.secret.clear();
    return receiver;
}

const WebhookReceiver *WebhookSettings::find(const QString &name) const
{
    for (const WebhookReceiver &receiver : receivers) {
        if (receiver.name == name)
            return &receiver;
    }
    return nullptr;
}

QString WebhookSettings::problem() const
{
    QSet<QString> names;
    for (const WebhookReceiver &receiver : receivers) {
        if (const QString problem = receiver.problem(); !problem.isEmpty())
            return problem;
        if (names.contains(receiver.name))
            return QStringLiteral("webhook receiver %1 is configured twice").arg(receiver.name);
        names.insert(receiver.name);
    }
    if (timeout.count() <= 0 || maxResponseBytes <= 0 || maxAttempts < 1)
        return QStringLiteral("webhook delivery needs a positive timeout, response cap and attempt count");
    return {};
}

} // namespace twinops
