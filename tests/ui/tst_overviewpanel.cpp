// The Overview panel in the real main window: Local (the embedded core) and two saved remote environments, one a
// real `twinopsd serve` on loopback over a PostgreSQL database of the test cluster whose DSN (a read-only role's)
// is saved with the environment, the other at a port where nothing listens. The figures are checked against what
// the daemon and the database themselves say; a click on a figure must land on the panel behind it.
#include "admin/adminclient.h"
#include "checks/apiclient.h"
#include "checks/databaseinspection.h"
#include "config/environmentstore.h"
#include "daemon.h"
#include "fakesecretstores.h"
#include "mainwindow.h"
#include "overviewmodel.h"
#include "overviewpanel.h"
#include "servicecore.h"
#include "storage/databaseurl.h"
#include "testdatabase.h"
#include "uitesting.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDialog>
#include <QGroupBox>
#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace twinops;
using namespace twinops::test;

namespace {

constexpr int kAnswerMs = 30'000;
// The daemon writes its per-minute rollups once a minute: the 15-minute figures need its first write.
constexpr int kRollupMs = 150'000;
const QString kReader = QStringLiteral("overview_reader_") + QString::number(QCoreApplication::applicationPid());

QPushButton *figure(QWidget *card, const char *name)
{
    return card ? card->findChild<QPushButton *>(QLatin1String(name)) : nullptr;
}

} // namespace

class TestOverviewPanel final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void readOnlyConnectionsRefuseWrites_data();
    void readOnlyConnectionsRefuseWrites();
    void connectionFailuresAreSaidInWords();
    void overviewShowsEveryEnvironment();

private:
    QTemporaryDir m_home;
    std::unique_ptr<TestDatabase> m_remoteDatabase;
    QString m_adminKey;
    QString m_readerDsn;
    Daemon m_daemon;
};

void TestOverviewPanel::initTestCase()
{
    QVERIFY2(QFile::exists(qEnvironmentVariable("TWINOPSD")), "TWINOPSD must name the twinopsd binary");
    QVERIFY(m_home.isValid());
    m_remoteDatabase = TestDatabase::create(Dialect::Postgres);
    QVERIFY(m_remoteDatabase);
    const QString url = m_remoteDatabase->url().postgresUri();
    const QProcessEnvironment environment = daemonEnvironment(m_home.path(), QByteArray(32, 'o'));
    QByteArray key;
    QVERIFY(runTwinopsd({QStringLiteral("--database"), url, QStringLiteral("admin"), QStringLiteral("create-key"),
                         QStringLiteral("--name"), QStringLiteral("console")},
                        environment, &key));
    m_adminKey = QString::fromLatin1(key.trimmed());
    m_daemon.start({QStringLiteral("--database"), url, QStringLiteral("serve"), QStringLiteral("--listen"),
                    QStringLiteral("127.0.0.1:0"), QStringLiteral("--workers"), QStringLiteral("1")},
                   environment, m_home.filePath(QStringLiteral("remote.log")));
    QVERIFY2(m_daemon.waitUntilServing(kAnswerMs), qPrintable(m_daemon.describe()));

    // The lint must have something to say: a table without a primary key (rule missing-primary-key, an error).
    auto db = m_remoteDatabase->connect();
    QVERIFY(db);
    TWINOPS_VERIFY_OK(db->executeScript(QStringLiteral("CREATE TABLE public.overview_notes (note text)")));
    // The read-only role docs/console.md recommends, with exactly the grants it lists.
    const QString databaseName = QUrl(url).path().mid(1);
    TWINOPS_VERIFY_OK(db->executeScript(QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD 'reader-secret';"
                                                       "GRANT CONNECT ON DATABASE %2 TO %1;"
                                                       "GRANT USAGE ON SCHEMA public TO %1;"
                                                       "GRANT SELECT ON public.schema_migrations TO %1;"
                                                       "GRANT pg_read_all_stats TO %1")
                                            .arg(kReader, databaseName)));
    QUrl reader(url);
    reader.setUserName(kReader);
    reader.setPassword(QStringLiteral("reader-secret"));
    m_readerDsn = reader.toString();

    // Traffic for the 15-minute figures.
    ApiClient client((QUrl(m_daemon.baseUrl())));
    for (int i = 0; i < 20; ++i)
        QCOMPARE(client.get(QStringLiteral("/api/v1/admin/tenants"), m_adminKey).status, 200);
}

