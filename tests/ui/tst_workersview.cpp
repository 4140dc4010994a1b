// The Jobs panel's "Types" and "Workers" tabs (issue #16), offscreen on the embedded core of each backend, driven as a
// user does: pause a type with a reason and a confirmation, see its jobs wait while the core's workers run another
// type, resume it and see them complete; the workers of the running pool and a stale instance of a process that
// died, in the warning colour, refreshed on the tab's timer while it is visible and not while it is hidden. Both
// models run under QAbstractItemModelTester.
#include "consolefixture.h"
#include "core/ids.h"
#include "jobs/jobqueue.h"
#include "jobs/probehandler.h"
#include "jobs/workerregistry.h"
#include "jobspanel.h"
#include "jobtypesmodel.h"
#include "jobtypesview.h"
#include "uitesting.h"
#include "workersmodel.h"
#include "workersview.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QBrush>
#include <QClipboard>
#include <QCoreApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTimer>
#include <QTreeView>

using namespace twinops;
using namespace twinops::test;

class TestWorkersView final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void init();
    void cleanup();

    void pauseAndResumeATypeFromTheTypesTab();
    void workersTabShowsTheRunningPoolAndAStaleInstance();

private:
    void enqueue(const QString &type, int count, int priority);
    qint64 count(const QString &sql);
    // The panel shown, on the tab whose widget is a `View`.
    template<typename View> View *showTab(JobsPanel &panel);

    std::unique_ptr<ConsoleFixture> m_fixture;
};

void TestWorkersView::init()
{
    m_fixture = ConsoleFixture::create(currentDialect());
    QVERIFY(m_fixture);
}

void TestWorkersView::cleanup()
{
    m_fixture.reset();
}

void TestWorkersView::enqueue(const QString &type, int count, int priority)
{
    QList<NewJob> jobs;
    for (int i = 0; i < count; ++i) {
        NewJob job;
        job.type = type;
        job.priority = priority;
        job.maxAttempts = 1;
        jobs << job;
    }
    TWINOPS_VERIFY_OK(JobQueue(m_fixture->core->database()).enqueueBatch(jobs));
}

qint64 TestWorkersView::count(const QString &sql)
{
    auto rows = m_fixture->core->database().query(sql);
    return rows.ok() && !rows->isEmpty() ? rows->first().integer(0) : -1;
}

template<typename View> View *TestWorkersView::showTab(JobsPanel &panel)
{
    panel.resize(1200, 700);
    panel.show();
    if (!QTest::qWaitForWindowExposed(&panel))
        return nullptr;
    auto *tabs = child<QTabWidget>(panel, QStringLiteral("jobsTabs"));
    auto *view = panel.findChild<View *>();
    if (!tabs || !view)
        return nullptr;
    tabs->setCurrentWidget(view);
    return view;
}

