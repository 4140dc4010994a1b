#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace twinops {

class AdminClient;
struct AdminReply;

// The pending and firing alerts of one environment (GET /api/v1/admin/alerts), one row per alert (its fingerprint),
// silenced ones included. Each refresh updates the rows in place, appends new alerts and removes the ones that
// went back to inactive, so a selection survives the refreshes. The Alerts panel shows its tabs through TabRole.
class AlertsModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Rule, Severity, State, Labels, Value, Since, ActiveAt, AcknowledgedBy, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole + 1, // the raw value of a cell (number, QDateTime, severity rank)
        FingerprintRole,
        TabRole, // "firing", "pending" (neither silenced) or "silenced"
    };

    explicit AlertsModel(AdminClient &client, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // One alert as the API gave it (rule_id, rule_name, severity, fingerprint, labels, state, since, active_at, value,
    // silenced, acknowledged_by …); empty for a row that is not there.
    QJsonObject alert(int row) const { return m_alerts.value(row); }
    int rowOf(const QString &fingerprint) const;

    // Each rule's own labels (rule id → labels), shown with the alert's: the alerts route gives the series' only.
    void setRuleLabels(const QHash<QString, QJsonObject> &labels);
    // The rule's labels and the alert's own (which win), as Alertmanager shows an alert's label set.
    QJsonObject labels(int row) const;

    // Asks again (an answer overtaken by a newer refresh is dropped).
    void refresh();
    // Acknowledges the alert; refreshes after the answer (acknowledged emits the outcome).
    void acknowledge(const QString &fingerprint);

    // Words for a labels object: "route=/api/v1/chat, type=graph".
    static QString labelsText(const QJsonObject &labels);
    // The other way: "key=value, …" into an object; nullopt (with the reason in `error`) for a malformed pair.
    static std::optional<QJsonObject> labelsFromText(const QString &text, QString *error = nullptr);
    // A cell of the alert tables: a value ("no data" when null) and a time of the API (today's without the date);
    // `sort`: the raw value for SortRole.
    static QVariant valueCell(const QJsonValue &value, bool sort);
    static QVariant timeCell(const QJsonValue &time, bool sort);
    // The colour of a severity (critical red, warning orange, info blue).
    static QVariant severityColour(const QString &severity);

signals:
    void refreshed();
    void errorOccurred(const QString &message);
    void acknowledged(const QString &fingerprint, const QString &error);

private:
    void take(const AdminReply &reply);

    AdminClient &m_client;
    QList<QJsonObject> m_alerts;
    QHash<QString, QJsonObject> m_ruleLabels;
    quint64 m_round = 0;
};

} // namespace twinops
