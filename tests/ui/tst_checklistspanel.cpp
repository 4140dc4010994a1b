// The Checklists panel driven like a user: run the staging checklist against the core's own HTTP endpoint, follow
// it to the end, read evidence, tick a manual item, browse past runs and export the run, on both backends; set the
// environment's schedule and read the trend of the scheduled runs.
#include "checklistspanel.h"
#include "consolefixture.h"
#include "uitesting.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QBrush>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace twinops;
using namespace twinops::test;

namespace {

constexpr int kRunTimeoutMs = 60'000;

int countRows(const QAbstractItemModel *model, int column, const QString &value, int kindColumn = -1,
              const QString &kind = {})
{
    int count = 0;
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, column).data(ChecklistRunModel::RawValueRole).toString() != value)
            continue;
        if (kindColumn < 0 || model->index(row, kindColumn).data(ChecklistRunModel::RawValueRole).toString() == kind)
            ++count;
    }
    return count;
}

} // namespace

class TestChecklistsPanel final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void runTickBrowseAndExport();
    void scheduleAndTrend();
};

void TestChecklistsPanel::runTickBrowseAndExport()
{
    auto fixture = ConsoleFixture::create(currentDialect());
    if (!fixture)
        return;
    fixture->core->startWorkers(2);
    EndpointOptions endpoint;
    endpoint.port = 0;
    TWINOPS_VERIFY_OK(fixture->core->serveHttp(endpoint, QByteArray(32, 's')));

    ChecklistsPanel panel(*fixture->local, fixture->core->endpoint()->baseUrl());
    panel.resize(1400, 900);
    auto *picker = child<QComboBox>(panel, "checklistPicker");
    auto *target = child<QLineEdit>(panel, "checkTarget");
    auto *window = child<QSpinBox>(panel, "checkWindow");
    auto *run = child<QPushButton>(panel, "runChecklistButton");
    auto *status = child<QLabel>(panel, "checklistStatus");
    auto *progress = child<QProgressBar>(panel, "checklistProgress");
    auto *error = child<QLabel>(panel, "checklistsError");
    auto *results = child<QTableView>(panel, "checklistResults");
    auto *evidence = child<QPlainTextEdit>(panel, "checkEvidence");
    auto *tickStatus = child<QComboBox>(panel, "tickStatus");
    auto *tickNote = child<QLineEdit>(panel, "tickNote");
    auto *tick = child<QPushButton>(panel, "tickItemButton");
    auto *pastRuns = child<QTableView>(panel, "pastRuns");
    QVERIFY(picker && target && window && run && status && progress && error && results && evidence && tickStatus
            && tickNote && tick && pastRuns && child<QPushButton>(panel, "exportMarkdownButton")
            && child<QPushButton>(panel, "exportJsonButton"));
    ChecklistRunModel *model = panel.runModel();
    QSortFilterProxyModel *shownRows = panel.resultsProxy();
    QCOMPARE(results->model(), shownRows);
    auto *runs = qobject_cast<ChecklistRunsModel *>(pastRuns->model());
    auto *cancel = child<QPushButton>(panel, "cancelRunButton");
    auto *failuresFirst = child<QCheckBox>(panel, "failuresFirst");
    QVERIFY(runs && cancel && failuresFirst);
    // A cell of the checklist item `id` as the table shows it.
    const auto shownIndex = [&](const QString &id, int column = ChecklistRunModel::Item) {
        return shownRows->mapFromSource(model->indexOfItem(id, column));
    };
    QAbstractItemModelTester runTester(model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QAbstractItemModelTester runsTester(runs, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QAbstractItemModelTester proxyTester(shownRows, QAbstractItemModelTester::FailureReportingMode::Fatal);

    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QTRY_VERIFY(run->isEnabled());
    QCOMPARE(picker->currentData().toString(), QStringLiteral("staging"));
    QVERIFY(target->text().isEmpty());
    QCOMPARE(target->placeholderText(), fixture->core->endpoint()->baseUrl());

    // A 2 s metrics window keeps the run busy long enough for a second click to meet it.
    window->setValue(2);
    QTest::mouseClick(run, Qt::LeftButton);
    QTRY_COMPARE(model->rowCount(), 21);
    const QString firstRun = model->runId();
    QVERIFY(!firstRun.isEmpty());
    QSignalSpy resets(model, &QAbstractItemModel::modelReset);
    QCOMPARE(progress->maximum(), 14);

    QTest::mouseClick(run, Qt::LeftButton);
    QTRY_VERIFY2(error->isVisible() && error->text().contains(QLatin1String("still running")),
                 qPrintable(error->text()));
    QVERIFY2(error->text().contains(firstRun), qPrintable(error->text()));
    QCOMPARE(model->runId(), firstRun); // the running one is still followed

    QTRY_VERIFY2_WITH_TIMEOUT(status->text().contains(QLatin1String(": passed")), qPrintable(status->text()),
                              kRunTimeoutMs);
    // Passed, but people still have items to tick: the status says so.
    QVERIFY2(status->text().contains(QLatin1String(": passed with 7 manual pending")), qPrintable(status->text()));
    QVERIFY(!cancel->isEnabled());
    QCOMPARE(resets.count(), 0); // polling updated the rows in place
    QCOMPARE(progress->value(), 14);
    QCOMPARE(model->rowCount(), 21);
    QCOMPARE(countRows(model, ChecklistRunModel::Status, QStringLiteral("pending"), ChecklistRunModel::Kind,
                       QStringLiteral("manual")),
             7);
    QCOMPARE(countRows(model, ChecklistRunModel::Status, QStringLiteral("fail")), 0);

    // An automated item: its whole message, then its evidence pretty-printed.
    clickIndex(results, shownIndex(QStringLiteral("health")));
    const QString healthText = evidence->toPlainText();
    const QString healthMessage
        = model->index(model->indexOfItem(QStringLiteral("health")).row(), ChecklistRunModel::Message)
              .data(ChecklistRunModel::RawValueRole)
              .toString();
    QVERIFY2(!healthMessage.isEmpty() && healthText.contains(healthMessage), qPrintable(healthText));
    QVERIFY2(!shownEvidence(healthText).isEmpty(), qPrintable(healthText));
    QVERIFY(!tick->isEnabled()); // automated items are not ticked
    // Its context menu: Tick item as the button is (disabled), and the copies of its id and whole message.
    QCOMPARE(contextMenu(results, shownIndex(QStringLiteral("health")), QStringLiteral("Copy message")),
             (QHash<QString, bool>{{QStringLiteral("Tick item"), false},
                                   {QStringLiteral("Copy item id"), true},
                                   {QStringLiteral("Copy message"), true}}));
    QCOMPARE(QApplication::clipboard()->text(), healthMessage);

    // Tick the manual "startup-logs" item.
    const QModelIndex startupLogs = model->indexOfItem(QStringLiteral("startup-logs"));
    clickIndex(results, shownIndex(QStringLiteral("startup-logs")));
    QVERIFY(tick->isEnabled());
    tickStatus->setCurrentIndex(tickStatus->findData(QStringLiteral("pass")));
    QTest::keyClicks(tickNote, QStringLiteral("no errors since 10:02"));
    QCOMPARE(contextMenu(results, shownIndex(QStringLiteral("startup-logs")), QStringLiteral("Tick item"))
                 .value(QStringLiteral("Tick item")),
             true);
    const QModelIndex startupStatus = model->index(startupLogs.row(), ChecklistRunModel::Status);
    QTRY_COMPARE(startupStatus.data(ChecklistRunModel::RawValueRole).toString(), QStringLiteral("pass"));
    QVERIFY(model->index(startupLogs.row(), ChecklistRunModel::Message)
                .data()
                .toString()
                .contains(QLatin1String("no errors since 10:02")));
    QVERIFY(tickNote->text().isEmpty());
    QVERIFY(status->text().contains(QLatin1String("6 manual pending")));
    // Who ticked it, in the pane.
    QTRY_VERIFY2(evidence->toPlainText().contains(QLatin1String("Ticked by api-key console")),
                 qPrintable(evidence->toPlainText()));
    QCOMPARE(resets.count(), 0);
    QVERIFY(!error->isVisible());

    auto stored = fixture->core->database().query(
        QStringLiteral("SELECT status, note, checked_by FROM checklist_results WHERE run_id = $1 AND item_id = $2"),
        {firstRun, QStringLiteral("startup-logs")});
    TWINOPS_VERIFY_OK(stored);
    QCOMPARE(stored->size(), 1);
    QCOMPARE(stored->first().text(0), QStringLiteral("pass"));
    QCOMPARE(stored->first().text(1), QStringLiteral("no errors since 10:02"));
    QCOMPARE(stored->first().text(2), QStringLiteral("api-key console"));

    // The run is listed with its outcome and counts.
    const int listed = runs->rowOfRun(firstRun);
    QVERIFY(listed >= 0);
    QTRY_COMPARE(runs->index(listed, ChecklistRunsModel::Status).data().toString(),
                 QStringLiteral("passed with 6 manual pending"));
    QTRY_VERIFY(runs->index(listed, ChecklistRunsModel::Summary)
                    .data()
                    .toString()
                    .contains(QLatin1String("6 manual pending (of 21)")));
    QVERIFY(!runs->index(listed, ChecklistRunsModel::Finished).data().toString().isEmpty());

    // Exports of the shown run, as the button writes them after its file dialog.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QSignalSpy exported(&panel, &ChecklistsPanel::exportFinished);
    const QString markdownPath = dir.filePath(QStringLiteral("run.md"));
    panel.exportTo(markdownPath, ChecklistsPanel::Format::Markdown);
    QTRY_COMPARE(exported.count(), 1);
    QCOMPARE(exported.at(0).at(1).toBool(), true);
    QFile markdown(markdownPath);
    QVERIFY(markdown.open(QIODevice::ReadOnly));
    const QByteArray report = markdown.readAll();
    QVERIFY2(report.startsWith("# Staging deployment: passed"), report.left(200).constData());
    QVERIFY(report.contains("no errors since 10:02"));

    const QString jsonPath = dir.filePath(QStringLiteral("run.json"));
    panel.exportTo(jsonPath, ChecklistsPanel::Format::Json);
    QTRY_COMPARE(exported.count(), 2);
    QCOMPARE(exported.at(1).at(1).toBool(), true);
    QFile json(jsonPath);
    QVERIFY(json.open(QIODevice::ReadOnly));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json.readAll(), &parseError);
    QCOMPARE(parseError.error, QJsonParseError::NoError);
    QCOMPARE(document.object().value(QLatin1String("id")).toString(), firstRun);
    QCOMPARE(document.object().value(QLatin1String("results")).toArray().size(), 21);

    // A second run; then picking the first one in the past runs loads it again, tick included.
    window->setValue(0);
    QTest::mouseClick(run, Qt::LeftButton);
    QTRY_VERIFY(model->runId() != firstRun);
    const QString secondRun = model->runId();
    QTRY_VERIFY2_WITH_TIMEOUT(status->text().contains(QLatin1String(": passed")), qPrintable(status->text()),
                              kRunTimeoutMs);
    QVERIFY(!error->isVisible());
    QTRY_COMPARE(runs->rowOfRun(secondRun), 0);
    QTRY_COMPARE(runs->rowOfRun(firstRun), 1);
    clickIndex(pastRuns, runs->index(1, ChecklistRunsModel::Title));
    QTRY_COMPARE(model->runId(), firstRun);
    QCOMPARE(model->index(model->indexOfItem(QStringLiteral("startup-logs")).row(), ChecklistRunModel::Status)
                 .data(ChecklistRunModel::RawValueRole)
                 .toString(),
             QStringLiteral("pass"));
    QVERIFY(status->text().contains(QLatin1String("6 manual pending")));

    // A hidden panel stops following its run; shown again, it picks the run up where the server is.
    window->setValue(2);
    QTest::mouseClick(run, Qt::LeftButton);
    QTRY_VERIFY(model->runId() != firstRun && model->runId() != secondRun);
    const QString thirdRun = model->runId();
    panel.hide();
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            auto row = fixture->core->database().query(
                QStringLiteral("SELECT status FROM checklist_runs WHERE id = $1"), {thirdRun});
            return row.ok() && !row->isEmpty() && row->first().text(0) != QLatin1String("running");
        }(),
        kRunTimeoutMs);
    QTest::qWait(1000); // two poll intervals
    QVERIFY2(status->text().contains(QLatin1String(": running")), qPrintable(status->text()));
    panel.show();
    QTRY_VERIFY2_WITH_TIMEOUT(status->text().contains(QLatin1String(": passed")), qPrintable(status->text()),
                              kRunTimeoutMs);
    clickIndex(pastRuns, runs->index(runs->rowOfRun(firstRun), ChecklistRunsModel::Title));
    QTRY_COMPARE(model->runId(), firstRun);

    // Nothing to export is said in words, not silently ignored.
    panel.exportTo(dir.filePath(QStringLiteral("nowhere/run.md")), ChecklistsPanel::Format::Markdown);
    QTRY_COMPARE(exported.count(), 3);
    QCOMPARE(exported.at(2).at(1).toBool(), false);
    QVERIFY(error->isVisible() && error->text().contains(QLatin1String("Could not write")));

    // Failures first: a manual item ticked as failed comes to the top, the checklist's order comes back after.
    const QModelIndex rollback = model->indexOfItem(QStringLiteral("rollback-release"));
    QVERIFY(rollback.isValid());
    clickIndex(results, shownIndex(QStringLiteral("rollback-release")));
    tickStatus->setCurrentIndex(tickStatus->findData(QStringLiteral("fail")));
    QTest::keyClicks(tickNote, QStringLiteral("no rollback tested"));
    QTest::mouseClick(tick, Qt::LeftButton);
    QTRY_COMPARE(
        model->index(rollback.row(), ChecklistRunModel::Status).data(ChecklistRunModel::RawValueRole).toString(),
        QStringLiteral("fail"));
    QVERIFY(shownIndex(QStringLiteral("rollback-release")).row() != 0);
    failuresFirst->setChecked(true);
    QCOMPARE(shownIndex(QStringLiteral("rollback-release")).row(), 0);
    QCOMPARE(results->currentIndex().data(ChecklistRunModel::ItemIdRole).toString(),
             QStringLiteral("rollback-release"));
    failuresFirst->setChecked(false);
    QCOMPARE(shownIndex(QStringLiteral("rollback-release")).row(), rollback.row());
    QTRY_VERIFY2(status->text().contains(QLatin1String(": failed")), qPrintable(status->text()));

    // Cancel run: a long run stops where it waits, long before its window, and says so.
    window->setValue(120);
    QTest::mouseClick(run, Qt::LeftButton);
    QTRY_VERIFY(model->runId() != firstRun && model->runId() != secondRun && model->runId() != thirdRun);
    QTRY_VERIFY(cancel->isEnabled());
    QTest::mouseClick(cancel, Qt::LeftButton);
    QTRY_VERIFY2_WITH_TIMEOUT(status->text().contains(QLatin1String(": cancelled")), qPrintable(status->text()),
                              30'000);
    QVERIFY(!cancel->isEnabled());
    QVERIFY(countRows(model, ChecklistRunModel::Status, QStringLiteral("skipped")) > 0);
}

