#include "mainwindow.h"

#include "admin/adminclient.h"
#include "admin/httpadminapi.h"
#include "admin/inprocessadminapi.h"
#include "alertspanel.h"
#include "alertstray.h"
#include "auditlogpanel.h"
#include "auth/secretstore.h"
#include "charts/dashboardspanel.h"
#include "checklistspanel.h"
#include "config/consolesettings.h"
#include "config/environmentstore.h"
#include "core/logging.h"
#include "environmentsdialog.h"
#include "jobspanel.h"
#include "overviewpanel.h"
#include "servicecore.h"
#include "settingspanel.h"
#include "sourcespanel.h"
#include "tenantspanel.h"
#include "twinspanel.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QMetaMethod>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QUrl>

namespace twinops {

MainWindow::MainWindow(ServiceCore &core, std::shared_ptr<EnvironmentStore> environments, QWidget *parent)
    : QMainWindow(parent)
    , m_core(core)
    , m_environmentStore(std::move(environments))
    , m_calls(this, [] {})
    , m_environmentPicker(new QComboBox(this))
    , m_navigation(new QListWidget(this))
    , m_panels(new QStackedWidget(this))
    , m_endpointLabel(new QLabel(this))
    , m_environmentStatus(new QLabel(this))
    , m_alertsTray(new AlertsTray(m_alertMonitor, this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("TwinOps"));
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setMaximumWidth(200);
    m_panels->setObjectName(QStringLiteral("panels"));
    m_environmentPicker->setObjectName(QStringLiteral("environmentPicker"));

    ServiceCore *local = &core;
    // Local borrows the core, which its creator destroys right after the window: its last request is waited for.
    m_environments.push_back(std::make_unique<AdminClient>(
        tr("Local"), [local] { return std::make_unique<InProcessAdminApi>(*local); },
        AdminClient::Ending::WaitForRequest));
    m_environmentIds.emplace_back();
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
            for (const EnvironmentEntry &entry : *saved)
                addEnvironment(entry.name, entry.baseUrl, storedAdminKey(entry.id), entry.id);
        }
    }

    // Every section but Overview and Settings is replaced by the selected environment's panel in showEnvironment().
    addSection(Overview, tr("Overview"), new QWidget(this));
    addSection(Alerts, tr("Alerts"), new QWidget(this));
    addSection(Tenants, tr("Tenants"), new QWidget(this));
    addSection(Twins, tr("Twins"), new QWidget(this));
    addSection(Sources, tr("Sources"), new QWidget(this));
    addSection(Jobs, tr("Jobs"), new QWidget(this));
    addSection(Dashboards, tr("Dashboards"), new QWidget(this));
    addSection(Checklists, tr("Checklists"), new QWidget(this));
    addSection(AuditLog, tr("Audit log"), new QWidget(this));
    addSection(Settings, tr("Settings"), new SettingsPanel(SettingsPanelOptions{}, this));

    auto *splitter = new QSplitter(this);
    splitter->setObjectName(QStringLiteral("navigationSplitter"));
    splitter->addWidget(m_navigation);
    splitter->addWidget(m_panels);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({m_navigation->maximumWidth(), 1000}); // no empty strip beside the navigation
    setCentralWidget(splitter);

    m_environmentStatus->setObjectName(QStringLiteral("environmentStatus"));
    statusBar()->addWidget(m_environmentStatus, 1);
    auto *databaseLabel = new QLabel(core.database().description(), this);
    databaseLabel->setObjectName(QStringLiteral("databaseLabel"));
    statusBar()->addPermanentWidget(databaseLabel);
    m_endpointLabel->setObjectName(QStringLiteral("endpointLabel"));
    statusBar()->addPermanentWidget(m_endpointLabel);

    connect(m_navigation, &QListWidget::currentRowChanged, m_panels, &QStackedWidget::setCurrentIndex);
    connect(m_environmentPicker, &QComboBox::currentIndexChanged, this, &MainWindow::showEnvironment);
    showEnvironment(0);
    rebuildOverview();
    m_navigation->setCurrentRow(Overview);
    connect(m_alertsTray, &AlertsTray::openAlertsRequested, this, &MainWindow::openAlerts);
    connect(&m_alertMonitor, &AlertMonitor::environmentPolled, this, [this](int environment) {
        if (environment == m_environmentPicker->currentIndex())
            updateEnvironmentStatus();
    });
    buildMenus();
    m_alertMonitor.start();
    resize(1200, 760);
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->setObjectName(QStringLiteral("fileMenu"));
    if (m_environmentStore)
        file->addAction(tr("&Environments…"), this, &MainWindow::openEnvironmentsDialog);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setObjectName(QStringLiteral("quitAction"));

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->setObjectName(QStringLiteral("editMenu"));
    QAction *find = edit->addAction(tr("&Find"), this, [this] {
        if (!invokeOnPanel("focusSearch()"))
            statusBar()->showMessage(tr("Nothing to search here: Find works in Tenants, Twins (the knowledge graph), "
                                        "Jobs and Audit log."),
                                     5000);
    });
    find->setShortcut(QKeySequence::Find);
    find->setObjectName(QStringLiteral("findAction"));
    QAction *remove = edit->addAction(tr("&Delete selected…"), this, [this] {
        if (!invokeOnPanel("deleteSelected()"))
            statusBar()->showMessage(tr("Nothing to delete here: Delete works on the selected tenant, twin, source, "
                                        "job, error group or alert silence."),
                                     5000);
    });
    remove->setShortcut(QKeySequence::Delete);
    remove->setObjectName(QStringLiteral("deleteAction"));

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("viewMenu"));
    QAction *refresh = view->addAction(tr("&Refresh"), this, [this] { invokeOnPanel("refresh()"); });
    refresh->setShortcut(QKeySequence::Refresh);
    refresh->setObjectName(QStringLiteral("refreshAction"));
    view->addSeparator();
    // Ctrl+1 … Ctrl+9 for the first nine sections, Ctrl+0 for the tenth (Settings).
    for (int section = 0; section < SectionCount; ++section) {
        QAction *show = view->addAction(m_navigation->item(section)->text(), this,
                                        [this, section] { showSection(Section(section)); });
        if (section < 10)
            show->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_0 + (section + 1) % 10)));
        show->setObjectName(QStringLiteral("showSection%1").arg(section));
    }

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->setObjectName(QStringLiteral("helpMenu"));
    help->addAction(tr("&About TwinOps"), this, [this] {
        QMessageBox::about(this, tr("About TwinOps"),
                           tr("TwinOps %1\nThe operations console of the digital-twin platform.")
                               .arg(QApplication::applicationVersion()));
    });
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

