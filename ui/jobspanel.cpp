#include "jobspanel.h"

#include "admin/adminclient.h"
#include "confirmdialog.h"
#include "errorgroupsview.h"
#include "jobactions.h"
#include "jobdetailview.h"
#include "jobsmodel.h"
#include "jobtypesview.h"
#include "namedirectory.h"
#include "tenantpicker.h"
#include "workersview.h"

#include <QAction>
#include <QCheckBox>
#include <QClipboard>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QUuid>
#include <QVBoxLayout>

#include <tuple>
#include <utility>

namespace twinops {

namespace {

constexpr qint64 kMaxBulk = 10'000; // what one bulk call of the API changes at most
constexpr qint64 kMaxLivePauseMs = 60'000;

QLineEdit *filterEdit(const QString &name, const QString &placeholder, QWidget *parent)
{
    auto *edit = new QLineEdit(parent);
    edit->setObjectName(name);
    edit->setPlaceholderText(placeholder);
    edit->setClearButtonEnabled(true);
    return edit;
}

QPushButton *button(const QString &name, const QString &text, QWidget *parent)
{
    auto *result = new QPushButton(text, parent);
    result->setObjectName(name);
    return result;
}

} // namespace

JobsPanel::JobsPanel(AdminClient &client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_model(new JobsModel(client, this))
    , m_names(new NameDirectory(client, this))
{
    m_model->setNames(m_names);
    m_type = filterEdit(QStringLiteral("jobsType"), tr("Type"), this);
    m_tenant = new TenantPicker(client, this);
    m_tenant->setObjectName(QStringLiteral("jobsTenant"));
    m_tenant->setAnyTenantLabel(tr("Every tenant"));
    m_tenant->setEditable(true); // a name (completed as typed) or an id prefix
    m_tenant->setInsertPolicy(QComboBox::NoInsert);
    m_tenant->setToolTip(tr("A tenant's name or the start of its id"));
    m_twin = filterEdit(QStringLiteral("jobsTwin"), tr("Twin name or id"), this);
    m_text = filterEdit(QStringLiteral("jobsText"), tr("Text in payload or error"), this);
    auto *apply = button(QStringLiteral("applyJobsFilter"), tr("Apply"), this);
    m_live = new QCheckBox(tr("Live"), this);
    m_live->setObjectName(QStringLiteral("jobsLive"));
    m_live->setToolTip(tr("Keep the counts, the rows shown and the selected job current while this panel is visible"));
    m_live->setChecked(true);

    m_stateTabs = new QTabBar(this);
    m_stateTabs->setObjectName(QStringLiteral("jobsStateTabs"));
    m_stateTabs->setDrawBase(false);
    m_stateTabs->setExpanding(false);
    m_stateTabs->addTab(tr("All"));
    m_stateTabs->setTabData(0, QString());
    for (const JobState state : kJobStates) {
        const int tab = m_stateTabs->addTab(jobStateName(state));
        m_stateTabs->setTabData(tab, jobStateName(state)); // the API's name, as in the filter
        m_stateTabs->setTabTextColor(tab, jobStateColor(state));
    }

    auto *filterBar = new QHBoxLayout;
    filterBar->addWidget(m_tenant);
    filterBar->addWidget(m_twin);
    filterBar->addWidget(m_type);
    filterBar->addWidget(m_text, 2);
    filterBar->addWidget(apply);
    filterBar->addWidget(m_live);

    m_counts = new QLabel(this);
    m_counts->setObjectName(QStringLiteral("jobsCounts"));
    m_counts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Shown when jobs newer than the last row match but cannot be appended where they belong (JobsModel).
    m_newerJobs = new QLabel(tr("Newer jobs match the filter. <a href=\"reload\">Reload the list</a>"), this);
    m_newerJobs->setObjectName(QStringLiteral("jobsNewerHint"));
    m_newerJobs->hide();
    m_errorGroup = new QLabel(this);
    m_errorGroup->setObjectName(QStringLiteral("jobsErrorGroup"));
    m_errorGroup->setTextFormat(Qt::RichText);
    m_errorGroup->hide();
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("jobsError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_error->hide();
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("jobsStatus"));

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("jobsTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->verticalHeader()->hide();
    // Fixed row heights: the view never measures rows, which keeps scrolling over many rows cheap.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->horizontalHeader()->setStretchLastSection(true);
    // Fixed widths that fit the type names and the times (measuring contents would read every row).
    m_table->horizontalHeader()->resizeSection(JobsModel::Type, 150);
    m_table->horizontalHeader()->resizeSection(JobsModel::Attempt, 70);
    m_table->horizontalHeader()->resizeSection(JobsModel::RunAt, 150);
    m_table->horizontalHeader()->resizeSection(JobsModel::Updated, 150);
    m_table->horizontalHeader()->resizeSection(JobsModel::Created, 150);
    m_table->setWordWrap(false);
    // The server sorts, by creation only (JobsModel::sort); the indicator stays on Created.
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicator(JobsModel::Created, Qt::AscendingOrder);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);

    m_detail = new JobDetailView(this);
    m_detail->setObjectName(QStringLiteral("jobDetail"));
    m_detail->setNames(m_names);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);

    m_retry = button(QStringLiteral("retryJobsButton"), tr("Retry selected"), this);
    m_cancel = button(QStringLiteral("cancelJobsButton"), tr("Cancel selected…"), this);
    m_discard = button(QStringLiteral("discardJobsButton"), tr("Discard selected…"), this);
    m_discard->setToolTip(tr("Give up jobs that wait to run; a retry brings them back"));
    m_retryMatching = button(QStringLiteral("retryMatchingButton"), tr("Retry all matching…"), this);
    m_cancelMatching = button(QStringLiteral("cancelMatchingButton"), tr("Cancel all matching…"), this);
    m_retryAction = new QAction(tr("Retry"), this);
    m_cancelAction = new QAction(tr("Cancel…"), this);
    m_discardAction = new QAction(tr("Discard…"), this);
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_retry);
    actions->addWidget(m_cancel);
    actions->addWidget(m_discard);
    actions->addStretch();
    actions->addWidget(m_retryMatching);
    actions->addWidget(m_cancelMatching);

