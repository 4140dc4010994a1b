// The console's main window under the offscreen platform, driven by clicks like a user would.
#include "mainwindow.h"
#include "servicecore.h"

#include <QListWidget>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace twinops;

class TestMainWindow final : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void createsTheDatabaseOnFirstStart();
    void navigationShowsEverySection();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ServiceCore> m_core;
};

void TestMainWindow::init()
{
    auto core = ServiceCore::start(CoreOptions{DatabaseUrl::sqliteFile(m_dir.filePath(QStringLiteral("console.db")))});
    QVERIFY2(core.ok(), core.ok() ? "" : qPrintable(core.error().message));
    m_core = std::move(core).value();
}

void TestMainWindow::cleanup()
{
    m_core.reset();
}

void TestMainWindow::createsTheDatabaseOnFirstStart()
{
    QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("console.db"))));
    auto rows = m_core->database().query(QStringLiteral("SELECT count(*) FROM schema_migrations"));
    QVERIFY(rows.ok());
    QVERIFY(rows->first().integer(0) >= 1);
}

void TestMainWindow::navigationShowsEverySection()
{
    MainWindow window(*m_core);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *navigation = window.findChild<QListWidget *>(QStringLiteral("navigation"));
    auto *panels = window.findChild<QStackedWidget *>(QStringLiteral("panels"));
    QVERIFY(navigation && panels);
    QCOMPARE(navigation->count(), int(MainWindow::SectionCount));

    const QStringList expected {QStringLiteral("Tenants"), QStringLiteral("Twins"),      QStringLiteral("Sources"),
                                QStringLiteral("Jobs"),    QStringLiteral("Dashboards"), QStringLiteral("Checklists"),
                                QStringLiteral("Settings")};
    for (int row = navigation->count() - 1; row >= 0; --row) {
        QListWidgetItem *item = navigation->item(row);
        QCOMPARE(item->text(), expected.at(row));
        const QRect rect = navigation->visualItemRect(item);
        QTest::mouseClick(navigation->viewport(), Qt::LeftButton, {}, rect.center());
        QTRY_COMPARE(panels->currentIndex(), row);
        QCOMPARE(panels->currentWidget()->objectName(), expected.at(row).toLower() + QStringLiteral("Panel"));
        QVERIFY(panels->currentWidget()->isVisible());
    }
    QCOMPARE(window.currentSection(), MainWindow::Tenants);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
