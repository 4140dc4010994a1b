#include "checklistspanel.h"

#include "admin/adminclient.h"
#include "checks/checklist.h"
#include "checks/checkschedule.h"
#include "rowtable.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace twinops {

namespace {

constexpr int kPollIntervalMs = 500;
constexpr int kRefreshIntervalMs = 30'000;
constexpr int kTrendRuns = 20;
const QString kChecksPath = QStringLiteral("/api/v1/admin/checks");
const QString kSchedulePath = QStringLiteral("/api/v1/admin/checks/schedule");

QString runPath(const QString &id)
{
    return kChecksPath + QStringLiteral("/runs/") + id;
}

QTableView *makeTable(const QString &name, QAbstractItemModel *model, QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setObjectName(name);
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    return view;
}

} // namespace

ChecklistsPanel::ChecklistsPanel(AdminClient &client, QString defaultBaseUrl, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_defaultBaseUrl(std::move(defaultBaseUrl))
    , m_checklistPicker(new QComboBox(this))
    , m_target(new QLineEdit(this))
    , m_window(new QSpinBox(this))
    , m_runButton(new QPushButton(tr("Run"), this))
    , m_cancelButton(new QPushButton(tr("Cancel run"), this))
    , m_status(new QLabel(tr("No run selected."), this))
    , m_progress(new QProgressBar(this))
    , m_error(new QLabel(this))
    , m_resultsProxy(new QSortFilterProxyModel(this))
    , m_failuresFirst(new QCheckBox(tr("Failures first"), this))
    , m_results(makeTable(QStringLiteral("checklistResults"), m_resultsProxy, this))
    , m_evidence(new QPlainTextEdit(this))
    , m_tickStatus(new QComboBox(this))
    , m_tickNote(new QLineEdit(this))
    , m_tickButton(new QPushButton(tr("Tick item"), this))
    , m_pastRuns(makeTable(QStringLiteral("pastRuns"), &m_runsModel, this))
    , m_exportMarkdown(new QPushButton(tr("Export Markdown…"), this))
    , m_exportJson(new QPushButton(tr("Export JSON…"), this))
    , m_trend(makeTable(QStringLiteral("checklistTrend"), &m_trendModel, this))
    , m_scheduleInterval(new QSpinBox(this))
    , m_saveSchedule(new QPushButton(tr("Save schedule"), this))
    , m_scheduleStatus(new QLabel(this))
{
    setObjectName(QStringLiteral("checklistsPanel"));
    m_resultsProxy->setSourceModel(&m_runModel);
    m_resultsProxy->setSortRole(ChecklistRunModel::SeverityRole);
    m_failuresFirst->setObjectName(QStringLiteral("failuresFirst"));
    m_failuresFirst->setToolTip(tr("Failed items first, then warnings, manual items to tick, skipped, pending and "
                                   "passed; the checklist's order within each"));
    m_cancelButton->setObjectName(QStringLiteral("cancelRunButton"));
    m_cancelButton->setToolTip(tr("Stops the run: the check in progress is interrupted, the rest are skipped"));
    m_cancelButton->setEnabled(false);
    // Item and Details take the width; the short columns keep to their contents.
    QHeaderView *resultsHeader = m_results->horizontalHeader();
    resultsHeader->setStretchLastSection(false);
    for (const int column :
         {ChecklistRunModel::Section, ChecklistRunModel::Kind, ChecklistRunModel::Status, ChecklistRunModel::Duration})
        resultsHeader->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    resultsHeader->setSectionResizeMode(ChecklistRunModel::Item, QHeaderView::Stretch);
    resultsHeader->setSectionResizeMode(ChecklistRunModel::Message, QHeaderView::Stretch);
    m_results->setTextElideMode(Qt::ElideMiddle);
    m_checklistPicker->setObjectName(QStringLiteral("checklistPicker"));
    m_target->setObjectName(QStringLiteral("checkTarget"));
    m_target->setPlaceholderText(m_defaultBaseUrl.isEmpty() ? tr("the environment checks itself") : m_defaultBaseUrl);
    m_target->setClearButtonEnabled(true);
    m_window->setObjectName(QStringLiteral("checkWindow"));
    m_window->setRange(0, 300);
    m_window->setSuffix(tr(" s"));
    m_window->setToolTip(tr("Time between the two /metrics readings of the monitoring items (0: since the target "
                            "started)"));
    m_runButton->setObjectName(QStringLiteral("runChecklistButton"));
    m_runButton->setEnabled(false); // until the checklists are known
    m_status->setObjectName(QStringLiteral("checklistStatus"));
    m_progress->setObjectName(QStringLiteral("checklistProgress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("%v of %m automated checks done"));
    m_error->setObjectName(QStringLiteral("checklistsError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: #b31d1d"));
    m_error->hide();
    m_evidence->setObjectName(QStringLiteral("checkEvidence"));
    m_evidence->setReadOnly(true);
    m_evidence->setPlaceholderText(tr("Select an item to see what its check measured."));
    m_tickStatus->setObjectName(QStringLiteral("tickStatus"));
    m_tickStatus->addItem(tr("Pass"), QStringLiteral("pass"));
    m_tickStatus->addItem(tr("Fail"), QStringLiteral("fail"));
    m_tickStatus->addItem(tr("Skipped"), QStringLiteral("skipped"));
    m_tickNote->setObjectName(QStringLiteral("tickNote"));
    m_tickNote->setPlaceholderText(tr("What you saw (required)"));
    m_tickButton->setObjectName(QStringLiteral("tickItemButton"));
    m_exportMarkdown->setObjectName(QStringLiteral("exportMarkdownButton"));
    m_exportJson->setObjectName(QStringLiteral("exportJsonButton"));
    m_pastRuns->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_trend->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_trend->horizontalHeader()->setStretchLastSection(false);
    m_trend->setSelectionMode(QAbstractItemView::NoSelection);
    m_scheduleInterval->setObjectName(QStringLiteral("checkScheduleInterval"));
    m_scheduleInterval->setRange(0, kMaxCheckScheduleMinutes);
    m_scheduleInterval->setSuffix(tr(" min"));
    m_scheduleInterval->setSpecialValueText(tr("off"));
    m_scheduleInterval->setToolTip(tr("How often this environment runs the checklist's automated items on its own "
                                      "(smoke tests left out); each failed item becomes an alert. 0: off."));
    m_saveSchedule->setObjectName(QStringLiteral("saveScheduleButton"));
    m_saveSchedule->setEnabled(false); // until the stored schedule is known
    m_scheduleStatus->setObjectName(QStringLiteral("checkScheduleStatus"));

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Checklist:"), this));
    top->addWidget(m_checklistPicker);
    top->addWidget(new QLabel(tr("Target:"), this));
    top->addWidget(m_target, 1);
    top->addWidget(new QLabel(tr("Metrics window:"), this));
    top->addWidget(m_window);
    top->addWidget(m_runButton);
    top->addWidget(m_cancelButton);

    auto *tickBox = new QGroupBox(tr("Tick a manual item"), this);
    auto *tickLayout = new QFormLayout(tickBox);
    tickLayout->addRow(tr("Result:"), m_tickStatus);
    tickLayout->addRow(tr("Note:"), m_tickNote);
    tickLayout->addRow(m_tickButton);

    auto *side = new QWidget(this);
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->addWidget(new QLabel(tr("Evidence"), side));
    sideLayout->addWidget(m_evidence, 1);
    sideLayout->addWidget(tickBox);

    auto *resultsPane = new QWidget(this);
    auto *resultsLayout = new QVBoxLayout(resultsPane);
    resultsLayout->setContentsMargins(0, 0, 0, 0);
    resultsLayout->addWidget(m_failuresFirst, 0, Qt::AlignRight);
    resultsLayout->addWidget(m_results, 1);
    auto *resultsSplitter = new QSplitter(Qt::Horizontal, this);
    resultsSplitter->setObjectName(QStringLiteral("checklistResultsSplitter"));
    resultsSplitter->addWidget(resultsPane);
    resultsSplitter->addWidget(side);
    resultsSplitter->setStretchFactor(0, 3);
    resultsSplitter->setStretchFactor(1, 1);

    auto *history = new QWidget(this);
    auto *historyLayout = new QVBoxLayout(history);
    historyLayout->setContentsMargins(0, 0, 0, 0);
    auto *historyBar = new QHBoxLayout;
    historyBar->addWidget(new QLabel(tr("Past runs"), history), 1);
    historyBar->addWidget(m_exportMarkdown);
    historyBar->addWidget(m_exportJson);
    historyLayout->addLayout(historyBar);
    historyLayout->addWidget(m_pastRuns);

    auto *trend = new QWidget(this);
    auto *trendLayout = new QVBoxLayout(trend);
    trendLayout->setContentsMargins(0, 0, 0, 0);
    auto *scheduleBar = new QHBoxLayout;
    scheduleBar->addWidget(new QLabel(tr("Scheduled runs every"), trend));
    scheduleBar->addWidget(m_scheduleInterval);
    scheduleBar->addWidget(m_saveSchedule);
    scheduleBar->addWidget(m_scheduleStatus, 1);
    auto *refresh = new QPushButton(tr("Refresh"), trend);
    refresh->setObjectName(QStringLiteral("refreshChecklistsButton"));
    scheduleBar->addWidget(refresh);
    trendLayout->addLayout(scheduleBar);
    trendLayout->addWidget(m_trend);
    connect(refresh, &QPushButton::clicked, this, &ChecklistsPanel::refreshOverview);

    auto *tabs = new QTabWidget(this);
    tabs->setObjectName(QStringLiteral("checklistHistoryTabs"));
    tabs->addTab(history, tr("Past runs"));
    tabs->addTab(trend, tr("Trend and schedule"));

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(resultsSplitter);
    splitter->addWidget(tabs);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_status);
    layout->addWidget(m_progress);
    layout->addWidget(m_error);
    layout->addWidget(splitter, 1);

    m_pollTimer.setSingleShot(true);
    m_pollTimer.setInterval(kPollIntervalMs);
    connect(&m_pollTimer, &QTimer::timeout, this, &ChecklistsPanel::poll);
    m_refreshTimer.setInterval(kRefreshIntervalMs);
    connect(&m_refreshTimer, &QTimer::timeout, this, &ChecklistsPanel::refreshOverview);
    connect(m_saveSchedule, &QPushButton::clicked, this, &ChecklistsPanel::saveSchedule);
    connect(m_runButton, &QPushButton::clicked, this, &ChecklistsPanel::startRun);
    connect(m_cancelButton, &QPushButton::clicked, this, &ChecklistsPanel::cancelRun);
    connect(m_failuresFirst, &QCheckBox::toggled, this, &ChecklistsPanel::setFailuresFirst);
    connect(m_tickButton, &QPushButton::clicked, this, &ChecklistsPanel::tickCurrentItem);
    connect(m_tickNote, &QLineEdit::returnPressed, this, &ChecklistsPanel::tickCurrentItem);
    connect(m_exportMarkdown, &QPushButton::clicked, this, [this] { exportWithDialog(Format::Markdown); });
    connect(m_exportJson, &QPushButton::clicked, this, [this] { exportWithDialog(Format::Json); });
    connect(m_results->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ChecklistsPanel::showCurrentItem);
    // A poll that changes the selected row refreshes what the evidence pane and the tick controls show.
    connect(&m_runModel, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &from, const QModelIndex &to) {
                const int current = m_resultsProxy->mapToSource(m_results->currentIndex()).row();
                if (current >= from.row() && current <= to.row())
                    showCurrentItem();
            });
    connect(&m_runModel, &QAbstractItemModel::modelReset, this, &ChecklistsPanel::showCurrentItem);
    connect(m_pastRuns->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                const QString id = m_runsModel.runId(current.row());
                if (!id.isEmpty() && id != m_runId)
                    loadRun(id);
            });
    setRowMenu(m_results, [this](QMenu &menu, const QModelIndex &index) {
        addButtonAction(menu, m_tickButton);
        menu.addSeparator();
        addCopyAction(menu, tr("Copy item id"), index.data(ChecklistRunModel::ItemIdRole).toString());
        addCopyAction(
            menu, tr("Copy message"),
            index.siblingAtColumn(ChecklistRunModel::Message).data(ChecklistRunModel::RawValueRole).toString());
    });
    setRowMenu(m_pastRuns, [](QMenu &menu, const QModelIndex &index) {
        addCopyAction(menu, tr("Copy run id"), index.data(ChecklistRunsModel::RunIdRole).toString());
    });
    setRowMenu(m_trend, [](QMenu &menu, const QModelIndex &index) {
        addCopyAction(menu, tr("Copy item id"), index.data(ChecklistTrendModel::ItemIdRole).toString());
    });
    showCurrentItem();
    m_exportMarkdown->setEnabled(false);
    m_exportJson->setEnabled(false);
}