    auto *jobsPage = new QWidget(this);
    auto *layout = new QVBoxLayout(jobsPage);
    layout->addLayout(filterBar);
    layout->addWidget(m_stateTabs);
    layout->addWidget(m_counts);
    layout->addWidget(m_errorGroup);
    layout->addWidget(m_newerJobs);
    layout->addWidget(m_error);
    layout->addWidget(splitter, 1);
    layout->addLayout(actions);
    layout->addWidget(m_status);
    m_errorGroups = new ErrorGroupsView(client, this);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("jobsTabs"));
    m_tabs->addTab(jobsPage, tr("Jobs"));
    m_tabs->addTab(m_errorGroups, tr("Error groups"));
    m_tabs->addTab(new JobTypesView(client, m_tabs), tr("Types"));
    auto *workers = new WorkersView(client, m_tabs);
    m_tabs->addTab(workers, tr("Workers"));
    connect(workers, &WorkersView::jobRequested, this, &JobsPanel::showJob);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(m_tabs);

    connect(apply, &QPushButton::clicked, this, &JobsPanel::applyFilter);
    for (QLineEdit *edit : {m_type, m_twin, m_text})
        connect(edit, &QLineEdit::returnPressed, this, &JobsPanel::applyFilter);
    connect(m_tenant->lineEdit(), &QLineEdit::returnPressed, this, &JobsPanel::applyFilter);
    connect(m_tenant, &QComboBox::activated, this, &JobsPanel::applyFilter);
    connect(m_tenant, &TenantPicker::namesChanged, this, [this] { m_names->setTenantNames(m_tenant->names()); });
    connect(m_stateTabs, &QTabBar::currentChanged, this, &JobsPanel::applyFilter); // a click or the arrow keys
    connect(m_names, &NameDirectory::namesChanged, m_detail, &JobDetailView::render);
    connect(m_names, &NameDirectory::listingFinished, this, [this] {
        if (std::exchange(m_awaitingTwins, false))
            applyFilter();
    });
    connect(m_detail, &JobDetailView::openRequested, this, &JobsPanel::openRequested);
    connect(m_detail, &JobDetailView::copied, this,
            [this](const QString &text) { m_status->setText(tr("Copied %1").arg(text)); });
    connect(m_table, &QWidget::customContextMenuRequested, this, &JobsPanel::showContextMenu);
    // Only Created sorts (the server's keyset order): a click on another header puts the indicator back.
    connect(m_table->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this, [this](int column) {
        if (column != JobsModel::Created)
            m_table->horizontalHeader()->setSortIndicator(JobsModel::Created, m_model->order());
    });
    connect(m_model, &JobsModel::errorOccurred, this, &JobsPanel::showError);
    connect(m_model, &JobsModel::statsReady, this, &JobsPanel::showCounts);
    connect(m_model, &JobsModel::statsReady, this, &JobsPanel::showStateTabs);
    m_liveTimer = new QTimer(this);
    m_liveTimer->setSingleShot(true); // re-armed when a tick has answered: never two in flight
    connect(m_liveTimer, &QTimer::timeout, this, &JobsPanel::liveTick);
    connect(m_model, &JobsModel::refreshFinished, this, &JobsPanel::liveTickFinished);
    connect(m_live, &QCheckBox::toggled, this, [this](bool on) {
        if (on)
            scheduleLive(true);
        else
            m_liveTimer->stop();
    });
    connect(m_model, &JobsModel::newerJobsChanged, m_newerJobs, &QLabel::setVisible);
    connect(m_errorGroup, &QLabel::linkActivated, this, [this] {
        m_errorSignature.clear();
        applyFilter();
    });
    connect(m_errorGroups, &ErrorGroupsView::showJobsRequested, this, &JobsPanel::showErrorGroup);
    connect(m_newerJobs, &QLabel::linkActivated, this, [this] {
        m_model->reload(); // the filter applied, not what the fields may say by now
        m_model->requestStats();
    });
    connect(m_model, &JobsModel::pageLoaded, this, [this] {
        m_error->hide();
        updateButtons();
    });
    connect(m_model, &JobsModel::modelReset, this, [this] {
        m_detail->clearJob();
        updateButtons();
    });
    connect(m_model, &JobsModel::dataChanged, this, [this](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
        const QModelIndex current = m_table->selectionModel()->currentIndex();
        if (current.isValid() && current.row() >= topLeft.row() && current.row() <= bottomRight.row())
            showDetail();
        updateButtons(); // a selected job's state may have changed
    });
    connect(m_model, &JobsModel::actionFinished, this, [this](const QString &action, int changed) {
        m_status->setText(action == QLatin1String("retry")        ? tr("%n job(s) retried.", nullptr, changed)
                              : action == QLatin1String("cancel") ? tr("%n job(s) cancelled.", nullptr, changed)
                                                                  : tr("%n job(s) discarded.", nullptr, changed));
        m_model->requestStats();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &JobsPanel::showDetail);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &JobsPanel::updateButtons);
    connect(m_retry, &QPushButton::clicked, this, [this] { actOnSelection(Action::Retry); });
    connect(m_cancel, &QPushButton::clicked, this, [this] { actOnSelection(Action::Cancel); });
    connect(m_discard, &QPushButton::clicked, this, [this] { actOnSelection(Action::Discard); });
    connect(m_retryAction, &QAction::triggered, this, [this] { actOnSelection(Action::Retry); });
    connect(m_cancelAction, &QAction::triggered, this, [this] { actOnSelection(Action::Cancel); });
    connect(m_discardAction, &QAction::triggered, this, [this] { actOnSelection(Action::Discard); });
    connect(m_retryMatching, &QPushButton::clicked, this, [this] { askBulk(Bulk::Retry); });
    connect(m_cancelMatching, &QPushButton::clicked, this, [this] { askBulk(Bulk::Cancel); });

    updateButtons();
    applyFilter();
}

