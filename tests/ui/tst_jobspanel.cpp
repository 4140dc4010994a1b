// The Jobs panel (support view) on the Local environment, driven like a user: filter, select, retry, bulk cancel;
// counts that follow the filter; live refresh of the rows shown, the selected job and new jobs, without a reset.
#include "consolefixture.h"
#include "errorgroupsmodel.h"
#include "errorgroupsview.h"
#include "failedjobs.h"
#include "jobactions.h"
#include "jobdetailview.h"
#include "jobs/jobqueue.h"
#include "jobsmodel.h"
#include "jobspanel.h"
#include "uitesting.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QContextMenuEvent>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTimeZone>
#include <QTimer>

using namespace twinops;
using namespace twinops::test;

class TestJobsPanel final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void init();
    void cleanup();
    void showsJobsAndFilters();
    void detailAndRetryOfAFailedJob();
    void bulkCancelMatchingAsksFirst();
    void modelPassesTheTester();
    void pagesWithFetchMoreAndEvicts();
    void countsFollowTheFilter();
    void liveRefreshUpdatesRowsInPlace();
    void liveRefreshAppendsAFullLastPage();
    void newerJobsHintWhenTheLastPageChanged();
    void liveOffOrHiddenChangesNothing();
    void oneRefreshAtATime();
    void stateTheConsoleDoesNotKnowShowsAsUnknown();
    void errorGroupsShowAndRetryOneGroup();
    void namesInColumnsDetailAndFilters();
    void stateTabsCountLiveAndFilter();
    void actionsOnlyWhereTheStateAllows();
    void sortsByCreationOnTheServer();
    void detailAttemptTimelineAndLinks();

private:
    void enqueue(const QString &type, int count, const QString &marker = QStringLiteral("plain"));
    void discard(const QString &type, const QString &error);
    qint64 countInState(const QString &state);

    static QString stateOf(QAbstractItemModel *model, int row)
    {
        return model->index(row, JobsModel::State).data().toString();
    }
    std::unique_ptr<JobsPanel> livePanel(int pageSize = 0);
    QString enqueueOne(const QString &type, const QString &tenant, const QString &twin, const QJsonObject &payload);
    int rowOf(JobsModel *model, const QString &id);

    std::unique_ptr<ConsoleFixture> m_fixture;
    int m_serial = 0;
};

// A panel shown and refreshing live every 20 ms (the pause a real one takes is 2 s).
std::unique_ptr<JobsPanel> TestJobsPanel::livePanel(int pageSize)
{
    auto panel = std::make_unique<JobsPanel>(*m_fixture->local);
    panel->setLiveInterval(20);
    if (pageSize > 0)
        panel->model()->setPageSize(pageSize);
    panel->resize(1000, 700);
    panel->show();
    if (!QTest::qWaitForWindowExposed(panel.get()))
        qWarning("the panel was not exposed");
    return panel;
}

QString TestJobsPanel::enqueueOne(const QString &type, const QString &tenant, const QString &twin,
                                  const QJsonObject &payload)
{
    NewJob job;
    job.type = type;
    job.tenantId = tenant;
    job.twinId = twin;
    job.payload = payload;
    job.maxAttempts = 3;
    job.idempotencyKey = QStringLiteral("k%1").arg(++m_serial);
    auto added = JobQueue(m_fixture->core->database()).enqueue(job);
    return added.ok() ? added->id : QString();
}

int TestJobsPanel::rowOf(JobsModel *model, const QString &id)
{
    for (int row = 0; row < model->rowCount(); ++row)
        if (model->jobId(row) == id)
            return row;
    return -1;
}

void TestJobsPanel::init()
{
    m_fixture = ConsoleFixture::create(currentDialect());
    QVERIFY(m_fixture);
}

void TestJobsPanel::cleanup()
{
    m_fixture.reset();
}

void TestJobsPanel::enqueue(const QString &type, int count, const QString &marker)
{
    QList<NewJob> jobs;
    for (int i = 0; i < count; ++i) {
        NewJob job;
        job.type = type;
        job.payload = QJsonObject{{QStringLiteral("n"), i}, {QStringLiteral("marker"), marker}};
        job.idempotencyKey = QStringLiteral("k%1").arg(++m_serial);
        job.maxAttempts = 3;
        jobs << job;
    }
    auto added = JobQueue(m_fixture->core->database()).enqueueBatch(jobs);
    TWINOPS_VERIFY_OK(added);
    QCOMPARE(*added, count);
}

// A job that failed for good, as the workers leave it: discarded, attempts spent, an error and log lines.
void TestJobsPanel::discard(const QString &type, const QString &error)
{
    Database &db = m_fixture->core->database();
    TWINOPS_VERIFY_OK(db.query(QStringLiteral("UPDATE jobs SET state = 'discarded', attempt = max_attempts, "
                                              "last_error = $1 WHERE type = $2"),
                               {error, type}));
    auto rows = db.query(QStringLiteral("SELECT id FROM jobs WHERE type = $1"), {type});
    TWINOPS_VERIFY_OK(rows);
    QList<JobQueue::LogEntry> lines;
    for (const Row row : *rows)
        lines << JobQueue::LogEntry{row.text(0), QString(), 3, QStringLiteral("error"),
                                    QStringLiteral("attempt 3: ") + error};
    TWINOPS_VERIFY_OK(JobQueue(db).writeLogs(lines));
}

qint64 TestJobsPanel::countInState(const QString &state)
{
    auto rows
        = m_fixture->core->database().query(QStringLiteral("SELECT count(*) FROM jobs WHERE state = $1"), {state});
    return rows.ok() ? rows->first().integer(0) : -1;
}

void TestJobsPanel::showsJobsAndFilters()
{
    enqueue(QStringLiteral("test.alpha"), 5, QStringLiteral("needle-a"));
    enqueue(QStringLiteral("test.beta"), 3);
    discard(QStringLiteral("test.beta"), QStringLiteral("provider timeout"));

    JobsPanel panel(*m_fixture->local);
    QVERIFY(showAndWait(panel, {1000, 700}));
    auto *table = child<QTableView>(panel, "jobsTable");
    auto *counts = child<QLabel>(panel, "jobsCounts");
    auto *state = child<QTabBar>(panel, "jobsStateTabs");
    auto *type = child<QLineEdit>(panel, "jobsType");
    auto *text = child<QLineEdit>(panel, "jobsText");
    auto *apply = child<QPushButton>(panel, "applyJobsFilter");
    QVERIFY(table && counts && state && type && text && apply);

    QTRY_COMPARE(table->model()->rowCount(), 8);
    QTRY_VERIFY2(counts->text().contains(QLatin1String("discarded: 3")), qPrintable(counts->text()));
    QVERIFY2(counts->text().contains(QLatin1String("available: 5")), qPrintable(counts->text()));
    QVERIFY(counts->text().startsWith(QLatin1String("8 matching")));

    QVERIFY(clickTab(state, QStringLiteral("discarded")));
    QTRY_COMPARE(table->model()->rowCount(), 3);
    for (int row = 0; row < 3; ++row)
        QCOMPARE(table->model()->index(row, JobsModel::State).data().toString(), QStringLiteral("discarded"));
    QTRY_VERIFY2(counts->text().startsWith(QLatin1String("3 matching")), qPrintable(counts->text()));

    QVERIFY(clickTab(state, QString()));
    type->setText(QStringLiteral("test.alpha"));
    QTest::mouseClick(apply, Qt::LeftButton);
    QTRY_COMPARE(table->model()->rowCount(), 5);

    type->clear();
    text->setText(QStringLiteral("NEEDLE-A")); // in the payload, any case
    QTest::keyClick(text, Qt::Key_Return);
    QTRY_COMPARE(table->model()->rowCount(), 5);
    text->setText(QStringLiteral("provider timeout")); // in the last error
    QTest::keyClick(text, Qt::Key_Return);
    QTRY_COMPARE(table->model()->rowCount(), 3);

    // A tenant that is neither a name nor an id prefix: said in words, the list left as it was.
    auto *tenant = child<QComboBox>(panel, "jobsTenant");
    auto *error = child<QLabel>(panel, "jobsError");
    QVERIFY(tenant && error);
    text->clear();
    tenant->setEditText(QStringLiteral("not-a-tenant"));
    QTest::mouseClick(apply, Qt::LeftButton);
    QTRY_VERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QLatin1String("No tenant is named \"not-a-tenant\"")), qPrintable(error->text()));
    // A well-formed id of no tenant goes to the API, which lists nothing for it.
    tenant->setEditText(QStringLiteral("00000000-0000-4000-8000-000000000000"));
    QTest::mouseClick(apply, Qt::LeftButton);
    QTRY_COMPARE(panel.model()->filter().tenantId, QStringLiteral("00000000-0000-4000-8000-000000000000"));
    QTRY_VERIFY(table->model()->rowCount() == 0 && !panel.model()->isLoading());
}