void TestWorkersView::pauseAndResumeATypeFromTheTypesTab()
{
    enqueue(jobtypes::probe, 3, 10);
    JobsPanel panel(*m_fixture->local);
    auto *tabs = child<QTabWidget>(panel, QStringLiteral("jobsTabs"));
    QVERIFY(tabs);
    QCOMPARE(tabs->tabText(tabs->indexOf(panel.findChild<JobTypesView *>())), QStringLiteral("Types"));
    auto *view = showTab<JobTypesView>(panel);
    QVERIFY(view);
    JobTypesModel *model = view->model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto *table = child<QTableView>(*view, QStringLiteral("jobTypesTable"));
    auto *pause = child<QPushButton>(*view, QStringLiteral("pauseTypeButton"));
    auto *resume = child<QPushButton>(*view, QStringLiteral("resumeTypeButton"));
    auto *reason = child<QLineEdit>(*view, QStringLiteral("pauseReason"));
    auto *status = child<QLabel>(*view, QStringLiteral("jobTypesStatus"));
    QVERIFY(table && pause && resume && reason && status);

    QTRY_COMPARE(model->rowOf(jobtypes::probe), 0);
    QCOMPARE(cellText(model, 0, JobTypesModel::Available), QStringLiteral("3"));
    QCOMPARE(cellText(model, 0, JobTypesModel::Status), QStringLiteral("Running"));
    QVERIFY(!pause->isEnabled() && !resume->isEnabled()); // nothing selected
    clickRow(table, 0);
    QVERIFY(pause->isEnabled());
    QVERIFY(!resume->isEnabled());

    reason->setText(QStringLiteral("probe storm"));
    QTest::mouseClick(pause, Qt::LeftButton);
    QDialog *question = waitForConfirmation(*view, QStringLiteral("confirmTypeAction"));
    QVERIFY(question);
    QCOMPARE(child<QLabel>(*question, QStringLiteral("confirmObject"))->text(), QStringLiteral("probe"));
    QVERIFY(child<QLabel>(*question, QStringLiteral("confirmConsequence"))->text().contains(u'3'));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM paused_job_types")), qint64(0)); // not on one click
    QVERIFY(confirmAction(*view, QStringLiteral("confirmTypeAction")));
    QTRY_COMPARE(model->index(0, 0).data(JobTypesModel::PausedRole).toBool(), true);
    QTRY_COMPARE(status->text(), QStringLiteral("Paused \"probe\"."));
    QCOMPARE(cellText(model, 0, JobTypesModel::Status), QStringLiteral("Paused: probe storm"));

    // The core's workers run the other type's job and leave the paused probes waiting, though they come first.
    m_fixture->core->startWorkers(2);
    enqueue(jobtypes::sourceIndex, 1, 0);
    QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("SELECT count(*) FROM jobs WHERE type = 'source_index' "
                                                   "AND attempt > 0")),
                              qint64(1), 30'000);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM jobs WHERE type = 'probe' AND state = 'available'")),
             qint64(3));

    clickRow(table, model->rowOf(jobtypes::probe));
    QVERIFY(resume->isEnabled());
    QVERIFY(!pause->isEnabled());
    QTest::mouseClick(resume, Qt::LeftButton);
    QDialog *resumeQuestion = waitForConfirmation(*view, QStringLiteral("confirmTypeAction"));
    QVERIFY(resumeQuestion);
    QCOMPARE(resumeQuestion->windowTitle(), QStringLiteral("Resume the job type?"));
    QVERIFY(confirmAction(*view, QStringLiteral("confirmTypeAction")));
    QTRY_COMPARE(status->text(), QStringLiteral("Resumed \"probe\"."));
    QTRY_COMPARE_WITH_TIMEOUT(
        count(QStringLiteral("SELECT count(*) FROM jobs WHERE type = 'probe' AND state = 'completed'")), qint64(3),
        30'000);
    QTest::mouseClick(child<QPushButton>(*view, QStringLiteral("reloadJobTypes")), Qt::LeftButton);
    QTRY_COMPARE(cellText(model, model->rowOf(jobtypes::probe), JobTypesModel::Completed), QStringLiteral("3"));
    QCOMPARE(cellText(model, model->rowOf(jobtypes::probe), JobTypesModel::Status), QStringLiteral("Running"));
}