void JobsPanel::focusSearch()
{
    if (m_tabs->currentWidget() == m_errorGroups) {
        m_errorGroups->focusSearch();
        return;
    }
    m_tabs->setCurrentIndex(0); // Types and Workers have no filter: the jobs' search is what is looked for
    m_text->setFocus(Qt::ShortcutFocusReason);
    m_text->selectAll();
}

bool JobsPanel::deleteSelected()
{
    if (m_tabs->currentWidget() == m_errorGroups)
        return m_errorGroups->deleteSelected();
    if (m_tabs->currentIndex() != 0 || !m_discardAction->isEnabled())
        return false;
    actOnSelection(Action::Discard);
    return true;
}

void JobsPanel::actOnSelection(Action action)
{
    const QStringList ids = selectedIds();
    if (ids.isEmpty())
        return;
    if (action == Action::Retry) { // loses nothing: one click
        act(action, ids);
        return;
    }
    // Cancel and Discard stop work (until someone retries it): the buttons, the menu and Del ask first.
    const int count = int(ids.size());
    const QString object = count == 1 ? tr("job %1").arg(ids.first()) : tr("%n selected jobs", nullptr, count);
    const bool discard = action == Action::Discard;
    ConfirmDialog::ask(this, discard ? QStringLiteral("confirmDiscardJobs") : QStringLiteral("confirmCancelJobs"),
                       discard
                           ? ConfirmDialog::Question{tr("Discard jobs?"), tr("Discard %n job(s)", nullptr, count),
                                                     object, tr("They will not run again unless retried.")}
                           : ConfirmDialog::Question{tr("Cancel jobs?"), tr("Cancel %n job(s)", nullptr, count), object,
                                                     tr("A waiting job will not run, and a running one is asked "
                                                        "to stop. A retry brings them back.")},
                       [this, action, ids] { act(action, ids); });
}