bool MainWindow::invokeOnPanel(const char *method)
{
    QWidget *panel = m_panels->currentWidget();
    const int index = panel ? panel->metaObject()->indexOfMethod(method) : -1;
    if (index < 0)
        return false;
    const QMetaMethod slot = panel->metaObject()->method(index);
    if (slot.returnMetaType() != QMetaType::fromType<bool>())
        return slot.invoke(panel);
    bool acted = false;
    return slot.invoke(panel, Q_RETURN_ARG(bool, acted)) && acted;
}

void MainWindow::updateEnvironmentStatus()
{
    const int index = m_environmentPicker->currentIndex();
    if (index < 0 || index >= int(m_environments.size()))
        return;
    const QString name = m_environments[size_t(index)]->name();
    const QList<AlertMonitor::Environment> polled = m_alertMonitor.environments();
    QString health;
    if (index < polled.size()) {
        const AlertMonitor::Environment &e = polled.at(index);
        switch (e.status) {
        case AlertMonitor::Status::Unknown: health = tr("checking…"); break;
        case AlertMonitor::Status::Ok: health = tr("ok"); break;
        case AlertMonitor::Status::Unreachable: health = tr("unreachable"); break;
        case AlertMonitor::Status::Pending: health = tr("%n alert(s) pending", nullptr, e.pending); break;
        case AlertMonitor::Status::Warning:
        case AlertMonitor::Status::Critical:
            health = e.status == AlertMonitor::Status::Critical ? tr("%n alert(s) firing, critical", nullptr, e.firing)
                                                                : tr("%n alert(s) firing", nullptr, e.firing);
            break;
        }
        m_environmentStatus->setToolTip(e.status == AlertMonitor::Status::Unreachable
                                            ? tr("Its alerts cannot be read: %1. Check that it runs and that its "
                                                 "address and admin key are right (File → Environments…).")
                                                  .arg(e.error)
                                            : QString());
    }
    setWindowTitle(health.isEmpty() ? tr("TwinOps — %1").arg(name) : tr("TwinOps — %1 (%2)").arg(name, health));
    m_environmentStatus->setText(health.isEmpty() ? name : tr("%1: %2").arg(name, health));
}