void TestChecklistsPanel::scheduleAndTrend()
{
    // A schedule minute of half a second: "every 1 min" runs twice a second.
    auto fixture = ConsoleFixture::create(
        currentDialect(), [](CoreOptions &options) { options.checkSchedule.minute = std::chrono::milliseconds(500); });
    if (!fixture)
        return;
    EndpointOptions endpoint;
    endpoint.port = 0;
    TWINOPS_VERIFY_OK(fixture->core->serveHttp(endpoint, QByteArray(32, 's')));
    TWINOPS_VERIFY_OK(fixture->core->startCheckScheduler());

    ChecklistsPanel panel(*fixture->local, fixture->core->endpoint()->baseUrl());
    panel.resize(1400, 900);
    auto *interval = child<QSpinBox>(panel, "checkScheduleInterval");
    auto *save = child<QPushButton>(panel, "saveScheduleButton");
    auto *scheduleStatus = child<QLabel>(panel, "checkScheduleStatus");
    auto *refresh = child<QPushButton>(panel, "refreshChecklistsButton");
    auto *trendView = child<QTableView>(panel, "checklistTrend");
    auto *error = child<QLabel>(panel, "checklistsError");
    QVERIFY(interval && save && scheduleStatus && refresh && trendView && error);
    auto *trend = qobject_cast<ChecklistTrendModel *>(trendView->model());
    QVERIFY(trend);
    QAbstractItemModelTester trendTester(trend, QAbstractItemModelTester::FailureReportingMode::Fatal);

    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QTRY_VERIFY(save->isEnabled());
    QCOMPARE(interval->value(), 0);
    QCOMPARE(interval->text(), QStringLiteral("off"));
    QVERIFY2(scheduleStatus->text().contains(QLatin1String("off; no scheduled run yet")),
             qPrintable(scheduleStatus->text()));
    QCOMPARE(trend->runCount(), 0);
    QTRY_VERIFY(trend->rowOfItem(QStringLiteral("health")) >= 0); // every automated item has its row, runs or not

    // Every minute: stored for the environment, and the core's scheduler starts running it.
    interval->setValue(1);
    QTest::mouseClick(save, Qt::LeftButton);
    QTRY_VERIFY2(scheduleStatus->text().contains(QLatin1String("every 1 minute")), qPrintable(scheduleStatus->text()));
    const auto stored = fixture->core->database().query(QStringLiteral("SELECT interval_minutes FROM check_schedule"));
    TWINOPS_VERIFY_OK(stored);
    QCOMPARE(stored->first().integer(0), 1);
    const auto finishedScheduledRuns = [&] {
        const auto rows = fixture->core->database().query(QStringLiteral(
            "SELECT count(*) FROM checklist_runs WHERE started_by = 'schedule' AND status <> 'running'"));
        return rows.ok() ? rows->first().integer(0) : -1;
    };
    QTRY_VERIFY_WITH_TIMEOUT(finishedScheduledRuns() >= 2, kRunTimeoutMs);

    // The trend: one coloured cell per run, newest right, a tooltip saying when and what.
    QTest::mouseClick(refresh, Qt::LeftButton);
    QTRY_VERIFY(trend->runCount() >= 2);
    QCOMPARE(trend->columnCount(), trend->runCount() + 1);
    const int health = trend->rowOfItem(QStringLiteral("health"));
    const int smoke = trend->rowOfItem(QStringLiteral("smoke-auth"));
    QVERIFY(health >= 0 && smoke >= 0);
    for (int column = 1; column < trend->columnCount(); ++column) {
        const QModelIndex cell = trend->index(health, column);
        QCOMPARE(cell.data(ChecklistTrendModel::StatusRole).toString(), QStringLiteral("pass"));
        QVERIFY(cell.data(Qt::BackgroundRole).value<QBrush>().color().isValid());
        QVERIFY2(cell.data(Qt::ToolTipRole).toString().contains(QLatin1String("started by schedule")),
                 qPrintable(cell.data(Qt::ToolTipRole).toString()));
        QVERIFY(cell.data(Qt::ToolTipRole).toString().contains(QLatin1String("pass: healthy")));
        // Scheduled runs sign up no throwaway tenants: their smoke cells stay empty.
        QVERIFY(trend->index(smoke, column).data(ChecklistTrendModel::StatusRole).toString().isEmpty());
        QVERIFY(!trend->index(smoke, column).data(Qt::BackgroundRole).isValid());
    }
    QVERIFY(trend->headerData(1, Qt::Horizontal, Qt::ToolTipRole).toString().contains(QLatin1String("schedule")));
    QVERIFY(!error->isVisible());

    // Off again.
    interval->setValue(0);
    QTest::mouseClick(save, Qt::LeftButton);
    QTRY_VERIFY2(scheduleStatus->text().contains(QLatin1String("Stored: off; last scheduled run")),
                 qPrintable(scheduleStatus->text()));
    const auto off = fixture->core->database().query(QStringLiteral("SELECT interval_minutes FROM check_schedule"));
    TWINOPS_VERIFY_OK(off);
    QCOMPARE(off->first().integer(0), 0);
}

QTEST_MAIN(TestChecklistsPanel)
#include "tst_checklistspanel.moc"
