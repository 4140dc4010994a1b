#pragma once

#include "jobs/jobhandler.h"

namespace twinops {

namespace jobtypes {
inline const QString probe = QStringLiteral("probe");
}

// Counts its own runs in job_probes and does nothing else: the queue's own health check. A probe whose row says
// runs = 1 ran exactly once in effect, whatever crashed around it.
class ProbeHandler final : public JobHandler
{
public:
    QString type() const override { return jobtypes::probe; }
    Result<QJsonObject> run(JobContext &context) override;
};

} // namespace twinops
