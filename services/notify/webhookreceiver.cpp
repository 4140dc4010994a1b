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
    QString url = text;
    // A URL starts with its scheme, so a prefix before the first '=' that is not one is the words.
    if (!text.startsWith(QLatin1String("http://")) && !text.startsWith(QLatin1String("https://"))
        && text.contains(u'=')) {
        url = text.section(u'=', 1);
        bool formatGiven = false;
        for (const QString &word : text.section(u'=', 0, 0).split(u',')) {
            if (kAlertSeverities.contains(word) && !receiver.severities.contains(word)) {
                receiver.severities.append(word);
            } else if ((word == QLatin1String("slack") || word == QLatin1String("alertmanager")) && !formatGiven) {
                receiver.format = word == QLatin1String("slack") ? WebhookFormat::Slack : WebhookFormat::Alertmanager;
                formatGiven = true;
            } else {
                return Error::badRequest(QStringLiteral("--alert-webhook: \"%1\" is not slack, alertmanager or a "
                                                        "severity (%2), or is given twice")
                                             .arg(word, kAlertSeverities.join(QStringLiteral(", "))));
            }
        }
    }
    receiver.url = QUrl(url, QUrl::StrictMode);
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
