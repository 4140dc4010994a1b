#include "notify/webhookdelivery.h"

#include "auth/crypto.h"
#include "core/replywait.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace twinops {

QByteArray webhookSignature(const QByteArray &secret, const QDateTime &time, const QByteArray &body)
{
    const QByteArray t = QByteArray::number(time.toSecsSinceEpoch());
    return "t=" + t + ",v1=" + crypto::hmacSha256(secret, t + '.' + body).toHex();
}

WebhookAttempt postWebhook(const WebhookReceiver &receiver, const WebhookSettings &settings,
                           const QByteArray &deliveryId, const QByteArray &body)
{
    QNetworkAccessManager network;
    network.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    QNetworkRequest request(receiver.url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("TwinOps-Webhook/" TWINOPS_VERSION));
    request.setRawHeader("X-TwinOps-Delivery", deliveryId);
    request.setRawHeader("X-TwinOps-Signature",
                         webhookSignature(receiver.secret, QDateTime::currentDateTimeUtc(), body));
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);

    WebhookAttempt attempt;
    QNetworkReply *reply = network.post(request, body);
    QObject::connect(reply, &QNetworkReply::readyRead, reply, [&] {
        if (attempt.truncated || !reply->isOpen())
            return; // aborted: what was still on its way is dropped
        const qint64 room = settings.maxResponseBytes - attempt.body.size();
        attempt.body += reply->read(std::max<qint64>(room, 0));
        if (reply->bytesAvailable() > 0) {
            attempt.truncated = true;
            attempt.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            reply->abort(); // the status is all that matters; a receiver cannot make us read for ever
        }
    });
    if (waitForReply(*reply, settings.timeout)) {
        attempt.status = 0; // a half answer is no answer: retried
        attempt.transportError = QStringLiteral("no complete answer within %1 s")
                                     .arg(double(settings.timeout.count()) / 1000.0, 0, 'f', 1);
    } else if (!attempt.truncated) {
        if (reply->isOpen())
            attempt.body += reply->read(std::max<qint64>(settings.maxResponseBytes - attempt.body.size(), 0));
        attempt.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (attempt.status == 0)
            attempt.transportError = reply->errorString();
    }
    delete reply;
    return attempt;
}

Status webhookOutcome(const WebhookReceiver &receiver, const WebhookAttempt &attempt)
{
    const QString who = QStringLiteral("webhook %1 (%2)").arg(receiver.name, receiver.target());
    if (attempt.status == 0)
        return Error::unavailable(QStringLiteral("%1 did not answer: %2").arg(who, attempt.transportError));
    if (attempt.status >= 200 && attempt.status < 300)
        return {};
    // The receiver's own words, briefly, printable: they end up in the job's last_error.
    QString said = QString::fromUtf8(attempt.body.left(200)).simplified();
    said.removeIf([](QChar c) { return !c.isPrint(); });
    const QString answer = QStringLiteral("%1 answered HTTP %2%3")
                               .arg(who)
                               .arg(attempt.status)
                               .arg(said.isEmpty() ? QString() : QStringLiteral(": ") + said);
    if (attempt.status >= 500 || attempt.status == 408 || attempt.status == 429)
        return Error::unavailable(answer);
    if (attempt.status >= 300 && attempt.status < 400)
        return Error::badRequest(answer + QStringLiteral(" (redirects are not followed: configure the final URL)"));
    return Error::badRequest(answer);
}

} // namespace twinops
