#include "checks/checkschedule.h"

#include "core/environment.h"
#include "core/ids.h"
#include "core/logging.h"
#include "storage/database.h"

#include <QThread>

namespace twinops {

namespace {

constexpr qint64 kCheckSchedulerLock = 0x7477696e6f707303; // "twinops" + 3 (the alert evaluator's is + 2)

} // namespace

Result<CheckSchedule> CheckScheduleRepository::get()
{
    TWINOPS_TRY_ASSIGN(
        const Rows rows,
        m_db.query(QStringLiteral(
            "SELECT interval_minutes, checklist_id, updated_by, updated_at FROM check_schedule WHERE id = 1")));
    CheckSchedule schedule;
    if (rows.isEmpty())
        return schedule;
    const Row row = rows.first();
    schedule.intervalMinutes = int(row.integer(0));
    schedule.checklistId = row.text(1);
    schedule.updatedBy = row.text(2);
    schedule.updatedAt = row.time(3);
    return schedule;
}

Status CheckScheduleRepository::set(const CheckSchedule &schedule)
{
    return discardRows(m_db.query(
        QStringLiteral("INSERT INTO check_schedule (id, interval_minutes, checklist_id, updated_by, updated_at) "
                       "VALUES (1, $1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET interval_minutes = "
                       "excluded.interval_minutes, checklist_id = excluded.checklist_id, updated_by = "
                       "excluded.updated_by, updated_at = excluded.updated_at"),
        {schedule.intervalMinutes, schedule.checklistId, schedule.updatedBy, schedule.updatedAt}));
}

Result<std::optional<ChecklistRun>> CheckScheduleRepository::lastScheduledRun()
{
    TWINOPS_TRY_ASSIGN(const Rows rows,
                       m_db.query(QStringLiteral("SELECT id FROM checklist_runs WHERE started_by = $1 "
                                                 "ORDER BY started_at DESC, id DESC LIMIT 1"),
                                  {QString::fromLatin1(kScheduledRunStarter)}));
    if (rows.isEmpty())
        return std::optional<ChecklistRun>();
    TWINOPS_TRY_ASSIGN(ChecklistRun run, ChecklistRunRepository(m_db).get(rows.first().text(0)));
    run.items.clear();
    return std::optional<ChecklistRun>(std::move(run));
}

Checklist scheduledChecklist(const Checklist &checklist)
{
    Checklist scheduled = checklist;
    scheduled.items.removeIf(
        [](const ChecklistItem &item) { return item.manual() || item.checkId.startsWith(QLatin1String("smoke.")); });
    return scheduled;
}

Result<CheckSchedulerOptions> CheckSchedulerOptions::fromEnvironment()
{
    CheckSchedulerOptions options;
    TWINOPS_TRY_ASSIGN(
        const int minute,
        integerFromEnvironment("TWINOPS_CHECK_SCHEDULE_UNIT_MS", int(options.minute.count()), 100, 3'600'000));
    options.minute = std::chrono::milliseconds(minute);
    return options;
}

CheckScheduler::CheckScheduler(DatabaseUrl url, QUrl baseUrl, CheckSchedulerOptions options)
    : m_url(std::move(url))
    , m_baseUrl(std::move(baseUrl))
    , m_options(options)
{
    m_thread.reset(QThread::create([this] { run(); }));
    m_thread->setObjectName(QStringLiteral("check-scheduler"));
    m_thread->start(QThread::LowPriority);
}

CheckScheduler::~CheckScheduler()
{
    m_signal.requestStop();
    m_thread->wait();
}

void CheckScheduler::run()
{
    const std::unique_ptr<Database> db = connectUntilStopped(m_url, m_signal, "the check scheduler");
    while (db && !m_signal.stopping()) {
        m_signal.waitForWork(m_options.minute / 4);
        if (m_signal.stopping())
            break;
        tick(*db);
    }
}

Result<std::optional<ChecklistRun>> CheckScheduler::startDueRun(Database &db, const TargetEnvironment &target)
{
    TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(db));
    if (db.dialect() == Dialect::Postgres) {
        // Released at commit: by then the new run's started_at tells every other instance it is not due.
        TWINOPS_TRY_ASSIGN(const Rows locked,
                           db.query(QStringLiteral("SELECT pg_try_advisory_xact_lock($1)"), {kCheckSchedulerLock}));
        if (!locked.first().boolean(0))
            return std::optional<ChecklistRun>();
    }
    CheckScheduleRepository schedules(db);
    TWINOPS_TRY_ASSIGN(const CheckSchedule schedule, schedules.get());
    if (!schedule.enabled())
        return std::optional<ChecklistRun>();
    TWINOPS_TRY_ASSIGN(const auto last, schedules.lastScheduledRun());
    if (last && last->startedAt.msecsTo(nowUtc()) < schedule.intervalMinutes * m_options.minute.count())
        return std::optional<ChecklistRun>();
    TWINOPS_TRY_ASSIGN(const Checklist checklist, builtInChecklist(schedule.checklistId));
    ChecklistRun run = newRun(scheduledChecklist(checklist), target, QString::fromLatin1(kScheduledRunStarter));
    TWINOPS_TRY(ChecklistRunRepository(db).create(run));
    TWINOPS_TRY(tx.commit());
    return std::optional<ChecklistRun>(std::move(run));
}

void CheckScheduler::tick(Database &db)
{
    // As POST /api/v1/admin/checks/run without a base_url: this server, its own database for the migrations and the
    // lint, and the metrics since it started (the alert rules watch the windows).
    TargetEnvironment target;
    target.baseUrl = m_baseUrl;
    target.localDatabase = m_url;
    target.runnerDatabase = m_url;
    target.thresholds.windowSeconds = 0;
    auto started = startDueRun(db, target);
    if (!started.ok()) {
        qCWarning(lcChecks).noquote() << "scheduled checklist run not started:" << started.error().message;
        return;
    }
    if (!*started)
        return;
    ChecklistRun &run = **started;
    qCInfo(lcChecks).noquote() << "scheduled checklist run" << run.id << "started";
    ChecklistRunRepository repository(db);
    executeRun(run, target, &repository, {}, [this] { return m_signal.stopping(); });
    qCInfo(lcChecks).noquote() << QStringLiteral("scheduled checklist run %1 %2 (%3)")
                                      .arg(run.id, run.status, checklistSummaryLine(run.summary()));
    ++m_runs;
}

} // namespace twinops