// Late answers are dropped by the AdminClient (this is their receiver); the timer dies with the panel.
ChecklistsPanel::~ChecklistsPanel() = default;

void ChecklistsPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refreshOverview();
    schedulePoll();
    m_refreshTimer.start();
}

void ChecklistsPanel::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_pollTimer.stop(); // showEvent resumes it
    m_refreshTimer.stop();
}

void ChecklistsPanel::refreshOverview()
{
    if (m_overviewInFlight)
        return;
    m_overviewInFlight = true;
    m_client.get(kChecksPath, this, [this](const AdminReply &reply) {
        m_overviewInFlight = false;
        if (!reply.ok()) {
            showError(tr("Could not load the checklists: %1").arg(reply.errorText()));
            return;
        }
        const QString picked = m_checklistPicker->currentData().toString();
        const QJsonArray checklists = reply.body.value(QLatin1String("checklists")).toArray();
        if (m_checklistPicker->count() != checklists.size()) {
            m_checklistPicker->clear();
            for (const QJsonValue &value : checklists) {
                const QJsonObject checklist = value.toObject();
                m_checklistPicker->addItem(checklist.value(QLatin1String("title")).toString(),
                                           checklist.value(QLatin1String("id")).toString());
                m_checklistPicker->setItemData(m_checklistPicker->count() - 1,
                                               checklist.value(QLatin1String("description")).toString(),
                                               Qt::ToolTipRole);
            }
            const int index = m_checklistPicker->findData(picked);
            if (index >= 0)
                m_checklistPicker->setCurrentIndex(index);
        }
        m_runButton->setEnabled(m_checklistPicker->count() > 0);

        refreshSchedule();
        m_runsModel.setRuns(reply.body.value(QLatin1String("runs")).toArray());
        // The list carries no counts: fetch each run once whose summary is not known yet.
        for (const QString &id : m_runsModel.runsWithoutSummary()) {
            m_client.get(runPath(id), this, [this](const AdminReply &run) {
                if (run.ok())
                    m_runsModel.updateRun(run.body);
            });
        }
    });
}

