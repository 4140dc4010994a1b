#pragma once

#include "core/result.h"
#include "jobs/jobhandler.h"
#include "notify/alertnotice.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <chrono>

namespace twinops {

enum class WebhookFormat { Alertmanager, Slack };

// Where notifications go. The URL and the secret stay in the process's configuration, never in a job's payload
// (the Jobs panel shows payloads, and a Slack URL is itself a credential): a job names its receiver.
struct WebhookReceiver
{
    QString name; // unique; what jobs, the Jobs panel and the receiver's messages call it
    QUrl url; // http or https
    WebhookFormat format = WebhookFormat::Alertmanager;
    QStringList severities; // the severities it is sent; empty = every severity
    QByteArray secret; // signs every request (X-TwinOps-Signature); never logged

    bool accepts(const AlertNotice &notice) const;
    // scheme://host:port, without the path, query or credentials: what a job and a log line may show.
    QString target() const;
    // The empty string if it can be used, else the one-line reason.
    QString problem() const;

    // `twinopsd serve --alert-webhook [WORDS=]URL`: the URL alone is Alertmanager's format for every severity;
    // WORDS, comma-separated, choose `slack` (or `alertmanager`) and the severities it is sent (`critical`, `warning`,
    // `info`), e.g. `slack,critical=https://hooks.slack.com/…`. Named after a hash of the whole text (the same name in
    // every process and after a restart, without showing the URL); no secret yet.
    static Result<WebhookReceiver> fromUrl(const QString &text);
};

// Every receiver, and how deliveries behave. A process that runs notification jobs needs the receivers they name:
// instances sharing one database are configured alike (like their JWT secret).
struct WebhookSettings
{
    QList<WebhookReceiver> receivers;
    // A receiver is untrusted: each request has this long from the connection to the last byte of the answer,
    // and an answer longer than maxResponseBytes is cut off (only its status matters).
    std::chrono::milliseconds timeout{10'000};
    qint64 maxResponseBytes = 64 * 1024;
    // A notification outlives a receiver's outage of a day: 5 s doubling to a 5 min cap, then every 5 min, 300
    // attempts in all (about 24 h) before the queue discards it.
    RetryPolicy retry{std::chrono::milliseconds(5'000), 2.0, std::chrono::milliseconds(5 * 60'000), 0.25};
    int maxAttempts = 300;

    const WebhookReceiver *find(const QString &name) const;
    // The empty string if every receiver can be used and their names are unique, else the first problem.
    QString problem() const;
};

// The minimum length of a receiver's signing secret (as TWINOPS_JWT_SECRET's).
inline constexpr int kMinimumWebhookSecretBytes = 32;

} // namespace twinops
