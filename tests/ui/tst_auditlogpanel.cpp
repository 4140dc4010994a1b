// The Audit log panel on the Local environment, driven like a user: the entries real admin calls wrote, newest first,
// narrowed by the tenant picker, the actor, action and search fields and the time range; "Copy full id" from a cell's
// context menu; the selected entry's details; more pages as the table scrolls.
#include "auditlogmodel.h"
#include "auditlogpanel.h"
#include "consolefixture.h"
#include "storage/auditlog.h"
#include "tenantpicker.h"
#include "uitesting.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QTableView>
#include <QTimer>

using namespace twinops;
using namespace twinops::test;

class TestAuditLogPanel final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void filtersSearchAndCopy();
    void pagesAsTheTableScrolls();
};

namespace {

// An entry in `tenantId` as the routes write it, `daysAgo` days old.
void writeEntry(Database &db, const QString &tenantId, const QString &action, const QString &address, int daysAgo = 0)
{
    AuditEntry entry;
    entry.tenantId = tenantId;
    entry.actorType = QStringLiteral("user");
    entry.actorId = QStringLiteral("00000000-0000-4000-8000-00000000000a");
    entry.action = action;
    entry.targetType = QStringLiteral("twin");
    entry.targetId = QStringLiteral("00000000-0000-4000-8000-0000000000b1");
    entry.clientAddress = address;
    entry.details = {{QStringLiteral("why"), QStringLiteral("because")}};
    TWINOPS_VERIFY_OK(writeAudit(db, entry));
    if (daysAgo > 0)
        TWINOPS_VERIFY_OK(
            db.query(QStringLiteral("UPDATE audit_log SET created_at = $1 WHERE id = (SELECT max(id) FROM audit_log)"),
                     {QDateTime::currentDateTimeUtc().addDays(-daysAgo)}));
}

// Every action the table shows, top to bottom.
QStringList shownActions(const QTableView *table)
{
    QStringList actions;
    for (int row = 0; row < table->model()->rowCount(); ++row)
        actions << cellText(table->model(), row, AuditLogModel::Action);
    return actions;
}

} // namespace