void ChecklistsPanel::refreshSchedule()
{
    m_client.get(kSchedulePath, this, [this](const AdminReply &reply) {
        if (!reply.ok()) {
            m_scheduleStatus->setText(tr("Schedule unknown: %1").arg(reply.errorText()));
            m_saveSchedule->setEnabled(false);
            return;
        }
        showSchedule(reply.body);
    });
    const QString checklist = m_checklistPicker->currentData().toString();
    m_client.get(kChecksPath + QStringLiteral("/trend?limit=%1&checklist=%2").arg(kTrendRuns).arg(checklist), this,
                 [this](const AdminReply &reply) {
                     // An environment on a release before the schedule has neither route: said in the schedule's
                     // line, not as an error over the whole panel.
                     if (!reply.ok()) {
                         m_scheduleStatus->setText(tr("No trend: %1").arg(reply.errorText()));
                         return;
                     }
                     m_trendModel.setTrend(reply.body);
                 });
}

void ChecklistsPanel::showSchedule(const QJsonObject &schedule)
{
    if (!m_scheduleLoaded) {
        m_scheduleInterval->setValue(schedule.value(QLatin1String("interval_minutes")).toInt());
        m_scheduleLoaded = true;
    }
    m_saveSchedule->setEnabled(true);
    const int interval = schedule.value(QLatin1String("interval_minutes")).toInt();
    const QJsonObject last = schedule.value(QLatin1String("last_run")).toObject();
    const QString stored = interval > 0 ? tr("every %n minute(s)", nullptr, interval) : tr("off");
    m_scheduleStatus->setText(
        last.isEmpty()
            ? tr("Stored: %1; no scheduled run yet.").arg(stored)
            : tr("Stored: %1; last scheduled run %2: %3.")
                  .arg(stored,
                       QLocale().toString(
                           QDateTime::fromString(last.value(QLatin1String("started_at")).toString(), Qt::ISODateWithMs)
                               .toLocalTime(),
                           QLocale::ShortFormat),
                       last.value(QLatin1String("status")).toString()));
}

