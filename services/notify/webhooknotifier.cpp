#include "notify/webhooknotifier.h"

#include "auth/crypto.h"
#include "core/ids.h"
#include "core/json.h"
#include "core/logging.h"
#include "jobs/jobqueue.h"
#include "notify/webhookdelivery.h"

#include <QJsonDocument>

namespace twinops {

WebhookNotifier::WebhookNotifier(WebhookSettings settings)
    : m_settings(std::move(settings))
{ }

void WebhookNotifier::setExternalUrl(const QString &url)
{
    const QMutexLocker locker(&m_lock);
    m_externalUrl = url;
}

Result<QList<Job>> WebhookNotifier::notify(Database &db, const QList<AlertNotice> &notices) const
{
    QList<Job> jobs;
    for (const WebhookReceiver &receiver : m_settings.receivers) {
        QList<AlertNotice> wanted;
        for (const AlertNotice &notice : notices) {
            if (receiver.accepts(notice))
                wanted.append(notice);
        }
        if (wanted.isEmpty())
            continue;
        TWINOPS_TRY_ASSIGN(const Job job, send(db, receiver, wanted));
        jobs.append(job);
    }
    return jobs;
}

Result<Job> WebhookNotifier::send(Database &db, const WebhookReceiver &receiver,
                                  const QList<AlertNotice> &notices) const
{
    QString externalUrl;
    {
        const QMutexLocker locker(&m_lock);
        externalUrl = m_externalUrl;
    }
    const QJsonObject message = alertmanagerMessage(receiver.name, notices, externalUrl);
    NewJob job;
    job.type = jobtypes::webhookNotification;
    job.payload = {{QStringLiteral("receiver"), receiver.name},
                   {QStringLiteral("target"), receiver.target()},
                   {QStringLiteral("message"), message}};
    // The same round enqueued twice (an evaluator that crashed before it committed its state) is one job.
    job.idempotencyKey = receiver.name + u':' + crypto::sha256Hex(compactJson(message).toUtf8());
    job.maxAttempts = m_settings.maxAttempts;
    TWINOPS_TRY_ASSIGN(Job enqueued, JobQueue(db).enqueue(job));
    qCInfo(lcNotify).noquote() << "notification of" << notices.size() << "alert(s) to" << receiver.name << "queued as"
                               << enqueued.id;
    return enqueued;
}

AlertNotice WebhookNotifier::testNotice(AlertNotice::Status status)
{
    AlertNotice notice;
    notice.status = status;
    notice.labels = {{QStringLiteral("alertname"), QStringLiteral("TwinOpsTestNotification")},
                     {QStringLiteral("severity"), QStringLiteral("info")}};
    notice.annotations = {
        {QStringLiteral("summary"), QStringLiteral("A test notification from TwinOps: this receiver is reachable.")}};
    // A new alert each time (its start is part of the fingerprint), so that two tests are two notifications.
    notice.startsAt = nowUtc();
    notice.labels.insert(QStringLiteral("test_id"), crypto::randomToken(6));
    if (status == AlertNotice::Status::Resolved)
        notice.endsAt = notice.startsAt;
    return notice;
}

std::shared_ptr<JobHandler> WebhookNotifier::handler() const
{
    return std::make_shared<WebhookHandler>(m_settings);
}

Result<QJsonObject> WebhookHandler::run(JobContext &context)
{
    const QJsonObject &payload = context.job().payload;
    const QString name = payload.value(QStringLiteral("receiver")).toString();
    const WebhookReceiver *receiver = m_settings.find(name);
    // Another process on this database (a differently configured instance, `twinopsd check`) may claim it: retried,
    // so that the process that knows the receiver delivers it.
    if (!receiver)
        return Error::unavailable(
            QStringLiteral("webhook receiver %1 is not configured in this process; retried for one that is").arg(name));
    const QJsonObject message = payload.value(QStringLiteral("message")).toObject();
    if (message.isEmpty())
        return Error::badRequest(QStringLiteral("the job has no message to send"));
    const QJsonObject rendered = receiver->format == WebhookFormat::Slack ? slackMessage(message) : message;
    const QByteArray body = QJsonDocument(rendered).toJson(QJsonDocument::Compact);
    const WebhookAttempt attempt = postWebhook(*receiver, m_settings, context.job().id.toLatin1(), body);
    TWINOPS_TRY(webhookOutcome(*receiver, attempt));
    context.log(JobLogLevel::Info,
                QStringLiteral("delivered to %1 (%2): HTTP %3").arg(name, receiver->target()).arg(attempt.status));
    return QJsonObject{{QStringLiteral("status"), attempt.status}, {QStringLiteral("receiver"), name}};
}

} // namespace twinops
