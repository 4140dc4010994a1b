// The Twins panel on the Local environment, driven like a user: pick the tenant, create a twin, select it and read
// its graph summary; the database then shows the twin in that tenant. The panel works inside the tenant through
// the platform admin's X-Twinops-Tenant.
#include "consolefixture.h"
#include "tenantpicker.h"
#include "twinsmodel.h"
#include "twinspanel.h"
#include "uitesting.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDeadlineTimer>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTest>

using namespace twinops;
using namespace twinops::test;

namespace {
constexpr auto kFatal = QAbstractItemModelTester::FailureReportingMode::Fatal;
} // namespace

class TestTwinsPanel final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void createTwinAndSeeItsGraph();
};

void TestTwinsPanel::createTwinAndSeeItsGraph()
{
    auto fixture = ConsoleFixture::create(currentDialect());
    if (!fixture)
        return;
    fixture->core->startWorkers(2);
    const QString other = postJson(*fixture->core, QStringLiteral("/api/v1/admin/tenants"),
                                   {{QStringLiteral("name"), QStringLiteral("Initech")}});
    const QString acme = postJson(*fixture->core, QStringLiteral("/api/v1/admin/tenants"),
                                  {{QStringLiteral("name"), QStringLiteral("Acme Robotics")}});
    QVERIFY(!other.isEmpty() && !acme.isEmpty());
    // A twin of another tenant, which the panel must never list under Acme.
    {
        InProcessAdminApi api(*fixture->core);
        QCOMPARE(api.call("POST", QStringLiteral("/api/v1/twins"),
                          QJsonObject{{QStringLiteral("name"), QStringLiteral("Initech plant")}}, other)
                     .status,
                 201);
    }

    TwinsPanel panel(*fixture->local);
    QAbstractItemModelTester modelTester(panel.twinsModel(), kFatal);
    QAbstractItemModelTester proxyTester(panel.twinsProxy(), kFatal);
    panel.resize(1000, 700);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    auto *tenant = panel.findChild<QComboBox *>(QStringLiteral("twinsTenant"));
    auto *table = panel.findChild<QTableView *>(QStringLiteral("twinsTable"));
    auto *newName = panel.findChild<QLineEdit *>(QStringLiteral("newTwinName"));
    auto *create = panel.findChild<QPushButton *>(QStringLiteral("createTwinButton"));
    auto *summary = panel.findChild<QLabel *>(QStringLiteral("twinGraphSummary"));
    auto *refresh = panel.findChild<QPushButton *>(QStringLiteral("refreshGraphButton"));
    auto *error = panel.findChild<QLabel *>(QStringLiteral("twinsError"));
    QVERIFY(tenant && table && newName && create && summary && refresh && error);

    QTRY_COMPARE(tenant->count(), 2);
    tenant->setCurrentIndex(tenant->findText(QStringLiteral("Acme Robotics")));
    QTRY_COMPARE(panel.twinsModel()->tenantId(), acme);
    QTRY_VERIFY(!panel.twinsModel()->isLoading());
    QCOMPARE(table->model()->rowCount(), 0);
    QVERIFY(!create->isEnabled());

    // Create: one row appended (no reset), selected, and in the right tenant in the database.
    QSignalSpy resets(panel.twinsModel(), &QAbstractItemModel::modelReset);
    QTest::keyClicks(newName, QStringLiteral("Pump station"));
    QVERIFY(create->isEnabled());
    QTest::mouseClick(create, Qt::LeftButton);
    QTRY_VERIFY(rowWithText(table->model(), QStringLiteral("Pump station")) >= 0);
    QCOMPARE(newName->text(), QString());
    QCOMPARE(resets.count(), 0);
    QCOMPARE(table->model()->rowCount(), 1);
    auto rows = fixture->core->database().query(QStringLiteral("SELECT tenant_id, id FROM twins WHERE name = $1"),
                                                {QStringLiteral("Pump station")});
    QVERIFY(rows.ok());
    QCOMPARE(rows->size(), 1);
    QCOMPARE(rows->first().text(0), acme);
    const QString twinId = rows->first().text(1);
    QTRY_COMPARE(panel.selectedTwinId(), twinId);

    // A fresh twin has an empty graph.
    QTRY_VERIFY2(summary->text().startsWith(QLatin1String("0 nodes, 0 edges")), qPrintable(summary->text()));

    // Index a source into it and chat about it (as the console would, inside the tenant); the graph fills and the
    // summary names its most connected nodes.
    {
        InProcessAdminApi api(*fixture->core);
        const AdminReply source = api.call(
            "POST", QStringLiteral("/api/v1/twins/%1/sources").arg(twinId),
            QJsonObject{{QStringLiteral("filename"), QStringLiteral("plant.md")},
                        {QStringLiteral("content"),
                         QStringLiteral("# Ada Lovelace\n\nAda Lovelace worked with Charles Babbage on the "
                                        "Analytical Engine. Ada Lovelace wrote the first published algorithm.\n\n"
                                        "Charles Babbage founded the Analytical Society in Cambridge.")}},
            acme);
        QCOMPARE(source.status, 201);
        const QString sourceId = source.body.value(QLatin1String("id")).toString();
        QCOMPARE(
            api.call("POST", QStringLiteral("/api/v1/sources/%1/approve").arg(sourceId), QJsonObject(), acme).status,
            202);
        // The graph is built from chat exchanges (graph_extraction jobs); ask once the source is indexed.
        QTRY_VERIFY_WITH_TIMEOUT(
            api.get(QStringLiteral("/api/v1/sources/%1").arg(sourceId), acme).body.value(QLatin1String("status"))
                == QLatin1String("indexed"),
            30'000);
        QCOMPARE(api.call("POST", QStringLiteral("/api/v1/twins/%1/chat").arg(twinId),
                          QJsonObject{{QStringLiteral("message"), QStringLiteral("Who worked with Charles Babbage?")}},
                          acme)
                     .status,
                 200);
    }
    const QRegularExpression filled(QStringLiteral("^([1-9]\\d*) nodes, (\\d+) edges\\nTop nodes by degree: .+"));
    // The graph fills when the exchange's graph_extraction job has run; ask again until it shows.
    QDeadlineTimer deadline(30'000);
    while (!filled.match(summary->text()).hasMatch() && !deadline.hasExpired()) {
        QTest::qWait(250);
        refresh->click();
        QTRY_VERIFY(!summary->text().startsWith(QLatin1String("Loading")));
    }
    QVERIFY2(filled.match(summary->text()).hasMatch(), qPrintable(summary->text()));

    // The other tenant's twin shows up under its own tenant only.
    QCOMPARE(rowWithText(table->model(), QStringLiteral("Initech plant")), -1);
    tenant->setCurrentIndex(tenant->findText(QStringLiteral("Initech")));
    QTRY_VERIFY(rowWithText(table->model(), QStringLiteral("Initech plant")) >= 0);
    QCOMPARE(table->model()->rowCount(), 1);
    clickRow(table, 0);
    QTRY_VERIFY(summary->text().startsWith(QLatin1String("0 nodes")));
    QVERIFY2(error->isHidden(), qPrintable(error->text()));
}

QTEST_MAIN(TestTwinsPanel)
#include "tst_twinspanel.moc"