void ChecklistsPanel::saveSchedule()
{
    clearError();
    m_saveSchedule->setEnabled(false);
    const QJsonObject body{{QStringLiteral("interval_minutes"), m_scheduleInterval->value()},
                           {QStringLiteral("checklist"),
                            m_checklistPicker->currentData().toString().isEmpty()
                                ? QStringLiteral("staging")
                                : m_checklistPicker->currentData().toString()}};
    m_client.call("PUT", kSchedulePath, body, this, [this](const AdminReply &reply) {
        m_saveSchedule->setEnabled(true);
        if (!reply.ok()) {
            showError(tr("Could not save the schedule: %1").arg(reply.errorText()));
            return;
        }
        m_scheduleInterval->setValue(reply.body.value(QLatin1String("interval_minutes")).toInt());
        showSchedule(reply.body);
    });
}

void ChecklistsPanel::startRun()
{
    clearError();
    QJsonObject body{{QStringLiteral("checklist"), m_checklistPicker->currentData().toString()},
                     {QStringLiteral("window_seconds"), m_window->value()}};
    const QString typed = m_target->text().trimmed();
    const QString target = typed.isEmpty() ? m_defaultBaseUrl : typed;
    if (!target.isEmpty())
        body.insert(QStringLiteral("base_url"), target);
    m_status->setText(tr("Starting %1…").arg(m_checklistPicker->currentText()));
    m_client.call("POST", kChecksPath + QStringLiteral("/run"), body, this, [this](const AdminReply &reply) {
        if (!reply.ok()) {
            showError(tr("Could not start the checklist: %1").arg(reply.errorText()));
            if (m_runModel.runId().isEmpty())
                m_status->setText(tr("No run selected."));
            else
                showRun(m_runModel.run()); // back to what is shown
            return;
        }
        m_runId = reply.body.value(QLatin1String("id")).toString();
        m_pollTimer.stop();
        showRun(reply.body);
        schedulePoll();
    });
}

