#pragma once

#include "core/result.h"
#include "notify/webhookreceiver.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace twinops {

// The X-TwinOps-Signature value for `body` sent at `time`: "t=<unix seconds>,v1=<hex HMAC-SHA256 of
// '<t>.<body>' under the secret>", Stripe's scheme. A receiver recomputes v1 over the raw body, compares in
// constant time and rejects a t too far from its clock, which stops replays (docs/alerts-webhooks.md).
QByteArray webhookSignature(const QByteArray &secret, const QDateTime &time, const QByteArray &body);

// What became of one POST to a receiver.
struct WebhookAttempt
{
    int status = 0; // 0 when no HTTP answer arrived
    QString transportError; // refused, timed out, TLS, reset …; empty when an answer arrived
    QByteArray body; // the start of the answer, at most the settings' maxResponseBytes
    bool truncated = false; // the answer was longer and was cut off
};

// POSTs `body` to the receiver, signed, with `deliveryId` in X-TwinOps-Delivery (the same on every retry, so a
// receiver can drop duplicates). Blocks its caller (a job worker: never an HTTP or GUI thread) for at most the
// settings' timeout, on a network manager and event loop of its own; redirects are not followed.
WebhookAttempt postWebhook(const WebhookReceiver &receiver, const WebhookSettings &settings,
                           const QByteArray &deliveryId, const QByteArray &body);

// How an attempt ends the job: Ok = delivered (2xx); BadRequest = permanent (3xx, and 4xx other than 408 and
// 429: retrying cannot help; the queue discards the job with this reason); Unavailable = retried (5xx, 408, 429
// and transport errors).
Status webhookOutcome(const WebhookReceiver &receiver, const WebhookAttempt &attempt);

} // namespace twinops