void TestJobsPanel::detailAndRetryOfAFailedJob()
{
    enqueue(QStringLiteral("test.ok"), 2);
    enqueue(QStringLiteral("test.failing"), 1);
    discard(QStringLiteral("test.failing"), QStringLiteral("boom: the provider said 500"));

    JobsPanel panel(*m_fixture->local);
    QVERIFY(showAndWait(panel, {1000, 700}));
    auto *table = child<QTableView>(panel, "jobsTable");
    auto *state = child<QTabBar>(panel, "jobsStateTabs");
    auto *detail = child<QTextBrowser>(panel, "jobDetail");
    auto *retry = child<QPushButton>(panel, "retryJobsButton");
    QVERIFY(table && state && detail && retry);
    QTRY_COMPARE(table->model()->rowCount(), 3);
    QVERIFY(!retry->isEnabled()); // nothing selected

    QVERIFY(clickTab(state, QStringLiteral("discarded")));
    QTRY_COMPARE(table->model()->rowCount(), 1);
    clickRow(table, 0);
    QTRY_VERIFY2(detail->toPlainText().contains(QLatin1String("attempt 3: boom: the provider said 500")),
                 qPrintable(detail->toPlainText()));
    const QString shown = detail->toPlainText();
    QVERIFY(shown.contains(QLatin1String("Last error: boom: the provider said 500")));
    QVERIFY(shown.contains(QLatin1String("Attempts: 3 of 3")));
    QVERIFY(shown.contains(QLatin1String("    \"marker\": \"plain\""))); // indented
    QVERIFY(shown.contains(QLatin1String("test.failing")));
    QVERIFY(!shown.contains(QLatin1String("Retries ahead"))); // discarded: nothing ahead

    QVERIFY(retry->isEnabled());
    QTest::mouseClick(retry, Qt::LeftButton);
    // In place: the row stays (although it no longer matches "discarded") and shows its new state.
    QTRY_COMPARE(table->model()->index(0, JobsModel::State).data().toString(), QStringLiteral("available"));
    QCOMPARE(table->model()->rowCount(), 1);
    QCOMPARE(table->model()->index(0, JobsModel::Attempt).data(JobsModel::RawRole).toInt(), 0);
    QTRY_VERIFY(detail->toPlainText().contains(QLatin1String("State: available")));
    // Attempt 1 runs next; if it and attempt 2 fail, attempts 2 and 3 follow with the backoff; nothing after 3.
    const QString retried = detail->toPlainText();
    QVERIFY2(retried.contains(QLatin1String("Retries ahead if every attempt fails:\nattempt 2: "))
                 && retried.contains(QLatin1String("\nattempt 3: ")) && !retried.contains(QLatin1String("attempt 4: ")),
             qPrintable(retried));
    QCOMPARE(countInState(QStringLiteral("discarded")), 0);
    QCOMPARE(countInState(QStringLiteral("available")), 3);
    QTRY_VERIFY(child<QLabel>(panel, "jobsStatus")->text().contains(QLatin1String("retried")));

    // Retrying it again is not offered (it is not finished), cancelling it is.
    QVERIFY(!retry->isEnabled());
    QVERIFY(child<QPushButton>(panel, "cancelJobsButton")->isEnabled());
}

void TestJobsPanel::bulkCancelMatchingAsksFirst()
{
    enqueue(QStringLiteral("test.bulk"), 6);
    enqueue(QStringLiteral("test.keep"), 2);

    JobsPanel panel(*m_fixture->local);
    QVERIFY(showAndWait(panel, {1000, 700}));
    auto *table = child<QTableView>(panel, "jobsTable");
    auto *type = child<QLineEdit>(panel, "jobsType");
    auto *cancelMatching = child<QPushButton>(panel, "cancelMatchingButton");
    QVERIFY(table && type && cancelMatching);
    QTRY_COMPARE(table->model()->rowCount(), 8);

    type->setText(QStringLiteral("test.bulk"));
    QTest::keyClick(type, Qt::Key_Return);
    QTRY_COMPARE(table->model()->rowCount(), 6);

    // Asked with the count made on the click and the filter in words, then declined: nothing changes.
    enqueue(QStringLiteral("test.bulk"), 1); // not listed yet: the count is made when asked
    QTest::mouseClick(cancelMatching, Qt::LeftButton);
    QDialog *dialog = waitForConfirmation(panel, QStringLiteral("confirmBulkJobs"));
    QVERIFY(dialog);
    const QString object = child<QLabel>(*dialog, "confirmObject")->text();
    QVERIFY2(object.contains(QLatin1String("type test.bulk")), qPrintable(object));
    const QString consequence = child<QLabel>(*dialog, "confirmConsequence")->text();
    QVERIFY2(consequence.contains(QLatin1String("the 7 job(s) that match")), qPrintable(consequence));
    QCOMPARE(child<QPushButton>(*dialog, "confirmBulkJobsButton")->text(), QStringLiteral("Cancel 7 job(s)"));
    QTest::mouseClick(child<QPushButton>(*dialog, "confirmCancelButton"), Qt::LeftButton);
    QTRY_VERIFY(!panel.findChild<QDialog *>(QStringLiteral("confirmBulkJobs")));
    QCOMPARE(countInState(QStringLiteral("cancelled")), 0);

    // Asked, then confirmed: exactly the matching ones.
    QTest::mouseClick(cancelMatching, Qt::LeftButton);
    QVERIFY(confirmAction(panel, QStringLiteral("confirmBulkJobs")));
    QTRY_COMPARE(countInState(QStringLiteral("cancelled")), 7);
    QCOMPARE(countInState(QStringLiteral("available")), 2);
    QTRY_VERIFY(child<QLabel>(panel, "jobsStatus")->text().contains(QLatin1String("7 job(s) cancelled")));
    QTRY_COMPARE(table->model()->rowCount(), 7);
    QTRY_COMPARE(table->model()->index(6, JobsModel::State).data().toString(), QStringLiteral("cancelled"));
    QTRY_VERIFY(child<QLabel>(panel, "jobsCounts")->text().contains(QLatin1String("cancelled: 7")));

    // Nothing matching: said, and nothing asked.
    type->setText(QStringLiteral("test.none"));
    QTest::keyClick(type, Qt::Key_Return);
    QTRY_COMPARE(table->model()->rowCount(), 0);
    QTest::mouseClick(cancelMatching, Qt::LeftButton);
    QTRY_COMPARE(child<QLabel>(panel, "jobsStatus")->text(), QStringLiteral("No job matches the filter."));
    QVERIFY(!panel.findChild<QDialog *>(QStringLiteral("confirmBulkJobs")));
}

void TestJobsPanel::modelPassesTheTester()
{
    enqueue(QStringLiteral("test.tester"), 30);
    discard(QStringLiteral("test.tester"), QStringLiteral("no"));
    enqueue(QStringLiteral("test.other"), 12);
    JobsModel model(*m_fixture->local);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setPageSize(10);
    // The tester calls fetchMore after every insertion, so the model pages through everything.
    QTRY_COMPARE(model.rowCount(), 42);
    QVERIFY(!model.canFetchMore({}));
    // Each job once: the tester's fetchMore from inside an insertion must not ask for a page twice.
    QSet<QString> ids;
    for (int row = 0; row < 42; ++row)
        ids.insert(model.jobId(row));
    QCOMPARE(ids.size(), 42);
    JobsFilter filter;
    filter.state = JobState::Discarded;
    model.setFilter(filter);
    QTRY_COMPARE(model.rowCount(), 30);
    model.retry({model.jobId(0), model.jobId(1)});
    QTRY_COMPARE(model.index(1, JobsModel::State).data().toString(), QStringLiteral("available"));
    filter = JobsFilter();
    filter.type = QStringLiteral("test.other");
    model.setFilter(filter);
    QTRY_COMPARE(model.rowCount(), 12);
    model.cancelMatching();
    QTRY_COMPARE(countInState(QStringLiteral("cancelled")), 12);
    QTRY_COMPARE(model.index(0, JobsModel::State).data().toString(), QStringLiteral("cancelled"));
}

