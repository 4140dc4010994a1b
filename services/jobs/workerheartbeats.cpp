#include "jobs/workerheartbeats.h"

#include "core/ids.h"

#include <algorithm>

namespace twinops {

void WorkerHeartbeats::reset(int workers, std::chrono::milliseconds limit)
{
    const State fresh{std::chrono::steady_clock::now(), Worker{nowUtc(), {}, {}, {}, 0}};
    const std::lock_guard locker(m_mutex);
    m_states.assign(size_t(std::max(0, workers)), fresh);
    m_limit = limit;
}

void WorkerHeartbeats::beat(int worker)
{
    const auto now = std::chrono::steady_clock::now();
    const QDateTime wallNow = nowUtc();
    const std::lock_guard locker(m_mutex);
    if (worker >= 0 && size_t(worker) < m_states.size()) {
        m_states[size_t(worker)].beat = now;
        m_states[size_t(worker)].shown.beatAt = wallNow;
    }
}

void WorkerHeartbeats::holding(int worker, const QString &jobId, const QString &jobType, int inHand)
{
    const QDateTime wallNow = nowUtc();
    const std::lock_guard locker(m_mutex);
    if (worker < 0 || size_t(worker) >= m_states.size())
        return;
    Worker &shown = m_states[size_t(worker)].shown;
    if (shown.jobId != jobId)
        shown.jobStartedAt = jobId.isEmpty() ? QDateTime() : wallNow;
    shown.jobId = jobId;
    shown.jobType = jobType;
    shown.jobsInHand = inHand;
}

WorkerHeartbeats::Summary WorkerHeartbeats::summary() const
{
    const auto oldest = std::chrono::steady_clock::now() - m_limit;
    const std::lock_guard locker(m_mutex);
    const auto responsive
        = std::count_if(m_states.begin(), m_states.end(), [&](const State &state) { return state.beat >= oldest; });
    return {int(m_states.size()), int(responsive)};
}

QList<WorkerHeartbeats::Worker> WorkerHeartbeats::workers() const
{
    const std::lock_guard locker(m_mutex);
    QList<Worker> shown;
    shown.reserve(qsizetype(m_states.size()));
    for (const State &state : m_states)
        shown.append(state.shown);
    return shown;
}

} // namespace twinops