void ChecklistsPanel::cancelRun()
{
    const QString runId = m_runModel.runId();
    if (runId.isEmpty() || m_runModel.status() != QLatin1String("running"))
        return;
    clearError();
    m_cancelButton->setEnabled(false);
    m_status->setText(tr("Stopping the run…"));
    m_client.call("POST", runPath(runId) + QStringLiteral("/cancel"), QJsonObject(), this,
                  [this, runId](const AdminReply &reply) {
                      if (!reply.ok()) {
                          showError(tr("Could not stop the run: %1").arg(reply.errorText()));
                          if (runId == m_runModel.runId())
                              showRun(m_runModel.run());
                          return;
                      }
                      // The poll already running shows the run once it is stored as cancelled.
                  });
}

void ChecklistsPanel::setFailuresFirst(bool on)
{
    const QString itemId = m_results->currentIndex().data(ChecklistRunModel::ItemIdRole).toString();
    // The proxy's stable sort keeps the checklist's order within each severity; -1 is the checklist's order.
    m_resultsProxy->sort(on ? ChecklistRunModel::Status : -1);
    if (const QModelIndex item = m_runModel.indexOfItem(itemId); item.isValid())
        m_results->setCurrentIndex(m_resultsProxy->mapFromSource(item));
}

void ChecklistsPanel::loadRun(const QString &id)
{
    clearError();
    m_runId = id;
    m_pollTimer.stop();
    m_client.get(runPath(id), this, [this, id](const AdminReply &reply) {
        if (id != m_runId)
            return; // another run was picked meanwhile
        if (!reply.ok()) {
            showError(tr("Could not load the run: %1").arg(reply.errorText()));
            return;
        }
        showRun(reply.body);
        schedulePoll();
    });
}

