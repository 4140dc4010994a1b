#include "jobspanel.h"

#include "admin/adminclient.h"
#include "errorgroupsview.h"
#include "jobs/jobhandler.h"
#include "jobsmodel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

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
{
    m_state = new QComboBox(this);
    m_state->setObjectName(QStringLiteral("jobsState"));
    m_state->addItem(tr("Any state"), QString());
    for (const JobState state : kJobStates)
        m_state->addItem(jobStateName(state), jobStateName(state)); // the data is the API's name, as in the filter
    m_type = filterEdit(QStringLiteral("jobsType"), tr("Type"), this);
    m_tenant = filterEdit(QStringLiteral("jobsTenant"), tr("Tenant id"), this);
    m_twin = filterEdit(QStringLiteral("jobsTwin"), tr("Twin id"), this);
    m_text = filterEdit(QStringLiteral("jobsText"), tr("Text in payload or error"), this);
    auto *apply = button(QStringLiteral("applyJobsFilter"), tr("Apply"), this);
    m_live = new QCheckBox(tr("Live"), this);
    m_live->setObjectName(QStringLiteral("jobsLive"));
    m_live->setToolTip(tr("Keep the counts, the rows shown and the selected job current while this panel is visible"));
    m_live->setChecked(true);

    auto *filterBar = new QHBoxLayout;
    filterBar->addWidget(m_state);
    filterBar->addWidget(m_type);
    filterBar->addWidget(m_tenant);
    filterBar->addWidget(m_twin);
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
    m_table->setWordWrap(false);

    m_detail = new QPlainTextEdit(this);
    m_detail->setObjectName(QStringLiteral("jobDetail"));
    m_detail->setReadOnly(true);
    m_detail->setPlaceholderText(tr("Select a job to see its payload, attempts and log lines."));

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);

    m_retry = button(QStringLiteral("retryJobsButton"), tr("Retry selected"), this);
    m_cancel = button(QStringLiteral("cancelJobsButton"), tr("Cancel selected"), this);
    m_retryMatching = button(QStringLiteral("retryMatchingButton"), tr("Retry all matching…"), this);
    m_cancelMatching = button(QStringLiteral("cancelMatchingButton"), tr("Cancel all matching…"), this);
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_retry);
    actions->addWidget(m_cancel);
    actions->addStretch();
    actions->addWidget(m_retryMatching);
    actions->addWidget(m_cancelMatching);

    // An inline confirmation rather than a modal dialog: the window stays live and a test can press it.
    m_confirmBar = new QWidget(this);
    m_confirmBar->setObjectName(QStringLiteral("jobsConfirmBar"));
    m_confirmText = new QLabel(m_confirmBar);
    m_confirmText->setObjectName(QStringLiteral("jobsConfirmText"));
    m_confirmText->setWordWrap(true);
    m_confirm = button(QStringLiteral("confirmBulkButton"), tr("Confirm"), m_confirmBar);
    auto *dismiss = button(QStringLiteral("dismissBulkButton"), tr("Don't"), m_confirmBar);
    auto *confirmLayout = new QHBoxLayout(m_confirmBar);
    confirmLayout->setContentsMargins(0, 0, 0, 0);
    confirmLayout->addWidget(m_confirmText, 1);
    confirmLayout->addWidget(m_confirm);
    confirmLayout->addWidget(dismiss);
    m_confirmBar->hide();

    auto *jobsPage = new QWidget(this);
    auto *layout = new QVBoxLayout(jobsPage);
    layout->addLayout(filterBar);
    layout->addWidget(m_counts);
    layout->addWidget(m_errorGroup);
    layout->addWidget(m_newerJobs);
    layout->addWidget(m_error);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_confirmBar);
    layout->addLayout(actions);
    layout->addWidget(m_status);
    m_errorGroups = new ErrorGroupsView(client, this);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("jobsTabs"));
    m_tabs->addTab(jobsPage, tr("Jobs"));
    m_tabs->addTab(m_errorGroups, tr("Error groups"));
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(m_tabs);

    connect(apply, &QPushButton::clicked, this, &JobsPanel::applyFilter);
    for (QLineEdit *edit : {m_type, m_tenant, m_twin, m_text})
        connect(edit, &QLineEdit::returnPressed, this, &JobsPanel::applyFilter);
    connect(m_state, &QComboBox::activated, this, &JobsPanel::applyFilter);
    connect(m_model, &JobsModel::errorOccurred, this, &JobsPanel::showError);
    connect(m_model, &JobsModel::statsReady, this, &JobsPanel::showCounts);
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
        m_detail->clear();
        m_detailJobId.clear();
        updateButtons();
    });
    connect(m_model, &JobsModel::dataChanged, this, [this](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
        const QModelIndex current = m_table->selectionModel()->currentIndex();
        if (current.isValid() && current.row() >= topLeft.row() && current.row() <= bottomRight.row())
            showDetail();
    });
    connect(m_model, &JobsModel::actionFinished, this, [this](const QString &action, int changed) {
        m_status->setText(action == QLatin1String("retry") ? tr("%n job(s) retried.", nullptr, changed)
                                                           : tr("%n job(s) cancelled.", nullptr, changed));
        m_model->requestStats();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &JobsPanel::showDetail);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &JobsPanel::updateButtons);
    connect(m_retry, &QPushButton::clicked, this, [this] { actOnSelection(true); });
    connect(m_cancel, &QPushButton::clicked, this, [this] { actOnSelection(false); });
    connect(m_retryMatching, &QPushButton::clicked, this, [this] { askBulk(Bulk::Retry); });
    connect(m_cancelMatching, &QPushButton::clicked, this, [this] { askBulk(Bulk::Cancel); });
    connect(m_confirm, &QPushButton::clicked, this, &JobsPanel::confirmBulk);
    connect(dismiss, &QPushButton::clicked, this, &JobsPanel::dismissBulk);

    updateButtons();
    applyFilter();
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
    m_state->setCurrentIndex(std::max(0, m_state->findData(state)));
    m_type->setText(type);
    for (QLineEdit *edit : {m_tenant, m_twin, m_text})
        edit->clear();
    applyFilter();
}