void TestJobsPanel::pagesWithFetchMoreAndEvicts()
{
    enqueue(QStringLiteral("test.paged"), 120);
    JobsModel model(*m_fixture->local);
    QSignalSpy errors(&model, &JobsModel::errorOccurred);
    model.setMaxCachedPages(2);
    model.setPageSize(50);
    QTRY_COMPARE(model.rowCount(), 50);
    QVERIFY(model.canFetchMore({}));
    model.fetchMore({});
    QTRY_COMPARE(model.rowCount(), 100);
    model.fetchMore({});
    QTRY_COMPARE(model.rowCount(), 120);
    QTRY_VERIFY(!model.canFetchMore({}));
    QVERIFY(!model.isLoading());

    // Every row once, in keyset order, no duplicates.
    QSet<QString> seen;
    for (int row = 50; row < 120; ++row)
        seen.insert(model.jobId(row));
    // Three pages seen, two kept: the first went; showing it again fetches it again.
    QCOMPARE(model.loadedPageCount(), 2);
    QVERIFY(model.job(0) == nullptr);
    QCOMPARE(model.index(0, JobsModel::Type).data().toString(), QStringLiteral("Loading…"));
    QTRY_VERIFY(model.job(0) != nullptr);
    QCOMPARE(model.index(0, JobsModel::Type).data().toString(), QStringLiteral("test.paged"));
    for (int row = 0; row < 50; ++row)
        seen.insert(model.jobId(row));
    QCOMPARE(seen.size(), 120);
    QCOMPARE(model.loadedPageCount(), 2);
    QCOMPARE(errors.size(), 0);
}

void TestJobsPanel::countsFollowTheFilter()
{
    enqueue(QStringLiteral("test.alpha"), 5, QStringLiteral("needle-a"));
    enqueue(QStringLiteral("test.beta"), 3);
    discard(QStringLiteral("test.beta"), QStringLiteral("provider timeout"));
    enqueue(QStringLiteral("test.gamma"), 2, QStringLiteral("needle-a"));

    auto panel = livePanel(); // the counts of every tick follow the filter too
    auto *counts = child<QLabel>(*panel, "jobsCounts");
    auto *state = child<QTabBar>(*panel, "jobsStateTabs");
    auto *type = child<QLineEdit>(*panel, "jobsType");
    auto *text = child<QLineEdit>(*panel, "jobsText");
    auto *apply = child<QPushButton>(*panel, "applyJobsFilter");
    QVERIFY(counts && state && type && text && apply);
    const auto shows = [&](const char *start, std::initializer_list<const char *> parts) {
        if (!counts->text().startsWith(QLatin1String(start)))
            return false;
        for (const char *part : parts)
            if (!counts->text().contains(QLatin1String(part)))
                return false;
        return true;
    };
    QTRY_VERIFY2(shows("10 matching", {"available: 7", "discarded: 3"}), qPrintable(counts->text()));

    type->setText(QStringLiteral("test.beta"));
    QTest::keyClick(type, Qt::Key_Return);
    QTRY_VERIFY2(shows("3 matching", {"available: 0", "discarded: 3"}), qPrintable(counts->text()));

    type->clear();
    text->setText(QStringLiteral("needle-a"));
    QTest::mouseClick(apply, Qt::LeftButton);
    QTRY_VERIFY2(shows("7 matching", {"available: 7", "discarded: 0"}), qPrintable(counts->text()));

    // The state narrows what matches, not the breakdown: where the other matching jobs are stays in view.
    text->clear();
    QVERIFY(clickTab(state, QStringLiteral("discarded")));
    QTRY_VERIFY2(shows("3 matching", {"available: 7", "discarded: 3"}), qPrintable(counts->text()));
    text->setText(QStringLiteral("needle-a"));
    QTest::mouseClick(apply, Qt::LeftButton);
    QTRY_VERIFY2(shows("0 matching", {"available: 7", "discarded: 0"}), qPrintable(counts->text()));
}

void TestJobsPanel::liveRefreshUpdatesRowsInPlace()
{
    enqueue(QStringLiteral("test.live"), 120);
    auto panel = livePanel(50); // three pages: the middle one is refreshed by id, the last one as the list's end
    JobsModel *model = panel->model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    auto *table = child<QTableView>(*panel, "jobsTable");
    auto *detail = child<QTextBrowser>(*panel, "jobDetail");
    auto *counts = child<QLabel>(*panel, "jobsCounts");
    auto *error = child<QLabel>(*panel, "jobsError");
    auto *live = child<QCheckBox>(*panel, "jobsLive");
    QVERIFY(table && detail && counts && error && live);
    QVERIFY(live->isChecked()); // on by default
    QTRY_COMPARE(model->rowCount(), 120); // the tester fetches every page
    QSignalSpy resets(model, &QAbstractItemModel::modelReset);

    // Scrolled into the list, one job selected and its detail read.
    const int row = 60;
    table->scrollTo(model->index(row, 0), QAbstractItemView::PositionAtTop);
    QCOMPARE(table->rowAt(0), row);
    clickRow(table, row);
    QTRY_VERIFY2(detail->toPlainText().contains(QLatin1String("State: available"))
                     && detail->toPlainText().contains(QLatin1String("Log lines (0)")),
                 qPrintable(detail->toPlainText()));
    const QString id = model->jobId(row);
    const int scrolled = table->verticalScrollBar()->value();
    QVERIFY(scrolled > 0);

    // Elsewhere, a worker claims every job, then completes the selected one.
    JobQueue queue(m_fixture->core->database());
    auto claim = queue.claim(QStringLiteral("test-worker"), 200, std::chrono::minutes(1));
    TWINOPS_VERIFY_OK(claim);
    QCOMPARE(claim->jobs.size(), 120);
    QTRY_COMPARE(stateOf(model, row), QStringLiteral("running"));
    QTRY_VERIFY2(detail->toPlainText().contains(QLatin1String("State: running")), qPrintable(detail->toPlainText()));
    QTRY_COMPARE(stateOf(model, 119), QStringLiteral("running")); // the last page, in view or not
    TWINOPS_VERIFY_OK(queue.complete(claim->leaseToken, {{id, QJsonObject()}}));
    QTRY_COMPARE(stateOf(model, row), QStringLiteral("completed"));
    QTRY_VERIFY2(detail->toPlainText().contains(QLatin1String("State: completed"))
                     && detail->toPlainText().contains(QLatin1String("Log lines (0)")),
                 qPrintable(detail->toPlainText()));
    QTRY_VERIFY2(counts->text().startsWith(QLatin1String("120 matching"))
                     && counts->text().contains(QLatin1String("running: 119"))
                     && counts->text().contains(QLatin1String("completed: 1")),
                 qPrintable(counts->text()));
    // In place: no reset, the same job selected at the same place, the view where it was.
    QCOMPARE(resets.size(), 0);
    QCOMPARE(model->jobId(row), id);
    QCOMPARE(table->selectionModel()->currentIndex().row(), row);
    QVERIFY(table->selectionModel()->isRowSelected(row, {}));
    QCOMPARE(table->selectionModel()->selectedRows().size(), 1);
    QCOMPARE(table->verticalScrollBar()->value(), scrolled);

    // Only what is in view is re-read: the first page, scrolled away, still shows what it showed. Back in view,
    // it follows.
    QCOMPARE(stateOf(model, 0), QStringLiteral("available"));
    table->scrollToTop();
    QTRY_COMPARE(stateOf(model, 0), QStringLiteral("running"));

    // A new job: keyset order puts it after the last row, where it is appended.
    enqueue(QStringLiteral("test.live"), 1, QStringLiteral("newcomer"));
    QTRY_COMPARE(model->rowCount(), 121);
    QCOMPARE(stateOf(model, 120), QStringLiteral("available"));
    QCOMPARE(model->index(120, JobsModel::Type).data().toString(), QStringLiteral("test.live"));
    QTRY_VERIFY2(counts->text().startsWith(QLatin1String("121 matching")), qPrintable(counts->text()));
    QCOMPARE(resets.size(), 0);
    QCOMPARE(table->selectionModel()->currentIndex().row(), row);
    QCOMPARE(model->jobId(row), id);
    QVERIFY2(error->isHidden(), qPrintable(error->text()));
}

