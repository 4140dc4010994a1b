// The Sources panel on the Local environment, driven like a user: pick tenant and twin, upload files, approve one
// and watch it get indexed (state, chunk count, health detail), reject another, approve several in bulk, and the
// same actions and a deletion from the table's context menu. The database then shows what the panel said. Workers
// run, so approval really indexes.
#include "consolefixture.h"
#include "sourcesmodel.h"
#include "sourcespanel.h"
#include "uitesting.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
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

struct Twin
{
    QString tenantId, twinId;
};

// Acme's "Pump station", which the panel picks by itself (the only tenant, its only twin).
Twin seedTwin(ServiceCore &core)
{
    const QString tenantId
        = postJson(core, QStringLiteral("/api/v1/admin/tenants"), {{QStringLiteral("name"), QStringLiteral("Acme")}});
    const QString twinId = tenantId.isEmpty()
        ? QString()
        : postJson(core, QStringLiteral("/api/v1/twins"), {{QStringLiteral("name"), QStringLiteral("Pump station")}},
                   tenantId);
    return {tenantId, twinId};
}

} // namespace

class TestSourcesPanel final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void uploadApproveRejectAndBulk();
    void contextMenuActsOnTheRowUnderTheMouse();
};

void TestSourcesPanel::uploadApproveRejectAndBulk()
{
    auto fixture = ConsoleFixture::create(currentDialect());
    if (!fixture)
        return;
    fixture->core->startWorkers(2);
    const auto [tenantId, twinId] = seedTwin(*fixture->core);
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
    QVERIFY(showAndWait(panel, {1100, 700}));
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

// The menu selects the row under the mouse and offers the buttons' actions, enabled by the row's state (no workers
// run: an approved source stays approved), and its copies; Delete… asks, and only Delete source deletes.
void TestSourcesPanel::contextMenuActsOnTheRowUnderTheMouse()
{
    auto fixture = ConsoleFixture::create(currentDialect());
    if (!fixture)
        return;
    const auto [tenantId, twinId] = seedTwin(*fixture->core);
    QVERIFY(!twinId.isEmpty());
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    SourcesPanel panel(*fixture->local);
    QVERIFY(showAndWait(panel, {1100, 700}));
    auto *table = child<QTableView>(panel, QStringLiteral("sourcesTable"));
    auto *feedback = child<QLabel>(panel, QStringLiteral("sourcesError"));
    QVERIFY(table && feedback);
    QTRY_COMPARE(panel.sourcesModel()->twinId(), twinId);
    for (const char *name : {"a.md", "b.md"}) {
        panel.uploadFile(writeFile(dir, QString::fromLatin1(name), kPumpManual));
        QTRY_COMPARE(cellText(table, QString::fromLatin1(name), SourcesModel::Status), QStringLiteral("pending"));
    }
    const auto rowOf = [&](const QString &name) { return rowWithText(table->model(), name); };
    const QString bId = panel.sourcesModel()->idAt(
        panel.sourcesProxy()->mapToSource(table->model()->index(rowOf(QStringLiteral("b.md")), 0)).row());

    // On a pending source: everything but the empty last error; the row under the mouse is the one acted on.
    clickRow(table, rowOf(QStringLiteral("a.md")));
    QHash<QString, bool> offered = contextMenu(table, rowOf(QStringLiteral("b.md")), QStringLiteral("Copy full id"));
    const QHash<QString, bool> pending{
        {QStringLiteral("Approve"), true},        {QStringLiteral("Reject…"), true},
        {QStringLiteral("Delete…"), true},        {QStringLiteral("Copy full id"), true},
        {QStringLiteral("Copy file name"), true}, {QStringLiteral("Copy last error"), false}};
    QCOMPARE(offered, pending);
    QCOMPARE(table->selectionModel()->selectedRows().size(), 1);
    QCOMPARE(table->selectionModel()->selectedRows().first().row(), rowOf(QStringLiteral("b.md")));
    QCOMPARE(QApplication::clipboard()->text(), bId);

    // Approve from the menu: approved, it can no longer be approved or rejected, only deleted.
    contextMenu(table, rowOf(QStringLiteral("b.md")), QStringLiteral("Approve"));
    QTRY_COMPARE(cellText(table, QStringLiteral("b.md"), SourcesModel::Status), QStringLiteral("approved"));
    offered = contextMenu(table, rowOf(QStringLiteral("b.md")));
    QCOMPARE(offered.value(QStringLiteral("Approve")), false);
    QCOMPARE(offered.value(QStringLiteral("Reject…")), false);
    QCOMPARE(offered.value(QStringLiteral("Delete…")), true);

    // Delete… asks, naming the file; Cancel keeps it, Delete source deletes it (its row and the database's).
    contextMenu(table, rowOf(QStringLiteral("b.md")), QStringLiteral("Delete…"));
    QDialog *question = waitForConfirmation(panel, QStringLiteral("confirmDeleteSource"));
    QVERIFY(question);
    QCOMPARE(child<QLabel>(*question, QStringLiteral("confirmObject"))->text(), QStringLiteral("b.md"));
    QTest::mouseClick(child<QPushButton>(*question, QStringLiteral("confirmCancelButton")), Qt::LeftButton);
    QTRY_VERIFY(!panel.findChild<QDialog *>(QStringLiteral("confirmDeleteSource")));
    QCOMPARE(table->model()->rowCount(), 2);
    contextMenu(table, rowOf(QStringLiteral("b.md")), QStringLiteral("Delete…"));
    QVERIFY(confirmAction(panel, QStringLiteral("confirmDeleteSource")));
    QTRY_COMPARE(table->model()->rowCount(), 1);
    QCOMPARE(rowOf(QStringLiteral("b.md")), -1);
    QTRY_VERIFY(feedback->isVisible());
    QCOMPARE(feedback->text(), QStringLiteral("The source \"b.md\" was deleted."));
    auto left
        = fixture->core->database().query(QStringLiteral("SELECT filename FROM sources WHERE twin_id = $1"), {twinId});
    QVERIFY(left.ok());
    QCOMPARE(left->size(), 1);
    QCOMPARE(left->first().text(0), QStringLiteral("a.md"));
}

QTEST_MAIN(TestSourcesPanel)
#include "tst_sourcespanel.moc"