void MainWindow::restoreViewState(const QString &path)
{
    m_viewState = ViewState(path);
    m_viewState.restoreWindow(*this);
    for (int section = 0; section < m_panels->count(); ++section) {
        QWidget *panel = m_panels->widget(section);
        m_viewState.restore(*panel, panel->objectName());
    }
    const QString environment = m_viewState.environment();
    if (!environment.isEmpty()) {
        if (const int index = m_environmentPicker->findData(environment); index > 0)
            selectEnvironment(index);
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_viewState.saveWindow(*this);
    for (int section = 0; section < m_panels->count(); ++section) {
        QWidget *panel = m_panels->widget(section);
        m_viewState.save(*panel, panel->objectName());
    }
    m_viewState.sync();
    QMainWindow::closeEvent(event);
}

MainWindow::~MainWindow()
{
    delete std::exchange(m_alertsTray, nullptr); // it watches m_alertMonitor, a member that goes before the children
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
    panel->setObjectName(QString(name).remove(u' ').toLower() + QStringLiteral("Panel")); // "auditlogPanel"
    m_panels->addWidget(panel);
}

void MainWindow::replacePanel(Section section, QWidget *panel)
{
    QWidget *old = m_panels->widget(section);
    const int current = m_panels->currentIndex();
    m_viewState.save(*old, old->objectName());
    panel->setObjectName(old->objectName());
    m_panels->removeWidget(old);
    m_panels->insertWidget(section, panel);
    m_panels->setCurrentIndex(current);
    m_viewState.restore(*panel, panel->objectName());
    delete old;
}

void MainWindow::showEnvironment(int index)
{
    if (index < 0 || index >= int(m_environments.size()))
        return;
    AdminClient &client = *m_environments[size_t(index)];
    auto *alerts = new AlertsPanel(client, this);
    connect(alerts, &AlertsPanel::dashboardsRequested, this, [this](const QDateTime &since, const QString &route) {
        showSection(Dashboards);
        if (auto *dashboards = qobject_cast<DashboardsPanel *>(m_panels->widget(Dashboards)))
            dashboards->showRangeCovering(since, route);
    });
    connect(alerts, &AlertsPanel::jobsRequested, this, [this](const QString &state, const QString &type) {
        showSection(Jobs);
        if (auto *jobs = qobject_cast<JobsPanel *>(m_panels->widget(Jobs)))
            jobs->showJobs(state, type);
    });
    replacePanel(Alerts, alerts);
    replacePanel(Tenants, new TenantsPanel(client, this));
    replacePanel(Twins, new TwinsPanel(client, this));
    replacePanel(Sources, new SourcesPanel(client, this));
    auto *jobs = new JobsPanel(client, this);
    // The panel of what a job belongs to (a conversation is the twin's), with that object selected once listed.
    connect(jobs, &JobsPanel::openRequested, this,
            [this](const QString &kind, const QString &id, const QString &tenantId, const QString &twinId) {
                if (kind == QLatin1String("tenant")) {
                    showSection(Tenants);
                    if (auto *tenants = qobject_cast<TenantsPanel *>(m_panels->widget(Tenants)))
                        tenants->showTenant(id);
                } else if (kind == QLatin1String("source")) {
                    showSection(Sources);
                    if (auto *sources = qobject_cast<SourcesPanel *>(m_panels->widget(Sources)))
                        sources->showSource(tenantId, twinId, id);
                } else {
                    showSection(Twins);
                    auto *twins = qobject_cast<TwinsPanel *>(m_panels->widget(Twins));
                    if (twins && kind == QLatin1String("conversation"))
                        twins->showConversation(tenantId, twinId, id);
                    else if (twins)
                        twins->showTwin(tenantId, id);
                }
            });
    replacePanel(Jobs, jobs);
    replacePanel(Dashboards, new DashboardsPanel(client, this));
    // A remote server checks itself when no target is given; Local checks its embedded API when it runs.
    replacePanel(Checklists, new ChecklistsPanel(client, index == 0 ? m_localEndpoint : QString(), this));
    replacePanel(AuditLog, new AuditLogPanel(client, this));
    // An answer's graph job (Twins panel, Conversations) opens in the Jobs panel.
    connect(qobject_cast<TwinsPanel *>(m_panels->widget(Twins)), &TwinsPanel::openJob, this,
            [this, jobs](const QString &jobId) {
                showSection(Jobs);
                jobs->showJob(jobId);
            });
    m_viewState.saveEnvironment(m_environmentIds[size_t(index)]);
    updateEnvironmentStatus();
}

void MainWindow::setEndpointStatus(const QString &text, const QString &details)
{
    m_endpointLabel->setText(text);
    m_endpointLabel->setToolTip(details);
}

QString MainWindow::localApiOffText(const Error &error)
{
    // The keychain's own words (a D-Bus error name, "no keychain: there is no D-Bus session") mean nothing to most
    // people: say what happened and what to do; the raw reason goes to the tooltip and the log.
    if (error.code == ErrorCode::Unavailable)
        return tr("Local API off: the system keyring is locked or not running, so the API has no signing secret. "
                  "Unlock your keyring or start one (GNOME Keyring, KWallet), then restart TwinOps; or set "
                  "TWINOPS_JWT_SECRET (32 bytes or more) before starting it.");
    return tr("Local API off: %1").arg(error.message);
}

void MainWindow::startLocalApi(const ConsoleSettings &settings, std::shared_ptr<SecretStore> keychain)
{
    if (settings.port <= 0) {
        setEndpointStatus(tr("Local API off"));
        return;
    }
    if (settings.listensBeyondLoopback())
        qCWarning(lcCore).noquote() << settings.exposureWarning();
    setEndpointStatus(tr("Local API: starting… (asking the system keyring for its secret; if the keyring asks for "
                         "your password, answer it)"));
    struct Secrets
    {
        Result<QByteArray> secret;
        Result<ChatSettings> chat;
    };
    m_calls.run(
        [keychain, settings] {
            auto secret = loadOrCreateJwtSecret(*keychain);
            auto chat = secret.ok() ? settings.chatSettings(keychain.get()) : Result<ChatSettings>(secret.error());
            return Secrets{std::move(secret), std::move(chat)};
        },
        [this, settings](const Secrets &secrets) {
            if (!secrets.chat.ok()) {
                // The secret's error when it failed (chat carries it then), else the provider key's.
                const Error &error = secrets.chat.error();
                qCWarning(lcCore).noquote() << "Local API off:" << error.message;
                setEndpointStatus(localApiOffText(error), error.message);
                return;
            }
            auto serving = m_core.serveHttp(settings.endpointOptions(), *secrets.secret, *secrets.chat);
            if (!serving.ok()) {
                qCWarning(lcCore).noquote() << "Local API off:" << serving.error().message;
                setEndpointStatus(localApiOffText(serving.error()), serving.error().message);
                return;
            }
            (void)m_core.startCheckScheduler(); // it has the endpoint it needs
            QString status = tr("Local API: %1").arg(m_core.endpoint()->baseUrl());
            if (settings.listensBeyondLoopback())
                status += tr(" (reachable from the network)");
            qCInfo(lcCore).noquote() << status;
            setEndpointStatus(status);
            setLocalEndpoint(m_core.endpoint()->baseUrl());
        });
}

void MainWindow::setLocalEndpoint(const QString &baseUrl)
{
    m_localEndpoint = baseUrl;
    if (m_environmentPicker->currentIndex() == 0)
        showEnvironment(0);
}

void MainWindow::setSettings(const SettingsPanelOptions &options)
{
    replacePanel(Settings, new SettingsPanel(options, this));
}

void MainWindow::addRemoteEnvironment(const QString &name, const QUrl &baseUrl, const QString &adminKey)
{
    addEnvironment(name, baseUrl, [adminKey] { return adminKey; });
    selectEnvironment(m_environmentPicker->count() - 1);
}

namespace {

QString pickerText(const QString &name, const QUrl &baseUrl)
{
    return QStringLiteral("%1 (%2)").arg(name, baseUrl.toString(QUrl::RemoveUserInfo));
}

} // namespace

std::unique_ptr<AdminClient> MainWindow::remoteClient(const QString &name, const QUrl &baseUrl,
                                                      std::function<QString()> adminKey)
{
    // A remote API owns all it uses (the key's look-up holds the store by shared pointer), so closing the window never
    // waits for a request still on its way.
    return std::make_unique<AdminClient>(
        name, [baseUrl, adminKey = std::move(adminKey)] { return std::make_unique<HttpAdminApi>(baseUrl, adminKey()); },
        AdminClient::Ending::Detach);
}

std::function<QString()> MainWindow::storedAdminKey(const QString &id) const
{
    return [store = m_environmentStore, id] {
        auto key = store->adminKey(id);
        return key.ok() ? *key : QString(); // without its key the API answers 401, shown in the panels
    };
}

void MainWindow::addEnvironment(const QString &name, const QUrl &baseUrl, std::function<QString()> adminKey,
                                const QString &id)
{
    m_environments.push_back(remoteClient(name, baseUrl, std::move(adminKey)));
    m_environmentIds.push_back(id);
    m_environmentPicker->addItem(pickerText(name, baseUrl), id);
    rebuildOverview();
}

void MainWindow::rebuildOverview()
{
    if (m_panels->count() <= Overview) // the constructor builds it once the sections exist
        return;
    QList<OverviewEnvironment> environments;
    QList<AdminClient *> clients;
    for (size_t i = 0; i < m_environments.size(); ++i) {
        clients.append(m_environments[i].get());
        OverviewEnvironment environment{m_environments[i].get(), {}};
        if (!m_environmentIds[i].isEmpty() && m_environmentStore)
            environment.dsn = [store = m_environmentStore, id = m_environmentIds[i]] { return store->dsn(id); };
        environments.append(environment);
    }
    auto *overview = new OverviewPanel(environments, this);
    connect(overview, &OverviewPanel::openRequested, this, [this](int environment, OverviewPanel::Destination to) {
        selectEnvironment(environment);
        switch (to) {
        case OverviewPanel::Destination::Jobs: showSection(Jobs); break;
        case OverviewPanel::Destination::Dashboards: showSection(Dashboards); break;
        case OverviewPanel::Destination::Checklists: showSection(Checklists); break;
        case OverviewPanel::Destination::Alerts: showSection(Alerts); break;
        }
    });
    replacePanel(Overview, overview);
    connect(&m_alertMonitor, &AlertMonitor::environmentPolled, overview, [this, overview](int environment) {
        const AlertMonitor::Environment polled = m_alertMonitor.environments().at(environment);
        const bool read
            = polled.status != AlertMonitor::Status::Unknown && polled.status != AlertMonitor::Status::Unreachable;
        overview->model()->setFiringAlerts(environment, read ? std::optional<qint64>(polled.firing) : std::nullopt);
    });
    m_alertMonitor.setEnvironments(clients);
}

void MainWindow::openAlerts(int environment)
{
    if (environment >= 0)
        selectEnvironment(environment);
    showSection(Alerts);
    showNormal();
    raise();
    activateWindow();
}

void MainWindow::changeEnvironment(const QString &id, const QString &name, const QUrl &baseUrl, const QString &adminKey)
{
    const int index = m_environmentPicker->findData(id);
    if (index < 0)
        return;
    auto key = adminKey.isEmpty() ? storedAdminKey(id) : std::function<QString()>([adminKey] { return adminKey; });
    // The old client goes after the panels that use it have been replaced.
    std::unique_ptr<AdminClient> old = std::exchange(m_environments[size_t(index)], remoteClient(name, baseUrl, key));
    m_environmentPicker->setItemText(index, pickerText(name, baseUrl));
    if (m_environmentPicker->currentIndex() == index)
        showEnvironment(index);
    rebuildOverview();
}

void MainWindow::openEnvironmentsDialog()
{
    auto *dialog = new EnvironmentsDialog(m_environmentStore, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &EnvironmentsDialog::environmentAdded, this,
            [this](const QString &id, const QString &name, const QUrl &url, const QString &key) {
                const auto typedKey = [key] { return key; };
                addEnvironment(name, url, typedKey, id);
                selectEnvironment(m_environmentPicker->count() - 1);
            });
    connect(dialog, &EnvironmentsDialog::environmentChanged, this, &MainWindow::changeEnvironment);
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

} // namespace twinops