void TestJobsPanel::liveRefreshAppendsAFullLastPage()
{
    // Five jobs in pages of five: the list ends on a full page, which has no cursor after it yet.
    enqueue(QStringLiteral("test.full"), 5);
    auto panel = livePanel(5);
    JobsModel *model = panel->model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QTRY_VERIFY(model->rowCount() == 5 && !model->canFetchMore({}) && !model->isLoading());
    QSignalSpy resets(model, &QAbstractItemModel::modelReset);
    enqueue(QStringLiteral("test.full"), 7);
    QTRY_COMPARE(model->rowCount(), 12); // a page appended, then the two left over
    QSet<QString> ids;
    for (int row = 0; row < 12; ++row)
        ids.insert(model->jobId(row));
    QCOMPARE(ids.size(), 12);
    QCOMPARE(resets.size(), 0);
}

void TestJobsPanel::newerJobsHintWhenTheLastPageChanged()
{
    enqueue(QStringLiteral("test.hint"), 3);
    auto panel = livePanel(5);
    JobsModel *model = panel->model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    auto *state = child<QTabBar>(*panel, "jobsStateTabs");
    auto *hint = child<QLabel>(*panel, "jobsNewerHint");
    QVERIFY(state && hint);
    QVERIFY(clickTab(state, QStringLiteral("available")));
    QTRY_VERIFY(model->rowCount() == 3 && !model->isLoading());
    QVERIFY(hint->isHidden());

    // The first job leaves the filter and three new ones come: the last page no longer lines up with the list, so
    // two are appended (the page's room) and the third is announced.
    const QString first = model->jobId(0);
    TWINOPS_VERIFY_OK(JobQueue(m_fixture->core->database()).cancel({}, first, QStringLiteral("test")));
    enqueue(QStringLiteral("test.hint"), 3);
    QTRY_VERIFY(hint->isVisible());
    QCOMPARE(model->rowCount(), 5);
    QTRY_COMPARE(stateOf(model, 0), QStringLiteral("cancelled")); // still in its place, in its new state

    // Following the link reloads: the list as the filter has it now.
    QSignalSpy resets(model, &QAbstractItemModel::modelReset);
    Q_EMIT hint->linkActivated(QStringLiteral("reload"));
    QTRY_VERIFY(resets.size() == 1 && model->rowCount() == 5 && !model->isLoading());
    QVERIFY(rowOf(model, first) < 0);
    QTRY_VERIFY(hint->isHidden());
}

void TestJobsPanel::liveOffOrHiddenChangesNothing()
{
    enqueue(QStringLiteral("test.still"), 3);
    auto panel = livePanel();
    JobsModel *model = panel->model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    auto *live = child<QCheckBox>(*panel, "jobsLive");
    auto *counts = child<QLabel>(*panel, "jobsCounts");
    QVERIFY(live && counts);
    QTRY_COMPARE(model->rowCount(), 3);
    QSignalSpy ticks(model, &JobsModel::refreshFinished);
    QTRY_VERIFY(ticks.size() >= 2); // live by default

    // Live off: whatever happens in the database, the panel asks nothing and shows what it showed.
    QTest::mouseClick(live, Qt::LeftButton);
    QVERIFY(!live->isChecked());
    QTRY_VERIFY(!model->isRefreshing()); // a tick already asked still answers
    const QString shownCounts = counts->text();
    QVERIFY2(shownCounts.contains(QLatin1String("available: 3")), qPrintable(shownCounts));
    ticks.clear();
    JobQueue queue(m_fixture->core->database());
    for (int row = 0; row < 3; ++row)
        TWINOPS_VERIFY_OK(queue.cancel({}, model->jobId(row), QStringLiteral("test")));
    QTest::qWait(200); // ten pauses of the live refresh
    QCOMPARE(ticks.size(), 0);
    for (int row = 0; row < 3; ++row)
        QCOMPARE(stateOf(model, row), QStringLiteral("available"));
    QCOMPARE(counts->text(), shownCounts);

    // Hidden, with live on: nothing either, until shown again.
    panel->hide();
    QTest::mouseClick(live, Qt::LeftButton);
    QVERIFY(live->isChecked());
    QTest::qWait(200);
    QCOMPARE(ticks.size(), 0);
    QCOMPARE(stateOf(model, 0), QStringLiteral("available"));
    panel->show();
    QTRY_COMPARE(stateOf(model, 0), QStringLiteral("cancelled"));
    QTRY_COMPARE(stateOf(model, 2), QStringLiteral("cancelled"));
    QTRY_VERIFY2(counts->text().contains(QLatin1String("cancelled: 3")), qPrintable(counts->text()));
}

void TestJobsPanel::oneRefreshAtATime()
{
    enqueue(QStringLiteral("test.once"), 12);
    JobsModel model(*m_fixture->local);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setPageSize(5);
    QTRY_VERIFY(model.rowCount() == 12 && !model.isLoading());
    QSignalSpy finished(&model, &JobsModel::refreshFinished);
    QSignalSpy stats(&model, &JobsModel::statsReady);

    QVERIFY(model.refresh(0, 11));
    QVERIFY(model.isRefreshing());
    QVERIFY(!model.refresh(0, 11)); // refused, not queued
    QVERIFY(!model.refresh(0, 11));
    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(finished.first().first().toString(), QString()); // no failure
    QCOMPARE(stats.size(), 1);
    QVERIFY(!model.isRefreshing());

    // A reload drops what the tick brings but still ends it.
    QVERIFY(model.refresh(0, 11));
    model.setFilter(JobsFilter());
    QTRY_COMPARE(finished.size(), 2);
    QVERIFY(!model.isRefreshing());
    QCOMPARE(stats.size(), 1);
    QTRY_VERIFY(model.rowCount() >= 5);
    QVERIFY(model.refresh(0, 4));
    QTRY_COMPARE(finished.size(), 3);
}

// A newer server may report a state this console has no name for: it shows as unknown, not as some other state.
void TestJobsPanel::stateTheConsoleDoesNotKnowShowsAsUnknown()
{
    const auto record = [](const char *state) {
        return JobRecord::fromJson(QJsonObject{{QStringLiteral("id"), QStringLiteral("j1")},
                                               {QStringLiteral("type"), QStringLiteral("probe")},
                                               {QStringLiteral("state"), QLatin1String(state)}});
    };
    QVERIFY(record("retryable").state == JobState::Retryable);
    QVERIFY(!record("paused").state.has_value());

    JobsFilter filter;
    QVERIFY(!filter.toJson().contains(QStringLiteral("state")));
    filter.state = JobState::Cancelled;
    QCOMPARE(filter.toJson().value(QStringLiteral("state")).toString(), QStringLiteral("cancelled"));
}

