// The Twins panel on the Local environment, driven like a user: pick the tenant, create a twin, select it and read
// its graph summary; the database then shows the twin in that tenant. The panel works inside the tenant through
// the platform admin's X-Twinops-Tenant.
#include "consolefixture.h"
#include "onetimesecretdialog.h"
#include "sharelinksmodel.h"
#include "tenantpicker.h"
#include "twineditdialog.h"
#include "twinsmodel.h"
#include "twinspanel.h"
#include "uitesting.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDeadlineTimer>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTabWidget>
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
    void editArchiveAndDeleteTwin();
    void createUseAndRevokeShareLinks();
};

namespace {

// The first row of `table` whose first column shows `text` selected, as a click would.
void selectRowWithText(QTableView *table, const QString &text)
{
    const int row = rowWithText(table->model(), text);
    QVERIFY2(row >= 0, qPrintable(text));
    clickRow(table, row);
}

// The confirmation `name` cancelled, as a user does, once it shows.
void cancelConfirmation(QWidget &panel, const QString &name)
{
    QDialog *question = waitForConfirmation(panel, name);
    QVERIFY(question);
    QTest::mouseClick(child<QPushButton>(*question, QStringLiteral("confirmCancelButton")), Qt::LeftButton);
    QTRY_VERIFY(!panel.findChild<QDialog *>(name));
}

// The tenant "Acme Robotics" with the twin "Pump station", made through the admin API; the twin's id.
QString seedPumpStation(ServiceCore &core)
{
    const QString acme = postJson(core, QStringLiteral("/api/v1/admin/tenants"),
                                  {{QStringLiteral("name"), QStringLiteral("Acme Robotics")}});
    return postJson(core, QStringLiteral("/api/v1/twins"), {{QStringLiteral("name"), QStringLiteral("Pump station")}},
                    acme);
}

// The panel on screen with Acme Robotics picked and its Pump station listed.
bool showPumpStation(TwinsPanel &panel)
{
    panel.resize(1000, 700);
    panel.show();
    if (!QTest::qWaitForWindowExposed(&panel))
        return false;
    auto *tenant = panel.findChild<QComboBox *>(QStringLiteral("twinsTenant"));
    auto *table = panel.findChild<QTableView *>(QStringLiteral("twinsTable"));
    if (!tenant || !table || !QTest::qWaitFor([&] { return tenant->findText(QStringLiteral("Acme Robotics")) >= 0; }))
        return false;
    tenant->setCurrentIndex(tenant->findText(QStringLiteral("Acme Robotics")));
    return QTest::qWaitFor([&] { return rowWithText(table->model(), QStringLiteral("Pump station")) >= 0; });
}

QString twinField(ServiceCore &core, const QString &twinId, const QString &column)
{
    const auto rows = core.database().query(QStringLiteral("SELECT %1 FROM twins WHERE id = $1").arg(column), {twinId});
    return rows.ok() && !rows->isEmpty() ? rows->first().text(0) : QStringLiteral("<none>");
}

} // namespace

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
    QVERIFY(showAndWait(panel, {1000, 700}));
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