void TestOverviewPanel::cleanupTestCase()
{
    if (m_daemon.running())
        QVERIFY2(m_daemon.stop(), qPrintable(m_daemon.describe()));
    if (m_remoteDatabase) {
        if (auto db = m_remoteDatabase->connect()) {
            // The role is the cluster's: it goes with its privileges before the database is dropped.
            (void)db->executeScript(QStringLiteral("DROP OWNED BY %1; DROP ROLE %1").arg(kReader));
        }
    }
    m_remoteDatabase.reset();
}

void TestOverviewPanel::readOnlyConnectionsRefuseWrites_data()
{
    addBackendRows();
}

void TestOverviewPanel::readOnlyConnectionsRefuseWrites()
{
    QFETCH(Dialect, dialect);
    auto fresh = TestDatabase::create(dialect);
    QVERIFY(fresh);
    {
        auto db = fresh->connectMigrated();
        QVERIFY(db);
    }
    auto readOnly = Database::openReadOnly(fresh->url());
    TWINOPS_VERIFY_OK(readOnly);
    auto written = (*readOnly)->query(QStringLiteral("CREATE TABLE overview_written (x integer)"));
    QVERIFY(!written.ok());
    QVERIFY2(written.error().message.contains(QRegularExpression(QStringLiteral("read-?only"))),
             qPrintable(written.error().message));
    // Still readable, and the inspection reads the migrations applied and the tables.
    const DatabaseInspection inspection = inspectDatabase(**readOnly);
    TWINOPS_VERIFY_OK(inspection.migrations);
    QVERIFY(inspection.migrations->pending.isEmpty());
    QCOMPARE(inspection.schemaVersion(), int(inspection.migrations->shipped.size()));
    TWINOPS_VERIFY_OK(inspection.tables);
    QStringList tables;
    for (const TableSize &t : *inspection.tables)
        tables << t.table;
    const QString jobs = dialect == Dialect::Postgres ? QStringLiteral("public.jobs") : QStringLiteral("jobs");
    QVERIFY2(tables.contains(jobs), qPrintable(tables.join(u',')));
    QCOMPARE(inspection.lint.has_value(), dialect == Dialect::Postgres);
    // A missing SQLite file is not created by looking at it.
    if (dialect == Dialect::Sqlite) {
        const QString missing = m_home.filePath(QStringLiteral("missing.db"));
        QVERIFY(!Database::openReadOnly(DatabaseUrl::sqliteFile(missing)).ok());
        QVERIFY(!QFile::exists(missing));
    }
}

void TestOverviewPanel::connectionFailuresAreSaidInWords()
{
    QUrl wrongPassword(m_readerDsn);
    wrongPassword.setPassword(QStringLiteral("not-the-secret"));
    const quint16 closed = closedLoopbackPort();
    const QString unreachable = QStringLiteral("postgres://nobody:hunter2@127.0.0.1:%1/twinops").arg(closed);
    auto refused = inspectDatabase(unreachable);
    QVERIFY(!refused.ok());
    QVERIFY2(refused.error().message.startsWith(QLatin1String("unreachable: ")), qPrintable(refused.error().message));
    QVERIFY(!refused.error().message.contains(QLatin1String("hunter2")));
    // A DSN in keyword form is not a URL: refused without echoing it (it may hold a password).
    auto keywords = inspectDatabase(QStringLiteral("host=db password=hunter2 dbname=twinops"));
    QVERIFY(!keywords.ok());
    QVERIFY(!keywords.error().message.contains(QLatin1String("hunter2")));
    // The test cluster may trust loopback connections; where it checks passwords, the words say so.
    auto wrong = inspectDatabase(wrongPassword.toString());
    if (!wrong.ok()) {
        QVERIFY2(wrong.error().message.startsWith(QLatin1String("authentication failed: ")),
                 qPrintable(wrong.error().message));
        QVERIFY(!wrong.error().message.contains(QLatin1String("not-the-secret")));
    }
}