void ChecklistsPanel::schedulePoll()
{
    if (m_runId.isEmpty() || m_runModel.runId() != m_runId || m_runModel.status() != QLatin1String("running"))
        return;
    if (!isVisible() || m_pollInFlight || m_pollTimer.isActive())
        return;
    m_pollTimer.start();
}

void ChecklistsPanel::poll()
{
    const QString id = m_runId;
    if (id.isEmpty())
        return;
    m_pollInFlight = true;
    m_client.get(runPath(id), this, [this, id](const AdminReply &reply) {
        m_pollInFlight = false;
        if (id != m_runId) {
            schedulePoll(); // for the run shown now, if it runs
            return;
        }
        if (!reply.ok()) {
            showError(tr("Lost track of the run: %1").arg(reply.errorText()));
            return;
        }
        showRun(reply.body);
        if (m_runModel.status() == QLatin1String("running"))
            schedulePoll();
        else
            refreshOverview(); // its finished time and status in the past runs
    });
}

void ChecklistsPanel::showRun(const QJsonObject &run)
{
    m_runModel.setRun(run);
    m_runsModel.updateRun(run);
    const QString id = m_runModel.runId();
    const int row = m_runsModel.rowOfRun(id);
    if (row >= 0 && m_pastRuns->currentIndex().row() != row)
        m_pastRuns->setCurrentIndex(m_runsModel.index(row, 0)); // m_runId already names it: nothing reloads

    const QJsonObject summary = run.value(QLatin1String("summary")).toObject();
    m_status->setText(tr("%1: %2 · %3")
                          .arg(run.value(QLatin1String("title")).toString(),
                               checklistStatusText(m_runModel.status(), summary), checklistSummaryLine(summary)));
    m_cancelButton->setEnabled(m_runModel.status() == QLatin1String("running"));
    const int automated = m_runModel.automatedCount();
    m_progress->setRange(0, qMax(1, automated));
    m_progress->setValue(m_runModel.automatedFinishedCount());
    m_exportMarkdown->setEnabled(!id.isEmpty());
    m_exportJson->setEnabled(!id.isEmpty());
}

void ChecklistsPanel::showCurrentItem()
{
    const QModelIndex current = m_results->currentIndex();
    if (!current.isValid()) {
        m_evidence->clear();
    } else {
        // The whole message (the table elides it), who ticked a manual item and when, then the evidence.
        const QModelIndex source = m_resultsProxy->mapToSource(current);
        const auto cell = [&](int column) { return m_runModel.index(source.row(), column).data().toString(); };
        QString text = tr("%1 — %2\n%3\n")
                           .arg(cell(ChecklistRunModel::Item), cell(ChecklistRunModel::Status),
                                m_runModel.index(source.row(), ChecklistRunModel::Message)
                                    .data(ChecklistRunModel::RawValueRole)
                                    .toString());
        if (const QString ticked
            = m_runModel.index(source.row(), ChecklistRunModel::Message).data(Qt::ToolTipRole).toString();
            !ticked.isEmpty())
            text += ticked + u'\n';
        const QJsonObject evidence = current.data(ChecklistRunModel::EvidenceRole).toJsonObject();
        if (!evidence.isEmpty())
            text += u'\n' + tr("Evidence:") + u'\n'
                + QString::fromUtf8(QJsonDocument(evidence).toJson(QJsonDocument::Indented));
        if (m_evidence->toPlainText() != text)
            m_evidence->setPlainText(text);
    }
    const bool manual = current.isValid() && current.data(ChecklistRunModel::ManualRole).toBool();
    m_tickStatus->setEnabled(manual);
    m_tickNote->setEnabled(manual);
    m_tickButton->setEnabled(manual);
}

