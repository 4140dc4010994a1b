// The Jobs panel over 1,000,000 jobs (issues #6 and #16): a SQLite file filled with one INSERT … WITH RECURSIVE (the
// jobs spread over 5 tenants and their twins, made through the admin API), the panel opened offscreen on the Local
// environment, then: time to first rows (show → rowCount() > 0), to the state tabs' counts and to the tenant and twin
// names in the columns; the list sorted newest first (server-side); scrolling to the end as a user would (the view
// scrolled to the bottom, fetchMore served page by page), a filter applied. For each phase: the longest GUI-thread
// stall (gaps of a 5 ms timer, which also count the time the OS gave the thread to other processes), the longest
// single event the GUI thread handled (its own work), and the RSS (VmRSS). The panel refreshes live throughout, as
// it does for a user (every 2 s); the last phase measures its ticks alone: their time, and the GUI thread's share.
// A program, not a test: it reports, it does not assert the targets (first rows < 300 ms, no stall > 50 ms,
// RSS < 250 MB). Environment: BENCH_JOBS (default 1000000), BENCH_SCROLL_SECONDS (a cap on the scroll phase,
// default 600), BENCH_DB (reuse/keep this SQLite file instead of a temporary one).
#include "admin/adminclient.h"
#include "admin/inprocessadminapi.h"
#include "jobsmodel.h"
#include "jobspanel.h"
#include "servicecore.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTabBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <cstdio>
#include <ctime>
#include <functional>

using namespace twinops;

namespace {

[[noreturn]] void die(const QString &message)
{
    std::fprintf(stderr, "bench_jobspanel: %s\n", qPrintable(message));
    std::exit(1);
}

double rssMb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    return -1;
}

