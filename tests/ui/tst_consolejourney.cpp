// Issue #6's acceptance journey through the real main window, on both backends: with the embedded HTTP API and the
// job workers running, an operator creates a tenant, adds a twin, uploads and approves a source and watches its
// indexing job complete, retries a job that failed, runs the staging checklist against the local API, and revokes
// a user whose very next API call is then refused. Every step is a click or a key press on the panels' own
// widgets; the database and the HTTP API then show that what the panels said happened did happen.
#include "apikeysmodel.h"
#include "charts/dashboardspanel.h"
#include "checklistspanel.h"
#include "checks/apiclient.h"
#include "consolefixture.h"
#include "core/ids.h"
#include "jobsmodel.h"
#include "jobspanel.h"
#include "mainwindow.h"
#include "metricsseriesmodel.h"
#include "sourcesmodel.h"
#include "sourcespanel.h"
#include "tenantsmodel.h"
#include "tenantspanel.h"
#include "twinsmodel.h"
#include "twinspanel.h"
#include "uitesting.h"
#include "usersmodel.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDeadlineTimer>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QTabBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTimer>

#include <functional>
#include <memory>
#include <vector>

using namespace twinops;
using namespace twinops::test;

namespace {

constexpr auto kFatal = QAbstractItemModelTester::FailureReportingMode::Fatal;
constexpr int kWorkTimeoutMs = 30'000; // indexing, a job run, a page of the admin API
constexpr int kChecklistTimeoutMs = 90'000;

const QString kTenant = QStringLiteral("Acme Robotics");
const QString kTwin = QStringLiteral("Pump station");
const QString kEmail = QStringLiteral("grace@acme.test");
const QString kPassword = QStringLiteral("correct horse battery");

// Clicks "Upload file…" and answers the file dialog it opens as a user does: goes to the folder, types the file's
// name, and presses Open once the dialog offers it. The click returns when the dialog has closed; a dialog that does
// not take the file within 10 s is cancelled, so nothing hangs.
bool uploadThroughDialog(QPushButton *upload, const QString &path)
{
    bool answered = false;
    QPointer<QFileDialog> dialog;
    int ticks = 0;
    QTimer poll;
    poll.setInterval(50);
    QObject::connect(&poll, &QTimer::timeout, [&] {
        if (!dialog) {
            dialog = qobject_cast<QFileDialog *>(QApplication::activeModalWidget());
            if (!dialog)
                return;
            // Goes to the file's folder and types its name, as a user would.
            const QFileInfo file(path);
            dialog->setDirectory(file.absolutePath());
            if (auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("fileNameEdit")))
                QTest::keyClicks(name, file.fileName());
            return;
        }
        if (answered || !dialog->isVisible())
            return;
        auto *buttons = dialog->findChild<QDialogButtonBox *>();
        QPushButton *open = buttons ? buttons->button(QDialogButtonBox::Open) : nullptr;
        if (open && open->isEnabled()) {
            answered = true;
            QTest::mouseClick(open, Qt::LeftButton);
        } else if (++ticks > 200) {
            qWarning("the file dialog never offered to open %s", qPrintable(path));
            dialog->reject();
        }
    });
    poll.start();
    QTest::mouseClick(upload, Qt::LeftButton); // returns once the dialog closed (at once if none opened)
    return answered;
}

qint64 queryInteger(Database &db, const QString &sql, const QVariantList &parameters)
{
    auto rows = db.query(sql, parameters);
    return rows.ok() && rows->size() == 1 ? rows->first().integer(0) : -1;
}

QString queryText(Database &db, const QString &sql, const QVariantList &parameters)
{
    auto rows = db.query(sql, parameters);
    return rows.ok() && rows->size() == 1 ? rows->first().text(0) : QStringLiteral("(query failed)");
}

} // namespace

class TestConsoleJourney final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void init();
    void cleanup();
    void operatorJourney();