void JobsPanel::showJob(const QString &jobId)
{
    showJobs({}, {});
    m_text->setText(jobId);
    applyFilter();
}

void JobsPanel::showJobs(const QString &state, const QString &type)
{
    m_tabs->setCurrentIndex(0);
    m_errorSignature.clear();
    const QSignalBlocker quiet(m_stateTabs); // applied once, below
    m_stateTabs->setCurrentIndex(0);
    for (int tab = 1; tab < m_stateTabs->count(); ++tab)
        if (m_stateTabs->tabData(tab).toString() == state)
            m_stateTabs->setCurrentIndex(tab);
    m_type->setText(type);
    m_tenant->setCurrentIndex(0);
    for (QLineEdit *edit : {m_twin, m_text})
        edit->clear();
    applyFilter();
}

void JobsPanel::showErrorGroup(const QString &signature, const QString &tenantId, const QString &type)
{
    m_tabs->setCurrentIndex(0);
    m_errorSignature = signature;
    const QSignalBlocker quiet(m_stateTabs); // applied once, below
    m_stateTabs->setCurrentIndex(0);
    m_type->setText(type);
    const int tenant = m_tenant->findData(tenantId);
    if (tenant >= 0)
        m_tenant->setCurrentIndex(tenant);
    else
        m_tenant->setEditText(tenantId); // not listed (yet): the id itself
    for (QLineEdit *edit : {m_twin, m_text})
        edit->clear();
    applyFilter();
}