// The GUI thread's responsiveness: the longest gap between ticks of a 5 ms timer since the last reset.
class StallMeter final : public QObject
{
public:
    StallMeter()
    {
        m_timer.setInterval(5);
        m_timer.setTimerType(Qt::PreciseTimer);
        connect(&m_timer, &QTimer::timeout, this, [this] { m_max = std::max(m_max, m_clock.restart()); });
    }
    void reset()
    {
        m_max = 0;
        m_clock.restart();
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    qint64 maxGapMs() const { return m_max; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_max = 0;
};

// What the GUI thread spends handling events (every answer, timer and paint goes through notify()), summed and the
// longest single event, since the last reset. Nested deliveries count once, in the outermost. Qt 6 calls notify()
// for every thread's events: the AdminClient's thread (where the queries run) is left out.
class BusyApplication final : public QApplication
{
public:
    using QApplication::QApplication;
    bool notify(QObject *receiver, QEvent *event) override
    {
        if (QThread::currentThread() != thread())
            return QApplication::notify(receiver, event);
        if (m_depth++ > 0) {
            const bool handled = QApplication::notify(receiver, event);
            --m_depth;
            return handled;
        }
        QElapsedTimer timer;
        timer.start();
        const qint64 cpuStart = threadCpuNs();
        const bool handled = QApplication::notify(receiver, event);
        --m_depth;
        const qint64 ns = timer.nsecsElapsed();
        m_totalNs += ns;
        m_maxNs = std::max(m_maxNs, ns);
        m_maxCpuNs = std::max(m_maxCpuNs, threadCpuNs() - cpuStart);
        return handled;
    }
    void resetBusy() { m_totalNs = m_maxNs = m_maxCpuNs = 0; }
    double busyMs() const { return m_totalNs / 1e6; }
    double longestEventMs() const { return m_maxNs / 1e6; }
    // The same event's CPU time: its own work, without the time the OS gave the thread to other processes (on a
    // loaded machine, and under `nice`, the wall time of an event says more about the neighbours than the panel).
    double longestEventCpuMs() const { return m_maxCpuNs / 1e6; }

private:
    static qint64 threadCpuNs()
    {
        timespec now{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
        return qint64(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
    }

    int m_depth = 0;
    qint64 m_totalNs = 0;
    qint64 m_maxNs = 0;
    qint64 m_maxCpuNs = 0;
};

// Runs the event loop until `done` or the deadline; false on timeout.
template<typename Done> bool spinUntil(Done done, qint64 timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
    }
    return true;
}

// The same, but sleeping between events (spinUntil never blocks: its own polling would count as work).
template<typename Done> bool waitUntil(Done done, qint64 timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    QTimer deadline; // wakes the loop to look at the time
    deadline.start(50);
    while (!done()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    return true;
}

// Five tenants with one twin each, made as an admin makes them; returns their ids (tenant, twin).
QList<std::pair<QString, QString>> makeTenants(ServiceCore &core)
{
    InProcessAdminApi api(core);
    QList<std::pair<QString, QString>> made;
    for (int i = 1; i <= 5; ++i) {
        const AdminReply tenant = api.call("POST", QStringLiteral("/api/v1/admin/tenants"),
                                           QJsonObject{{QStringLiteral("name"), QStringLiteral("Tenant %1").arg(i)}});
        const QString tenantId = tenant.body.value(QLatin1String("id")).toString();
        const AdminReply twin
            = api.call("POST", QStringLiteral("/api/v1/twins"),
                       QJsonObject{{QStringLiteral("name"), QStringLiteral("Twin %1").arg(i)}}, tenantId);
        if (tenant.status != 201 || twin.status != 201)
            die(QStringLiteral("making the tenants failed: %1 %2").arg(tenant.status).arg(twin.status));
        made.append({tenantId, twin.body.value(QLatin1String("id")).toString()});
    }
    return made;
}

// "CASE i % 5 WHEN 0 THEN '<id of the first>' …": the jobs' tenants and twins, round-robin.
QString roundRobin(const QStringList &ids)
{
    QString sql = QStringLiteral("CASE i % %1").arg(ids.size());
    for (int k = 0; k < ids.size(); ++k)
        sql += QStringLiteral(" WHEN %1 THEN '%2'").arg(k).arg(ids.at(k));
    return sql + QStringLiteral(" END");
}

void fill(Database &db, int count, const QList<std::pair<QString, QString>> &tenants)
{
    QStringList tenantIds, twinIds;
    for (const auto &[tenant, twin] : tenants) {
        tenantIds << tenant;
        twinIds << twin;
    }
    QElapsedTimer timer;
    timer.start();
    // Ids are well-formed UUIDs made from the row number; created_at grows by 1 ms per job, as a busy queue would.
    // One job in 7 is discarded with an error, one in 7 completed, the rest waiting.
    const QString sql
        = QStringLiteral("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < COUNT) "
                         "INSERT INTO jobs (id, tenant_id, twin_id, type, payload, state, priority, attempt, "
                         "max_attempts, run_at, "
                         "idempotency_key, cancel_requested, crash_count, last_error, created_at, updated_at) "
                         "SELECT printf('%08d-0000-4000-8000-%012d', i, i), TENANTS, TWINS, "
                         "CASE i % 3 WHEN 0 THEN 'source_index' WHEN 1 THEN 'graph_extraction' ELSE 'bench.probe' END, "
                         "json_object('n', i, 'source', 'doc-' || (i % 1000)), "
                         "CASE i % 7 WHEN 0 THEN 'discarded' WHEN 1 THEN 'completed' ELSE 'available' END, 0, "
                         "CASE i % 7 WHEN 0 THEN 8 ELSE 0 END, 8, 1700000000000 + i, NULL, 0, 0, "
                         "CASE i % 7 WHEN 0 THEN 'provider timeout after 30 s (doc-' || (i % 1000) || ')' END, "
                         "1700000000000 + i, 1700000000000 + i FROM n")
              .replace(QStringLiteral("COUNT"), QString::number(count)) // arg() would take "%01…" for itself
              .replace(QStringLiteral("TENANTS"), roundRobin(tenantIds))
              .replace(QStringLiteral("TWINS"), roundRobin(twinIds));
    auto done = db.query(sql);
    if (!done.ok())
        die(QStringLiteral("filling the jobs table: %1").arg(done.error().message));
    std::printf("filled %d jobs in %.1f s\n", count, timer.elapsed() / 1000.0);
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    BusyApplication app(argc, argv);
    const int jobs
        = qEnvironmentVariableIntValue("BENCH_JOBS") > 0 ? qEnvironmentVariableIntValue("BENCH_JOBS") : 1'000'000;
    const qint64 scrollCapMs = 1000LL
        * (qEnvironmentVariableIntValue("BENCH_SCROLL_SECONDS") > 0
               ? qEnvironmentVariableIntValue("BENCH_SCROLL_SECONDS")
               : 600);

    QTemporaryDir dir;
    const QString file = qEnvironmentVariableIsEmpty("BENCH_DB") ? dir.filePath(QStringLiteral("jobs.db"))
                                                                 : qEnvironmentVariable("BENCH_DB");
    const bool reuse = QFile::exists(file);
    auto started = ServiceCore::start(CoreOptions{DatabaseUrl::sqliteFile(file)});
    if (!started.ok())
        die(started.error().message);
    std::unique_ptr<ServiceCore> core = std::move(started).value();
    if (!reuse)
        fill(core->database(), jobs, makeTenants(*core));
    ServiceCore *raw = core.get();
    AdminClient client(QStringLiteral("Local"), [raw] { return std::make_unique<InProcessAdminApi>(*raw); });
    std::printf("RSS before the panel: %.0f MB\n", rssMb());

    StallMeter stalls;
    JobsPanel panel(client);
    JobsModel *model = panel.model();
    auto *table = panel.findChild<QTableView *>(QStringLiteral("jobsTable"));
    QObject::connect(model, &JobsModel::errorOccurred, &panel,
                     [](const QString &message) { std::printf("error: %s\n", qPrintable(message)); });
    panel.resize(1200, 800);

    // 1. Open: show → first rows.
    QElapsedTimer timer;
    stalls.reset();
    app.resetBusy();
    timer.start();
    panel.show();
    if (!spinUntil([&] { return model->rowCount() > 0; }, 60'000))
        die(QStringLiteral("no rows within 60 s"));
    const qint64 firstRowsMs = timer.elapsed();
    auto *stateTabs = panel.findChild<QTabBar *>(QStringLiteral("jobsStateTabs"));
    // The counts of the state tabs (one GROUP BY state over every job) and the names in the columns.
    if (!spinUntil([&] { return stateTabs->tabText(0).contains(QLatin1Char('(')); }, 120'000))
        die(QStringLiteral("no state counts within 120 s"));
    const qint64 tabCountsMs = timer.elapsed();
    if (!spinUntil(
            [&] {
                return model->index(0, JobsModel::Tenant).data().toString().startsWith(QLatin1String("Tenant "))
                    && model->index(0, JobsModel::Twin).data().toString().startsWith(QLatin1String("Twin "));
            },
            60'000))
        die(QStringLiteral("no names within 60 s"));
    const qint64 namesMs = timer.elapsed();
    spinUntil([] { return false; }, 1000); // whatever else arrives meanwhile; stalls still measured
    const qint64 openStallMs = stalls.maxGapMs();
    std::printf("open:   first rows after %lld ms, tab counts after %lld ms (%s), names after %lld ms, max GUI stall "
                "%lld ms (longest event %.1f ms, %.1f ms CPU), RSS %.0f MB, rows %d\n",
                firstRowsMs, tabCountsMs, qPrintable(stateTabs->tabText(0)), namesMs, openStallMs, app.longestEventMs(),
                app.longestEventCpuMs(), rssMb(), model->rowCount());
    double longestCpuMs = app.longestEventCpuMs(); // the GUI thread's longest own work in any phase

    // 1b. Newest first: a click on the Created header, served by the server's keyset order the other way.
    stalls.reset();
    app.resetBusy();
    timer.restart();
    table->horizontalHeader()->setSortIndicator(JobsModel::Created, Qt::DescendingOrder);
    if (!spinUntil([&] { return model->rowCount() > 0 && model->order() == Qt::DescendingOrder; }, 60'000))
        die(QStringLiteral("no rows newest first within 60 s"));
    const qint64 newestFirstMs = timer.elapsed();
    const QString newest = model->jobId(0);
    spinUntil([] { return false; }, 500);
    std::printf(
        "sort:   newest first after %lld ms (first %s), max GUI stall %lld ms (longest event %.1f ms, %.1f ms CPU)\n",
        newestFirstMs, qPrintable(newest), stalls.maxGapMs(), app.longestEventMs(), app.longestEventCpuMs());
    longestCpuMs = std::max(longestCpuMs, app.longestEventCpuMs());
    const qint64 sortStallMs = stalls.maxGapMs();
    table->horizontalHeader()->setSortIndicator(JobsModel::Created, Qt::AscendingOrder);
    if (!spinUntil([&] { return model->rowCount() > 0 && model->order() == Qt::AscendingOrder; }, 60'000))
        die(QStringLiteral("no rows oldest first within 60 s"));

    // 2. Scroll to the end the way a user drags the scroll bar down: the view asks for more at the bottom.
    stalls.reset();
    app.resetBusy();
    timer.restart();
    qint64 slowestPageMs = 0;
    QElapsedTimer pageTimer;
    pageTimer.start();
    QObject::connect(model, &JobsModel::pageLoaded, &panel,
                     [&] { slowestPageMs = std::max(slowestPageMs, pageTimer.restart()); });
    bool capped = false;
    while (model->canFetchMore({})) {
        table->scrollToBottom();
        model->fetchMore({}); // what the view does when its scroll bar reaches the bottom
        const int before = model->rowCount();
        spinUntil([&] { return model->rowCount() > before || !model->canFetchMore({}); }, 60'000);
        if (timer.elapsed() > scrollCapMs) {
            capped = true;
            break;
        }
    }
    table->scrollToBottom();
    spinUntil([] { return false; }, 200);
    const qint64 scrollMs = timer.elapsed();
    const int scrolledRows = model->rowCount();
    std::printf("scroll: %d rows in %.1f s%s (%.1f ms per page of %d, slowest page %lld ms), max GUI stall %lld ms "
                "(longest event %.1f ms, %.1f ms CPU), RSS %.0f MB, pages holding jobs %d\n",
                model->rowCount(), scrollMs / 1000.0, capped ? " (stopped at the BENCH_SCROLL_SECONDS cap)" : "",
                double(scrollMs) / std::max(1, model->rowCount() / model->pageSize()), model->pageSize(), slowestPageMs,
                stalls.maxGapMs(), app.longestEventMs(), app.longestEventCpuMs(), rssMb(), model->loadedPageCount());
    longestCpuMs = std::max(longestCpuMs, app.longestEventCpuMs());

    // 3. Filter: discarded jobs whose error mentions one document.
    stalls.reset();
    app.resetBusy();
    auto *text = panel.findChild<QLineEdit *>(QStringLiteral("jobsText"));
    panel.showJobs(QStringLiteral("discarded"), {}); // the "discarded" tab, as a click on it does
    text->setText(QStringLiteral("(doc-42)"));
    timer.restart();
    panel.findChild<QPushButton *>(QStringLiteral("applyJobsFilter"))->click();
    if (!spinUntil([&] { return model->rowCount() > 0; }, 120'000))
        die(QStringLiteral("no filtered rows within 120 s"));
    const qint64 filterMs = timer.elapsed();
    spinUntil([] { return false; }, 500);
    std::printf("filter: first rows after %lld ms, max GUI stall %lld ms (longest event %.1f ms, %.1f ms CPU), RSS "
                "%.0f MB, rows %d\n",
                filterMs, stalls.maxGapMs(), app.longestEventMs(), app.longestEventCpuMs(), rssMb(), model->rowCount());
    longestCpuMs = std::max(longestCpuMs, app.longestEventCpuMs());
    const int filteredRows = model->rowCount();

    // 4. Live ticks alone (every 250 ms here instead of 2 s, to have a few quickly): for each, from the request to
    //    the last answer, the wall time, the GUI thread's working time and its longest event (the stall a user feels).
    panel.setLiveInterval(250);
    stalls.stop(); // its 5 ms ticks would be the GUI thread's only work between the answers
    // `between` runs before each tick (after the previous one has answered): what changes in the database meanwhile.
    const auto measureTicks = [&](const char *label, int count, const std::function<void()> &between) {
        double maxBusyMs = 0, sumBusyMs = 0, maxStretchMs = 0;
        qint64 maxTickMs = 0, sumTickMs = 0;
        QElapsedTimer tick;
        if (!waitUntil([&] { return !model->isRefreshing(); }, 120'000))
            die(QStringLiteral("a live tick did not finish within 120 s"));
        for (int i = 0; i < count; ++i) {
            if (between)
                between();
            if (!waitUntil([&] { return model->isRefreshing(); }, 60'000))
                die(QStringLiteral("no live tick within 60 s"));
            tick.start();
            app.resetBusy(); // from here: the answers' handling (the tick's own request building is microseconds)
            if (!waitUntil([&] { return !model->isRefreshing(); }, 120'000))
                die(QStringLiteral("a live tick did not finish within 120 s"));
            maxTickMs = std::max(maxTickMs, tick.elapsed());
            sumTickMs += tick.elapsed();
            maxBusyMs = std::max(maxBusyMs, app.busyMs());
            sumBusyMs += app.busyMs();
            maxStretchMs = std::max(maxStretchMs, app.longestEventMs());
        }
        std::printf("live %s: %d ticks, %.0f ms each on average (max %lld ms), GUI thread busy %.2f ms per tick "
                    "(max %.2f ms, longest event %.2f ms), RSS %.0f MB\n",
                    label, count, double(sumTickMs) / count, maxTickMs, sumBusyMs / count, maxBusyMs, maxStretchMs,
                    rssMb());
        return maxStretchMs;
    };
    // The filtered list is entirely loaded: its last page is asked again, and the counts scan every job's text.
    const double filteredStretch = measureTicks("(filtered, at the end of the list)", 5, {});
    // Every job again, the view in the middle of what it loaded: the rows in view by id, the counts per state.
    panel.showJobs({}, {}); // the "All" tab, every filter cleared
    if (!spinUntil([&] { return model->rowCount() > 0; }, 60'000))
        die(QStringLiteral("no rows within 60 s"));
    for (int page = 0; page < 5; ++page) {
        const int before = model->rowCount();
        model->fetchMore({});
        spinUntil([&] { return model->rowCount() > before; }, 60'000);
    }
    table->scrollTo(model->index(model->rowCount() / 2, 0), QAbstractItemView::PositionAtCenter);
    table->selectRow(model->rowCount() / 2);
    double everyStretch = measureTicks("(every job, rows in view, none changed)", 5, {});
    // The same with every row in view changed by the next tick (attempt and updated_at): dataChanged, a repaint and
    // the selected job's detail written again.
    const auto changeRowsInView = [&] {
        QJsonArray ids;
        for (int row = table->rowAt(0); row >= 0 && row <= table->rowAt(table->viewport()->height() - 1); ++row)
            ids.append(model->jobId(row));
        auto changed = core->database().query(
            QStringLiteral("UPDATE jobs SET attempt = attempt + 1, updated_at = updated_at + 1 "
                           "WHERE id IN (SELECT value FROM json_each($1))"),
            {QString::fromUtf8(QJsonDocument(ids).toJson(QJsonDocument::Compact))});
        if (!changed.ok() || changed->rowsAffected() != ids.size())
            die(QStringLiteral("changing the rows in view failed"));
    };
    everyStretch = std::max(everyStretch, measureTicks("(every job, rows in view, all changed)", 5, changeRowsInView));

    std::printf("RESULT jobs=%d first_rows_ms=%lld tab_counts_ms=%lld names_ms=%lld open_stall_ms=%lld "
                "newest_first_ms=%lld sort_stall_ms=%lld scroll_s=%.1f scroll_rows=%d filter_ms=%lld "
                "filtered_rows=%d live_stretch_ms=%.1f longest_event_cpu_ms=%.1f rss_mb=%.0f\n",
                jobs, firstRowsMs, tabCountsMs, namesMs, openStallMs, newestFirstMs, sortStallMs, scrollMs / 1000.0,
                scrolledRows, filterMs, filteredRows, std::max(filteredStretch, everyStretch), longestCpuMs, rssMb());
    return 0;
}
