#include "jobs/workerheartbeats.h"

#include <algorithm>

namespace twinops {

void WorkerHeartbeats::reset(int workers, std::chrono::milliseconds limit)
{
    const std::lock_guard locker(m_mutex);
    m_beats.assign(size_t(std::max(0, workers)), std::chrono::steady_clock::now());
    m_limit = limit;
}

void WorkerHeartbeats::beat(int worker)
{
    const auto now = std::chrono::steady_clock::now();
    const std::lock_guard locker(m_mutex);
    if (worker >= 0 && size_t(worker) < m_beats.size())
        m_beats[size_t(worker)] = now;
}

WorkerHeartbeats::Summary WorkerHeartbeats::summary() const
{
    const auto oldest = std::chrono::steady_clock::now() - m_limit;
    const std::lock_guard locker(m_mutex);
    const auto responsive = std::count_if(m_beats.begin(), m_beats.end(), [&](auto beat) { return beat >= oldest; });
    return {int(m_beats.size()), int(responsive)};
}

} // namespace twinops
