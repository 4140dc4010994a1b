#pragma once

#include "checklistrunmodel.h"
#include "checklistrunsmodel.h"
#include "checklisttrendmodel.h"

#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;

namespace twinops {

class AdminClient;
struct AdminReply;

// Runs the staging checklist of docs/checks.md against the selected environment, follows the run while the server
// works through it, shows each item with its evidence, ticks manual items with a note, browses past runs and
// exports one as Markdown or JSON, shows each automated item's trend over the newest runs and sets the environment's
// checklist schedule. Everything goes through the AdminClient, so nothing here waits on the GUI thread.
class ChecklistsPanel final : public QWidget
{
    Q_OBJECT
public:
    enum class Format { Markdown, Json };

    // defaultBaseUrl: what a run checks when no URL is typed (the console passes its embedded endpoint); empty
    // lets the server check itself at the address the request reached it on.
    ChecklistsPanel(AdminClient &client, QString defaultBaseUrl, QWidget *parent = nullptr);
    ~ChecklistsPanel() override;

    // Writes the shown run to `path` as the server renders it (asynchronous: exportFinished says when).
    void exportTo(const QString &path, Format format);
    ChecklistRunModel *runModel() { return &m_runModel; }
    ChecklistRunsModel *runsModel() { return &m_runsModel; }
    ChecklistTrendModel *trendModel() { return &m_trendModel; }
public slots:
    // Reloads the checklists, the past runs, the schedule and the trend (also every 30 s while shown; F5).
    void refresh() { refreshOverview(); }

signals:
    void exportFinished(const QString &path, bool ok);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void refreshOverview();
    void refreshSchedule();
    void saveSchedule();
    void showSchedule(const QJsonObject &schedule);
    void startRun();
    void loadRun(const QString &id);
    void poll();
    void schedulePoll();
    void showRun(const QJsonObject &run);
    void showCurrentItem();
    void tickCurrentItem();
    void exportWithDialog(Format format);
    void showError(const QString &text);
    void clearError();

    AdminClient &m_client;
    QString m_defaultBaseUrl;
    ChecklistRunModel m_runModel;
    ChecklistRunsModel m_runsModel;
    ChecklistTrendModel m_trendModel;
    QString m_runId; // the run wanted on screen; m_runModel shows it once its JSON arrived
    QTimer m_pollTimer;
    QTimer m_refreshTimer; // scheduled runs finish on their own: the lists follow while the panel is shown
    bool m_scheduleLoaded = false; // the interval box shows the stored value until the user edits it
    bool m_pollInFlight = false;
    bool m_overviewInFlight = false;

    QComboBox *m_checklistPicker;
    QLineEdit *m_target;
    QSpinBox *m_window;
    QPushButton *m_runButton;
    QLabel *m_status;
    QProgressBar *m_progress;
    QLabel *m_error;
    QTableView *m_results;
    QPlainTextEdit *m_evidence;
    QComboBox *m_tickStatus;
    QLineEdit *m_tickNote;
    QPushButton *m_tickButton;
    QTableView *m_pastRuns;
    QPushButton *m_exportMarkdown;
    QPushButton *m_exportJson;
    QTableView *m_trend;
    QSpinBox *m_scheduleInterval;
    QPushButton *m_saveSchedule;
    QLabel *m_scheduleStatus;
};

} // namespace twinops