// Edit changes only what was edited; Archive and Restore flip the status in place; Delete asks first (Cancel keeps
// the twin), then the row and the twin's rows in the database are gone and the feedback line says so.
void TestTwinsPanel::editArchiveAndDeleteTwin()
{
    auto fixture = ConsoleFixture::create(currentDialect());
    if (!fixture)
        return;
    const QString twinId = seedPumpStation(*fixture->core);
    QVERIFY(!twinId.isEmpty());

    TwinsPanel panel(*fixture->local);
    QAbstractItemModelTester modelTester(panel.twinsModel(), kFatal);
    QVERIFY(showPumpStation(panel));
    auto *table = panel.findChild<QTableView *>(QStringLiteral("twinsTable"));
    auto *edit = panel.findChild<QPushButton *>(QStringLiteral("editTwinButton"));
    auto *archive = panel.findChild<QPushButton *>(QStringLiteral("archiveTwinButton"));
    auto *remove = panel.findChild<QPushButton *>(QStringLiteral("deleteTwinButton"));
    auto *feedback = panel.findChild<QLabel *>(QStringLiteral("twinsError")); // errors and outcomes, one line
    QVERIFY(table && edit && archive && remove && feedback);
    QVERIFY(!edit->isEnabled() && !archive->isEnabled() && !remove->isEnabled());
    selectRowWithText(table, QStringLiteral("Pump station"));
    QTRY_COMPARE(panel.selectedTwinId(), twinId);
    QVERIFY(edit->isEnabled() && archive->isEnabled() && remove->isEnabled());

    // Edit: Save is enabled only once something changed.
    QTest::mouseClick(edit, Qt::LeftButton);
    TwinEditDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = panel.findChild<TwinEditDialog *>(QStringLiteral("twinEditDialog"))));
    auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("twinEditName"));
    auto *description = dialog->findChild<QPlainTextEdit *>(QStringLiteral("twinEditDescription"));
    auto *save = dialog->findChild<QPushButton *>(QStringLiteral("twinEditSave"));
    QVERIFY(name && description && save);
    QCOMPARE(name->text(), QStringLiteral("Pump station"));
    QVERIFY(!save->isEnabled());
    name->selectAll();
    QTest::keyClicks(name, QStringLiteral("Pump station North"));
    description->setPlainText(QStringLiteral("Answers about the north pumps."));
    QVERIFY(save->isEnabled());
    QTest::mouseClick(save, Qt::LeftButton);
    QTRY_COMPARE(twinField(*fixture->core, twinId, QStringLiteral("name")), QStringLiteral("Pump station North"));
    QCOMPARE(twinField(*fixture->core, twinId, QStringLiteral("description")),
             QStringLiteral("Answers about the north pumps."));
    QTRY_VERIFY(rowWithText(table->model(), QStringLiteral("Pump station North")) >= 0);

    // Archive, then Restore, in place.
    QCOMPARE(archive->text(), QStringLiteral("Archive"));
    QTest::mouseClick(archive, Qt::LeftButton);
    QTRY_COMPARE(twinField(*fixture->core, twinId, QStringLiteral("status")), QStringLiteral("archived"));
    QTRY_COMPARE(archive->text(), QStringLiteral("Restore"));
    QCOMPARE(cellText(table, QStringLiteral("Pump station North"), TwinsModel::Status), QStringLiteral("archived"));
    // The row's context menu offers the buttons as they are now (Restore), and the copies.
    QCOMPARE(contextMenu(table, rowWithText(table->model(), QStringLiteral("Pump station North")),
                         QStringLiteral("Restore")),
             (QHash<QString, bool>{{QStringLiteral("Edit…"), true},
                                   {QStringLiteral("Restore"), true},
                                   {QStringLiteral("Delete…"), true},
                                   {QStringLiteral("Copy full id"), true},
                                   {QStringLiteral("Copy name"), true}}));
    QTRY_COMPARE(twinField(*fixture->core, twinId, QStringLiteral("status")), QStringLiteral("active"));
    QTRY_COMPARE(archive->text(), QStringLiteral("Archive"));

    // Delete: Cancel keeps it; confirmed, it is gone.
    QTest::mouseClick(remove, Qt::LeftButton);
    cancelConfirmation(panel, QStringLiteral("confirmDeleteTwin"));
    QTest::qWait(200); // a delete that would go out anyway has time to arrive
    QCOMPARE(twinField(*fixture->core, twinId, QStringLiteral("name")), QStringLiteral("Pump station North"));
    QTest::mouseClick(remove, Qt::LeftButton);
    QVERIFY(confirmAction(panel, QStringLiteral("confirmDeleteTwin")));
    QTRY_COMPARE(twinField(*fixture->core, twinId, QStringLiteral("name")), QStringLiteral("<none>"));
    QTRY_COMPARE(table->model()->rowCount(), 0);
    QTRY_VERIFY(feedback->isVisible());
    QVERIFY2(feedback->text().contains(QLatin1String("Pump station North")), qPrintable(feedback->text()));
    QVERIFY(!edit->isEnabled() && !remove->isEnabled());
}