private:
    // Clicks the section in the navigation list, as a user does, and waits until its panel is on screen.
    bool navigate(MainWindow::Section section);
    // The Jobs panel shows what it loaded: a user presses Apply again until the rows say what they wait for.
    bool applyJobsFilterUntil(const std::function<bool()> &done);
    void watchModels();

    std::unique_ptr<ConsoleFixture> m_fixture;
    std::unique_ptr<MainWindow> m_window;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_testers;
    QUrl m_baseUrl;
};

void TestConsoleJourney::init()
{
    m_fixture = ConsoleFixture::create(currentDialect());
    QVERIFY(m_fixture);
    m_fixture->core->startWorkers(2);

    // As twinops_main does: the window first, then the local API, whose address rebuilds the Local panels.
    m_window = std::make_unique<MainWindow>(*m_fixture->core);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_baseUrl = m_fixture->serveHttp();
    const QString baseUrl = m_baseUrl.toString();
    QVERIFY(baseUrl.startsWith(QLatin1String("http://127.0.0.1:")));
    m_window->setLocalEndpoint(baseUrl);
    m_window->setEndpointStatus(QStringLiteral("Local API: %1").arg(baseUrl));
    watchModels();
}

void TestConsoleJourney::cleanup()
{
    m_testers.clear();
    m_window.reset(); // the panels go before the core they call into
    m_fixture.reset();
}

// Every model and proxy of every panel under QAbstractItemModelTester for the whole journey.
void TestConsoleJourney::watchModels()
{
    auto *tenants = m_window->findChild<TenantsPanel *>();
    auto *twins = m_window->findChild<TwinsPanel *>();
    auto *sources = m_window->findChild<SourcesPanel *>();
    auto *jobs = m_window->findChild<JobsPanel *>();
    auto *dashboards = m_window->findChild<DashboardsPanel *>();
    auto *checklists = m_window->findChild<ChecklistsPanel *>();
    QVERIFY(tenants && twins && sources && jobs && dashboards && checklists);
    const QList<QAbstractItemModel *> models{tenants->tenantsModel(), tenants->tenantsProxy(), tenants->usersModel(),
                                             tenants->usersProxy(),   tenants->apiKeysModel(), tenants->apiKeysProxy(),
                                             twins->twinsModel(),     twins->twinsProxy(),     sources->sourcesModel(),
                                             sources->sourcesProxy(), jobs->model(),           dashboards->model(),
                                             checklists->runModel(),  checklists->runsModel()};
    for (QAbstractItemModel *model : models)
        m_testers.push_back(std::make_unique<QAbstractItemModelTester>(model, kFatal));
}

bool TestConsoleJourney::navigate(MainWindow::Section section)
{
    auto *navigation = m_window->findChild<QListWidget *>(QStringLiteral("navigation"));
    auto *panels = m_window->findChild<QStackedWidget *>(QStringLiteral("panels"));
    if (!navigation || !panels)
        return false;
    QListWidgetItem *item = navigation->item(section);
    navigation->scrollToItem(item);
    QTest::mouseClick(navigation->viewport(), Qt::LeftButton, {}, navigation->visualItemRect(item).center());
    return QTest::qWaitFor([&] {
        return m_window->currentSection() == section && panels->currentIndex() == section
            && panels->currentWidget()->isVisible();
    });
}

