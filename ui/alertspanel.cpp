#include "alertspanel.h"

#include "admin/adminclient.h"
#include "alerthistorymodel.h"
#include "alertrulesdialog.h"
#include "alertrulesmodel.h"
#include "alertsilencesmodel.h"
#include "alertsmodel.h"
#include "confirmdialog.h"
#include "rowtable.h"
#include "silencedialog.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QMenu>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace twinops {

namespace {

constexpr auto kRefreshInterval = std::chrono::seconds(5);

const QStringList kTabFilters{QStringLiteral("firing"), QStringLiteral("pending"), QStringLiteral("silenced")};

} // namespace

AlertsPanel::AlertsPanel(AdminClient &client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_alerts(new AlertsModel(client, this))
    , m_silences(new AlertSilencesModel(client, this))
    , m_history(new AlertHistoryModel(client, this))
    , m_rules(new AlertRulesModel(client, this))
    , m_tabs(new QTabWidget(this))
    , m_error(new QLabel(this))
    , m_status(new QLabel(this))
    , m_timer(new QTimer(this))
{
    const auto action = [this](const char *name, const QString &text, void (AlertsPanel::*slot)()) {
        auto *a = new QAction(text, this);
        a->setObjectName(QLatin1String(name));
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    m_acknowledge = action("acknowledgeAlert", tr("Acknowledge"), &AlertsPanel::acknowledge);
    m_silence = action("silenceAlert", tr("Silence…"), &AlertsPanel::silence);
    m_expire = action("expireSilence", tr("Expire silence"), &AlertsPanel::expireSilence);
    m_openRule = action("openAlertRule", tr("Open rule"), &AlertsPanel::openRule);
    m_dashboard = action("showAlertOnDashboard", tr("Show on dashboard"), &AlertsPanel::showOnDashboard);
    m_jobs = action("showAlertJobs", tr("Show jobs"), &AlertsPanel::showJobs);
    auto *allRules = new QAction(tr("Rules…"), this);
    allRules->setObjectName(QStringLiteral("alertRules"));
    connect(allRules, &QAction::triggered, this, [this] { (new AlertRulesDialog(*m_rules, {}, this))->open(); });

    auto *bar = new QHBoxLayout;
    for (QAction *a : {m_acknowledge, m_silence, m_expire, m_openRule, m_dashboard, m_jobs}) {
        auto *button = new QToolButton(this);
        button->setDefaultAction(a);
        button->setObjectName(a->objectName() + QStringLiteral("Button"));
        bar->addWidget(button);
    }
    bar->addStretch();
    auto *rulesButton = new QToolButton(this);
    rulesButton->setDefaultAction(allRules);
    rulesButton->setObjectName(QStringLiteral("alertRulesButton"));
    bar->addWidget(rulesButton);

    for (int tab = Firing; tab <= Silenced; ++tab) {
        auto *filter = new QSortFilterProxyModel(this);
        filter->setSourceModel(m_alerts);
        filter->setFilterRole(AlertsModel::TabRole);
        filter->setFilterFixedString(kTabFilters.at(tab));
        filter->setSortRole(AlertsModel::SortRole);
        m_tabFilters.append(filter);
        QTableView *table = makeTable(kTabFilters.at(tab) + QStringLiteral("AlertsTable"), filter);
        table->sortByColumn(AlertsModel::Severity, Qt::DescendingOrder);
        const std::pair<int, int> widths[]{{AlertsModel::Rule, 200},    {AlertsModel::Severity, 80},
                                           {AlertsModel::State, 70},    {AlertsModel::Labels, 240},
                                           {AlertsModel::Value, 80},    {AlertsModel::Since, 110},
                                           {AlertsModel::ActiveAt, 110}};
        for (const auto &[column, width] : widths)
            table->setColumnWidth(column, width);
        table->setContextMenuPolicy(Qt::ActionsContextMenu);
        table->addActions({m_acknowledge, m_silence, m_openRule, m_dashboard, m_jobs});
        m_alertTables.append(table);
    }
    auto *historyOrder = new QSortFilterProxyModel(this);
    historyOrder->setSourceModel(m_history);
    historyOrder->setSortRole(PagedAdminModel::SortRole);
    m_historyTable = makeTable(QStringLiteral("alertHistoryTable"), historyOrder);
    m_historyTable->sortByColumn(AlertHistoryModel::Time, Qt::DescendingOrder);
    setRowMenu(m_historyTable, [](QMenu &menu, const QModelIndex &index) {
        addCopyAction(menu, tr("Copy rule"), index.siblingAtColumn(AlertHistoryModel::Rule).data().toString());
        addCopyAction(menu, tr("Copy labels"), index.siblingAtColumn(AlertHistoryModel::Labels).data().toString());
    });
    m_silencesTable = makeTable(QStringLiteral("silencesTable"), m_silences);
    m_silencesTable->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_silencesTable->addAction(m_expire);

    m_tabs->setObjectName(QStringLiteral("alertTabs"));
    m_tabs->addTab(m_alertTables.at(Firing), tr("Firing"));
    m_tabs->addTab(m_alertTables.at(Pending), tr("Pending"));
    auto *silenced = new QSplitter(Qt::Vertical, this);
    silenced->addWidget(m_alertTables.at(Silenced));
    auto *silencesBox = new QWidget(silenced);
    auto *silencesLayout = new QVBoxLayout(silencesBox);
    silencesLayout->setContentsMargins(0, 0, 0, 0);
    silencesLayout->addWidget(new QLabel(tr("Silences (active and planned):"), silencesBox));
    silencesLayout->addWidget(m_silencesTable);
    silenced->addWidget(silencesBox);
    m_tabs->addTab(silenced, tr("Silenced"));
    m_tabs->addTab(m_historyTable, tr("History"));

    m_error->setObjectName(QStringLiteral("alertsError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->hide();
    m_status->setObjectName(QStringLiteral("alertsStatus"));
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_error);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_status);

    m_timer->setInterval(kRefreshInterval);
    connect(m_timer, &QTimer::timeout, m_alerts, &AlertsModel::refresh);
    const auto counts = [this] {
        const QStringList names{tr("Firing"), tr("Pending"), tr("Silenced")};
        for (int tab = Firing; tab <= Silenced; ++tab)
            m_tabs->setTabText(tab, tr("%1 (%2)").arg(names.at(tab)).arg(m_tabFilters.at(tab)->rowCount()));
        updateActions();
    };
    connect(m_alerts, &AlertsModel::refreshed, this, [this, counts] {
        if (!m_error->text().isEmpty() && m_error->property("fromRefresh").toBool())
            m_error->hide();
        counts();
    });
    connect(m_alerts, &AlertsModel::errorOccurred, this, [this](const QString &message) {
        showError(message);
        m_error->setProperty("fromRefresh", true);
    });
    connect(m_alerts, &AlertsModel::acknowledged, this, [this](const QString &, const QString &error) {
        if (error.isEmpty())
            m_status->setText(tr("Acknowledged."));
        else
            showError(error);
    });
    const auto done = [this](const QString &success) {
        return [this, success](const QString &, const QString &error) {
            if (!error.isEmpty()) {
                showError(error);
                return;
            }
            m_status->setText(success);
            m_alerts->refresh();
        };
    };
    connect(m_silences, &AlertSilencesModel::created, this,
            done(tr("Silenced: the alert shows as silenced from the next evaluation.")));
    connect(m_silences, &AlertSilencesModel::expired, this, done(tr("Silence expired.")));
    for (PagedAdminModel *model : std::initializer_list<PagedAdminModel *>{m_silences, m_history, m_rules})
        connect(model, &PagedAdminModel::errorOccurred, this, &AlertsPanel::showError);
    connect(m_rules, &QAbstractItemModel::rowsInserted, this, &AlertsPanel::rulesChanged);
    connect(m_rules, &QAbstractItemModel::dataChanged, this, &AlertsPanel::rulesChanged);
    connect(m_rules, &QAbstractItemModel::modelReset, this, &AlertsPanel::rulesChanged);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int tab) {
        if (tab == Silenced)
            m_silences->reload();
        else if (tab == History)
            m_history->reload();
        updateActions();
    });
    for (QTableView *table : std::as_const(m_alertTables))
        connect(table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &AlertsPanel::updateActions);
    connect(m_silencesTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &AlertsPanel::updateActions);
    for (QAbstractItemModel *model : std::initializer_list<QAbstractItemModel *>{m_alerts, m_silences}) {
        connect(model, &QAbstractItemModel::dataChanged, this, &AlertsPanel::updateActions);
        connect(model, &QAbstractItemModel::rowsRemoved, this, &AlertsPanel::updateActions);
        connect(model, &QAbstractItemModel::modelReset, this, &AlertsPanel::updateActions);
    }
    counts();
}