// A link with an expiry: its token shown once, it works for the public chat (which marks it used), Revoke asks
// (Cancel keeps it), and the revoked token is refused.
void TestTwinsPanel::createUseAndRevokeShareLinks()
{
    auto fixture = ConsoleFixture::create(currentDialect());
    if (!fixture)
        return;
    const QString twinId = seedPumpStation(*fixture->core);
    QVERIFY(!twinId.isEmpty());

    TwinsPanel panel(*fixture->local);
    QAbstractItemModelTester linksTester(panel.shareLinksModel(), kFatal);
    QVERIFY(showPumpStation(panel));
    auto *table = panel.findChild<QTableView *>(QStringLiteral("twinsTable"));
    auto *details = panel.findChild<QTabWidget *>(QStringLiteral("twinDetails"));
    auto *links = panel.findChild<QTableView *>(QStringLiteral("shareLinksTable"));
    auto *expiry = panel.findChild<QSpinBox *>(QStringLiteral("shareLinkExpiry"));
    auto *create = panel.findChild<QPushButton *>(QStringLiteral("createShareLinkButton"));
    auto *revoke = panel.findChild<QPushButton *>(QStringLiteral("revokeShareLinkButton"));
    auto *error = panel.findChild<QLabel *>(QStringLiteral("twinsError"));
    QVERIFY(table && details && links && expiry && create && revoke && error);
    QVERIFY(!create->isEnabled());
    selectRowWithText(table, QStringLiteral("Pump station"));
    QTRY_COMPARE(panel.shareLinksModel()->twinId(), twinId);
    details->setCurrentIndex(1);
    QTRY_VERIFY(!panel.shareLinksModel()->isLoading());
    QCOMPARE(links->model()->rowCount(), 0);
    QVERIFY(create->isEnabled() && !revoke->isEnabled());

    expiry->setValue(7);
    QTest::mouseClick(create, Qt::LeftButton);
    OneTimeSecretDialog *shown = nullptr;
    QTRY_VERIFY((shown = panel.findChild<OneTimeSecretDialog *>(QStringLiteral("oneTimeSecretDialog"))));
    auto *tokenField = shown->findChild<QLineEdit *>(QStringLiteral("oneTimeSecret"));
    auto *close = shown->findChild<QPushButton *>(QStringLiteral("closeSecretButton"));
    QVERIFY(tokenField && close);
    const QString token = tokenField->text();
    QVERIFY2(token.startsWith(QLatin1String("tws_")), qPrintable(token.left(8)));
    QTest::mouseClick(close, Qt::LeftButton);
    QTRY_VERIFY(!panel.findChild<OneTimeSecretDialog *>());
    QTRY_COMPARE(links->model()->rowCount(), 1);
    // Listed by its prefix only, expiring in a week, never used, active.
    QVERIFY(!cellText(links->model(), 0, ShareLinksModel::Prefix).contains(token));
    QVERIFY(
        token.startsWith(links->model()->index(0, ShareLinksModel::Prefix).data(PagedAdminModel::SortRole).toString()));
    const QDateTime expires
        = links->model()->index(0, ShareLinksModel::Expires).data(PagedAdminModel::SortRole).toDateTime();
    QVERIFY2(qAbs(QDateTime::currentDateTimeUtc().secsTo(expires) - 7 * 86400) < 600, qPrintable(expires.toString()));
    QCOMPARE(cellText(links->model(), 0, ShareLinksModel::LastUsed), QStringLiteral("never"));
    QCOMPARE(cellText(links->model(), 0, ShareLinksModel::State), QStringLiteral("active"));

    // The link works, and is marked used.
    InProcessAdminApi api(*fixture->core);
    const QString publicPath = QStringLiteral("/api/v1/public/share/") + token;
    QCOMPARE(api.get(publicPath).status, 200);
    QCOMPARE(api.call("POST", publicPath + QStringLiteral("/chat"),
                      QJsonObject{{QStringLiteral("message"), QStringLiteral("Hello?")}})
                 .status,
             200);
    panel.shareLinksModel()->reload();
    QTRY_VERIFY(links->model()->rowCount() == 1
                && cellText(links->model(), 0, ShareLinksModel::LastUsed) != QStringLiteral("never"));

    // Revoke: Cancel keeps it, confirmed it is refused.
    clickRow(links, 0);
    QTRY_VERIFY(revoke->isEnabled());
    QTest::mouseClick(revoke, Qt::LeftButton);
    cancelConfirmation(panel, QStringLiteral("confirmRevokeShareLink"));
    QCOMPARE(api.get(publicPath).status, 200);
    QTest::mouseClick(revoke, Qt::LeftButton);
    QVERIFY(confirmAction(panel, QStringLiteral("confirmRevokeShareLink")));
    QTRY_COMPARE(cellText(links->model(), 0, ShareLinksModel::State), QStringLiteral("revoked"));
    QTRY_VERIFY(!revoke->isEnabled());
    QCOMPARE(api.get(publicPath).status, 404);
    QVERIFY2(error->isHidden(), qPrintable(error->text()));
}

QTEST_MAIN(TestTwinsPanel)
#include "tst_twinspanel.moc"
