#pragma once

#include <QElapsedTimer>
#include <QJsonObject>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTableView;
class QTimer;

namespace twinops {

class AdminClient;
class ErrorGroupsView;
class JobsModel;
struct AdminReply;

// The support view of the queue: every tenant's jobs, filtered, counted per state, one job's detail with its log
// lines, and retry/cancel on the selection or on everything matching the filter (after a count and a confirmation
// in the confirm bar). Everything goes through the environment's AdminClient; nothing waits on the GUI thread.
// While visible and "Live" is on, the counts, the rows on screen and the selected job's detail follow the environment
// (JobsModel::refresh, one tick at a time, the next one a pause after the previous answered).
// A second tab, "Error groups" (ErrorGroupsView), groups the failed jobs by error signature.
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

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    enum class Bulk { None, Retry, Cancel };

    void applyFilter();
    void showCounts(const QJsonObject &counts, qint64 matching, quint64 serial);
    void liveTick();
    void scheduleLive(bool soon = false);
    void liveTickFinished(const QString &error);
    void showDetail();
    void showLogs(const QString &jobId, const AdminReply &reply);
    void actOnSelection(bool retry);
    void askBulk(Bulk bulk);
    void confirmBulk();
    void dismissBulk();
    void showError(const QString &message);
    void updateButtons();
    QStringList selectedIds() const;

    AdminClient &m_client;
    JobsModel *m_model;
    QComboBox *m_state;
    QLineEdit *m_type;
    QLineEdit *m_tenant;
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
    QPlainTextEdit *m_detail;
    QPushButton *m_retry;
    QPushButton *m_cancel;
    QPushButton *m_retryMatching;
    QPushButton *m_cancelMatching;
    QWidget *m_confirmBar;
    QLabel *m_confirmText;
    QPushButton *m_confirm;
    QTimer *m_liveTimer;
    QTabWidget *m_tabs;
    ErrorGroupsView *m_errorGroups; // the "Error groups" tab
    QElapsedTimer m_tickClock;
    int m_liveInterval = 2000;
    qint64 m_lastTickMs = 0;
    bool m_shown = false;
    bool m_liveError = false; // the error shown is a live tick's, cleared by the next tick that succeeds
    Bulk m_pendingBulk = Bulk::None;
    bool m_awaitingCount = false;
    quint64 m_countSerial = 0; // the count a pending bulk action waits for
    qint64 m_matching = -1;
    QString m_detailJobId;
    QString m_detailText;
};

} // namespace twinops