void TestWorkersView::workersTabShowsTheRunningPoolAndAStaleInstance()
{
    // What a process that died with a job in hand left behind: its last heartbeat long past its lease.
    const QDateTime longAgo = nowUtc().addSecs(-600);
    WorkerInstance dead;
    dead.id = newId();
    dead.name = QStringLiteral("gone-host:4242");
    dead.host = QStringLiteral("gone-host");
    dead.pid = 4242;
    dead.version = QStringLiteral("0.0.9");
    dead.lease = std::chrono::seconds(60);
    dead.startedAt = longAgo.addSecs(-60);
    const QString heldJob = newId();
    dead.workers = {WorkerRecord{0, longAgo, heldJob, jobtypes::graphExtraction, longAgo, 4},
                    WorkerRecord{1, longAgo, {}, {}, {}, 0}};
    TWINOPS_VERIFY_OK(WorkerRegistry(m_fixture->core->database()).record(dead, longAgo));
    m_fixture->core->startWorkers(2, std::chrono::seconds(3));

    JobsPanel panel(*m_fixture->local);
    auto *view = showTab<WorkersView>(panel);
    QVERIFY(view);
    WorkersModel *model = view->model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto *tree = child<QTreeView>(*view, QStringLiteral("workersTree"));
    auto *summary = child<QLabel>(*view, QStringLiteral("workersSummary"));
    QVERIFY(tree && summary);
    QVERIFY(view->refreshTimer()->isActive());

    // The running pool first (its row written within a second of the start), then the dead one.
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, 15'000);
    const QString pid = QString::number(QCoreApplication::applicationPid());
    QCOMPARE(cellText(model, 0, WorkersModel::Pid), pid);
    QCOMPARE(cellText(model, 0, WorkersModel::Version), QStringLiteral(TWINOPS_VERSION));
    QCOMPARE(cellText(model, 0, WorkersModel::Status), QStringLiteral("Running"));
    QCOMPARE(model->rowCount(model->index(0, 0)), 2);
    QVERIFY(tree->isExpanded(model->index(0, 0)));
    QCOMPARE(cellText(model, 1, WorkersModel::Host), QStringLiteral("gone-host"));
    QCOMPARE(cellText(model, 1, WorkersModel::Status), QStringLiteral("Stale"));
    QCOMPARE(model->index(1, 0).data(WorkersModel::StuckRole).toBool(), true);
    QVERIFY(model->index(1, WorkersModel::Status).data(Qt::ForegroundRole).value<QBrush>().color()
            == QColor(0xb0, 0x00, 0x20));
    const QModelIndex deadWorker = model->index(0, WorkersModel::Status, model->index(1, 0));
    QCOMPARE(deadWorker.data().toString(), QStringLiteral("Stuck"));
    QVERIFY(
        model->index(0, WorkersModel::Job, model->index(1, 0)).data().toString().startsWith(jobtypes::graphExtraction));
    QCOMPARE(cellText(model, 1, WorkersModel::JobsInHand), QStringLiteral("4"));
    QVERIFY2(summary->text().contains(QLatin1String("1 running pool"))
                 && summary->text().contains(QLatin1String("2 stuck"))
                 && summary->text().contains(QLatin1String("1 stale instance")),
             qPrintable(summary->text()));

    // The timer refreshes while the tab is visible: the running pool's heartbeat moves on.
    view->refreshTimer()->setInterval(100);
    const QString beat = model->instance(0).value(QLatin1String("heartbeat_at")).toString();
    QTRY_VERIFY_WITH_TIMEOUT(model->instance(0).value(QLatin1String("heartbeat_at")).toString() > beat, 15'000);
    // The context menu: an instance's copies its name and host; a worker's shows the job in its hand in the Jobs tab
    // (which hides this one: its timer stops).
    const QModelIndex deadInstance = model->index(1, 0);
    QCOMPARE(contextMenu(tree, deadInstance, QStringLiteral("Copy host")),
             (QHash<QString, bool>{{QStringLiteral("Copy name"), true}, {QStringLiteral("Copy host"), true}}));
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("gone-host"));
    tree->expand(deadInstance);
    QCOMPARE(contextMenu(tree, model->index(1, 0, deadInstance)).value(QStringLiteral("Show job")), false); // idle
    QCOMPARE(contextMenu(tree, model->index(0, 0, deadInstance), QStringLiteral("Show job")),
             (QHash<QString, bool>{{QStringLiteral("Show job"), true}, {QStringLiteral("Copy job id"), true}}));
    auto *tabs = child<QTabWidget>(panel, QStringLiteral("jobsTabs"));
    QCOMPARE(tabs->currentIndex(), 0);
    QCOMPARE(child<QLineEdit>(panel, QStringLiteral("jobsText"))->text(), heldJob);
    QVERIFY(!view->refreshTimer()->isActive());
}

QTEST_MAIN(TestWorkersView)
#include "tst_workersview.moc"
