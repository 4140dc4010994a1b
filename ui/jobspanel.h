#pragma once

#include <QJsonObject>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace twinops {

class AdminClient;
class JobsModel;
struct AdminReply;

// The support view of the queue: every tenant's jobs, filtered, counted per state, one job's detail with its log
// lines, and retry/cancel on the selection or on everything matching the filter (after a count and a confirmation
// in the confirm bar). Everything goes through the environment's AdminClient; nothing waits on the GUI thread.
class JobsPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit JobsPanel(AdminClient &client, QWidget *parent = nullptr);

    JobsModel *model() const { return m_model; }

private:
    enum class Bulk { None, Retry, Cancel };

    void applyFilter();
    void showCounts(const QJsonObject &counts, qint64 matching);
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
    QLabel *m_counts;
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
    Bulk m_pendingBulk = Bulk::None;
    bool m_awaitingCount = false;
    qint64 m_matching = -1;
    QString m_detailJobId;
    QString m_detailText;
};

} // namespace twinops