void TestJobsPanel::errorGroupsShowAndRetryOneGroup()
{
    const QString acme = postJson(*m_fixture->core, QStringLiteral("/api/v1/admin/tenants"),
                                  {{QStringLiteral("name"), QStringLiteral("Acme Robotics")}});
    QVERIFY(!acme.isEmpty());
    const QStringList timeouts = failJobs(
        m_fixture->core->database(), acme,
        {QStringLiteral("timeout after 5 s talking to 'cache'"), QStringLiteral("timeout after 7 s talking to 'db'")},
        true);
    QCOMPARE(timeouts.size(), 2);
    QCOMPARE(failJobs(m_fixture->core->database(), {}, {QStringLiteral("twin 4711 not found")}, false).size(), 1);

    JobsPanel panel(*m_fixture->local);
    QVERIFY(showAndWait(panel, {1200, 700}));
    auto *tabs = child<QTabWidget>(panel, "jobsTabs");
    QVERIFY(tabs);
    ErrorGroupsModel *model = panel.errorGroups()->model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model->rowCount(), 0); // read when the tab is first shown, not before
    tabs->setCurrentWidget(panel.errorGroups());

    auto *table = child<QTableView>(panel, "errorGroupsTable");
    auto *retry = child<QPushButton>(panel, "retryGroupButton");
    auto *cancel = child<QPushButton>(panel, "cancelGroupButton");
    auto *discard = child<QPushButton>(panel, "discardGroupButton");
    auto *status = child<QLabel>(panel, "errorGroupsStatus");
    auto *state = child<QComboBox>(panel, "errorGroupsState");
    auto *tenant = child<QComboBox>(panel, "errorGroupsTenant");
    auto *apply = child<QPushButton>(panel, "applyErrorGroupsFilter");
    QVERIFY(table && retry && cancel && discard && status && state && tenant && apply);

    QTRY_COMPARE(model->rowCount(), 2);
    const auto cell
        = [&](int row, ErrorGroupsModel::Column column) { return model->index(row, column).data().toString(); };
    // Largest group first; the tenant by the name the console knows, platform jobs as "platform".
    QVERIFY2(cell(0, ErrorGroupsModel::Signature).startsWith(QLatin1String("timeout after")),
             qPrintable(cell(0, ErrorGroupsModel::Signature)));
    QCOMPARE(cell(0, ErrorGroupsModel::Count), QStringLiteral("2"));
    QCOMPARE(cell(0, ErrorGroupsModel::States), QStringLiteral("discarded: 2"));
    QTRY_COMPARE(cell(0, ErrorGroupsModel::Tenants), QStringLiteral("Acme Robotics: 2"));
    QVERIFY(cell(0, ErrorGroupsModel::Example).startsWith(QLatin1String("timeout after")));
    QVERIFY(!cell(0, ErrorGroupsModel::FirstSeen).isEmpty() && !cell(0, ErrorGroupsModel::LastSeen).isEmpty());
    QVERIFY(cell(1, ErrorGroupsModel::Signature).startsWith(QLatin1String("twin")));
    QCOMPARE(cell(1, ErrorGroupsModel::States), QStringLiteral("retryable: 1"));
    QCOMPARE(cell(1, ErrorGroupsModel::Tenants), QStringLiteral("platform: 1"));

    // Each action only where the group has jobs in a state it applies to.
    QVERIFY(!retry->isEnabled() && !cancel->isEnabled() && !discard->isEnabled());
    table->selectRow(1);
    QVERIFY(!retry->isEnabled() && cancel->isEnabled() && discard->isEnabled());
    table->selectRow(0);
    QVERIFY(retry->isEnabled() && !cancel->isEnabled() && !discard->isEnabled());
    // The context menu offers them on the row under the mouse, enabled by the same rule, and copies.
    const QHash<QString, bool> twinGroup{
        {QStringLiteral("Retry group…"), false},  {QStringLiteral("Cancel group…"), true},
        {QStringLiteral("Discard group…"), true}, {QStringLiteral("Show jobs"), true},
        {QStringLiteral("Copy signature"), true}, {QStringLiteral("Copy example message"), true}};
    QCOMPARE(contextMenu(table, 1, QStringLiteral("Copy signature")), twinGroup);
    QCOMPARE(QApplication::clipboard()->text(), cell(1, ErrorGroupsModel::Signature));
    // Del (the main window's) on this tab is Discard group…: asked, and Cancel keeps the jobs.
    QVERIFY(panel.deleteSelected());
    QDialog *discardQuestion = waitForConfirmation(panel, QStringLiteral("confirmGroupAction"));
    QVERIFY(discardQuestion);
    QCOMPARE(discardQuestion->windowTitle(), QStringLiteral("Discard the group?"));
    QTest::mouseClick(child<QPushButton>(*discardQuestion, QStringLiteral("confirmCancelButton")), Qt::LeftButton);
    QTRY_VERIFY(!panel.findChild<QDialog *>(QStringLiteral("confirmGroupAction")));
    QCOMPARE(countInState(QStringLiteral("retryable")), 1);
    QCOMPARE(contextMenu(table, 0).value(QStringLiteral("Retry group…")), true);

    const QString signature = cell(0, ErrorGroupsModel::Signature);
    QTest::mouseClick(retry, Qt::LeftButton);
    QDialog *question = waitForConfirmation(panel, QStringLiteral("confirmGroupAction"));
    QVERIFY(question);
    const QString consequence = child<QLabel>(*question, QStringLiteral("confirmConsequence"))->text();
    QVERIFY2(consequence.contains(QLatin1String("Retry 2 job(s) of the group")), qPrintable(consequence));
    QCOMPARE(child<QLabel>(*question, QStringLiteral("confirmObject"))->text(), signature); // short: not elided
    QCOMPARE(countInState(QStringLiteral("discarded")), 2); // nothing happens before the confirmation
    QVERIFY(confirmAction(panel, QStringLiteral("confirmGroupAction")));
    QTRY_VERIFY2(status->text().startsWith(QLatin1String("Retried 2 of the 2 jobs")), qPrintable(status->text()));
    QCOMPARE(countInState(QStringLiteral("discarded")), 0);
    QCOMPARE(countInState(QStringLiteral("available")), 2); // the retried group; the other one stays retryable
    QCOMPARE(countInState(QStringLiteral("retryable")), 1);
    // The list reloads: the group is still there (retry keeps the last error), its jobs now waiting to run.
    QTRY_COMPARE(cell(0, ErrorGroupsModel::States), QStringLiteral("available: 2"));

    // Show jobs: the Jobs tab lists the group's jobs only, until the group is cleared.
    auto *showJobs = child<QPushButton>(panel, "showGroupJobsButton");
    auto *jobsTable = child<QTableView>(panel, "jobsTable");
    auto *errorGroup = child<QLabel>(panel, "jobsErrorGroup");
    QVERIFY(showJobs && jobsTable && errorGroup);
    table->selectRow(0);
    QVERIFY(showJobs->isEnabled());
    QTest::mouseClick(showJobs, Qt::LeftButton);
    QCOMPARE(tabs->currentIndex(), 0);
    QTRY_COMPARE(jobsTable->model()->rowCount(), 2);
    QVERIFY(!panel.model()->isLoading());
    QStringList shown{panel.model()->jobId(0), panel.model()->jobId(1)};
    shown.sort();
    QStringList expected = timeouts;
    expected.sort();
    QCOMPARE(shown, expected);
    QVERIFY(errorGroup->isVisible() && errorGroup->text().contains(signature.toHtmlEscaped()));
    emit errorGroup->linkActivated(QStringLiteral("clear")); // what a click on its link does
    QTRY_COMPARE(jobsTable->model()->rowCount(), 3);
    QVERIFY(!errorGroup->isVisible());
    tabs->setCurrentWidget(panel.errorGroups());

    // Filters: state, then tenant (by its name in the picker).
    state->setCurrentIndex(state->findData(QStringLiteral("retryable")));
    QTest::mouseClick(apply, Qt::LeftButton);
    QTRY_COMPARE(model->rowCount(), 1);
    QVERIFY(cell(0, ErrorGroupsModel::Signature).startsWith(QLatin1String("twin")));
    state->setCurrentIndex(0);
    const int acmeItem = tenant->findData(acme);
    QVERIFY(acmeItem > 0); // after "Any tenant"
    tenant->setCurrentIndex(acmeItem);
    QTest::mouseClick(apply, Qt::LeftButton);
    QTRY_VERIFY(model->rowCount() == 1 && cell(0, ErrorGroupsModel::Signature) == signature);
}

