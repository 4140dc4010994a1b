#pragma once

#include "jobs/job.h"

#include <QColor>
#include <QList>

namespace twinops {

struct JobRecord;

// What the console offers for jobs in their states: the one place it is decided, read by the Jobs panel's buttons
// and its context menu alike. It mirrors the queue's rules (services/jobs/queuestatements.cpp), so an action that
// the API would refuse with 409 is never offered.
struct JobActions
{
    bool retry = false; // a finished job: completed, discarded or cancelled
    bool cancel = false; // a waiting or running job not already asked to stop
    bool discard = false; // a waiting job (scheduled, available, retryable): given up, until a retry

    static JobActions of(const JobRecord &job);
    // What every job given allows (the bulk calls by ids are all or nothing); nothing for an empty list or an
    // unknown row (nullptr: a page not loaded).
    static JobActions ofAll(const QList<const JobRecord *> &jobs);
};

// A muted colour per state, readable on light and dark bases alike; always shown beside the state's name, never
// alone.
QColor jobStateColor(JobState state);

} // namespace twinops
