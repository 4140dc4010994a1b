#include "jobs/probehandler.h"

#include "core/ids.h"

namespace twinops {

Result<QJsonObject> ProbeHandler::run(JobContext &context)
{
    TWINOPS_TRY(
        context.db().query(QStringLiteral("INSERT INTO job_probes (job_id, runs, last_run_at) VALUES ($1, 1, $2) "
                                          "ON CONFLICT (job_id) DO UPDATE SET runs = job_probes.runs + 1, "
                                          "last_run_at = excluded.last_run_at"),
                           {context.job().id, nowUtc()}));
    return QJsonObject{};
}

} // namespace twinops
