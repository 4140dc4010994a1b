// Issue #14, moving to PostgreSQL from the console: the Settings panel's "Move to PostgreSQL…" copies the embedded
// SQLite database into a real PostgreSQL database of the test cluster on a thread of its own, with a progress bar; a
// cancel empties the target again, the next Start copies and verifies everything, and the panel saves the URL
// (without the password) as the console's database setting.
#include "config/consolesettings.h"
#include "core/ids.h"
#include "fakesecretstores.h"
#include "movedatabasedialog.h"
#include "settingspanel.h"
#include "testdatabase.h"
#include "uitesting.h"

#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace twinops;
using namespace twinops::test;

namespace {

constexpr int kTenants = 20'000; // enough rows that the copy takes several progress refreshes
constexpr int kCopyTimeoutMs = 120'000;

qint64 publicTables(Database &db)
{
    const auto tables = db.query(
        QStringLiteral("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> "
                       "'schema_migrations'"));
    return tables.ok() ? tables->first().integer(0) : -1;
}

} // namespace

class TestMoveDatabase final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void cancelThenMove();
};

void TestMoveDatabase::cancelThenMove()
{
    auto sqlite = TestDatabase::create(Dialect::Sqlite);
    auto postgres = TestDatabase::create(Dialect::Postgres);
    QVERIFY(sqlite && postgres);
    {
        auto db = sqlite->connectMigrated();
        QVERIFY(db);
        auto tx = Transaction::begin(*db);
        TWINOPS_VERIFY_OK(tx);
        for (int i = 0; i < kTenants; ++i)
            TWINOPS_VERIFY_OK(db->query(QStringLiteral("INSERT INTO tenants (id, name, status, created_at, updated_at) "
                                                       "VALUES ($1, $2, 'active', $3, $3)"),
                                        {newId(), QStringLiteral("Tenant %1 ✓").arg(i), qint64(1733456789123) + i}));
        TWINOPS_VERIFY_OK(tx->commit());
    }
    QTemporaryDir dir;
    const QString settingsPath = dir.filePath(QStringLiteral("console.ini"));
    ConsoleSettings inEffect = ConsoleSettings::defaults();
    inEffect.databaseUrl = QStringLiteral("sqlite://") + sqlite->url().sqlitePath();
    SettingsPanel panel(SettingsPanelOptions{settingsPath, std::make_shared<MemorySecretStore>(), inEffect, {}});
    QSignalSpy loaded(&panel, &SettingsPanel::loaded);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QVERIFY(loaded.count() > 0 || loaded.wait());

    auto *move = child<QPushButton>(panel, QStringLiteral("moveToPostgres"));
    QVERIFY(move && move->isEnabled());
    QTest::mouseClick(move, Qt::LeftButton);
    auto *dialog = panel.findChild<MoveDatabaseDialog *>(QStringLiteral("moveDatabaseDialog"));
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    auto *url = child<QLineEdit>(*dialog, QStringLiteral("postgresUrl"));
    auto *password = child<QLineEdit>(*dialog, QStringLiteral("postgresPassword"));
    auto *start = child<QPushButton>(*dialog, QStringLiteral("startCopy"));
    auto *cancel = child<QPushButton>(*dialog, QStringLiteral("cancelCopy"));
    auto *progress = child<QProgressBar>(*dialog, QStringLiteral("copyProgress"));
    auto *status = child<QLabel>(*dialog, QStringLiteral("copyStatus"));
    QVERIFY(url && password && start && cancel && progress && status);
    QCOMPARE(password->echoMode(), QLineEdit::Password);

    // A password typed into the URL is refused: the URL is what gets saved.
    QUrl withPassword(postgres->url().postgresUri());
    withPassword.setPassword(QStringLiteral("secret"));
    QTest::keyClicks(url, withPassword.toString());
    QTest::mouseClick(start, Qt::LeftButton);
    QVERIFY(!dialog->copying());
    QVERIFY2(status->text().contains(QLatin1String("Password field")), qPrintable(status->text()));
    url->clear();
    QTest::keyClicks(url, postgres->url().postgresUri());
    QTest::keyClicks(password, QStringLiteral("unused-by-trust-auth")); // the test cluster trusts local users

    // Cancel at once: the copy stops at its first batch and empties the target.
    QSignalSpy finished(dialog, &MoveDatabaseDialog::copyFinished);
    QTest::mouseClick(start, Qt::LeftButton);
    QVERIFY(dialog->copying());
    QVERIFY(!start->isEnabled());
    QCOMPARE(cancel->text(), QStringLiteral("Cancel"));
    QTest::mouseClick(cancel, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kCopyTimeoutMs);
    QCOMPARE(finished.first().first().toBool(), false);
    QVERIFY2(status->text().startsWith(QLatin1String("Cancelled")) && status->text().contains(QLatin1String("emptied")),
             qPrintable(status->text()));
    auto target = postgres->connect();
    QVERIFY(target);
    QCOMPARE(publicTables(*target), 0);

    // Start again: progress moves while the thread copies, the GUI thread stays free, the result is verified.
    QList<int> values;
    connect(progress, &QProgressBar::valueChanged, this, [&values](int value) { values.append(value); });
    QSignalSpy saved(&panel, &SettingsPanel::saved);
    QVERIFY(start->isEnabled());
    QTest::mouseClick(start, Qt::LeftButton);
    QVERIFY(dialog->copying());
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 2, kCopyTimeoutMs);
    QVERIFY2(finished.last().first().toBool(), qPrintable(status->text()));
    QVERIFY2(status->text().contains(QLatin1String("Copied and verified")), qPrintable(status->text()));
    QVERIFY(!status->text().contains(QLatin1String("unused-by-trust-auth")));
    QCOMPARE(progress->value(), progress->maximum());
    QVERIFY2(std::any_of(values.cbegin(), values.cend(), [](int v) { return v > 0 && v < 44; }),
             qPrintable(QStringLiteral("progress values seen: %1").arg(values.size())));
    const auto tenants = target->query(QStringLiteral("SELECT count(*) FROM tenants"));
    TWINOPS_VERIFY_OK(tenants);
    QCOMPARE(tenants->first().integer(0), kTenants);

    // The console's database setting now names the copy, without the password.
    QTRY_VERIFY(saved.count() == 1);
    QCOMPARE(child<QLineEdit>(panel, QStringLiteral("databaseUrl"))->text(), postgres->url().postgresUri());
    QSettings file(settingsPath, QSettings::IniFormat);
    QCOMPARE(file.value(ConsoleSettings::kDatabaseUrlKey).toString(), postgres->url().postgresUri());
    QFile raw(settingsPath);
    QVERIFY(raw.open(QIODevice::ReadOnly));
    QVERIFY(!raw.readAll().contains("unused-by-trust-auth"));
}

QTEST_MAIN(TestMoveDatabase)
#include "tst_movedatabase.moc"