AlertsPanel::~AlertsPanel() = default;

QTableView *AlertsPanel::makeTable(const QString &name, QAbstractItemModel *model)
{
    auto *table = new QTableView(this);
    table->setObjectName(name);
    table->setModel(model);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setSortingEnabled(true);
    table->verticalHeader()->hide();
    table->setWordWrap(false); // long labels are elided, whole in the tooltip
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    table->setColumnWidth(0, 220);
    return table;
}

void AlertsPanel::showTab(Tab tab)
{
    m_tabs->setCurrentIndex(tab);
}

void AlertsPanel::setRefreshInterval(std::chrono::milliseconds interval)
{
    m_timer->setInterval(interval);
}

std::optional<std::pair<QString, QString>> AlertsPanel::jobsFilterFor(const QString &kind, const QJsonObject &params,
                                                                      const QJsonObject &labels)
{
    const QString type = labels.value(QLatin1String("type")).toString(params.value(QLatin1String("type")).toString());
    if (kind == QLatin1String("queue_stalled"))
        return std::pair{QStringLiteral("available"), QString()};
    if (kind == QLatin1String("discarded_jobs_per_minute"))
        return std::pair{QStringLiteral("discarded"), type};
    // Failed attempts of these end retried or discarded: every state of the type, the newest at the end.
    if (kind == QLatin1String("job_success_rate") || kind == QLatin1String("new_job_error"))
        return std::pair{QString(), type};
    return std::nullopt;
}

