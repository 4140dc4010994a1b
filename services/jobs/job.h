#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <array>
#include <optional>

namespace twinops {

enum class JobState { Scheduled, Available, Running, Retryable, Completed, Discarded, Cancelled };
inline constexpr std::array kJobStates{JobState::Scheduled, JobState::Available, JobState::Running,
                                       JobState::Retryable, JobState::Completed, JobState::Discarded,
                                       JobState::Cancelled};
QString jobStateName(JobState state);
std::optional<JobState> jobStateFromString(const QString &text);

namespace jobtypes {
inline const QString sourceIndex = QStringLiteral("source_index");
inline const QString graphExtraction = QStringLiteral("graph_extraction");
// Alert notifications (services/notify). Named here because the queue treats them apart: a worker of their own
// delivers them in every process that has receivers, and its claims do not tell that the queue is alive
// (QueueStats::lastStarted), or the stall alert would end itself by being sent.
inline const QString webhookNotification = QStringLiteral("webhook_notification");
} // namespace jobtypes

struct Job
{
    QString id;
    QString tenantId; // empty for platform jobs
    QString twinId;
    QString type;
    QJsonObject payload;
    JobState state = JobState::Available;
    int priority = 0;
    int attempt = 0;
    int maxAttempts = 8;
    QDateTime runAt;
    QString idempotencyKey;
    QString lastError;
    bool cancelRequested = false;
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime startedAt;
    QDateTime finishedAt;
    QJsonObject result;
    int crashCount = 0;
    QString leaseOwner;
};

struct NewJob
{
    QString type;
    QJsonObject payload;
    QString tenantId;
    QString twinId;
    QString idempotencyKey; // (type, key) is unique: enqueueing it again returns the existing job
    int priority = 0;
    int maxAttempts = 8;
    QDateTime runAt; // invalid = now
};

} // namespace twinops