// Tenants and twins by name: in the columns (the full id behind them), in the filters (a name or an id prefix, the
// tenant through its picker) and in the detail, whose links open their panels and copy full ids.
void TestJobsPanel::namesInColumnsDetailAndFilters()
{
    ServiceCore &core = *m_fixture->core;
    const QString acme = postJson(core, QStringLiteral("/api/v1/admin/tenants"),
                                  {{QStringLiteral("name"), QStringLiteral("Acme Robotics")}});
    const QString globex
        = postJson(core, QStringLiteral("/api/v1/admin/tenants"), {{QStringLiteral("name"), QStringLiteral("Globex")}});
    QVERIFY(!acme.isEmpty() && !globex.isEmpty());
    const QString pump = postJson(core, QStringLiteral("/api/v1/twins"),
                                  {{QStringLiteral("name"), QStringLiteral("Pump station")}}, acme);
    const QString boiler
        = postJson(core, QStringLiteral("/api/v1/twins"), {{QStringLiteral("name"), QStringLiteral("Boiler")}}, globex);
    QVERIFY(!pump.isEmpty() && !boiler.isEmpty());
    const QString source = QStringLiteral("5f1e2d3c-4b5a-4978-8877-665544332211");
    const QString acmeJob
        = enqueueOne(QStringLiteral("test.named"), acme, pump, {{QStringLiteral("source_id"), source}});
    QVERIFY(!enqueueOne(QStringLiteral("test.named"), acme, pump, {}).isEmpty());
    QVERIFY(!enqueueOne(QStringLiteral("test.named"), globex, boiler, {}).isEmpty());
    QVERIFY(!enqueueOne(QStringLiteral("test.platform"), {}, {}, {}).isEmpty());

    JobsPanel panel(*m_fixture->local);
    QVERIFY(showAndWait(panel, {1200, 900}));
    JobsModel *model = panel.model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    auto *table = child<QTableView>(panel, "jobsTable");
    auto *tenant = child<QComboBox>(panel, "jobsTenant");
    auto *twin = child<QLineEdit>(panel, "jobsTwin");
    auto *error = child<QLabel>(panel, "jobsError");
    auto *detail = child<JobDetailView>(panel, "jobDetail");
    QVERIFY(table && tenant && twin && error && detail);
    QTRY_COMPARE(model->rowCount(), 4);

    // Columns: names once known, the full id behind them.
    const int row = rowOf(model, acmeJob);
    QTRY_COMPARE(model->index(row, JobsModel::Tenant).data().toString(), QStringLiteral("Acme Robotics"));
    QTRY_COMPARE(model->index(row, JobsModel::Twin).data().toString(), QStringLiteral("Pump station"));
    QCOMPARE(model->index(row, JobsModel::Tenant).data(Qt::ToolTipRole).toString(), acme);
    QCOMPARE(model->index(row, JobsModel::Twin).data(Qt::ToolTipRole).toString(), pump);
    QTRY_COMPARE(cellText(table, QStringLiteral("test.platform"), JobsModel::Tenant), QStringLiteral("platform"));

    // The tenant filter: a name in any case, then an id prefix; the picker then shows the tenant's name.
    QTRY_VERIFY(tenant->findData(globex) > 0);
    tenant->setEditText(QStringLiteral("acme robotics"));
    QTest::keyClick(tenant->lineEdit(), Qt::Key_Return);
    QTRY_COMPARE(model->filter().tenantId, acme);
    QTRY_VERIFY(model->rowCount() == 2 && !model->isLoading());
    QCOMPARE(tenant->currentText(), QStringLiteral("Acme Robotics"));
    tenant->setEditText(globex.left(6));
    QTest::keyClick(tenant->lineEdit(), Qt::Key_Return);
    QTRY_COMPARE(model->filter().tenantId, globex);
    QTRY_VERIFY(model->rowCount() == 1 && !model->isLoading());

    // The twin filter: by name across every tenant (the twins are listed first), by id prefix, or refused in words.
    tenant->setCurrentIndex(0); // "Every tenant"
    QCOMPARE(tenant->currentData().toString(), QString());
    twin->setText(QStringLiteral("PUMP STATION"));
    QTest::keyClick(twin, Qt::Key_Return);
    QTRY_COMPARE(model->filter().twinId, pump);
    QTRY_VERIFY(model->rowCount() == 2 && !model->isLoading());
    QCOMPARE(model->filter().tenantId, QString());
    twin->setText(boiler.left(8));
    QTest::keyClick(twin, Qt::Key_Return);
    QTRY_COMPARE(model->filter().twinId, boiler);
    twin->setText(QStringLiteral("no such twin"));
    QTest::keyClick(twin, Qt::Key_Return);
    QTRY_VERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QLatin1String("No twin is named \"no such twin\"")), qPrintable(error->text()));
    QCOMPARE(model->filter().twinId, boiler); // the list stays as it was

    // The detail: names linked, full ids with a copy link, the source the payload names.
    twin->clear();
    QTest::keyClick(twin, Qt::Key_Return);
    QTRY_VERIFY(model->rowCount() == 4 && !model->isLoading());
    clickRow(table, rowOf(model, acmeJob));
    QTRY_VERIFY2(detail->toPlainText().contains(QStringLiteral("Tenant: Acme Robotics %1").arg(acme))
                     && detail->toPlainText().contains(QStringLiteral("Twin: Pump station %1").arg(pump))
                     && detail->toPlainText().contains(QStringLiteral("Source: %1").arg(source)),
                 qPrintable(detail->toPlainText()));
    QSignalSpy opened(&panel, &JobsPanel::openRequested);
    QVERIFY(clickText(detail, QStringLiteral("Acme Robotics")));
    QTRY_COMPARE(opened.size(), 1);
    QCOMPARE(opened.at(0), (QVariantList{QStringLiteral("tenant"), acme, acme, pump}));
    QVERIFY(clickText(detail, QStringLiteral("Pump station")));
    QTRY_COMPARE(opened.size(), 2);
    QCOMPARE(opened.at(1).at(0).toString(), QStringLiteral("twin"));
    QCOMPARE(opened.at(1).at(1).toString(), pump);
    QVERIFY(clickText(detail, source));
    QTRY_COMPARE(opened.size(), 3);
    QCOMPARE(opened.at(2), (QVariantList{QStringLiteral("source"), source, acme, pump}));
    QGuiApplication::clipboard()->clear();
    QVERIFY(clickText(detail, QStringLiteral("copy"), acme)); // the copy link after the tenant's id
    QTRY_COMPARE(QGuiApplication::clipboard()->text(), acme);
    QVERIFY(clickText(detail, QStringLiteral("copy"), QStringLiteral("Job:")));
    QTRY_COMPARE(QGuiApplication::clipboard()->text(), acmeJob);
    QTRY_VERIFY(child<QLabel>(panel, "jobsStatus")->text().contains(acmeJob));

    // The table's context menu copies the full ids of the row and filters on its tenant.
    const int acmeRow = rowOf(model, acmeJob);
    contextMenu(table, acmeRow, QStringLiteral("Copy twin id"));
    QCOMPARE(QGuiApplication::clipboard()->text(), pump);
    contextMenu(table, acmeRow, QStringLiteral("Copy tenant id"));
    QCOMPARE(QGuiApplication::clipboard()->text(), acme);
    contextMenu(table, acmeRow, QStringLiteral("Only this tenant's jobs"));
    QTRY_COMPARE(model->filter().tenantId, acme);
    QTRY_VERIFY(model->rowCount() == 2 && !model->isLoading());
    contextMenu(table, 0, QStringLiteral("Open twin"));
    QTRY_COMPARE(opened.size(), 4);
    QCOMPARE(opened.at(3).at(0).toString(), QStringLiteral("twin"));
    const QHash<QString, bool> offered = contextMenu(table, rowOf(model, acmeJob), QStringLiteral("Open source"));
    QVERIFY(!offered.contains(QStringLiteral("Open conversation"))); // its payload names none
    QTRY_COMPARE(opened.size(), 5);
    QCOMPARE(opened.at(4), (QVariantList{QStringLiteral("source"), source, acme, pump}));
}

// One tab per state with its count, kept current while the panel is shown; a click lists that state.
void TestJobsPanel::stateTabsCountLiveAndFilter()
{
    enqueue(QStringLiteral("test.alpha"), 5);
    enqueue(QStringLiteral("test.beta"), 3);
    discard(QStringLiteral("test.beta"), QStringLiteral("provider timeout"));

    auto panel = livePanel();
    JobsModel *model = panel->model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    auto *tabs = child<QTabBar>(*panel, "jobsStateTabs");
    auto *table = child<QTableView>(*panel, "jobsTable");
    QVERIFY(tabs && table);
    QCOMPARE(tabs->count(), 1 + int(kJobStates.size()));
    const auto tabText = [&](const QString &state) {
        for (int tab = 0; tab < tabs->count(); ++tab)
            if (tabs->tabData(tab).toString() == state)
                return tabs->tabText(tab);
        return QString();
    };
    QTRY_COMPARE(tabText(QString()), QStringLiteral("All (8)"));
    QCOMPARE(tabText(QStringLiteral("available")), QStringLiteral("available (5)"));
    QCOMPARE(tabText(QStringLiteral("discarded")), QStringLiteral("discarded (3)"));
    QCOMPARE(tabText(QStringLiteral("running")), QStringLiteral("running (0)"));

    QVERIFY(clickTab(tabs, QStringLiteral("discarded")));
    QTRY_VERIFY(model->rowCount() == 3 && !model->isLoading());
    QCOMPARE(model->filter().state, JobState::Discarded);
    for (int row = 0; row < 3; ++row) {
        QCOMPARE(stateOf(model, row), QStringLiteral("discarded")); // the name, with the colour beside it
        QCOMPARE(model->index(row, JobsModel::State).data(Qt::DecorationRole).value<QColor>(),
                 jobStateColor(JobState::Discarded));
    }
    // Live: the counts follow the queue; every tab counts what it would list, whichever is open.
    enqueue(QStringLiteral("test.alpha"), 2);
    QTRY_COMPARE(tabText(QStringLiteral("available")), QStringLiteral("available (7)"));
    QTRY_COMPARE(tabText(QString()), QStringLiteral("All (10)"));
    QCOMPARE(model->rowCount(), 3);

    QVERIFY(clickTab(tabs, QString()));
    QTRY_VERIFY(model->rowCount() == 10 && !model->isLoading());
    QVERIFY(!model->filter().state);

    // Where an alert leads: the state's tab is the open one.
    panel->showJobs(QStringLiteral("available"), QStringLiteral("test.alpha"));
    QCOMPARE(tabs->tabData(tabs->currentIndex()).toString(), QStringLiteral("available"));
    QTRY_VERIFY(model->rowCount() == 7 && !model->isLoading());
}

