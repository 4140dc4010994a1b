#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

#include <chrono>

namespace twinops {

class AdminClient;
struct AdminReply;

// Watches the alerts of every environment for the tray: polls GET /api/v1/admin/alerts of each one on a timer (while
// the console runs, whatever panel is shown), keeps each environment's status and the worst of them, and tells which
// alerts started or stopped firing since the previous answer (by fingerprint). Silenced alerts neither colour the
// status nor are announced. The first answer of an environment is its baseline: what already fires then is not
// announced (no burst at start). A failed answer keeps the last known alerts, so nothing is announced for an
// environment while it cannot be read; what changed meanwhile is announced at its next answer. It holds no widget:
// the tray icon (ui/alertstray) shows it when the desktop has a tray, and tests read it where there is none.
class AlertMonitor final : public QObject
{
    Q_OBJECT
public:
    // Ordered from best to worst; the tray shows the worst over all environments (docs/decisions.md).
    enum class Status { Unknown, Ok, Pending, Unreachable, Warning, Critical };
    Q_ENUM(Status)

    struct Alert
    {
        QString fingerprint;
        QString rule;
        QString severity;
        QString labels; // "key=value, …"
        bool silenced = false;
    };
    struct Environment
    {
        QString name;
        Status status = Status::Unknown;
        int firing = 0; // not silenced
        int pending = 0; // not silenced
        QString error; // why the last poll could not read it, in words
    };

    static constexpr std::chrono::seconds kDefaultInterval{15};

    explicit AlertMonitor(QObject *parent = nullptr);

    // Watches these (the picker's order, Local first); every environment starts again from its baseline.
    void setEnvironments(const QList<AdminClient *> &clients);
    void setInterval(std::chrono::milliseconds interval);
    // Polls now and then every interval.
    void start();
    void poll();

    Status status() const { return m_status; }
    QList<Environment> environments() const;
    // The environment whose status is the worst (the first of equals), or -1 when there is none.
    int worstEnvironment() const;
    // One line per environment ("staging: 1 firing, 2 pending"), for the tray's tooltip.
    QStringList summary() const;
    static QString statusText(Status status);

signals:
    void statusChanged(twinops::AlertMonitor::Status status);
    // An environment's answer was taken (its status and counts may have changed).
    void environmentPolled(int environment);
    void alertsFired(int environment, const QList<twinops::AlertMonitor::Alert> &alerts);
    void alertsResolved(int environment, const QList<twinops::AlertMonitor::Alert> &alerts);

private:
    struct Watched
    {
        AdminClient *client = nullptr;
        Environment shown;
        bool baseline = false; // an answer has been taken
        bool asking = false;
        QHash<QString, Alert> firing; // by fingerprint, silenced ones too
    };

    void take(int environment, const AdminReply &reply);
    void updateStatus();

    QList<Watched> m_environments;
    quint64 m_generation = 0; // bumped by setEnvironments: answers for the old list are dropped
    Status m_status = Status::Unknown;
    QTimer m_timer;
};

} // namespace twinops
