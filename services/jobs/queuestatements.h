#pragma once

#include "storage/database.h"

#include <QString>

namespace twinops {

// Every statement of the job queue for one dialect, named by what it does, so a reader compares the two dialects
// in one file (queuestatements.cpp). Most texts are the same on both; an empty text means the dialect does without
// that statement. The texts are the prepared statements' keys: keep each one a constant.
struct QueueStatements
{
    static const QueueStatements &of(Dialect dialect);
    static constexpr const char *kNotifyChannel = "twinops_jobs";

    QString jobColumns; // the columns jobFromRow reads, in its order

    // Enqueueing. `notify` ($1 = the channel) wakes the listeners of other processes; `listen` subscribes to it.
    QString insert;
    QString insertBatch; // $1 = a JSON array of jobs, times in epoch milliseconds; $2 = now
    QString notify;
    QString listen;

    // Reading. The `…Where` texts end in "WHERE 1 = 1": the filter appends its predicates.
    QString selectById;
    QString selectByTenantAndId;
    QString selectByIdempotencyKey;
    QString selectWhere;
    QString countWhere;
    QString countByStateWhere;
    QString idsWhere;
    QString idsFilter; // the filter's predicate for a list of ids: %1 = the number of its one JSON array parameter
    QString logs;
    QString queueTimes; // the oldest waiting run_at and the newest claim but a notification's ($1 = now)
    QString queueTimesOfTenant; // the same for one tenant ($2)

    // Manual operations: the caller appends the tenant predicate and RETURNING.
    QString cancel;
    QString retry;
    QString discard;

    // Error groups: the jobs with a signature by (signature, state, tenant); then one job's message per group ($1).
    QString errorGroupsWhere;
    QString errorExampleWhere;
    QString setErrorSignature; // $1 = the job, $2 = its signature

    // The worker's side. The claims leave one placeholder for arg(): the batch size (see queuestatements.cpp).
    QString claim;
    QString claimOfType; // only the platform jobs of one type ($5)
    QString heartbeat;
    QString completeOne;
    QString completeMany; // empty: complete one job per statement
    QString fail;
    QString release;
    QString rescueExpired;
    QString insertLogs; // $1 = a JSON array of log lines; $2 = now
};

} // namespace twinops
