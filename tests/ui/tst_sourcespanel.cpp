// The Sources panel on the Local environment, driven like a user: pick tenant and twin, upload files, approve one
// and watch it get indexed (state, chunk count, health detail), reject another, approve several in bulk. The
// database then shows what the panel said. Workers run, so approval really indexes.
#include "consolefixture.h"
#include "sourcesmodel.h"
#include "sourcespanel.h"
#include "uitesting.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace twinops;
using namespace twinops::test;

namespace {

constexpr auto kFatal = QAbstractItemModelTester::FailureReportingMode::Fatal;

} // namespace

class TestSourcesPanel final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void uploadApproveRejectAndBulk();
};

void TestSourcesPanel::uploadApproveRejectAndBulk()
{
    auto fixture = ConsoleFixture::create(currentDialect());
    if (!fixture)
        return;
    fixture->core->startWorkers(2);
    const QString tenantId = postJson(*fixture->core, QStringLiteral("/api/v1/admin/tenants"),
                                      {{QStringLiteral("name"), QStringLiteral("Acme")}});
    QVERIFY(!tenantId.isEmpty());
    const QString twinId = postJson(*fixture->core, QStringLiteral("/api/v1/twins"),
                                    {{QStringLiteral("name"), QStringLiteral("Pump station")}}, tenantId);
    QVERIFY(!twinId.isEmpty());
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString manual = writeFile(dir, QStringLiteral("manual.md"), kPumpManual);
    const QString spam = writeFile(dir, QStringLiteral("spam.txt"), "Buy now!\n");
    const QString notes1 = writeFile(dir, QStringLiteral("notes-1.txt"), "The boiler heats the turbine.\n");
    const QString notes2 = writeFile(dir, QStringLiteral("notes-2.txt"), "The turbine drives the generator.\n");
    const QString binary = writeFile(dir, QStringLiteral("image.bin"), QByteArray("\xff\xfe\x00\x81", 4));
    QVERIFY(!manual.isEmpty() && !spam.isEmpty() && !notes1.isEmpty() && !notes2.isEmpty() && !binary.isEmpty());

    SourcesPanel panel(*fixture->local);
    QAbstractItemModelTester modelTester(panel.sourcesModel(), kFatal);
    QAbstractItemModelTester proxyTester(panel.sourcesProxy(), kFatal);
    panel.resize(1100, 700);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    auto *tenant = panel.findChild<QComboBox *>(QStringLiteral("sourcesTenant"));
    auto *twin = panel.findChild<QComboBox *>(QStringLiteral("sourcesTwin"));
    auto *table = panel.findChild<QTableView *>(QStringLiteral("sourcesTable"));
    auto *upload = panel.findChild<QPushButton *>(QStringLiteral("uploadSourceButton"));
    auto *approve = panel.findChild<QPushButton *>(QStringLiteral("approveSourcesButton"));
    auto *reject = panel.findChild<QPushButton *>(QStringLiteral("rejectSourceButton"));
    auto *health = panel.findChild<QLabel *>(QStringLiteral("sourceHealth"));
    auto *error = panel.findChild<QLabel *>(QStringLiteral("sourcesError"));
    QVERIFY(tenant && twin && table && upload && approve && reject && health && error);

    // The only tenant and its only twin are picked by themselves.
    QTRY_COMPARE(tenant->currentData().toString(), tenantId);
    QTRY_COMPARE(twin->currentData().toString(), twinId);
    QTRY_COMPARE(panel.sourcesModel()->twinId(), twinId);
    QTRY_VERIFY(!panel.sourcesModel()->isLoading());
    QVERIFY(upload->isEnabled());
    QVERIFY(!approve->isEnabled());
    QVERIFY(!reject->isEnabled());

    // Upload: a new pending row each, selected; a binary file is refused in words.
    for (const QString &path : {manual, spam, notes1, notes2}) {
        panel.uploadFile(path);
        const QString name = path.section(u'/', -1);
        QTRY_COMPARE(cellText(table, name, SourcesModel::Status), QStringLiteral("pending"));
    }
    QCOMPARE(table->model()->rowCount(), 4);
    panel.uploadFile(binary);
    QTRY_VERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QLatin1String("UTF-8")), qPrintable(error->text()));
    QCOMPARE(table->model()->rowCount(), 4);

    // Approve one: the workers index it, the row and the health detail follow.
    clickRow(table, rowWithText(table->model(), QStringLiteral("manual.md")));
    QTRY_VERIFY(approve->isEnabled());
    QVERIFY(reject->isEnabled());
    QTRY_VERIFY2(health->text().contains(QLatin1String("State: pending")), qPrintable(health->text()));
    QTest::mouseClick(approve, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(cellText(table, QStringLiteral("manual.md"), SourcesModel::Status),
                              QStringLiteral("indexed"), 30'000);
    QVERIFY(cellText(table, QStringLiteral("manual.md"), SourcesModel::Chunks).toInt() > 0);
    const QRegularExpression chunks(QStringLiteral("Chunks: ([1-9]\\d*)"));
    QTRY_VERIFY2(health->text().contains(QLatin1String("State: indexed")) && chunks.match(health->text()).hasMatch(),
                 qPrintable(health->text()));
    QVERIFY(health->text().contains(QLatin1String("Last error: none")));
    QVERIFY(!approve->isEnabled()); // indexed sources are not approved again

    // Reject another.
    clickRow(table, rowWithText(table->model(), QStringLiteral("spam.txt")));
    QTRY_VERIFY(reject->isEnabled());
    QTest::mouseClick(reject, Qt::LeftButton);
    QVERIFY(confirmAction(panel, QStringLiteral("confirmRejectSource")));
    QTRY_COMPARE(cellText(table, QStringLiteral("spam.txt"), SourcesModel::Status), QStringLiteral("rejected"));
    QTRY_VERIFY(!reject->isEnabled());

    // Bulk: two selected, one click, both indexed.
    clickRow(table, rowWithText(table->model(), QStringLiteral("notes-1.txt")));
    clickRow(table, rowWithText(table->model(), QStringLiteral("notes-2.txt")), Qt::ControlModifier);
    QTRY_COMPARE(table->selectionModel()->selectedRows().size(), 2);
    QTRY_VERIFY(approve->isEnabled());
    QVERIFY(!reject->isEnabled());
    QCOMPARE(approve->text(), QStringLiteral("Approve 2"));
    QTest::mouseClick(approve, Qt::LeftButton);
    for (const QString &name : {QStringLiteral("notes-1.txt"), QStringLiteral("notes-2.txt")})
        QTRY_COMPARE_WITH_TIMEOUT(cellText(table, name, SourcesModel::Status), QStringLiteral("indexed"), 30'000);

    // The database agrees with the table.
    auto rows = fixture->core->database().query(
        QStringLiteral("SELECT filename, status, chunk_count FROM sources WHERE twin_id = $1 ORDER BY filename"),
        {twinId});
    QVERIFY(rows.ok());
    QCOMPARE(rows->size(), 4);
    for (const Row &row : *rows) {
        const QString name = row.text(0);
        QCOMPARE(row.text(1), cellText(table, name, SourcesModel::Status));
        QCOMPARE(QString::number(row.integer(2)), cellText(table, name, SourcesModel::Chunks));
    }
}

QTEST_MAIN(TestSourcesPanel)
#include "tst_sourcespanel.moc"
