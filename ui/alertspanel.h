#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QWidget>

#include <chrono>
#include <optional>
#include <utility>

class QAbstractItemModel;
class QAction;
class QLabel;
class QSortFilterProxyModel;
class QTabWidget;
class QTableView;
class QTimer;

namespace twinops {

class AdminClient;
class AlertHistoryModel;
class AlertRulesModel;
class AlertSilencesModel;
class AlertsModel;

// The alerts of the selected environment: tabs Firing, Pending, Silenced (the silenced alerts and the silences, with
// Expire) and History. On the selected alert (buttons and context menu, enabled only when they apply): Acknowledge,
// Silence… (a dialog prefilled with its rule and labels), Open rule (the rules dialog: list, add, edit, delete),
// Show on dashboard (the Dashboards panel at a range covering the alert) and Show jobs (the Jobs panel filtered,
// for the queue and job rules). Refreshes every few seconds while visible; every call goes through the AdminClient.
class AlertsPanel final : public QWidget
{
    Q_OBJECT
public:
    enum Tab { Firing, Pending, Silenced, History, TabCount };

    explicit AlertsPanel(AdminClient &client, QWidget *parent = nullptr);
    ~AlertsPanel() override;

    AlertsModel *alerts() const { return m_alerts; }
    AlertSilencesModel *silences() const { return m_silences; }
    AlertHistoryModel *history() const { return m_history; }
    AlertRulesModel *rules() const { return m_rules; }
    void showTab(Tab tab);
    void setRefreshInterval(std::chrono::milliseconds interval);

    // What Show jobs filters on for an alert of a rule of `kind` ({state, type}; an empty state: any), or nullopt for
    // the kinds that are not about jobs.
    static std::optional<std::pair<QString, QString>> jobsFilterFor(const QString &kind, const QJsonObject &params,
                                                                    const QJsonObject &labels);

public slots:
    // F5 (MainWindow): the rules, the alerts and the open tab's list read again.
    void refresh();
    // Del (MainWindow): Expire silence on the selected silence (it asks first).
    bool deleteSelected();

signals:
    // The Dashboards panel should show a range that begins at or before `since`, with the latency of `route` when
    // the alert is about one route.
    void dashboardsRequested(const QDateTime &since, const QString &route);
    // The Jobs panel should list the jobs in `state` (empty: any) of `type` (empty: any).
    void jobsRequested(const QString &state, const QString &type);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    QTableView *makeTable(const QString &name, QAbstractItemModel *model);
    // The alert selected in the current tab's alert table, with its rule's labels; empty when none.
    QJsonObject selectedAlert() const;
    QJsonObject ruleOf(const QJsonObject &alert) const;
    void updateActions();
    void acknowledge();
    void silence();
    void expireSilence();
    void openRule();
    void showOnDashboard();
    void showJobs();
    void showError(const QString &message);
    void rulesChanged();

    AdminClient &m_client;
    AlertsModel *m_alerts;
    AlertSilencesModel *m_silences;
    AlertHistoryModel *m_history;
    AlertRulesModel *m_rules;
    QList<QSortFilterProxyModel *> m_tabFilters; // Firing, Pending, Silenced
    QList<QTableView *> m_alertTables; // Firing, Pending, Silenced
    QTableView *m_silencesTable;
    QTableView *m_historyTable;
    QTabWidget *m_tabs;
    QLabel *m_error;
    QLabel *m_status;
    QAction *m_acknowledge;
    QAction *m_silence;
    QAction *m_expire;
    QAction *m_openRule;
    QAction *m_dashboard;
    QAction *m_jobs;
    QTimer *m_timer;
};

} // namespace twinops