// Retry, Cancel and Discard, on the buttons and in the context menu alike, only where every selected job's state
// allows them; Cancel and Discard ask first, Retry does not.
void TestJobsPanel::actionsOnlyWhereTheStateAllows()
{
    // The rules themselves, including the states no list here shows.
    const auto actions = [](const char *state, bool cancelRequested = false) {
        return JobActions::of(JobRecord::fromJson(QJsonObject{{QStringLiteral("id"), QStringLiteral("j")},
                                                              {QStringLiteral("state"), QLatin1String(state)},
                                                              {QStringLiteral("cancel_requested"), cancelRequested}}));
    };
    QVERIFY(actions("discarded").retry && !actions("discarded").cancel && !actions("discarded").discard);
    QVERIFY(actions("cancelled").retry && !actions("cancelled").cancel && !actions("cancelled").discard);
    QVERIFY(actions("completed").retry && !actions("completed").cancel && !actions("completed").discard);
    QVERIFY(!actions("retryable").retry && actions("retryable").cancel && actions("retryable").discard);
    QVERIFY(actions("scheduled").cancel && actions("scheduled").discard);
    QVERIFY(actions("running").cancel && !actions("running", true).cancel && !actions("running").discard);
    QVERIFY(!actions("paused").retry && !actions("paused").cancel && !actions("paused").discard);
    QVERIFY(!JobActions::ofAll({nullptr}).retry && !JobActions::ofAll({}).cancel);

    enqueue(QStringLiteral("test.waiting"), 2);
    enqueue(QStringLiteral("test.failed"), 1);
    discard(QStringLiteral("test.failed"), QStringLiteral("boom"));
    JobsPanel panel(*m_fixture->local);
    QVERIFY(showAndWait(panel, {1000, 700}));
    auto *table = child<QTableView>(panel, "jobsTable");
    auto *retry = child<QPushButton>(panel, "retryJobsButton");
    auto *cancel = child<QPushButton>(panel, "cancelJobsButton");
    auto *discardButton = child<QPushButton>(panel, "discardJobsButton");
    QVERIFY(table && retry && cancel && discardButton);
    JobsModel *model = panel.model();
    QTRY_COMPARE(model->rowCount(), 3);
    const int failed = rowWithText(model, QStringLiteral("discarded"), JobsModel::State);
    const int waiting = rowWithText(model, QStringLiteral("available"), JobsModel::State);
    QVERIFY(failed >= 0 && waiting >= 0);

    // A discarded job: Retry, never Cancel (which the API refuses).
    clickRow(table, failed);
    QVERIFY(retry->isEnabled() && !cancel->isEnabled() && !discardButton->isEnabled());
    QHash<QString, bool> offered = contextMenu(table, failed);
    QCOMPARE(offered.value(QStringLiteral("Retry")), true);
    QVERIFY(offered.contains(QStringLiteral("Cancel…")) && !offered.value(QStringLiteral("Cancel…")));
    QVERIFY(offered.contains(QStringLiteral("Copy job id")));
    QVERIFY(!offered.contains(QStringLiteral("Copy twin id"))); // it has none

    // A waiting job: Cancel or Discard; both selected: nothing (the calls by ids are all or nothing).
    clickRow(table, waiting);
    QVERIFY(!retry->isEnabled() && cancel->isEnabled() && discardButton->isEnabled());
    clickRow(table, failed, Qt::ControlModifier);
    QCOMPARE(table->selectionModel()->selectedRows().size(), 2);
    QVERIFY(!retry->isEnabled() && !cancel->isEnabled());
    offered = contextMenu(table, failed); // on a selected row the menu keeps the selection
    QCOMPARE(table->selectionModel()->selectedRows().size(), 2);
    QVERIFY(!offered.value(QStringLiteral("Retry")) && !offered.value(QStringLiteral("Cancel…")));

    // From the menu: on an unselected row it selects that row, then acts.
    clickRow(table, waiting);
    contextMenu(table, failed, QStringLiteral("Retry"));
    QTRY_COMPARE(stateOf(model, failed), QStringLiteral("available"));
    QCOMPARE(countInState(QStringLiteral("discarded")), 0);
    QTRY_VERIFY(!retry->isEnabled() && cancel->isEnabled()); // its new state decides
    contextMenu(table, failed, QStringLiteral("Cancel…")); // asked first, like Discard
    QCOMPARE(stateOf(model, failed), QStringLiteral("available"));
    QVERIFY(confirmAction(panel, QStringLiteral("confirmCancelJobs")));
    QTRY_COMPARE(stateOf(model, failed), QStringLiteral("cancelled"));
    QTRY_VERIFY(retry->isEnabled() && !cancel->isEnabled());
    contextMenu(table, failed, QStringLiteral("Copy job id"));
    QCOMPARE(QGuiApplication::clipboard()->text(), model->jobId(failed));

    // Discard, from the button: asked first (Cancel keeps the job), then a waiting job given up (a retry would
    // bring it back).
    clickRow(table, waiting);
    QVERIFY(discardButton->isEnabled());
    QTest::mouseClick(discardButton, Qt::LeftButton);
    QDialog *asked = waitForConfirmation(panel, QStringLiteral("confirmDiscardJobs"));
    QVERIFY(asked);
    QTest::mouseClick(child<QPushButton>(*asked, QStringLiteral("confirmCancelButton")), Qt::LeftButton);
    QTRY_VERIFY(!panel.findChild<QDialog *>(QStringLiteral("confirmDiscardJobs")));
    QCOMPARE(stateOf(model, waiting), QStringLiteral("available"));
    QCOMPARE(countInState(QStringLiteral("discarded")), 0);
    QTest::mouseClick(discardButton, Qt::LeftButton);
    QVERIFY(confirmAction(panel, QStringLiteral("confirmDiscardJobs")));
    QTRY_COMPARE(stateOf(model, waiting), QStringLiteral("discarded"));
    QTRY_VERIFY(child<QLabel>(panel, "jobsStatus")->text().contains(QLatin1String("1 job(s) discarded")));
    QTRY_VERIFY(retry->isEnabled() && !discardButton->isEnabled());
    QCOMPARE(countInState(QStringLiteral("discarded")), 1);

    // Del (the main window's): nothing on a job Discard does not apply to; on one it does, asked first.
    QVERIFY(!panel.deleteSelected());
    QVERIFY(!panel.findChild<QDialog *>(QStringLiteral("confirmDiscardJobs")));
    const int other = rowWithText(model, QStringLiteral("available"), JobsModel::State);
    QVERIFY(other >= 0);
    clickRow(table, other);
    QVERIFY(panel.deleteSelected());
    QDialog *question = waitForConfirmation(panel, QStringLiteral("confirmDiscardJobs"));
    QVERIFY(question);
    QTest::mouseClick(child<QPushButton>(*question, QStringLiteral("confirmCancelButton")), Qt::LeftButton);
    QTRY_VERIFY(!panel.findChild<QDialog *>(QStringLiteral("confirmDiscardJobs")));
    QCOMPARE(stateOf(model, other), QStringLiteral("available"));
    QVERIFY(panel.deleteSelected());
    QVERIFY(confirmAction(panel, QStringLiteral("confirmDiscardJobs")));
    QTRY_COMPARE(stateOf(model, other), QStringLiteral("discarded"));
    QCOMPARE(countInState(QStringLiteral("discarded")), 2);
}