bool JobsPanel::resolveFilter(QString &tenantId, QString &twinId)
{
    const QString tenantText = m_tenant->currentText().trimmed();
    const bool isUuid = [](const QString &text) { return !QUuid::fromString(text).isNull(); }(tenantText);
    if (m_tenant->currentIndex() >= 0 && m_tenant->itemText(m_tenant->currentIndex()) == m_tenant->currentText()) {
        tenantId = m_tenant->currentData().toString(); // a tenant chosen from the list ("Every tenant": none)
    } else if (!tenantText.isEmpty()) {
        const QStringList tenants = m_names->matchTenants(tenantText);
        if (tenants.size() == 1) {
            tenantId = tenants.first();
            m_tenant->setCurrentIndex(m_tenant->findData(tenantId)); // shows the name of the tenant typed
        } else if (tenants.isEmpty() && isUuid) {
            tenantId = tenantText.toLower(); // a tenant not listed (yet): the API says whether it exists
        } else {
            showError(tenants.isEmpty() ? tr("No tenant is named \"%1\" or has an id starting with it.").arg(tenantText)
                                        : tr("\"%1\" matches %2 tenants: type more of the name or id.")
                                              .arg(tenantText)
                                              .arg(tenants.size()));
            return false;
        }
    }
    const QString twinText = m_twin->text().trimmed();
    if (twinText.isEmpty() || !QUuid::fromString(twinText).isNull()) {
        twinId = twinText.toLower();
        return true;
    }
    // A name or an id prefix: among the twins of the tenant chosen, or of every tenant, listed once.
    const QStringList tenantsToList = tenantId.isEmpty() ? m_tenant->names().keys() : QStringList{tenantId};
    for (const QString &tenant : tenantsToList)
        m_names->wantTwinsOf(tenant);
    if (m_names->isListing()) {
        m_awaitingTwins = true;
        m_status->setText(tr("Looking up twin names…"));
        return false;
    }
    const QStringList twins = m_names->matchTwins(twinText, tenantId);
    if (twins.size() != 1) {
        showError(twins.isEmpty() ? tr("No twin is named \"%1\" or has an id starting with it%2.")
                                        .arg(twinText, tenantId.isEmpty() ? QString() : tr(" in this tenant"))
                                  : tr("\"%1\" matches %2 twins: type more of the name or id, or choose the tenant.")
                                        .arg(twinText)
                                        .arg(twins.size()));
        return false;
    }
    twinId = twins.first();
    return true;
}

void JobsPanel::applyFilter()
{
    JobsFilter filter;
    if (!resolveFilter(filter.tenantId, filter.twinId))
        return;
    // "All" has no state name: none
    filter.state = jobStateFromString(m_stateTabs->tabData(m_stateTabs->currentIndex()).toString());
    filter.type = m_type->text().trimmed();
    filter.text = m_text->text().trimmed();
    filter.errorSignature = m_errorSignature;
    m_errorGroup->setText(tr("Error group: %1 <a href=\"clear\">clear</a>").arg(m_errorSignature.toHtmlEscaped()));
    m_errorGroup->setVisible(!m_errorSignature.isEmpty());
    m_pendingBulk = Bulk::None; // a count asked for the previous filter asks nothing
    m_error->hide();
    m_status->clear();
    m_counts->setText(tr("Counting…"));
    m_matching = -1;
    m_model->setFilter(filter); // the first page is asked before the counts: rows show first
    m_model->requestStats();
    scheduleLive(); // a full pause before the next tick: this already asked for everything
}

void JobsPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_shown = true;
    // Tenants and twins made elsewhere meanwhile get their names.
    m_tenant->reload();
    m_names->reload();
    m_model->askNames();
    scheduleLive();
}

void JobsPanel::hideEvent(QHideEvent *event)
{
    m_shown = false; // also when minimised: nobody looks
    m_liveTimer->stop();
    QWidget::hideEvent(event);
}

