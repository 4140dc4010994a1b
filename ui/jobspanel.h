#pragma once

#include <QElapsedTimer>
#include <QJsonObject>
#include <QWidget>

class QAction;
class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTabBar;
class QTabWidget;
class QTableView;
class QTimer;

namespace twinops {

class AdminClient;
class ErrorGroupsView;
class JobDetailView;
class JobsModel;
class NameDirectory;
class TenantPicker;
struct JobRecord;
struct AdminReply;

// The support view of the queue: every tenant's jobs, filtered (tenant and twin by name or id prefix), one tab per
// state with its live count, sorted by creation either way, one job's structured detail (JobDetailView), and
// retry/cancel on the selection (buttons and a context menu, offered only where the job's state allows it:
// JobActions) or on everything matching the filter (counted first, then asked in a ConfirmDialog). Everything
// goes through the environment's AdminClient; nothing waits on the GUI thread. While visible and "Live" is on, the
// counts, the rows on screen and the selected job's detail follow the environment (JobsModel::refresh, one tick at a
// time, the next one a pause after the previous answered). A second tab, "Error groups" (ErrorGroupsView), groups the
// failed jobs by error signature.
class JobsPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit JobsPanel(AdminClient &client, QWidget *parent = nullptr);

    JobsModel *model() const { return m_model; }
    ErrorGroupsView *errorGroups() const { return m_errorGroups; }
    // Lists the jobs in `state` (a job state's name; empty: any) of `type` (empty: any), the other filters cleared:
    // where an alert about jobs leads.
    void showJobs(const QString &state, const QString &type);
    // Lists the one job `jobId` (the search field holds its id), the other filters cleared: where a link to a job
    // leads.
    void showJob(const QString &jobId);
    // Lists the jobs of one error group (narrowed to a tenant and a type when given), the other filters cleared; the
    // group shows above the list until its "clear" link is followed.
    void showErrorGroup(const QString &signature, const QString &tenantId = {}, const QString &type = {});
    // The least pause between live ticks (2 s); a slow environment gets twice what its last tick took.
    void setLiveInterval(int ms) { m_liveInterval = qMax(1, ms); }

public slots:
    // The main window's F5, Ctrl+F and Del (see MainWindow), on the shown tab: the Jobs tab's search and Discard of
    // the selected jobs (asked first), the Error groups tab's type filter and Discard group….
    void refresh() { applyFilter(); }
    void focusSearch();
    bool deleteSelected();

signals:
    // A tenant, twin, source or conversation link followed (detail or context menu): the main window opens its panel.
    void openRequested(const QString &kind, const QString &id, const QString &tenantId, const QString &twinId);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    enum class Bulk { None, Retry, Cancel };

    void applyFilter();
    // The tenant and twin fields as ids (names and id prefixes resolved), or a sentence saying what is wrong; twin
    // names may have to be listed first, then the filter is applied when they are.
    bool resolveFilter(QString &tenantId, QString &twinId);
    void showStateTabs(const QJsonObject &counts);
    void showContextMenu(const QPoint &position);
    void showCounts(const QJsonObject &counts, qint64 matching, quint64 serial);
    void liveTick();
    void scheduleLive(bool soon = false);
    void liveTickFinished(const QString &error);
    void showDetail();
    void showLogs(const QString &jobId, const AdminReply &reply);
    void copy(const QString &text);
    enum class Action { Retry, Cancel, Discard };
    // Retry at once; Cancel and Discard once confirmed.
    void actOnSelection(Action action);
    void act(Action action, const QStringList &ids);
    // Counts the jobs matching the filter; confirmBulk asks with that count once it arrives.
    void askBulk(Bulk bulk);
    void confirmBulk(qint64 matching);
    QString filterInWords() const; // "Jobs with state failed, type mail.send, tenant Acme"
    void showError(const QString &message);
    void updateButtons();
    QStringList selectedIds() const;
    QList<const JobRecord *> selectedJobs() const;

    AdminClient &m_client;
    JobsModel *m_model;
    NameDirectory *m_names;
    QTabBar *m_stateTabs; // "All" and one tab per state, each with its count; the data is the state's API name
    QLineEdit *m_type;
    TenantPicker *m_tenant; // editable: a name or an id prefix may be typed
    QLineEdit *m_twin;
    QLineEdit *m_text;
    QCheckBox *m_live;
    QLabel *m_counts;
    QLabel *m_newerJobs;
    QLabel *m_errorGroup; // the error group the list is narrowed to, with a link that clears it
    QString m_errorSignature;
    QLabel *m_error;
    QLabel *m_status;
    QTableView *m_table;
    JobDetailView *m_detail;
    QPushButton *m_retry;
    QPushButton *m_cancel;
    QPushButton *m_discard;
    QAction *m_retryAction; // the context menu's; enabled with the buttons (updateButtons)
    QAction *m_cancelAction;
    QAction *m_discardAction;
    QPushButton *m_retryMatching;
    QPushButton *m_cancelMatching;
    QTimer *m_liveTimer;
    QTabWidget *m_tabs;
    ErrorGroupsView *m_errorGroups; // the "Error groups" tab
    QElapsedTimer m_tickClock;
    int m_liveInterval = 2000;
    qint64 m_lastTickMs = 0;
    bool m_shown = false;
    bool m_liveError = false; // the error shown is a live tick's, cleared by the next tick that succeeds
    Bulk m_pendingBulk = Bulk::None; // asked for, waiting for its count
    quint64 m_countSerial = 0; // the count a pending bulk action waits for
    qint64 m_matching = -1;
    bool m_awaitingTwins = false; // the filter is applied once the twin names are listed
};

} // namespace twinops
