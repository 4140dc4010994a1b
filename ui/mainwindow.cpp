#include "mainwindow.h"

#include "emptystatepanel.h"
#include "servicecore.h"

#include <QLabel>
#include <QListWidget>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>

MainWindow::MainWindow(twinops::ServiceCore &core, QWidget *parent)
    : QMainWindow(parent)
    , m_core(core)
    , m_navigation(new QListWidget(this))
    , m_panels(new QStackedWidget(this))
    , m_endpointLabel(new QLabel(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("TwinOps"));
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setMaximumWidth(200);
    m_panels->setObjectName(QStringLiteral("panels"));

    addSection(Tenants, tr("Tenants"),
               new EmptyStatePanel(tr("Tenants"),
                                   tr("Tenants, their users and API keys will be managed here. "
                                      "This panel is not built yet."),
                                   this));
    addSection(Twins, tr("Twins"),
               new EmptyStatePanel(tr("Twins"),
                                   tr("Each tenant's twins and their knowledge graphs will be listed here. "
                                      "This panel is not built yet."),
                                   this));
    addSection(Sources, tr("Sources"),
               new EmptyStatePanel(tr("Sources"),
                                   tr("Knowledge sources, their approval state and health will be "
                                      "shown here. This panel is not built yet."),
                                   this));
    addSection(Jobs, tr("Jobs"),
               new EmptyStatePanel(tr("Jobs"),
                                   tr("The job queue (indexing and graph extraction) with every attempt "
                                      "and its logs will be inspected here. This panel is not built yet."),
                                   this));
    addSection(Dashboards, tr("Dashboards"),
               new EmptyStatePanel(tr("Dashboards"),
                                   tr("Request rates, error rates, latency and time to first token "
                                      "will be charted here. This panel is not built yet."),
                                   this));
    addSection(Checklists, tr("Checklists"),
               new EmptyStatePanel(tr("Checklists"),
                                   tr("The staging runbook as runnable checklists will live here. "
                                      "This panel is not built yet."),
                                   this));
    addSection(Settings, tr("Settings"),
               new EmptyStatePanel(tr("Settings"),
                                   tr("Database: %1\nThe editable settings (endpoint, workers, provider) "
                                      "are not built yet.")
                                       .arg(core.database().description()),
                                   this));

    auto *splitter = new QSplitter(this);
    splitter->addWidget(m_navigation);
    splitter->addWidget(m_panels);
    splitter->setStretchFactor(1, 1);
    setCentralWidget(splitter);

    auto *databaseLabel = new QLabel(core.database().description(), this);
    databaseLabel->setObjectName(QStringLiteral("databaseLabel"));
    statusBar()->addPermanentWidget(databaseLabel);
    m_endpointLabel->setObjectName(QStringLiteral("endpointLabel"));
    statusBar()->addPermanentWidget(m_endpointLabel);

    connect(m_navigation, &QListWidget::currentRowChanged, m_panels, &QStackedWidget::setCurrentIndex);
    m_navigation->setCurrentRow(Tenants);
    resize(1100, 720);
}

void MainWindow::addSection(Section section, const QString &name, QWidget *panel)
{
    Q_ASSERT(m_navigation->count() == section);
    auto *item = new QListWidgetItem(name, m_navigation);
    item->setData(Qt::UserRole, int(section));
    panel->setObjectName(name.toLower() + QStringLiteral("Panel"));
    m_panels->addWidget(panel);
}

void MainWindow::setEndpointStatus(const QString &text) { m_endpointLabel->setText(text); }

void MainWindow::showSection(Section section)
{
    m_navigation->setCurrentRow(section);
}

MainWindow::Section MainWindow::currentSection() const
{
    return Section(m_navigation->currentRow());
}