void TestAuditLogPanel::filtersSearchAndCopy()
{
    auto fixture = ConsoleFixture::create(currentDialect());
    if (!fixture)
        return;
    Database &db = fixture->core->database();
    TWINOPS_VERIFY_OK(db.query(QStringLiteral("DELETE FROM audit_log")));
    const QString acme = postJson(*fixture->core, QStringLiteral("/api/v1/admin/tenants"),
                                  {{QStringLiteral("name"), QStringLiteral("Acme")}});
    const QString globex = postJson(*fixture->core, QStringLiteral("/api/v1/admin/tenants"),
                                    {{QStringLiteral("name"), QStringLiteral("Globex")}});
    QVERIFY(!acme.isEmpty() && !globex.isEmpty());
    writeEntry(db, acme, QStringLiteral("twin.delete"), QStringLiteral("203.0.113.9"));
    writeEntry(db, globex, QStringLiteral("share_link.create"), QStringLiteral("198.51.100.4"), 3);

    AuditLogPanel panel(*fixture->local);
    QAbstractItemModelTester tester(panel.model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    QVERIFY(showAndWait(panel, {1280, 700}));
    auto *table = child<QTableView>(panel, QStringLiteral("auditTable"));
    auto *tenant = child<TenantPicker>(panel, QStringLiteral("auditTenant"));
    auto *action = child<QLineEdit>(panel, QStringLiteral("auditAction"));
    auto *search = child<QLineEdit>(panel, QStringLiteral("auditSearch"));
    auto *range = child<QComboBox>(panel, QStringLiteral("auditRange"));
    auto *details = child<QPlainTextEdit>(panel, QStringLiteral("auditDetails"));
    auto *error = child<QLabel>(panel, QStringLiteral("auditError"));
    QVERIFY(table && tenant && action && search && range && details && error);

    // Newest first, with names: the tenants by name, the admin's creations under the tenant they made.
    const QStringList all{QStringLiteral("twin.delete"), QStringLiteral("tenant.create"),
                          QStringLiteral("tenant.create"), QStringLiteral("share_link.create")};
    QTRY_COMPARE(shownActions(table), all);
    QCOMPARE(cellText(table->model(), 0, AuditLogModel::Tenant), QStringLiteral("Acme"));
    QCOMPARE(cellText(table->model(), 0, AuditLogModel::Address), QStringLiteral("203.0.113.9"));
    QCOMPARE(cellText(table->model(), 1, AuditLogModel::Target), QStringLiteral("tenant Globex"));
    // The console in process acts as the platform admin "console".
    QCOMPARE(cellText(table->model(), 1, AuditLogModel::Actor), QStringLiteral("platform_admin console"));

    // The tenant picker: every tenant, then one, then every tenant again.
    QTRY_COMPARE(tenant->count(), 3);
    QCOMPARE(tenant->itemText(0), QStringLiteral("All tenants"));
    tenant->setCurrentIndex(tenant->findData(globex));
    QTRY_COMPARE(shownActions(table),
                 (QStringList{QStringLiteral("tenant.create"), QStringLiteral("share_link.create")}));
    tenant->setCurrentIndex(0);
    QTRY_COMPARE(shownActions(table), all);

    // The action (exact), then the free-text search over the address.
    QTest::keyClicks(action, QStringLiteral("tenant.create"));
    QTRY_COMPARE(shownActions(table), (QStringList{QStringLiteral("tenant.create"), QStringLiteral("tenant.create")}));
    action->clear();
    QTest::keyClicks(search, QStringLiteral("198.51.100"));
    QTRY_COMPARE(shownActions(table), QStringList{QStringLiteral("share_link.create")});
    search->clear();
    QTRY_COMPARE(shownActions(table), all);

    // The last 24 hours leave out the three-day-old entry.
    range->setCurrentIndex(range->findText(QStringLiteral("Last 24 hours")));
    QTRY_COMPARE(shownActions(table), all.mid(0, 3));
    range->setCurrentIndex(0);
    QTRY_COMPARE(shownActions(table), all);

    // A custom range, From and To in local time: four to two days ago holds the three-day-old entry only.
    auto *from = child<QDateTimeEdit>(panel, QStringLiteral("auditFrom"));
    auto *to = child<QDateTimeEdit>(panel, QStringLiteral("auditTo"));
    QVERIFY(from && to);
    QVERIFY(from->isHidden() && to->isHidden());
    range->setCurrentIndex(range->findText(QStringLiteral("Custom…")));
    QVERIFY(from->isVisible() && to->isVisible());
    QTRY_COMPARE(shownActions(table), all.mid(0, 3)); // it starts as the last 24 hours
    const QDateTime now = QDateTime::currentDateTime();
    from->setDateTime(now.addDays(-4));
    to->setDateTime(now.addDays(-2));
    QTRY_COMPARE(shownActions(table), QStringList{QStringLiteral("share_link.create")});
    // From after To: said in words, and the table keeps what it showed.
    from->setDateTime(now.addDays(-1));
    QTRY_VERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QLatin1String("From must be before To")), qPrintable(error->text()));
    QCOMPARE(shownActions(table), QStringList{QStringLiteral("share_link.create")});
    range->setCurrentIndex(0);
    QVERIFY(from->isHidden());
    QTRY_COMPARE(shownActions(table), all);
    QVERIFY(error->isHidden());

    // Selecting a row shows its details.
    clickRow(table, 0);
    QTRY_VERIFY(details->toPlainText().contains(QLatin1String("\"because\"")));

    // "Copy full id" on the Tenant cell copies the tenant's whole UUID, not what the cell shows.
    QApplication::clipboard()->clear();
    const QModelIndex tenantCell = table->model()->index(0, AuditLogModel::Tenant);
    QTimer::singleShot(0, this, [] {
        auto *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget());
        QVERIFY(menu);
        auto *copy = menu->findChild<QAction *>(QStringLiteral("copyFullId"));
        if (!copy) {
            menu->close();
            QFAIL("no Copy full id in the context menu");
        }
        QVERIFY(copy->isEnabled());
        copy->trigger();
        menu->close();
    });
    emit table->customContextMenuRequested(table->visualRect(tenantCell).center());
    QTRY_COMPARE(QApplication::clipboard()->text(), acme);
    QVERIFY(error->isHidden());
}

void TestAuditLogPanel::pagesAsTheTableScrolls()
{
    auto fixture = ConsoleFixture::create(currentDialect());
    if (!fixture)
        return;
    Database &db = fixture->core->database();
    TWINOPS_VERIFY_OK(db.query(QStringLiteral("DELETE FROM audit_log")));
    for (int i = 0; i < 45; ++i)
        writeEntry(db, {}, QStringLiteral("step.%1").arg(i, 2, 10, QLatin1Char('0')), {});

    AuditLogPanel panel(*fixture->local);
    QAbstractItemModelTester tester(panel.model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    panel.model()->setPageSize(20);
    QVERIFY(showAndWait(panel, {1000, 500}));
    auto *table = child<QTableView>(panel, QStringLiteral("auditTable"));
    QVERIFY(table);
    QTRY_VERIFY(table->model()->rowCount() > 0 && !panel.model()->isLoading());
    QCOMPARE(cellText(table->model(), 0, AuditLogModel::Action), QStringLiteral("step.44"));
    // Scrolling to the bottom asks for the next page until the log ends; every entry once, newest first.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            table->scrollToBottom();
            return table->model()->rowCount() == 45 && !panel.model()->canFetchMore({});
        }(),
        20'000);
    for (int row = 0; row < 45; ++row)
        QCOMPARE(cellText(table->model(), row, AuditLogModel::Action),
                 QStringLiteral("step.%1").arg(44 - row, 2, 10, QLatin1Char('0')));
}

QTEST_MAIN(TestAuditLogPanel)
#include "tst_auditlogpanel.moc"