void JobsPanel::scheduleLive(bool soon)
{
    if (!m_shown || !m_live->isChecked() || m_model->isRefreshing())
        return; // a tick in flight schedules the next one when it has answered
    // A slow environment is asked less often: at least twice what the last tick took, so it is never busy with the
    // panel for more than a third of the time.
    m_liveTimer->start(soon ? 0 : int(qMax<qint64>(m_liveInterval, qMin(2 * m_lastTickMs, kMaxLivePauseMs))));
}

void JobsPanel::liveTick()
{
    if (!m_shown || !m_live->isChecked())
        return;
    if (m_model->isLoading()) {
        // The user is paging: what arrives is fresh, and a tick's counts would only delay the page behind them.
        scheduleLive();
        return;
    }
    // What is on screen, and the selected job wherever it is: a window of rows, never the whole table.
    const int first = m_table->rowAt(0);
    int last = m_table->rowAt(m_table->viewport()->height() - 1);
    if (last < 0)
        last = m_model->rowCount() - 1;
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    m_tickClock.start();
    m_model->refresh(first, last, current.isValid() ? current.row() : -1);
}

void JobsPanel::liveTickFinished(const QString &error)
{
    m_lastTickMs = m_tickClock.isValid() ? m_tickClock.elapsed() : 0;
    if (!error.isEmpty()) {
        showError(error);
        m_liveError = true;
    } else if (m_liveError) {
        m_error->hide();
        m_liveError = false;
    }
    scheduleLive();
}

void JobsPanel::showCounts(const QJsonObject &counts, qint64 matching, quint64 serial)
{
    QStringList parts;
    const QLocale locale;
    for (const JobState state : kJobStates) {
        const QString name = jobStateName(state);
        parts << QStringLiteral("%1: %2").arg(name, locale.toString(qint64(counts.value(name).toDouble())));
    }
    m_matching = matching;
    m_counts->setText(tr("%1 matching · %2").arg(locale.toString(matching), parts.join(QStringLiteral(" · "))));
    // Not a live tick's count asked before the button was pressed.
    if (m_pendingBulk != Bulk::None && serial >= m_countSerial)
        confirmBulk(matching);
}

void JobsPanel::showStateTabs(const QJsonObject &counts)
{
    // The breakdown leaves the state filter out (the stats route), so every tab counts what it would list.
    const QLocale locale;
    qint64 all = 0;
    for (int tab = 1; tab < m_stateTabs->count(); ++tab) {
        const QString state = m_stateTabs->tabData(tab).toString();
        const auto count = qint64(counts.value(state).toDouble());
        all += count;
        m_stateTabs->setTabText(tab, QStringLiteral("%1 (%2)").arg(state, locale.toString(count)));
    }
    m_stateTabs->setTabText(0, tr("All (%1)").arg(locale.toString(all)));
}

void JobsPanel::showDetail()
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    const JobRecord *job = current.isValid() ? m_model->job(current.row()) : nullptr;
    if (!job) {
        m_detail->clearJob();
        return;
    }
    m_detail->showJob(*job);
    const QString jobId = job->id;
    m_client.get(QStringLiteral("/api/v1/admin/jobs/%1/logs").arg(jobId), this,
                 [this, jobId](const AdminReply &reply) { showLogs(jobId, reply); });
}

void JobsPanel::showLogs(const QString &jobId, const AdminReply &reply)
{
    if (!reply.ok())
        m_detail->setLogsError(jobId, tr("Log lines could not be read: %1").arg(reply.errorText()));
    else
        m_detail->setLogs(jobId, reply.body.value(QLatin1String("items")).toArray());
}

void JobsPanel::copy(const QString &text)
{
    QGuiApplication::clipboard()->setText(text);
    m_status->setText(tr("Copied %1").arg(text));
}