bool TestConsoleJourney::applyJobsFilterUntil(const std::function<bool()> &done)
{
    auto *panel = m_window->findChild<JobsPanel *>();
    auto *apply = panel ? panel->findChild<QPushButton *>(QStringLiteral("applyJobsFilter")) : nullptr;
    if (!apply)
        return false;
    QSignalSpy loaded(panel->model(), &JobsModel::pageLoaded);
    QDeadlineTimer deadline(kWorkTimeoutMs);
    do {
        const qsizetype before = loaded.count();
        QTest::mouseClick(apply, Qt::LeftButton);
        if (!QTest::qWaitFor([&] { return loaded.count() > before && !panel->model()->isLoading(); }, 10'000))
            return false;
        if (done())
            return true;
        QTest::qWait(250); // the workers are still at it: look again
    } while (!deadline.hasExpired());
    return false;
}

void TestConsoleJourney::operatorJourney()
{
    Database &db = m_fixture->core->database();
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString manual = writeFile(dir, QStringLiteral("manual.md"), kPumpManual);
    const QString obsolete
        = writeFile(dir, QStringLiteral("obsolete.md"), "# Old pump\n\nThe old pump was replaced in 2019.\n");
    QVERIFY(!manual.isEmpty() && !obsolete.isEmpty());

    // ---- Tenants: create one through the panel.
    QVERIFY(navigate(MainWindow::Tenants));
    auto *tenantsPanel = m_window->findChild<TenantsPanel *>();
    auto *tenantsTable = child<QTableView>(*tenantsPanel, "tenantsTable");
    auto *tenantsSearch = child<QLineEdit>(*tenantsPanel, "tenantsSearch");
    auto *newTenant = child<QLineEdit>(*tenantsPanel, "newTenantName");
    auto *createTenant = child<QPushButton>(*tenantsPanel, "createTenantButton");
    auto *usersTable = child<QTableView>(*tenantsPanel, "usersTable");
    auto *revoke = child<QPushButton>(*tenantsPanel, "revokeUserButton");
    auto *tenantsError = child<QLabel>(*tenantsPanel, "tenantsError");
    QVERIFY(tenantsTable && tenantsSearch && newTenant && createTenant && usersTable && revoke && tenantsError);
    QTRY_VERIFY(!tenantsPanel->tenantsModel()->isLoading());
    QCOMPARE(tenantsTable->model()->rowCount(), 0);
    QTest::keyClicks(newTenant, kTenant);
    QTest::mouseClick(createTenant, Qt::LeftButton);
    QTRY_VERIFY(rowWithText(tenantsTable->model(), kTenant) >= 0);
    QCOMPARE(cellText(tenantsTable, kTenant, TenantsModel::Status), QStringLiteral("active"));
    const QString tenantId = queryText(db, QStringLiteral("SELECT id FROM tenants WHERE name = $1"), {kTenant});
    QVERIFY2(isUuid(tenantId), qPrintable(tenantId));

    // ---- Twins: the tenant made a moment ago is offered; add a twin to it.
    QVERIFY(navigate(MainWindow::Twins));
    auto *twinsPanel = m_window->findChild<TwinsPanel *>();
    auto *twinsTenant = child<QComboBox>(*twinsPanel, "twinsTenant");
    auto *twinsTable = child<QTableView>(*twinsPanel, "twinsTable");
    auto *newTwin = child<QLineEdit>(*twinsPanel, "newTwinName");
    auto *createTwin = child<QPushButton>(*twinsPanel, "createTwinButton");
    QVERIFY(twinsTenant && twinsTable && newTwin && createTwin);
    QTRY_COMPARE(twinsTenant->currentData().toString(), tenantId);
    QCOMPARE(twinsTenant->currentText(), kTenant);
    QTRY_COMPARE(twinsPanel->twinsModel()->tenantId(), tenantId);
    QTest::keyClicks(newTwin, kTwin);
    QTRY_VERIFY(createTwin->isEnabled());
    QTest::mouseClick(createTwin, Qt::LeftButton);
    QTRY_VERIFY(rowWithText(twinsTable->model(), kTwin) >= 0);
    const QString twinId
        = queryText(db, QStringLiteral("SELECT id FROM twins WHERE tenant_id = $1 AND name = $2"), {tenantId, kTwin});
    QVERIFY2(isUuid(twinId), qPrintable(twinId));
    QTRY_COMPARE(twinsPanel->selectedTwinId(), twinId);

    // A user of the tenant (added through the admin API; the console has no form for people) signs in over the
    // real HTTP endpoint and sees the twin.
    {
        InProcessAdminApi api(*m_fixture->core);
        const AdminReply added = api.call("POST", QStringLiteral("/api/v1/users"),
                                          QJsonObject{{QStringLiteral("email"), kEmail},
                                                      {QStringLiteral("password"), kPassword},
                                                      {QStringLiteral("role"), QStringLiteral("admin")}},
                                          tenantId);
        QCOMPARE(added.status, 201);
    }
    const ApiReply login
        = httpCall(m_baseUrl, "POST", QStringLiteral("/api/v1/auth/login"),
                   QJsonObject{{QStringLiteral("email"), kEmail}, {QStringLiteral("password"), kPassword}});
    QVERIFY2(login.status == 200, qPrintable(login.describe()));
    const QString token = login.object().value(QLatin1String("access_token")).toString();
    QVERIFY(!token.isEmpty());
    const ApiReply me = httpCall(m_baseUrl, "GET", QStringLiteral("/api/v1/auth/me"), {}, token);
    QVERIFY2(me.status == 200, qPrintable(me.describe()));
    const ApiReply listed = httpCall(m_baseUrl, "GET", QStringLiteral("/api/v1/twins"), {}, token);
    QVERIFY2(listed.status == 200, qPrintable(listed.describe()));
    const QJsonArray userTwins = listed.object().value(QLatin1String("items")).toArray();
    QCOMPARE(userTwins.size(), 1);
    QCOMPARE(userTwins.first().toObject().value(QLatin1String("id")).toString(), twinId);

    // ---- Sources: upload through the file dialog, approve, and the workers index it.
    QVERIFY(navigate(MainWindow::Sources));
    auto *sourcesPanel = m_window->findChild<SourcesPanel *>();
    auto *sourcesTenant = child<QComboBox>(*sourcesPanel, "sourcesTenant");
    auto *sourcesTwin = child<QComboBox>(*sourcesPanel, "sourcesTwin");
    auto *sourcesTable = child<QTableView>(*sourcesPanel, "sourcesTable");
    auto *upload = child<QPushButton>(*sourcesPanel, "uploadSourceButton");
    auto *approve = child<QPushButton>(*sourcesPanel, "approveSourcesButton");
    auto *health = child<QLabel>(*sourcesPanel, "sourceHealth");
    auto *sourcesError = child<QLabel>(*sourcesPanel, "sourcesError");
    QVERIFY(sourcesTenant && sourcesTwin && sourcesTable && upload && approve && health && sourcesError);
    QTRY_COMPARE(sourcesTenant->currentData().toString(), tenantId);
    QTRY_COMPARE(sourcesTwin->currentData().toString(), twinId);
    QTRY_VERIFY(upload->isEnabled());
    QVERIFY(uploadThroughDialog(upload, manual));
    QTRY_COMPARE(cellText(sourcesTable, QStringLiteral("manual.md"), SourcesModel::Status), QStringLiteral("pending"));
    clickRow(sourcesTable, rowWithText(sourcesTable->model(), QStringLiteral("manual.md")));
    QTRY_VERIFY(approve->isEnabled());
    QTest::mouseClick(approve, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(cellText(sourcesTable, QStringLiteral("manual.md"), SourcesModel::Status),
                              QStringLiteral("indexed"), kWorkTimeoutMs);
    QVERIFY(cellText(sourcesTable, QStringLiteral("manual.md"), SourcesModel::Chunks).toInt() > 0);
    QTRY_VERIFY2(health->text().contains(QLatin1String("State: indexed")), qPrintable(health->text()));
    QVERIFY2(sourcesError->isHidden(), qPrintable(sourcesError->text()));
    const QString manualId
        = queryText(db, QStringLiteral("SELECT id FROM sources WHERE twin_id = $1 AND filename = $2"),
                    {twinId, QStringLiteral("manual.md")});
    QVERIFY2(isUuid(manualId), qPrintable(manualId));

    // ---- Jobs: the indexing job of that source, completed, in the tenant's list.
    QVERIFY(navigate(MainWindow::Jobs));
    auto *jobsPanel = m_window->findChild<JobsPanel *>();
    auto *jobsTable = child<QTableView>(*jobsPanel, "jobsTable");
    auto *jobsState = child<QTabBar>(*jobsPanel, "jobsStateTabs");
    auto *jobsTenant = child<QComboBox>(*jobsPanel, "jobsTenant");
    auto *jobsType = child<QLineEdit>(*jobsPanel, "jobsType");
    auto *jobDetail = child<QTextBrowser>(*jobsPanel, "jobDetail");
    auto *retry = child<QPushButton>(*jobsPanel, "retryJobsButton");
    auto *jobsStatus = child<QLabel>(*jobsPanel, "jobsStatus");
    auto *jobsError = child<QLabel>(*jobsPanel, "jobsError");
    QVERIFY(jobsTable && jobsState && jobsTenant && jobsType && jobDetail && retry && jobsStatus && jobsError);
    JobsModel *jobs = jobsPanel->model();
    // The tenant by its name, as support knows it (the picker lists the tenants again when the panel is shown).
    QTRY_VERIFY(jobsTenant->findText(kTenant) >= 0);
    jobsTenant->lineEdit()->clear();
    QTest::keyClicks(jobsTenant->lineEdit(), kTenant.toLower()); // a name in any case
    QTest::keyClicks(jobsType, QStringLiteral("source_index"));
    QVERIFY(applyJobsFilterUntil([&] {
        return jobs->rowCount() == 1
            && jobs->index(0, JobsModel::State).data().toString() == QLatin1String("completed");
    }));
    QCOMPARE(jobs->index(0, JobsModel::Type).data().toString(), QStringLiteral("source_index"));
    QCOMPARE(jobs->filter().tenantId, tenantId);
    QTRY_COMPARE(jobs->index(0, JobsModel::Tenant).data().toString(), kTenant);
    QTRY_COMPARE(jobs->index(0, JobsModel::Twin).data().toString(), kTwin);
    QCOMPARE(jobs->index(0, JobsModel::Tenant).data(Qt::ToolTipRole).toString(), tenantId);
    QCOMPARE(jobs->index(0, JobsModel::Twin).data(Qt::ToolTipRole).toString(), twinId);
    clickRow(jobsTable, 0);
    QTRY_VERIFY2(jobDetail->toPlainText().contains(QLatin1String("State: completed")),
                 qPrintable(jobDetail->toPlainText()));
    QVERIFY2(jobDetail->toPlainText().contains(manualId), qPrintable(jobDetail->toPlainText()));
    QCOMPARE(queryText(db, QStringLiteral("SELECT state FROM jobs WHERE id = $1"), {jobs->jobId(0)}),
             QStringLiteral("completed"));

    // ---- A job that fails: a source approved for indexing is deleted by the tenant's user before a worker gets to
    // it, so its indexing job finds no source (NotFound: discarded, retrying cannot help). The workers are paused
    // meanwhile, as an operator running twinopsd with --workers 0 would, so the order is certain.
    m_fixture->core->startWorkers(0);
    QVERIFY(navigate(MainWindow::Sources));
    // Shown again, the panel lists tenants, then the tenant's twins, then the twin's sources anew: let it settle.
    QTRY_COMPARE(sourcesTenant->currentData().toString(), tenantId);
    QTRY_COMPARE(sourcesTwin->currentData().toString(), twinId);
    QTRY_VERIFY(!sourcesPanel->sourcesModel()->isLoading()
                && rowWithText(sourcesTable->model(), QStringLiteral("manual.md")) >= 0);
    QVERIFY(uploadThroughDialog(upload, obsolete));
    QTRY_COMPARE(cellText(sourcesTable, QStringLiteral("obsolete.md"), SourcesModel::Status),
                 QStringLiteral("pending"));
    clickRow(sourcesTable, rowWithText(sourcesTable->model(), QStringLiteral("obsolete.md")));
    QTRY_VERIFY(approve->isEnabled());
    QTest::mouseClick(approve, Qt::LeftButton);
    QTRY_COMPARE(cellText(sourcesTable, QStringLiteral("obsolete.md"), SourcesModel::Status),
                 QStringLiteral("approved"));
    const QString obsoleteId
        = queryText(db, QStringLiteral("SELECT id FROM sources WHERE twin_id = $1 AND filename = $2"),
                    {twinId, QStringLiteral("obsolete.md")});
    QVERIFY2(isUuid(obsoleteId), qPrintable(obsoleteId));
    const QString tenantJobs = QStringLiteral("SELECT count(*) FROM jobs WHERE tenant_id = $1 AND state = $2");
    QCOMPARE(queryInteger(db, tenantJobs, {tenantId, QStringLiteral("available")}), qint64(1)); // waiting for a worker
    const ApiReply removed
        = httpCall(m_baseUrl, "DELETE", QStringLiteral("/api/v1/sources/%1").arg(obsoleteId), {}, token);
    QVERIFY2(removed.status == 204, qPrintable(removed.describe()));
    // The panel follows an approved source until it settles; one that is gone leaves the list, without an error.
    QTRY_VERIFY(rowWithText(sourcesTable->model(), QStringLiteral("obsolete.md")) < 0
                && rowWithText(sourcesTable->model(), QStringLiteral("manual.md")) >= 0);
    QTRY_VERIFY(!sourcesPanel->sourcesModel()->isLoading());
    QCOMPARE(sourcesTable->model()->rowCount(), 1);
    QVERIFY2(sourcesError->isHidden(), qPrintable(sourcesError->text()));
    QVERIFY(navigate(MainWindow::Jobs));
    m_fixture->core->startWorkers(2);

    QVERIFY(clickTab(jobsState, QStringLiteral("discarded")));
    QVERIFY(applyJobsFilterUntil([&] { return jobs->rowCount() == 1; }));
    const QString failedJob = jobs->jobId(0);
    QCOMPARE(jobs->index(0, JobsModel::State).data().toString(), QStringLiteral("discarded"));
    QCOMPARE(jobs->index(0, JobsModel::LastError).data().toString(), QStringLiteral("source not found"));
    QCOMPARE(jobs->index(0, JobsModel::Attempt).data(JobsModel::RawRole).toInt(), 1);
    clickRow(jobsTable, 0);
    // The log line of the failed attempt: "attempt 1 by <worker> failed after <seconds> s: source not found; …".
    static const QRegularExpression failedLine(QStringLiteral("failed after [0-9.]+ s: source not found"));
    QTRY_VERIFY2(
        jobDetail->toPlainText().contains(QRegularExpression(failedLine.pattern() + QStringLiteral("; not retried"))),
        qPrintable(jobDetail->toPlainText()));
    QVERIFY2(jobDetail->toPlainText().contains(obsoleteId), qPrintable(jobDetail->toPlainText()));
    const auto failures = [&] {
        return queryInteger(db, QStringLiteral("SELECT count(*) FROM job_logs WHERE job_id = $1 AND level = 'error'"),
                            {failedJob});
    };
    QCOMPARE(failures(), qint64(1));

    // Retry it from the panel: the row leaves the failed state at once (in place, although it no longer matches the
    // filter), the job runs again and, its source still being gone, fails again; the database tells the story.
    QTRY_VERIFY(retry->isEnabled());
    QTest::mouseClick(retry, Qt::LeftButton);
    QTRY_COMPARE(jobs->index(0, JobsModel::State).data().toString(), QStringLiteral("available"));
    QCOMPARE(jobs->index(0, JobsModel::Attempt).data(JobsModel::RawRole).toInt(), 0);
    QCOMPARE(jobs->rowCount(), 1);
    QTRY_VERIFY2(jobsStatus->text().contains(QLatin1String("1 job(s) retried")), qPrintable(jobsStatus->text()));
    QVERIFY2(jobsError->isHidden(), qPrintable(jobsError->text()));
    QTRY_COMPARE_WITH_TIMEOUT(failures(), qint64(2), kWorkTimeoutMs);
    QTRY_COMPARE(queryText(db, QStringLiteral("SELECT state FROM jobs WHERE id = $1"), {failedJob}),
                 QStringLiteral("discarded"));
    QCOMPARE(queryInteger(db, QStringLiteral("SELECT attempt FROM jobs WHERE id = $1"), {failedJob}), qint64(1));
    QCOMPARE(queryInteger(db, QStringLiteral("SELECT count(*) FROM job_logs WHERE job_id = $1 AND message = $2"),
                          {failedJob, QStringLiteral("manual retry by platform admin")}),
             qint64(1));
    // Applying the filter again shows it back among the failed ones, with both failures in its log.
    QVERIFY(applyJobsFilterUntil([&] {
        return jobs->rowCount() == 1
            && jobs->index(0, JobsModel::State).data().toString() == QLatin1String("discarded");
    }));
    clickRow(jobsTable, 0);
    QTRY_VERIFY2(jobDetail->toPlainText().contains(QLatin1String("manual retry by platform admin"))
                     && jobDetail->toPlainText().count(failedLine) == 2,
                 qPrintable(jobDetail->toPlainText()));
    // manual.md's indexing job is still the tenant's only completed one: the retry touched nothing else.
    QCOMPARE(queryInteger(db, tenantJobs, {tenantId, QStringLiteral("completed")}), qint64(1));

    // ---- Dashboards: shown, it polls the metrics.
    QVERIFY(navigate(MainWindow::Dashboards));
    QTRY_VERIFY(m_window->findChild<DashboardsPanel *>()->model()->isActive());

    // ---- Checklists: the staging checklist against the local API, to the end.
    QVERIFY(navigate(MainWindow::Checklists));
    QVERIFY(!m_window->findChild<DashboardsPanel *>()->model()->isActive()); // hidden: no polling
    auto *checklistsPanel = m_window->findChild<ChecklistsPanel *>();
    auto *picker = child<QComboBox>(*checklistsPanel, "checklistPicker");
    auto *target = child<QLineEdit>(*checklistsPanel, "checkTarget");
    auto *run = child<QPushButton>(*checklistsPanel, "runChecklistButton");
    auto *checklistStatus = child<QLabel>(*checklistsPanel, "checklistStatus");
    auto *progress = child<QProgressBar>(*checklistsPanel, "checklistProgress");
    auto *results = child<QTableView>(*checklistsPanel, "checklistResults");
    auto *evidence = child<QPlainTextEdit>(*checklistsPanel, "checkEvidence");
    auto *checklistsError = child<QLabel>(*checklistsPanel, "checklistsError");
    QVERIFY(picker && target && run && checklistStatus && progress && results && evidence && checklistsError);
    ChecklistRunModel *runModel = checklistsPanel->runModel();
    QTRY_VERIFY(run->isEnabled());
    QCOMPARE(picker->currentData().toString(), QStringLiteral("staging"));
    QCOMPARE(target->placeholderText(), m_baseUrl.toString());
    QTest::mouseClick(run, Qt::LeftButton);
    QTRY_VERIFY(!runModel->runId().isEmpty());
    const QString runId = runModel->runId();
    QTRY_VERIFY2_WITH_TIMEOUT(!checklistStatus->text().contains(QLatin1String(": running")) && progress->maximum() > 1
                                  && progress->value() == progress->maximum(),
                              qPrintable(checklistStatus->text()), kChecklistTimeoutMs);
    QVERIFY2(checklistStatus->text().contains(QLatin1String(": passed")), qPrintable(checklistStatus->text()));
    QVERIFY2(checklistsError->isHidden(), qPrintable(checklistsError->text()));
    QCOMPARE(progress->maximum(), runModel->automatedCount());
    QCOMPARE(runModel->rowCount(), 21);
    // Every automated item has its result; none failed. The run targeted the local API.
    for (int row = 0; row < runModel->rowCount(); ++row) {
        const QString item
            = runModel->index(row, ChecklistRunModel::Item).data(ChecklistRunModel::ItemIdRole).toString();
        const bool manualItem = runModel->index(row, 0).data(ChecklistRunModel::ManualRole).toBool();
        const QString status
            = runModel->index(row, ChecklistRunModel::Status).data(ChecklistRunModel::RawValueRole).toString();
        const QString message = runModel->index(row, ChecklistRunModel::Message).data().toString();
        QVERIFY2(manualItem ? status == QLatin1String("pending") : status != QLatin1String("pending"),
                 qPrintable(item + QStringLiteral(": ") + status));
        QVERIFY2(status != QLatin1String("fail"), qPrintable(item + QStringLiteral(": ") + message));
    }
    QCOMPARE(queryText(db, QStringLiteral("SELECT target FROM checklist_runs WHERE id = $1"), {runId}),
             m_baseUrl.toString());
    QCOMPARE(queryText(db, QStringLiteral("SELECT status FROM checklist_runs WHERE id = $1"), {runId}),
             QStringLiteral("passed"));
    // The evidence of an automated item, by a click on its row.
    const QModelIndex healthItem
        = checklistsPanel->resultsProxy()->mapFromSource(runModel->indexOfItem(QStringLiteral("health")));
    QVERIFY(healthItem.isValid());
    results->scrollTo(healthItem);
    QTest::mouseClick(results->viewport(), Qt::LeftButton, {}, results->visualRect(healthItem).center());
    QTRY_VERIFY(!evidence->toPlainText().isEmpty());
    QVERIFY2(!shownEvidence(evidence->toPlainText()).isEmpty(), qPrintable(evidence->toPlainText()));

    // ---- Revoke the user in the Tenants panel: their very next call with the same token is refused.
    QCOMPARE(httpCall(m_baseUrl, "GET", QStringLiteral("/api/v1/twins"), {}, token).status, 200);
    QVERIFY(navigate(MainWindow::Tenants));
    tenantsSearch->clear();
    QTest::keyClicks(tenantsSearch, QStringLiteral("acme"));
    QTest::keyClick(tenantsSearch, Qt::Key_Return);
    QTRY_COMPARE(tenantsTable->model()->rowCount(), 1);
    QTRY_VERIFY(!tenantsPanel->tenantsModel()->isLoading());
    QCOMPARE(tenantsTable->model()->rowCount(), 1);
    QCOMPARE(cellText(tenantsTable, kTenant, TenantsModel::Users), QStringLiteral("1"));
    clickRow(tenantsTable, 0);
    QTRY_COMPARE(tenantsPanel->selectedTenantId(), tenantId);
    QTRY_COMPARE(usersTable->model()->rowCount(), 1);
    QCOMPARE(cellText(usersTable, kEmail, UsersModel::State), QStringLiteral("active"));
    QVERIFY(!revoke->isEnabled());
    clickRow(usersTable, 0);
    QTRY_VERIFY(revoke->isEnabled());
    QTest::mouseClick(revoke, Qt::LeftButton);
    QVERIFY(confirmAction(*tenantsPanel, QStringLiteral("confirmRevokeUser")));
    QTRY_COMPARE(cellText(usersTable, kEmail, UsersModel::State), QStringLiteral("revoked"));
    QVERIFY(!revoke->isEnabled());
    QVERIFY2(tenantsError->isHidden(), qPrintable(tenantsError->text()));
    const ApiReply refused = httpCall(m_baseUrl, "GET", QStringLiteral("/api/v1/auth/me"), {}, token);
    QVERIFY2(refused.status == 401, qPrintable(refused.describe()));
    QCOMPARE(httpCall(m_baseUrl, "GET", QStringLiteral("/api/v1/twins"), {}, token).status, 401);
    QCOMPARE(httpCall(m_baseUrl, "POST", QStringLiteral("/api/v1/auth/login"),
                      QJsonObject{{QStringLiteral("email"), kEmail}, {QStringLiteral("password"), kPassword}})
                 .status,
             401);
    QCOMPARE(queryInteger(db, QStringLiteral("SELECT count(*) FROM users WHERE email = $1 AND revoked_at IS NOT NULL"),
                          {kEmail}),
             qint64(1));

    // ---- Settings: the last section is there too.
    QVERIFY(navigate(MainWindow::Settings));
}

QTEST_MAIN(TestConsoleJourney)
#include "tst_consolejourney.moc"