void TestOverviewPanel::overviewShowsEveryEnvironment()
{
    auto core = ServiceCore::start(CoreOptions{DatabaseUrl::sqliteFile(m_home.filePath(QStringLiteral("local.db")))});
    TWINOPS_VERIFY_OK(core);
    auto store = std::make_shared<EnvironmentStore>(m_home.filePath(QStringLiteral("environments.ini")),
                                                    std::make_unique<MemorySecretStore>());
    TWINOPS_VERIFY_OK(store->add(QStringLiteral("staging"), QUrl(m_daemon.baseUrl()), m_adminKey, m_readerDsn));
    TWINOPS_VERIFY_OK(store->add(QStringLiteral("gone"),
                                 QUrl(QStringLiteral("http://127.0.0.1:%1").arg(closedLoopbackPort())),
                                 QStringLiteral("twk_unused")));
    TWINOPS_VERIFY_OK(store->add(QStringLiteral("wrong key"), QUrl(m_daemon.baseUrl()), QStringLiteral("twk_wrong")));

    MainWindow window(**core, store);
    QVERIFY(showAndWait(window, {1400, 900}));
    QCOMPARE(window.currentSection(), MainWindow::Overview);
    auto *panel = window.findChild<OverviewPanel *>(QStringLiteral("overviewPanel"));
    QVERIFY(panel);
    QVERIFY(panel->isVisible());
    OverviewModel *model = panel->model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model->setRefreshInterval(std::chrono::milliseconds(500));
    QCOMPARE(model->rowCount(), 4);
    const auto cell
        = [model](int row, OverviewModel::Column column) { return model->index(row, column).data().toString(); };
    QCOMPARE(cell(0, OverviewModel::Name), QStringLiteral("Local"));
    QCOMPARE(cell(1, OverviewModel::Name), QStringLiteral("staging"));
    QCOMPARE(cell(2, OverviewModel::Name), QStringLiteral("gone"));

    // Local and staging: what their /health says, the schema version the database holds.
    ApiClient direct((QUrl(m_daemon.baseUrl())));
    const ApiReply health = direct.get(QStringLiteral("/health"));
    QCOMPARE(health.status, 200);
    const QJsonObject healthBody = health.object();
    auto db = m_remoteDatabase->connect();
    auto schema = db->query(QStringLiteral("SELECT MAX(version) FROM schema_migrations"));
    TWINOPS_VERIFY_OK(schema);
    QTRY_COMPARE_WITH_TIMEOUT(cell(1, OverviewModel::Version), healthBody.value(QLatin1String("version")).toString(),
                              kAnswerMs);
    QTRY_COMPARE_WITH_TIMEOUT(cell(1, OverviewModel::SchemaVersion), QString::number(schema->first().integer(0)),
                              kAnswerMs);
    QTRY_COMPARE_WITH_TIMEOUT(cell(1, OverviewModel::Health), QStringLiteral("ok"), kAnswerMs);
    QTRY_COMPARE_WITH_TIMEOUT(cell(1, OverviewModel::QueueDepth), QStringLiteral("0"), kAnswerMs);
    QTRY_COMPARE_WITH_TIMEOUT(cell(0, OverviewModel::Version), healthBody.value(QLatin1String("version")).toString(),
                              kAnswerMs);
    QCOMPARE(cell(1, OverviewModel::LastChecklist), QStringLiteral("not scheduled"));
    // The environment's checklist schedule: switched on through its API, the card says so at the next refresh.
    QCOMPARE(direct
                 .send("PUT", QStringLiteral("/api/v1/admin/checks/schedule"),
                       QJsonObject{{QStringLiteral("interval_minutes"), 5}}, m_adminKey)
                 .status,
             200);
    model->refresh();
    QTRY_COMPARE_WITH_TIMEOUT(cell(1, OverviewModel::LastChecklist), QStringLiteral("none yet, every 5 min"),
                              kAnswerMs);
    QCOMPARE(cell(1, OverviewModel::Error), QString());
    // The daemon has the alerts API: the slot shows its count of firing alerts.
    const ApiReply firing = direct.get(QStringLiteral("/api/v1/admin/alerts?state=firing"), m_adminKey);
    QCOMPARE(firing.status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(model->index(1, OverviewModel::FiringAlerts).data(OverviewModel::RawRole).isValid(),
                             kAnswerMs);
    QCOMPARE(model->index(1, OverviewModel::FiringAlerts).data(OverviewModel::RawRole).toLongLong(),
             qint64(firing.object().value(QLatin1String("items")).toArray().size()));
    QWidget *card = panel->findChild<QGroupBox *>(QStringLiteral("overviewCard1"));
    QVERIFY(card);
    QVERIFY(!figure(card, "firingAlerts")->isHidden());
    QCOMPARE(figure(card, "version")->text(), healthBody.value(QLatin1String("version")).toString());

    // The unreachable one says so, on its card.
    QTRY_VERIFY_WITH_TIMEOUT(cell(2, OverviewModel::Error).startsWith(QLatin1String("unreachable: ")), kAnswerMs);
    auto *goneError = panel->findChild<QGroupBox *>(QStringLiteral("overviewCard2"))
                          ->findChild<QLabel *>(QStringLiteral("cardError"));
    QVERIFY(goneError->isVisible());
    QCOMPARE(goneError->text(), cell(2, OverviewModel::Error));
    QCOMPARE(cell(2, OverviewModel::Version), QStringLiteral("—"));
    // A refused key: the public /health still answers, the admin routes say why they do not.
    QTRY_VERIFY_WITH_TIMEOUT(cell(3, OverviewModel::Error).startsWith(QLatin1String("unauthorised: ")), kAnswerMs);
    QCOMPARE(cell(3, OverviewModel::Health), QStringLiteral("ok"));

    // The database, read through the reader role's DSN: its lint finds the table without a primary key, the same
    // findings the lint gives on a connection of our own.
    QTRY_VERIFY_WITH_TIMEOUT(model->database(1).has_value(), kAnswerMs);
    const auto &inspection = *model->database(1);
    TWINOPS_VERIFY_OK(inspection);
    QVERIFY(!inspection->description.contains(QLatin1String("reader-secret")));
    TWINOPS_VERIFY_OK(*inspection->lint);
    auto expected = lintPostgres(*db);
    TWINOPS_VERIFY_OK(expected);
    QCOMPARE((*inspection->lint)->size(), expected->size());
    TWINOPS_VERIFY_OK(inspection->migrations);
    QCOMPARE(inspection->schemaVersion(), int(schema->first().integer(0)));
    QVERIFY(cell(1, OverviewModel::Database).startsWith(QLatin1String("lint: 1 error(s)")));
    QVERIFY(!model->database(0).has_value()); // Local has no DSN
    // "gone" is saved without a DSN: its card says so rather than showing nothing.
    QTRY_VERIFY_WITH_TIMEOUT(model->database(2).has_value(), kAnswerMs);
    QVERIFY(!model->database(2)->ok());
    QVERIFY(cell(2, OverviewModel::Database).startsWith(QLatin1String("no DSN saved")));
    QTest::mouseClick(figure(card, "database"), Qt::LeftButton);
    QDialog *details = nullptr;
    QTRY_VERIFY((details = panel->findChild<QDialog *>(QStringLiteral("databaseDetails"))) && details->isVisible());
    auto *findings = details->findChild<QTreeWidget *>(QStringLiteral("lintFindings"));
    QVERIFY(findings);
    QStringList rules;
    for (int i = 0; i < findings->topLevelItemCount(); ++i)
        rules << findings->topLevelItem(i)->text(1) + u' ' + findings->topLevelItem(i)->text(2);
    QVERIFY2(rules.contains(QStringLiteral("missing-primary-key public.overview_notes")), qPrintable(rules.join(u',')));
    auto *tables = details->findChild<QTreeWidget *>(QStringLiteral("tableSizes"));
    QVERIFY(tables && !tables->findItems(QStringLiteral("public.jobs"), Qt::MatchExactly).isEmpty());
    details->close();

    // The last 15 minutes once the daemon has written its first rollup: the requests above and the Overview's own, none
    // a 5xx.
    QTRY_COMPARE_WITH_TIMEOUT(cell(1, OverviewModel::ErrorRatePercent), QStringLiteral("0.00 %"), kRollupMs);
    QVERIFY(model->index(1, OverviewModel::LatencyP95Seconds).data(OverviewModel::RawRole).toDouble() > 0.0);

    // A click on a figure opens the panel behind it, in that environment.
    auto *picker = window.findChild<QComboBox *>(QStringLiteral("environmentPicker"));
    auto *panels = window.findChild<QStackedWidget *>(QStringLiteral("panels"));
    const auto clickThrough = [&](const char *name, MainWindow::Section section) {
        window.showSection(MainWindow::Overview);
        QTRY_VERIFY(panel->isVisible());
        picker->setCurrentIndex(0);
        QTest::mouseClick(figure(card, name), Qt::LeftButton);
        QTRY_COMPARE(window.currentSection(), section);
        QCOMPARE(panels->currentIndex(), int(section));
        QCOMPARE(picker->currentIndex(), 1);
    };
    clickThrough("queueDepth", MainWindow::Jobs);
    clickThrough("errorRate", MainWindow::Dashboards);
    clickThrough("lastChecklist", MainWindow::Checklists);
    clickThrough("firingAlerts", MainWindow::Alerts);
}

QTEST_MAIN(TestOverviewPanel)
#include "tst_overviewpanel.moc"