void JobsPanel::showContextMenu(const QPoint &position)
{
    const QModelIndex index = m_table->indexAt(position);
    if (index.isValid() && !m_table->selectionModel()->isRowSelected(index.row(), {}))
        m_table->selectRow(index.row()); // as file managers do: the menu acts on the row under the mouse
    const JobRecord *job = index.isValid() ? m_model->job(index.row()) : nullptr;
    QMenu menu(this);
    menu.setObjectName(QStringLiteral("jobsContextMenu"));
    menu.addAction(m_retryAction);
    menu.addAction(m_cancelAction);
    menu.addAction(m_discardAction);
    if (job) {
        const JobRecord row = *job; // the page may be evicted while the menu is open
        menu.addSeparator();
        menu.addAction(tr("Copy job id"), this, [this, row] { copy(row.id); });
        if (!row.tenantId.isEmpty())
            menu.addAction(tr("Copy tenant id"), this, [this, row] { copy(row.tenantId); });
        if (!row.twinId.isEmpty())
            menu.addAction(tr("Copy twin id"), this, [this, row] { copy(row.twinId); });
        menu.addSeparator();
        if (!row.tenantId.isEmpty()) {
            menu.addAction(tr("Open tenant"), this, [this, row] {
                emit openRequested(QStringLiteral("tenant"), row.tenantId, row.tenantId, {});
            });
            menu.addAction(tr("Only this tenant's jobs"), this, [this, row] {
                const int tenant = m_tenant->findData(row.tenantId);
                if (tenant >= 0)
                    m_tenant->setCurrentIndex(tenant);
                else
                    m_tenant->setEditText(row.tenantId);
                applyFilter();
            });
        }
        if (!row.twinId.isEmpty())
            menu.addAction(tr("Open twin"), this, [this, row] {
                emit openRequested(QStringLiteral("twin"), row.twinId, row.tenantId, row.twinId);
            });
        // What the job works on, as its payload names it (the detail links the same).
        const QJsonObject payload = QJsonDocument::fromJson(row.payload).object();
        for (const auto &[kind, key, label] :
             {std::tuple{QStringLiteral("source"), QLatin1String("source_id"), tr("Open source")},
              std::tuple{QStringLiteral("conversation"), QLatin1String("conversation_id"), tr("Open conversation")}})
            if (const QString id = payload.value(key).toString(); !id.isEmpty())
                menu.addAction(label, this, [this, row, kind = kind, id] {
                    emit openRequested(kind, id, row.tenantId, row.twinId);
                });
    }
    // Tests find the open menu among the top-level widgets; a user sees it where they clicked.
    menu.exec(m_table->viewport()->mapToGlobal(position));
}

QStringList JobsPanel::selectedIds() const
{
    QStringList ids;
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    for (const QModelIndex &row : rows)
        if (const QString id = m_model->jobId(row.row()); !id.isEmpty())
            ids << id;
    return ids;
}

void JobsPanel::act(Action action, const QStringList &ids)
{
    if (ids.isEmpty())
        return;
    m_error->hide();
    const int count = int(ids.size());
    switch (action) {
    case Action::Retry:
        m_status->setText(tr("Retrying %n job(s)…", nullptr, count));
        m_model->retry(ids);
        break;
    case Action::Cancel:
        m_status->setText(tr("Cancelling %n job(s)…", nullptr, count));
        m_model->cancel(ids);
        break;
    case Action::Discard:
        m_status->setText(tr("Discarding %n job(s)…", nullptr, count));
        m_model->discard(ids);
        break;
    }
}

void JobsPanel::askBulk(Bulk bulk)
{
    m_pendingBulk = bulk;
    m_error->hide();
    m_status->setText(tr("Counting the jobs that match the filter…"));
    m_countSerial = m_model->requestStats(); // a fresh count, not the one shown when the filter was applied
}