QJsonObject AlertsPanel::selectedAlert() const
{
    const int tab = m_tabs->currentIndex();
    if (tab < Firing || tab > Silenced)
        return {};
    const QModelIndex current = m_alertTables.at(tab)->selectionModel()->currentIndex();
    if (!current.isValid())
        return {};
    const int row = m_tabFilters.at(tab)->mapToSource(current).row();
    QJsonObject alert = m_alerts->alert(row);
    alert.insert(QStringLiteral("labels"), m_alerts->labels(row)); // what the table shows, what a silence matches
    return alert;
}

QJsonObject AlertsPanel::ruleOf(const QJsonObject &alert) const
{
    const int row = m_rules->rowOf(alert.value(QLatin1String("rule_id")).toString());
    return row < 0 ? QJsonObject() : m_rules->item(row);
}

void AlertsPanel::updateActions()
{
    const QJsonObject alert = selectedAlert();
    const bool selected = !alert.isEmpty();
    const QJsonObject rule = ruleOf(alert);
    m_acknowledge->setEnabled(selected && alert.value(QLatin1String("acknowledged_by")).toString().isEmpty());
    m_silence->setEnabled(selected && !alert.value(QLatin1String("silenced")).toBool());
    m_openRule->setEnabled(selected);
    m_dashboard->setEnabled(selected);
    m_jobs->setEnabled(selected
                       && jobsFilterFor(rule.value(QLatin1String("kind")).toString(),
                                        rule.value(QLatin1String("params")).toObject(),
                                        alert.value(QLatin1String("labels")).toObject()));
    m_expire->setEnabled(m_tabs->currentIndex() == Silenced
                         && m_silencesTable->selectionModel()->currentIndex().isValid());
}

