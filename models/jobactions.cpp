#include "jobactions.h"

#include "jobsmodel.h"

namespace twinops {

JobActions JobActions::of(const JobRecord &job)
{
    JobActions actions;
    if (!job.state)
        return actions; // a state this console does not know: it offers nothing rather than guess
    switch (*job.state) {
    case JobState::Completed:
    case JobState::Discarded:
    case JobState::Cancelled: actions.retry = true; break;
    case JobState::Scheduled:
    case JobState::Available:
    case JobState::Retryable:
        actions.cancel = true;
        actions.discard = true;
        break;
    case JobState::Running: actions.cancel = !job.cancelRequested; break;
    }
    return actions;
}

JobActions JobActions::ofAll(const QList<const JobRecord *> &jobs)
{
    if (jobs.isEmpty())
        return {};
    JobActions all{true, true, true};
    for (const JobRecord *job : jobs) {
        const JobActions one = job ? of(*job) : JobActions();
        all.retry = all.retry && one.retry;
        all.cancel = all.cancel && one.cancel;
        all.discard = all.discard && one.discard;
    }
    return all;
}

QColor jobStateColor(JobState state)
{
    // Mid-lightness, moderate saturation: visible against white and against a dark base.
    switch (state) {
    case JobState::Scheduled: return QColor(0x8e, 0x7c, 0xc3); // violet
    case JobState::Available: return QColor(0x5b, 0x8d, 0xb8); // steel blue
    case JobState::Running: return QColor(0x3a, 0x9c, 0xa8); // teal
    case JobState::Retryable: return QColor(0xd0, 0x8a, 0x2e); // amber
    case JobState::Completed: return QColor(0x4c, 0x9a, 0x5b); // green
    case JobState::Discarded: return QColor(0xc0, 0x50, 0x4d); // brick red
    case JobState::Cancelled: return QColor(0x8c, 0x8c, 0x8c); // grey
    }
    return QColor(0x8c, 0x8c, 0x8c);
}

} // namespace twinops
