#include "jobs/jobrescuer.h"

#include "core/logging.h"
#include "jobs/jobqueue.h"
#include "metrics/metricsregistry.h"

namespace twinops {

JobRescuer::JobRescuer(MetricsRegistry &metrics, std::chrono::milliseconds interval, int maxCrashes)
    : m_interval(interval)
    , m_maxCrashes(maxCrashes)
    , m_rescued(&metrics.counter(QStringLiteral("twinops_jobs_rescued_total"),
                                 QStringLiteral("Jobs whose lease expired and were rescued")))
{ }

void JobRescuer::rescueIfDue(JobQueue &queue)
{
    if (m_sinceLast.isValid() && m_sinceLast.elapsed() < m_interval.count())
        return;
    m_sinceLast.start();
    auto rescued = queue.rescueExpired(m_maxCrashes);
    if (rescued.ok() && !rescued->isEmpty()) {
        m_rescued->add(quint64(rescued->size()));
        qCWarning(lcJobs) << "rescued" << rescued->size() << "jobs whose lease expired";
    }
}

} // namespace twinops
