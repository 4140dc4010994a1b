#pragma once

#include "checks/databaseinspection.h"
#include "core/result.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QJsonArray>
#include <QList>
#include <QStringList>
#include <QTimer>

#include <chrono>
#include <functional>
#include <optional>

namespace twinops {

class AdminClient;
struct AdminReply;

// The Overview's figures, one row per environment (Local first, then the remote ones in the picker's order), one
// column per figure. Each refresh asks every environment, through its AdminClient (never on the GUI thread), for
// GET /health (version, schema version, health, queue depth, oldest waiting job), GET /admin/checks/schedule (the
// checklist schedule and its newest scheduled run), the last 15 minutes of per-minute rollups of the request counter
// and latency histogram (error rate, p95). Every answer updates its own cells (dataChanged); a failed call puts its
// reason in words into the Error column. The firing alerts come from the console's AlertMonitor (setFiringAlerts),
// which polls every environment's alerts anyway: one request for them, not two. The database details of an environment
// with a DSN come from the panel (setDatabase), which reads them on a thread of its own.
class OverviewModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Name,
        Version,
        SchemaVersion,
        Health, // ok / warn / degraded
        LastChecklist, // the newest run's status
        QueueDepth, // jobs waiting to run
        OldestWaitingSeconds,
        ErrorRatePercent, // 5xx share of the last 15 minutes' requests
        LatencyP95Seconds, // of every route in the last 15 minutes
        FiringAlerts, // empty while the environment has no alerts API
        Database, // the lint's summary, or why the database could not be read
        Error, // why the last refresh could not read everything, in words; empty when it could
        ColumnCount
    };
    enum Role { RawRole = Qt::UserRole + 1 };

    static constexpr std::chrono::minutes kWindow{15};

    explicit OverviewModel(QList<AdminClient *> environments, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Refreshes now and then every interval while active (the panel is active while visible).
    void setActive(bool active);
    void setRefreshInterval(std::chrono::milliseconds interval);
    void refresh();

    // The firing alerts (not silenced) of environment `row`; nullopt while its alerts cannot be read (no alerts API,
    // unreachable), so the card shows no made-up zero.
    void setFiringAlerts(int row, std::optional<qint64> count);
    // What reading environment `row`'s database found (nullopt: it has no DSN).
    void setDatabase(int row, std::optional<Result<DatabaseInspection>> inspection);
    const std::optional<Result<DatabaseInspection>> &database(int row) const { return m_rows.at(row).database; }

    // The words for a failed call: "unreachable: …", "unauthorised: …".
    static QString failureText(const AdminReply &reply);

signals:
    // A refresh of `row` has had all its answers.
    void refreshed(int row);

private:
    struct Environment
    {
        AdminClient *client = nullptr;
        quint64 round = 0; // answers of an older round are dropped
        int pending = 0;
        QStringList errors; // of the current round
        QString error; // of the last complete round
        QString version;
        std::optional<qint64> schemaVersion;
        QString health;
        QString checklist; // the newest scheduled run's status
        QDateTime checklistAt;
        std::optional<int> checklistEvery; // the schedule's interval in minutes; 0 = off
        std::optional<qint64> queueDepth;
        std::optional<double> oldestWaiting;
        std::optional<double> errorRate;
        std::optional<double> p95;
        std::optional<qint64> firingAlerts;
        QJsonArray requests; // history points of the round, combined when both names are in
        QJsonArray latency;
        std::optional<Result<DatabaseInspection>> database;
    };

    void refreshRow(int row);
    // Runs `apply` on the answer when it still belongs to the row's current round, then counts the round down.
    void ask(int row, const QString &path, std::function<void(Environment &, const AdminReply &)> apply);
    void changed(int row, int first, int last);

    QList<Environment> m_rows;
    QTimer m_timer;
};

} // namespace twinops