void AlertsPanel::acknowledge()
{
    const QJsonObject alert = selectedAlert();
    if (alert.isEmpty())
        return;
    m_acknowledge->setEnabled(false); // until the refresh after the answer says who acknowledged it
    m_alerts->acknowledge(alert.value(QLatin1String("fingerprint")).toString());
}

void AlertsPanel::silence()
{
    const QJsonObject alert = selectedAlert();
    if (alert.isEmpty())
        return;
    auto *dialog = new SilenceDialog(alert, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { m_silences->create(dialog->body()); });
    dialog->open();
}

void AlertsPanel::expireSilence()
{
    const QModelIndex current = m_silencesTable->selectionModel()->currentIndex();
    if (!current.isValid())
        return;
    const QString id = m_silences->idAt(current.row());
    const QString rule = m_silences->index(current.row(), AlertSilencesModel::Rule).data(Qt::DisplayRole).toString();
    ConfirmDialog::ask(this, QStringLiteral("confirmExpireSilence"),
                       {tr("Expire silence?"), tr("Expire silence"), rule.isEmpty() ? tr("the silence") : rule,
                        tr("The alerts it silences notify again from their next evaluation; the silence cannot be "
                           "brought back (create a new one).")},
                       [this, id] { m_silences->expire(id); });
}

bool AlertsPanel::deleteSelected()
{
    if (!m_expire->isEnabled())
        return false;
    m_expire->trigger();
    return true;
}

void AlertsPanel::openRule()
{
    const QJsonObject alert = selectedAlert();
    auto *dialog = new AlertRulesDialog(*m_rules, alert.value(QLatin1String("rule_id")).toString(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void AlertsPanel::showOnDashboard()
{
    const QJsonObject alert = selectedAlert();
    if (alert.isEmpty())
        return;
    QDateTime since = QDateTime::fromString(alert.value(QLatin1String("active_at")).toString(), Qt::ISODateWithMs);
    if (!since.isValid())
        since = QDateTime::fromString(alert.value(QLatin1String("since")).toString(), Qt::ISODateWithMs);
    emit dashboardsRequested(since,
                             alert.value(QLatin1String("labels")).toObject().value(QLatin1String("route")).toString());
}

void AlertsPanel::showJobs()
{
    const QJsonObject alert = selectedAlert();
    const QJsonObject rule = ruleOf(alert);
    const auto filter
        = jobsFilterFor(rule.value(QLatin1String("kind")).toString(), rule.value(QLatin1String("params")).toObject(),
                        alert.value(QLatin1String("labels")).toObject());
    if (filter)
        emit jobsRequested(filter->first, filter->second);
}

void AlertsPanel::showError(const QString &message)
{
    m_error->setProperty("fromRefresh", false);
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void AlertsPanel::rulesChanged()
{
    QHash<QString, QString> names;
    QHash<QString, QJsonObject> labels;
    for (int row = 0; row < m_rules->rowCount(); ++row) {
        const QJsonObject rule = m_rules->item(row);
        names.insert(m_rules->idAt(row), rule.value(QLatin1String("name")).toString());
        labels.insert(m_rules->idAt(row), rule.value(QLatin1String("labels")).toObject());
    }
    m_silences->setRuleNames(names);
    m_alerts->setRuleLabels(labels);
    updateActions();
}

void AlertsPanel::refresh()
{
    m_rules->reload();
    m_alerts->refresh();
    if (m_tabs->currentIndex() == Silenced)
        m_silences->reload();
    else if (m_tabs->currentIndex() == History)
        m_history->reload();
}

void AlertsPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
    m_timer->start();
}

void AlertsPanel::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_timer->stop();
}

} // namespace twinops