void JobsPanel::confirmBulk(qint64 matching)
{
    const Bulk bulk = std::exchange(m_pendingBulk, Bulk::None);
    if (matching == 0) {
        m_status->setText(tr("No job matches the filter."));
        return;
    }
    m_status->clear();
    const QLocale locale;
    // The API changes at most kMaxBulk jobs a call.
    const QString jobs = matching > kMaxBulk
        ? tr("the first %1 of the %2 jobs that match").arg(locale.toString(kMaxBulk), locale.toString(matching))
        : tr("the %1 job(s) that match").arg(locale.toString(matching));
    const int changed = int(qMin(matching, kMaxBulk));
    const ConfirmDialog::Question question = bulk == Bulk::Retry
        ? ConfirmDialog::Question{tr("Retry matching jobs?"), tr("Retry %n job(s)", nullptr, changed), filterInWords(),
                                  tr("Retries %1 (counted just now): the finished ones run again.").arg(jobs)}
        : ConfirmDialog::Question{tr("Cancel matching jobs?"), tr("Cancel %n job(s)", nullptr, changed),
                                  filterInWords(),
                                  tr("Cancels %1 (counted just now): waiting ones never run, running ones are "
                                     "asked to stop; a retry brings them back.")
                                      .arg(jobs)};
    ConfirmDialog::ask(this, QStringLiteral("confirmBulkJobs"), question, [this, bulk, filter = m_model->filter()] {
        if (m_model->filter() != filter) { // changed from elsewhere (an alert's link) while the dialog was up
            showError(tr("The filter changed: nothing was done. Ask again for the jobs it lists now."));
            return;
        }
        m_error->hide();
        m_status->setText(bulk == Bulk::Retry ? tr("Retrying the matching jobs…")
                                              : tr("Cancelling the matching jobs…"));
        if (bulk == Bulk::Retry)
            m_model->retryMatching();
        else
            m_model->cancelMatching();
    });
}

QString JobsPanel::filterInWords() const
{
    const JobsFilter &filter = m_model->filter();
    QStringList parts;
    if (filter.state)
        parts << tr("state %1").arg(jobStateName(*filter.state));
    if (!filter.type.isEmpty())
        parts << tr("type %1").arg(filter.type);
    if (!filter.tenantId.isEmpty()) {
        const QString name = m_names->tenantName(filter.tenantId);
        parts << tr("tenant %1").arg(name.isEmpty() ? filter.tenantId : name);
    }
    if (!filter.twinId.isEmpty()) {
        const QString name = m_names->twinName(filter.twinId);
        parts << tr("twin %1").arg(name.isEmpty() ? filter.twinId : name);
    }
    if (!filter.text.isEmpty())
        parts << tr("text \"%1\"").arg(filter.text);
    if (!filter.errorSignature.isEmpty())
        parts << tr("error group %1").arg(filter.errorSignature);
    return parts.isEmpty() ? tr("Every job of every tenant") : tr("Jobs with %1").arg(parts.join(QStringLiteral(", ")));
}

void JobsPanel::showError(const QString &message)
{
    m_liveError = false;
    m_error->setText(message);
    m_error->show();
    m_status->clear();
    m_pendingBulk = Bulk::None; // the count asked for will not come
}

QList<const JobRecord *> JobsPanel::selectedJobs() const
{
    QList<const JobRecord *> jobs;
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    for (const QModelIndex &row : rows)
        jobs << m_model->job(row.row());
    return jobs;
}

void JobsPanel::updateButtons()
{
    // The buttons and the context menu offer the same thing: what every selected job's state allows. A selection
    // larger than one call by ids may name (Ctrl+A over many pages) offers nothing, and is not walked on every tick:
    // "… all matching" is for that.
    qint64 selected = 0;
    for (const QItemSelectionRange &range : m_table->selectionModel()->selection())
        selected += range.height();
    const JobActions actions = selected <= kMaxBulk ? JobActions::ofAll(selectedJobs()) : JobActions();
    m_retry->setEnabled(actions.retry);
    m_retryAction->setEnabled(actions.retry);
    m_cancel->setEnabled(actions.cancel);
    m_cancelAction->setEnabled(actions.cancel);
    m_discard->setEnabled(actions.discard);
    m_discardAction->setEnabled(actions.discard);
}

} // namespace twinops
