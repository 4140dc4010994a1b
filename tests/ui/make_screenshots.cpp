// Screenshots of every console panel for the docs (scripts/screenshots.sh runs this under Xvfb): a throwaway
// database with demo data, the real main window, one PNG per section.
#include "admin/inprocessadminapi.h"
#include "jobs/jobqueue.h"
#include "mainwindow.h"
#include "servicecore.h"

#include <QApplication>
#include <QDir>
#include <QJsonArray>
#include <QListWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>

using namespace twinops;

namespace {

// Tenants, a finished checklist run, and jobs (some failed) that no worker touches.
bool seed(ServiceCore &core, const QString &baseUrl)
{
    InProcessAdminApi admin(core);
    for (const char *name : {"Acme Research", "Globex Support", "Initech Labs"}) {
        if (admin
                .call("POST", QStringLiteral("/api/v1/admin/tenants"),
                      QJsonObject{{QStringLiteral("name"), QLatin1String(name)}})
                .status
            != 201)
            return false;
    }
    const AdminReply run = admin.call("POST", QStringLiteral("/api/v1/admin/checks/run"),
                                      QJsonObject{{QStringLiteral("base_url"), baseUrl}});
    if (run.status != 202)
        return false;
    const QString path = QStringLiteral("/api/v1/admin/checks/runs/") + run.body.value(QLatin1String("id")).toString();
    if (!QTest::qWaitFor(
            [&] { return admin.get(path).body.value(QLatin1String("status")) != QLatin1String("running"); }, 120'000))
        return false;
    // The workers have served the checklist's smoke tests; the demo jobs below stay as they are put.
    core.workers()->stop();
    JobQueue queue(core.database());
    QList<NewJob> jobs;
    for (int i = 0; i < 40; ++i) {
        NewJob job;
        job.type = i % 3 ? QStringLiteral("graph_extraction") : QStringLiteral("source_index");
        job.payload = QJsonObject{{QStringLiteral("demo"), i}};
        jobs << job;
    }
    if (!queue.enqueueBatch(jobs).ok())
        return false;
    (void)core.database().query(QStringLiteral("UPDATE jobs SET state = 'discarded', attempt = max_attempts, "
                                               "last_error = 'provider timed out after 30 s' WHERE rowid % 7 = 0"));
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    if (argc != 2) {
        std::fprintf(stderr, "usage: make_screenshots OUTPUT_DIRECTORY\n");
        return 2;
    }
    const QDir output(QString::fromLocal8Bit(argv[1]));
    QTemporaryDir home;
    CoreOptions options{DatabaseUrl::sqliteFile(home.filePath(QStringLiteral("demo.db")))};
    options.passwordCost = PasswordHasher::Cost::Minimal;
    auto core = ServiceCore::start(std::move(options));
    if (!core.ok() || !QDir().mkpath(output.path())) {
        std::fprintf(stderr, "make_screenshots: cannot start: %s\n",
                     core.ok() ? "output" : qPrintable(core.error().message));
        return 1;
    }
    (*core)->startWorkers(2); // the checklist's chat smoke test needs its graph job run
    EndpointOptions http;
    http.port = 0;
    if (!(*core)->serveHttp(http, QByteArray(32, 'd')).ok() || !seed(**core, (*core)->endpoint()->baseUrl())) {
        std::fprintf(stderr, "make_screenshots: seeding the demo data failed\n");
        return 1;
    }
    MainWindow window(**core);
    window.setLocalEndpoint((*core)->endpoint()->baseUrl());
    window.setEndpointStatus(QStringLiteral("Local API: %1").arg((*core)->endpoint()->baseUrl()));
    window.resize(1280, 800);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        return 1;
    auto *navigation = window.findChild<QListWidget *>(QStringLiteral("navigation"));
    for (int section = 0; section < MainWindow::SectionCount; ++section) {
        window.showSection(MainWindow::Section(section));
        QTest::qWait(1500); // panels load asynchronously; give them time to show their data
        if (auto *runs = window.findChild<QTableView *>(QStringLiteral("pastRuns")); runs && runs->isVisible()
            && runs->model()->rowCount() > 0) {
            runs->setCurrentIndex(runs->model()->index(0, 0)); // show the newest run's results
            QTest::qWait(1000);
        }
        const QString file = output.filePath(navigation->item(section)->text().toLower() + QStringLiteral(".png"));
        if (!window.grab().save(file)) {
            std::fprintf(stderr, "make_screenshots: cannot write %s\n", qPrintable(file));
            return 1;
        }
        std::printf("%s\n", qPrintable(file));
    }
    return 0;
}
