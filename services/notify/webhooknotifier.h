#pragma once

#include "core/result.h"
#include "jobs/job.h"
#include "jobs/jobhandler.h"
#include "notify/alertnotice.h"
#include "notify/webhookreceiver.h"
#include "storage/database.h"

#include <QList>
#include <QMutex>
#include <QString>

#include <memory>

namespace twinops {

// Sends alert notices to the configured webhook receivers through the durable job queue: one job per receiver per
// batch (the notices of one evaluation round, grouped in one payload as Alertmanager groups), so a notification is
// visible in the Jobs panel, retried with backoff while the receiver is down and discarded only after
// WebhookSettings::maxAttempts or an answer that retrying cannot change. Thread-safe.
class WebhookNotifier final
{
public:
    explicit WebhookNotifier(WebhookSettings settings);

    const QList<WebhookReceiver> &receivers() const { return m_settings.receivers; }
    // Alertmanager's externalURL in the messages enqueued from now on: where this instance is served.
    void setExternalUrl(const QString &url);

    // Enqueues on `db` (the caller's connection: inside the caller's transaction, the notification commits with the
    // alert state change that caused it), one job per receiver that accepts at least one of the notices, with
    // those notices. Returns the jobs; none when no receiver wants any.
    Result<QList<Job>> notify(Database &db, const QList<AlertNotice> &notices) const;
    // The notices to one receiver, whatever its severities (a test notification, Grafana's "Test" button).
    Result<Job> send(Database &db, const WebhookReceiver &receiver, const QList<AlertNotice> &notices) const;

    // A notice that says it is a test, for checking that a receiver is reachable and verifies the signature.
    static AlertNotice testNotice(AlertNotice::Status status);

    // The handler that delivers this notifier's jobs (to be added to the process's JobHandlers).
    std::shared_ptr<JobHandler> handler() const;

private:
    const WebhookSettings m_settings;
    mutable QMutex m_lock;
    QString m_externalUrl;
};

// Delivers one webhook_notification job: renders its message in the receiver's format, signs it and POSTs it
// (postWebhook, outside the worker's transaction). Payload: {receiver, target, message (Alertmanager's)}.
class WebhookHandler final : public JobHandler
{
public:
    explicit WebhookHandler(WebhookSettings settings)
        : m_settings(std::move(settings))
    { }

    QString type() const override { return jobtypes::webhookNotification; }
    RetryPolicy retryPolicy() const override { return m_settings.retry; }
    bool callsNetwork() const override { return true; }
    Result<QJsonObject> run(JobContext &context) override;

private:
    const WebhookSettings m_settings;
};

} // namespace twinops