void JobsPanel::showErrorGroup(const QString &signature, const QString &tenantId, const QString &type)
{
    m_tabs->setCurrentIndex(0);
    m_errorSignature = signature;
    m_state->setCurrentIndex(0);
    m_type->setText(type);
    m_tenant->setText(tenantId);
    for (QLineEdit *edit : {m_twin, m_text})
        edit->clear();
    applyFilter();
}

void JobsPanel::applyFilter()
{
    JobsFilter filter;
    filter.state = jobStateFromString(m_state->currentData().toString()); // "Any state" has no name: none
    filter.type = m_type->text().trimmed();
    filter.tenantId = m_tenant->text().trimmed();
    filter.twinId = m_twin->text().trimmed();
    filter.text = m_text->text().trimmed();
    filter.errorSignature = m_errorSignature;
    m_errorGroup->setText(tr("Error group: %1 <a href=\"clear\">clear</a>").arg(m_errorSignature.toHtmlEscaped()));
    m_errorGroup->setVisible(!m_errorSignature.isEmpty());
    dismissBulk();
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
    if (m_awaitingCount && serial >= m_countSerial) { // not a live tick's count asked before the button was pressed
        m_awaitingCount = false;
        if (matching == 0) {
            m_confirmText->setText(tr("No job matches the filter."));
            m_confirm->setEnabled(false);
        } else {
            const QString verb = m_pendingBulk == Bulk::Retry ? tr("Retry") : tr("Cancel");
            m_confirmText->setText(matching > kMaxBulk
                                       ? tr("%1 the first %2 of %3 matching jobs?")
                                             .arg(verb, locale.toString(kMaxBulk), locale.toString(matching))
                                       : tr("%1 %2 matching job(s)?").arg(verb, locale.toString(matching)));
            m_confirm->setEnabled(true);
        }
    }
}

