#include "checks/backgroundchecks.h"

#include "core/logging.h"

namespace twinops {

BackgroundChecks::~BackgroundChecks()
{
    m_stopping = true;
    if (m_thread.joinable())
        m_thread.join();
}

Result<ChecklistRun> BackgroundChecks::start(Database &db, const Checklist &checklist, const TargetEnvironment &target,
                                             const QString &startedBy)
{
    const std::lock_guard lock(m_mutex);
    if (!m_runningId.isEmpty())
        return Error::conflict(QStringLiteral("checklist run %1 is still running").arg(m_runningId));
    if (m_thread.joinable())
        m_thread.join(); // the previous run's thread has finished its work
    ChecklistRun run = newRun(checklist, target, startedBy);
    TWINOPS_TRY(ChecklistRunRepository(db).create(run));
    m_runningId = run.id;
    m_cancelled = false;
    m_thread = std::thread([this, run, target]() mutable {
        if (auto opened = Database::open(m_database); opened.ok()) {
            ChecklistRunRepository repository(**opened);
            executeRun(run, target, &repository, {}, [this] { return m_stopping.load() || m_cancelled.load(); });
        } else {
            // The run stays "running" in the database; the next start may begin a new one.
            qCWarning(lcChecks).noquote()
                << "checklist run" << run.id << "could not open the database:" << opened.error().message;
        }
        const std::lock_guard done(m_mutex);
        m_runningId.clear();
    });
    return run;
}

bool BackgroundChecks::cancel(const QString &runId)
{
    const std::lock_guard lock(m_mutex);
    if (runId.isEmpty() || runId != m_runningId)
        return false;
    m_cancelled = true;
    return true;
}

} // namespace twinops
