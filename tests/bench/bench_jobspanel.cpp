// The Jobs panel over 1,000,000 jobs (issue #6): a SQLite file filled with one INSERT … WITH RECURSIVE, the panel
// opened offscreen on the Local environment, then: time to first rows (show → rowCount() > 0), scrolling to the end
// as a user would (the view scrolled to the bottom, fetchMore served page by page), a filter applied; the longest
// GUI-thread stall (gaps of a 5 ms timer) and the RSS (VmRSS) after each phase.
// A program, not a test: it reports, it does not assert the targets (first rows < 300 ms, no stall > 50 ms,
// RSS < 250 MB). Environment: BENCH_JOBS (default 1000000), BENCH_SCROLL_SECONDS (a cap on the scroll phase,
// default 600), BENCH_DB (reuse/keep this SQLite file instead of a temporary one).
#include "admin/adminclient.h"
#include "admin/inprocessadminapi.h"
#include "jobsmodel.h"
#include "jobspanel.h"
#include "servicecore.h"

#include <QApplication>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

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
    qint64 maxGapMs() const { return m_max; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_max = 0;
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

void fill(Database &db, int count)
{
    QElapsedTimer timer;
    timer.start();
    // Ids are well-formed UUIDs made from the row number; created_at grows by 1 ms per job, as a busy queue would.
    // One job in 7 is discarded with an error, one in 7 completed, the rest waiting.
    const QString sql
        = QStringLiteral("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < COUNT) "
                         "INSERT INTO jobs (id, tenant_id, twin_id, type, payload, state, priority, attempt, "
                         "max_attempts, run_at, "
                         "idempotency_key, cancel_requested, crash_count, last_error, created_at, updated_at) "
                         "SELECT printf('%08d-0000-4000-8000-%012d', i, i), NULL, NULL, "
                         "CASE i % 3 WHEN 0 THEN 'source_index' WHEN 1 THEN 'graph_extraction' ELSE 'bench.probe' END, "
                         "json_object('n', i, 'source', 'doc-' || (i % 1000)), "
                         "CASE i % 7 WHEN 0 THEN 'discarded' WHEN 1 THEN 'completed' ELSE 'available' END, 0, "
                         "CASE i % 7 WHEN 0 THEN 8 ELSE 0 END, 8, 1700000000000 + i, NULL, 0, 0, "
                         "CASE i % 7 WHEN 0 THEN 'provider timeout after 30 s (doc-' || (i % 1000) || ')' END, "
                         "1700000000000 + i, 1700000000000 + i FROM n")
              .replace(QStringLiteral("COUNT"), QString::number(count)); // arg() would take "%01…" for itself
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
    QApplication app(argc, argv);
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
        fill(core->database(), jobs);
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
    timer.start();
    panel.show();
    if (!spinUntil([&] { return model->rowCount() > 0; }, 60'000))
        die(QStringLiteral("no rows within 60 s"));
    const qint64 firstRowsMs = timer.elapsed();
    spinUntil([] { return false; }, 1000); // the counts arrive meanwhile; stalls still measured
    std::printf("open:   first rows after %lld ms, max GUI stall %lld ms, RSS %.0f MB, rows %d\n", firstRowsMs,
                stalls.maxGapMs(), rssMb(), model->rowCount());

    // 2. Scroll to the end the way a user drags the scroll bar down: the view asks for more at the bottom.
    stalls.reset();
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
    std::printf("scroll: %d rows in %.1f s%s (%.1f ms per page of %d, slowest page %lld ms), max GUI stall %lld ms, "
                "RSS %.0f MB, pages holding jobs %d\n",
                model->rowCount(), scrollMs / 1000.0, capped ? " (stopped at the BENCH_SCROLL_SECONDS cap)" : "",
                double(scrollMs) / std::max(1, model->rowCount() / model->pageSize()), model->pageSize(), slowestPageMs,
                stalls.maxGapMs(), rssMb(), model->loadedPageCount());

    // 3. Filter: discarded jobs whose error mentions one document.
    stalls.reset();
    auto *state = panel.findChild<QComboBox *>(QStringLiteral("jobsState"));
    auto *text = panel.findChild<QLineEdit *>(QStringLiteral("jobsText"));
    state->setCurrentIndex(state->findData(QStringLiteral("discarded")));
    text->setText(QStringLiteral("(doc-42)"));
    timer.restart();
    panel.findChild<QPushButton *>(QStringLiteral("applyJobsFilter"))->click();
    if (!spinUntil([&] { return model->rowCount() > 0; }, 120'000))
        die(QStringLiteral("no filtered rows within 120 s"));
    const qint64 filterMs = timer.elapsed();
    spinUntil([] { return false; }, 500);
    std::printf("filter: first rows after %lld ms, max GUI stall %lld ms, RSS %.0f MB, rows %d\n", filterMs,
                stalls.maxGapMs(), rssMb(), model->rowCount());
    std::printf("RESULT jobs=%d first_rows_ms=%lld scroll_s=%.1f scroll_rows=%d filter_ms=%lld rss_mb=%.0f\n", jobs,
                firstRowsMs, scrollMs / 1000.0, model->rowCount(), filterMs, rssMb());
    return 0;
}
