#pragma once

#include "core/result.h"
#include "storage/database.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>

namespace twinops {

// A job type as the jobs triage shows it: its jobs by state and whether its processing is paused.
struct JobTypeStatus
{
    QString type;
    QHash<QString, qint64> byState; // states without jobs are absent
    bool paused = false;
    QString pausedBy;
    QDateTime pausedAt;
    QString reason;
    // Platform types (the alert notifications) have a worker of their own and cannot be paused: they tell the
    // people who could resume them that something is wrong (docs/decisions.md, issue #16).
    bool platform = false;
};

// Pausing job types (paused_job_types, migration 0012): every claim of every instance skips a paused type
// (QueueStatements::claim), so its jobs keep their state and wait; resuming makes them claimable again.
class JobTypeRepository
{
public:
    static constexpr int kMaxTypeLength = 100;
    static constexpr int kMaxReasonLength = 500;

    explicit JobTypeRepository(Database &db)
        : m_db(db)
    { }

    // Every type that has jobs or is paused, by name.
    Result<QList<JobTypeStatus>> list();
    Result<JobTypeStatus> get(const QString &type);
    // Idempotent: pausing a paused type keeps who paused it first and when, and the reason given then.
    Result<JobTypeStatus> pause(const QString &type, const QString &by, const QString &reason);
    Result<JobTypeStatus> resume(const QString &type);

    // A job type's name as the API takes it: 1 to kMaxTypeLength letters, digits, '_', '-', '.' or ':'.
    static Status validType(const QString &type);

private:
    Result<QList<JobTypeStatus>> read(const QString &onlyType);

    Database &m_db;
};

} // namespace twinops
