#include "mainwindow.h"

#include "admin/adminclient.h"
#include "admin/httpadminapi.h"
#include "admin/inprocessadminapi.h"
#include "charts/dashboardspanel.h"
#include "checklistspanel.h"
#include "config/environmentstore.h"
#include "environmentsdialog.h"
#include "jobspanel.h"
#include "servicecore.h"
#include "settingspanel.h"
#include "sourcespanel.h"
#include "tenantspanel.h"
#include "twinspanel.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QUrl>

using twinops::AdminClient;

MainWindow::MainWindow(twinops::ServiceCore &core, twinops::EnvironmentStore *environments, QWidget *parent)
    : QMainWindow(parent)
    , m_core(core)
    , m_environmentStore(environments)
    , m_environmentPicker(new QComboBox(this))
    , m_navigation(new QListWidget(this))
    , m_panels(new QStackedWidget(this))
    , m_endpointLabel(new QLabel(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("TwinOps"));
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setMaximumWidth(200);
    m_panels->setObjectName(QStringLiteral("panels"));
    m_environmentPicker->setObjectName(QStringLiteral("environmentPicker"));

    twinops::ServiceCore *local = &core;
    m_environments.push_back(std::make_unique<AdminClient>(
        tr("Local"), [local] { return std::make_unique<twinops::InProcessAdminApi>(*local); }));
    m_environmentPicker->addItem(m_environments.front()->name());
    auto *toolbar = addToolBar(tr("Environment"));
    toolbar->setObjectName(QStringLiteral("environmentToolbar"));
    toolbar->setMovable(false);
    toolbar->addWidget(new QLabel(tr("Environment: "), toolbar));
    toolbar->addWidget(m_environmentPicker);
    if (m_environmentStore) {
        QAction *manage = toolbar->addAction(tr("Environments…"), this, &MainWindow::openEnvironmentsDialog);
        manage->setObjectName(QStringLiteral("manageEnvironments"));
        if (auto saved = m_environmentStore->list(); saved.ok()) {
            for (const twinops::EnvironmentEntry &entry : *saved) {
                twinops::EnvironmentStore *store = m_environmentStore;
                addEnvironment(entry.name, entry.baseUrl, [store, id = entry.id] {
                    auto key = store->adminKey(id);
                    return key.ok() ? *key : QString(); // without its key the API answers 401, shown in the panels
                });
            }
        }
    }

    // Every section but Settings is replaced by the selected environment's panel in showEnvironment().
    addSection(Tenants, tr("Tenants"), new QWidget(this));
    addSection(Twins, tr("Twins"), new QWidget(this));
    addSection(Sources, tr("Sources"), new QWidget(this));
    addSection(Jobs, tr("Jobs"), new QWidget(this));
    addSection(Dashboards, tr("Dashboards"), new QWidget(this));
    addSection(Checklists, tr("Checklists"), new QWidget(this));
    addSection(Settings, tr("Settings"), new twinops::SettingsPanel(twinops::SettingsPanelOptions{}, this));

    auto *splitter = new QSplitter(this);
    splitter->addWidget(m_navigation);
    splitter->addWidget(m_panels);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({m_navigation->maximumWidth(), 1000}); // no empty strip beside the navigation
    setCentralWidget(splitter);

    auto *databaseLabel = new QLabel(core.database().description(), this);
    databaseLabel->setObjectName(QStringLiteral("databaseLabel"));
    statusBar()->addPermanentWidget(databaseLabel);
    m_endpointLabel->setObjectName(QStringLiteral("endpointLabel"));
    statusBar()->addPermanentWidget(m_endpointLabel);

    connect(m_navigation, &QListWidget::currentRowChanged, m_panels, &QStackedWidget::setCurrentIndex);
    connect(m_environmentPicker, &QComboBox::currentIndexChanged, this, &MainWindow::showEnvironment);
    showEnvironment(0);
    m_navigation->setCurrentRow(Tenants);
    resize(1200, 760);
}

MainWindow::~MainWindow()
{
    // The panels go first: they hold references to the environments' clients.
    while (m_panels->count() > 0) {
        QWidget *panel = m_panels->widget(0);
        m_panels->removeWidget(panel);
        delete panel;
    }
}

void MainWindow::addSection(Section section, const QString &name, QWidget *panel)
{
    Q_ASSERT(m_navigation->count() == section);
    auto *item = new QListWidgetItem(name, m_navigation);
    item->setData(Qt::UserRole, int(section));
    panel->setObjectName(name.toLower() + QStringLiteral("Panel"));
    m_panels->addWidget(panel);
}

void MainWindow::replacePanel(Section section, QWidget *panel)
{
    QWidget *old = m_panels->widget(section);
    const int current = m_panels->currentIndex();
    panel->setObjectName(old->objectName());
    m_panels->removeWidget(old);
    m_panels->insertWidget(section, panel);
    m_panels->setCurrentIndex(current);
    delete old;
}

void MainWindow::showEnvironment(int index)
{
    if (index < 0 || index >= int(m_environments.size()))
        return;
    AdminClient &client = *m_environments[size_t(index)];
    replacePanel(Tenants, new twinops::TenantsPanel(client, this));
    replacePanel(Twins, new twinops::TwinsPanel(client, this));
    replacePanel(Sources, new twinops::SourcesPanel(client, this));
    replacePanel(Jobs, new twinops::JobsPanel(client, this));
    replacePanel(Dashboards, new twinops::DashboardsPanel(client, this));
    // A remote server checks itself when no target is given; Local checks its embedded API when it runs.
    replacePanel(Checklists, new twinops::ChecklistsPanel(client, index == 0 ? m_localEndpoint : QString(), this));
}

void MainWindow::setEndpointStatus(const QString &text)
{
    m_endpointLabel->setText(text);
}

void MainWindow::setLocalEndpoint(const QString &baseUrl)
{
    m_localEndpoint = baseUrl;
    if (m_environmentPicker->currentIndex() == 0)
        showEnvironment(0);
}

void MainWindow::setSettings(const twinops::SettingsPanelOptions &options)
{
    replacePanel(Settings, new twinops::SettingsPanel(options, this));
}

void MainWindow::addRemoteEnvironment(const QString &name, const QUrl &baseUrl, const QString &adminKey)
{
    addEnvironment(name, baseUrl, [adminKey] { return adminKey; });
    selectEnvironment(m_environmentPicker->count() - 1);
}

void MainWindow::addEnvironment(const QString &name, const QUrl &baseUrl, std::function<QString()> adminKey)
{
    m_environments.push_back(std::make_unique<AdminClient>(name, [baseUrl, adminKey = std::move(adminKey)] {
        return std::make_unique<twinops::HttpAdminApi>(baseUrl, adminKey());
    }));
    m_environmentPicker->addItem(QStringLiteral("%1 (%2)").arg(name, baseUrl.toString(QUrl::RemoveUserInfo)));
}

void MainWindow::openEnvironmentsDialog()
{
    auto *dialog = new twinops::EnvironmentsDialog(*m_environmentStore, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &twinops::EnvironmentsDialog::environmentAdded, this,
            [this](const QString &, const QString &name, const QUrl &url, const QString &key) {
                addRemoteEnvironment(name, url, key);
            });
    dialog->open();
}

void MainWindow::selectEnvironment(int index)
{
    m_environmentPicker->setCurrentIndex(index);
}

void MainWindow::showSection(Section section)
{
    m_navigation->setCurrentRow(section);
}

MainWindow::Section MainWindow::currentSection() const
{
    return Section(m_navigation->currentRow());
}