// Created sorts either way, on the server (the list pages); the other columns do not sort.
void TestJobsPanel::sortsByCreationOnTheServer()
{
    enqueue(QStringLiteral("test.sorted"), 12);
    JobsPanel panel(*m_fixture->local);
    QVERIFY(showAndWait(panel, {1200, 700}));
    JobsModel *model = panel.model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model->setPageSize(5); // several pages: the order must hold across cursors
    auto *table = child<QTableView>(panel, "jobsTable");
    QHeaderView *header = table->horizontalHeader();
    QTRY_VERIFY(model->rowCount() == 12 && !model->isLoading());
    QStringList oldestFirst;
    for (int row = 0; row < 12; ++row)
        oldestFirst << model->jobId(row);
    QCOMPARE(header->sortIndicatorSection(), int(JobsModel::Created));
    QCOMPARE(header->sortIndicatorOrder(), Qt::AscendingOrder);

    const auto clickHeader = [&](int column) {
        QTest::mouseClick(
            header->viewport(), Qt::LeftButton, {},
            QPoint(header->sectionViewportPosition(column) + header->sectionSize(column) / 2, header->height() / 2));
    };
    clickHeader(JobsModel::Created);
    QCOMPARE(model->order(), Qt::DescendingOrder);
    QTRY_VERIFY(model->rowCount() == 12 && !model->isLoading());
    QStringList newestFirst;
    for (int row = 0; row < 12; ++row)
        newestFirst << model->jobId(row);
    std::reverse(newestFirst.begin(), newestFirst.end());
    QCOMPARE(newestFirst, oldestFirst);

    // Another column: nothing reloads, the indicator stays on Created.
    QSignalSpy resets(model, &QAbstractItemModel::modelReset);
    clickHeader(JobsModel::Type);
    QCOMPARE(header->sortIndicatorSection(), int(JobsModel::Created));
    QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
    QCOMPARE(resets.size(), 0);
    // Newest first, a new job belongs above the first row: announced, shown at the top by a reload.
    panel.setLiveInterval(20);
    auto *hint = child<QLabel>(panel, "jobsNewerHint");
    QVERIFY(hint && hint->isHidden());
    enqueue(QStringLiteral("test.sorted"), 1);
    QTRY_VERIFY(hint->isVisible());
    QCOMPARE(model->rowCount(), 12);
    emit hint->linkActivated(QStringLiteral("reload"));
    QTRY_VERIFY(model->rowCount() == 13 && !model->isLoading() && !oldestFirst.contains(model->jobId(0)));
    QTRY_VERIFY(hint->isHidden());

    clickHeader(JobsModel::Created);
    QCOMPARE(model->order(), Qt::AscendingOrder);
    QTRY_VERIFY(model->rowCount() == 13 && !model->isLoading() && model->jobId(0) == oldestFirst.first());
}

// The detail of a job a real worker failed: its attempt in the timeline (worker, start, end, duration, error), times
// in one zone, the error and payload pretty-printed.
void TestJobsPanel::detailAttemptTimelineAndLinks()
{
    const QString conversation = QStringLiteral("0c0c0c0c-1111-4222-8333-444455556666");
    const QString failing
        = enqueueOne(QStringLiteral("test.nohandler"), {}, {}, {{QStringLiteral("conversation_id"), conversation}});
    QVERIFY(!failing.isEmpty());
    m_fixture->core->startWorkers(1);
    QTRY_COMPARE_WITH_TIMEOUT(countInState(QStringLiteral("discarded")), 1, 30'000);
    m_fixture->core->startWorkers(0);
    // What the worker wrote: "attempt 1 by <worker> failed after <seconds> s: …".
    auto line = m_fixture->core->database().query(
        QStringLiteral("SELECT message FROM job_logs WHERE job_id = $1 AND level = 'error'"), {failing});
    TWINOPS_VERIFY_OK(line);
    QCOMPARE(line->size(), 1);
    const QString message = line->first().text(0);
    const QString worker = message.section(QLatin1String(" by "), 1).section(QLatin1String(" failed after "), 0, 0);
    QVERIFY2(!worker.isEmpty(), qPrintable(message));
    // And a job whose error is JSON, discarded by hand.
    enqueue(QStringLiteral("test.json"), 1);
    discard(QStringLiteral("test.json"), QStringLiteral("{\"code\":\"timeout\",\"after_ms\":500}"));

    JobsPanel panel(*m_fixture->local);
    QVERIFY(showAndWait(panel, {1200, 900}));
    JobsModel *model = panel.model();
    auto *table = child<QTableView>(panel, "jobsTable");
    auto *detail = child<JobDetailView>(panel, "jobDetail");
    QVERIFY(table && detail);
    QTRY_COMPARE(model->rowCount(), 2);
    clickRow(table, rowOf(model, failing));
    QTRY_VERIFY2(detail->toPlainText().contains(QLatin1String("Log lines (1)")), qPrintable(detail->toPlainText()));
    const QString shown = detail->toPlainText();
    QVERIFY2(shown.contains(QLatin1String("Attempt timeline")) && shown.contains(worker)
                 && shown.contains(QLatin1String("failed, not retried")),
             qPrintable(shown));
    QVERIFY2(!shown.contains(QLatin1String("not recorded")), qPrintable(shown)); // one attempt: all of it is known
    QVERIFY2(shown.contains(QLatin1String("Times are local: UTC")), qPrintable(shown));
    QVERIFY2(shown.contains(QStringLiteral("Conversation: %1").arg(conversation)), qPrintable(shown));

    // The timeline as parsed: one attempt, its worker, a start, an end not before it.
    const JobRecord *job = model->job(rowOf(model, failing));
    QVERIFY(job);
    const QJsonArray logs{QJsonObject{{QStringLiteral("attempt"), 1},
                                      {QStringLiteral("level"), QStringLiteral("error")},
                                      {QStringLiteral("message"), message},
                                      {QStringLiteral("created_at"), job->finishedAt.toString(Qt::ISODateWithMs)}}};
    const QList<JobDetailView::Attempt> attempts = JobDetailView::attemptsOf(*job, logs);
    QCOMPARE(attempts.size(), 1);
    QCOMPARE(attempts.first().worker, worker);
    QVERIFY(attempts.first().started.isValid() && attempts.first().started <= attempts.first().ended);
    QCOMPARE(attempts.first().outcome, QStringLiteral("failed, not retried"));
    QVERIFY(!attempts.first().error.endsWith(QLatin1String("not retried")));

    // Earlier failed attempts get their start from their own line: its time less how long it ran. A line from before
    // the duration was written, or an expired lease, has none (the view says "not recorded").
    const QDateTime ended = QDateTime(QDate(2026, 12, 7), QTime(12, 0, 10, 500), QTimeZone::utc());
    const auto failureLine = [&](int number, const QString &text) {
        return QJsonObject{{QStringLiteral("attempt"), number},
                           {QStringLiteral("level"), QStringLiteral("error")},
                           {QStringLiteral("message"), text},
                           {QStringLiteral("created_at"), ended.addSecs(number).toString(Qt::ISODateWithMs)}};
    };
    JobRecord thrice = *job;
    thrice.attempt = 3;
    const QList<JobDetailView::Attempt> three = JobDetailView::attemptsOf(
        thrice,
        {failureLine(1, QStringLiteral("attempt 1 by old/w1 failed: boom; retrying in 1.0 s")),
         failureLine(2, QStringLiteral("attempt 2 by host:1/w0 failed after 2.250 s: boom; retrying in 4.0 s")),
         failureLine(3, QStringLiteral("attempt 3 by host:1/w0 failed after 0.005 s: boom; not retried"))});
    QCOMPARE(three.size(), 3);
    QVERIFY(!three.at(0).started.isValid());
    QCOMPARE(three.at(0).worker, QStringLiteral("old/w1"));
    QCOMPARE(three.at(1).worker, QStringLiteral("host:1/w0"));
    QCOMPARE(three.at(1).started, ended.addSecs(2).addMSecs(-2250));
    QCOMPARE(three.at(1).error, QStringLiteral("boom"));
    QCOMPARE(three.at(1).outcome, QStringLiteral("failed, retrying in 4.0 s"));
    QCOMPARE(three.at(2).started, job->startedAt); // the latest attempt's start is the row's

    QSignalSpy opened(&panel, &JobsPanel::openRequested);
    QVERIFY(clickText(detail, conversation));
    QTRY_COMPARE(opened.size(), 1);
    QCOMPARE(opened.at(0).at(0).toString(), QStringLiteral("conversation"));
    QCOMPARE(opened.at(0).at(1).toString(), conversation);

    // A JSON error, indented like the payload, in monospace.
    clickRow(table, rowWithText(model, QStringLiteral("test.json")));
    QTRY_VERIFY2(detail->toPlainText().contains(QLatin1String("Last error:\n{\n    \"after_ms\": 500,")),
                 qPrintable(detail->toPlainText()));
    const QTextCursor error = detail->document()->find(QStringLiteral("\"after_ms\": 500"));
    QVERIFY(!error.isNull());
    QVERIFY(error.charFormat().fontFixedPitch() || error.block().blockFormat().nonBreakableLines());
}

QTEST_MAIN(TestJobsPanel)
#include "tst_jobspanel.moc"