void JobsPanel::showDetail()
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    const JobRecord *job = current.isValid() ? m_model->job(current.row()) : nullptr;
    if (!job) {
        m_detail->clear();
        m_detailJobId.clear();
        return;
    }
    const QLocale locale;
    const auto time = [&](const QDateTime &value) {
        return value.isValid() ? value.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : tr("—");
    };
    QString text;
    text += tr("Job %1 (%2)\n").arg(job->id, job->type);
    const QString state = job->state ? jobStateName(*job->state) : tr("unknown");
    text += tr("State: %1%2\n").arg(state, job->cancelRequested ? tr(", cancel requested") : QString());
    text += tr("Tenant: %1   Twin: %2\n")
                .arg(job->tenantId.isEmpty() ? tr("platform") : job->tenantId,
                     job->twinId.isEmpty() ? tr("—") : job->twinId);
    const bool waiting
        = job->state == JobState::Available || job->state == JobState::Retryable || job->state == JobState::Scheduled;
    const bool running = job->state == JobState::Running;
    // A finished job has no attempts left, whatever its maximum was (a retry starts it afresh).
    text += waiting || running ? tr("Attempts: %1 of %2 (%3 left)\n")
                                     .arg(job->attempt)
                                     .arg(job->maxAttempts)
                                     .arg(qMax(0, job->maxAttempts - job->attempt))
                               : tr("Attempts: %1 of %2\n").arg(job->attempt).arg(job->maxAttempts);
    text += waiting ? tr("Next run: %1\n").arg(time(job->runAt)) : tr("Next run: none (%1)\n").arg(state);
    // The retries ahead, with the default backoff every built-in job type uses (services/jobs/jobhandler.h).
    const QList<RetryPolicy::Window> ahead = waiting
        ? RetryPolicy().schedule(job->attempt + 1, job->runAt, job->maxAttempts)
        : running ? RetryPolicy().schedule(job->attempt, QDateTime::currentDateTimeUtc(), job->maxAttempts)
                  : QList<RetryPolicy::Window>();
    if (!ahead.isEmpty()) {
        text += running ? tr("Retries ahead if this attempt fails now and every later one fails:\n")
                        : tr("Retries ahead if every attempt fails:\n");
        for (const RetryPolicy::Window &window : ahead)
            text += tr("  attempt %1: %2 … %3\n").arg(window.attempt).arg(time(window.earliest), time(window.latest));
    }
    text += tr("Created: %1   Started: %2   Finished: %3   Updated: %4\n")
                .arg(time(job->createdAt), time(job->startedAt), time(job->finishedAt), time(job->updatedAt));
    text += tr("Last error: %1\n").arg(job->lastError.isEmpty() ? tr("none") : job->lastError);
    text += tr("\nPayload:\n%1\n")
                .arg(QString::fromUtf8(QJsonDocument::fromJson(job->payload).toJson(QJsonDocument::Indented)));
    const bool sameJob = m_detailJobId == job->id;
    m_detailText = text;
    if (!sameJob || m_detail->toPlainText().isEmpty())
        m_detail->setPlainText(text + tr("\nLog lines: loading…"));
    m_detailJobId = job->id;
    const QString jobId = job->id;
    m_client.get(QStringLiteral("/api/v1/admin/jobs/%1/logs").arg(jobId), this,
                 [this, jobId](const AdminReply &reply) { showLogs(jobId, reply); });
}

void JobsPanel::showLogs(const QString &jobId, const AdminReply &reply)
{
    if (jobId != m_detailJobId)
        return; // the selection moved on
    QString logs;
    if (!reply.ok()) {
        logs = tr("\nLog lines could not be read: %1").arg(reply.errorText());
    } else {
        const QJsonArray items = reply.body.value(QLatin1String("items")).toArray();
        logs = tr("\nLog lines (%1):\n").arg(items.size());
        for (const QJsonValue &value : items) {
            const QJsonObject line = value.toObject();
            logs += QStringLiteral("[attempt %1] %2 %3: %4\n")
                        .arg(line.value(QLatin1String("attempt")).toInt())
                        .arg(line.value(QLatin1String("created_at")).toString(),
                             line.value(QLatin1String("level")).toString(),
                             line.value(QLatin1String("message")).toString());
        }
    }
    const int scrolled = m_detail->verticalScrollBar()->value();
    m_detail->setPlainText(m_detailText + logs);
    m_detail->verticalScrollBar()->setValue(scrolled); // a live update keeps the reader's place
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

void JobsPanel::actOnSelection(bool retry)
{
    const QStringList ids = selectedIds();
    if (ids.isEmpty())
        return;
    m_error->hide();
    m_status->setText(retry ? tr("Retrying %n job(s)…", nullptr, int(ids.size()))
                            : tr("Cancelling %n job(s)…", nullptr, int(ids.size())));
    if (retry)
        m_model->retry(ids);
    else
        m_model->cancel(ids);
}

void JobsPanel::askBulk(Bulk bulk)
{
    m_pendingBulk = bulk;
    m_awaitingCount = true;
    m_confirm->setEnabled(false);
    m_confirmText->setText(tr("Counting the jobs that match the filter…"));
    m_confirmBar->show();
    m_countSerial = m_model->requestStats(); // a fresh count, not the one shown when the filter was applied
}

void JobsPanel::confirmBulk()
{
    const Bulk bulk = m_pendingBulk;
    dismissBulk();
    if (bulk == Bulk::None)
        return;
    m_error->hide();
    m_status->setText(bulk == Bulk::Retry ? tr("Retrying the matching jobs…") : tr("Cancelling the matching jobs…"));
    if (bulk == Bulk::Retry)
        m_model->retryMatching();
    else
        m_model->cancelMatching();
}

void JobsPanel::dismissBulk()
{
    m_pendingBulk = Bulk::None;
    m_awaitingCount = false;
    m_confirmBar->hide();
}

void JobsPanel::showError(const QString &message)
{
    m_liveError = false;
    m_error->setText(message);
    m_error->show();
    m_status->clear();
    if (m_awaitingCount)
        dismissBulk();
}

void JobsPanel::updateButtons()
{
    const bool selected = m_table->selectionModel()->hasSelection();
    m_retry->setEnabled(selected);
    m_cancel->setEnabled(selected);
}

} // namespace twinops
