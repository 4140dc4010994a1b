#include "command.h"
#include "jobs/jobqueue.h"
#include "jobs/probehandler.h"
#include "servicecore.h"

namespace twinops::app::commands {

namespace {

Outcome run(const Invocation &invocation)
{
    TWINOPS_TRY_ASSIGN(const DatabaseUrl url, invocation.database());
    const Result<int> probes = invocation.integer(QStringLiteral("count"), 1, 10'000'000);
    if (!probes.ok())
        return Outcome::usage(probes.error().message);
    TWINOPS_TRY_ASSIGN(const std::unique_ptr<ServiceCore> core, ServiceCore::start(CoreOptions{url}));
    JobQueue queue(core->database());
    constexpr int kBatch = 1000;
    int added = 0;
    for (int start = 0; start < *probes; start += kBatch) {
        QList<NewJob> batch;
        for (int i = start; i < std::min(*probes, start + kBatch); ++i) {
            NewJob job;
            job.type = jobtypes::probe;
            batch << job;
        }
        TWINOPS_TRY_ASSIGN(Transaction tx, Transaction::begin(core->database()));
        TWINOPS_TRY_ASSIGN(const int inserted, queue.enqueueBatch(batch));
        TWINOPS_TRY(tx.commit());
        added += inserted;
    }
    standardOutput() << added << Qt::endl;
    return 0;
}

} // namespace

Command adminEnqueueProbes()
{
    return {
        .name = QStringLiteral("admin enqueue-probes"),
        .synopsis = QStringLiteral("--count N"),
        .summary = QStringLiteral("Enqueue N probe jobs (each counts its own runs in job_probes) and print their "
                                  "count."),
        .description = QStringLiteral("For load and fault tests of the job queue: a probe does nothing but record "
                                      "that it ran."),
        .options = {
            QCommandLineOption(QStringLiteral("count"), QStringLiteral("How many probe jobs (1 to 10,000,000)."),
                               QStringLiteral("N")),
        },
        .run = run,
    };
}

} // namespace twinops::app::commands