void ChecklistsPanel::tickCurrentItem()
{
    const QModelIndex current = m_results->currentIndex();
    if (!current.isValid() || !current.data(ChecklistRunModel::ManualRole).toBool()) {
        showError(tr("Select a manual item to tick."));
        return;
    }
    const QString note = m_tickNote->text().trimmed();
    if (note.isEmpty()) {
        showError(tr("Write a note saying what you saw before ticking the item."));
        return;
    }
    clearError();
    const QString runId = m_runModel.runId();
    const QString itemId = current.data(ChecklistRunModel::ItemIdRole).toString();
    const QJsonObject body{{QStringLiteral("status"), m_tickStatus->currentData().toString()},
                           {QStringLiteral("note"), note}};
    m_tickButton->setEnabled(false);
    m_client.call("PATCH", runPath(runId) + QStringLiteral("/items/") + itemId, body, this,
                  [this, runId, itemId](const AdminReply &reply) {
                      if (!reply.ok()) {
                          showError(tr("Could not tick the item: %1").arg(reply.errorText()));
                          showCurrentItem();
                          return;
                      }
                      if (runId == m_runId && runId == m_runModel.runId()) {
                          showRun(reply.body);
                          if (m_results->currentIndex().data(ChecklistRunModel::ItemIdRole).toString() == itemId)
                              m_tickNote->clear();
                      } else {
                          m_runsModel.updateRun(reply.body);
                      }
                      showCurrentItem();
                  });
}

void ChecklistsPanel::exportWithDialog(Format format)
{
    const QString id = m_runModel.runId();
    if (id.isEmpty()) {
        showError(tr("Select a run to export."));
        return;
    }
    const bool markdown = format == Format::Markdown;
    const QString suggested = QStringLiteral("checklist-run-%1.%2")
                                  .arg(id.left(8), markdown ? QStringLiteral("md") : QStringLiteral("json"));
    const QString path
        = QFileDialog::getSaveFileName(this, markdown ? tr("Export the run as Markdown") : tr("Export the run as JSON"),
                                       suggested, markdown ? tr("Markdown (*.md)") : tr("JSON (*.json)"));
    if (!path.isEmpty())
        exportTo(path, format);
}

void ChecklistsPanel::exportTo(const QString &path, Format format)
{
    const QString id = m_runModel.runId();
    if (id.isEmpty()) {
        showError(tr("Select a run to export."));
        emit exportFinished(path, false);
        return;
    }
    clearError();
    const bool markdown = format == Format::Markdown;
    // The server renders the report, so the file matches `twinopsd check --format …` and the API.
    const QString request = runPath(id) + (markdown ? QStringLiteral("?format=markdown") : QString());
    m_client.get(request, this, [this, path, markdown](const AdminReply &reply) {
        if (!reply.ok()) {
            showError(tr("Could not export the run: %1").arg(reply.errorText()));
            emit exportFinished(path, false);
            return;
        }
        QSaveFile file(path);
        const QByteArray content = markdown ? reply.raw : QJsonDocument(reply.body).toJson(QJsonDocument::Indented);
        if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size() || !file.commit()) {
            showError(tr("Could not write %1: %2").arg(path, file.errorString()));
            emit exportFinished(path, false);
            return;
        }
        emit exportFinished(path, true);
    });
}

void ChecklistsPanel::showError(const QString &text)
{
    m_error->setText(text);
    m_error->show();
}

void ChecklistsPanel::clearError()
{
    m_error->clear();
    m_error->hide();
}

} // namespace twinops
