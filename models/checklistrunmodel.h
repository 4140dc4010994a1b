#pragma once

#include <QAbstractTableModel>
#include <QJsonObject>
#include <QList>

namespace twinops {

// One checklist run's items, as GET /api/v1/admin/checks/runs/{id} returns them. Polling the same run again updates
// the rows in place (dataChanged on the rows that changed), so a selection and the scroll position survive a
// running check; only a different run resets the model.
class ChecklistRunModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Section, Item, Kind, Status, Message, Duration, ColumnCount };
    enum Role {
        RawValueRole = Qt::UserRole + 1, // for sorting: the status name, the duration in ms, …
        EvidenceRole, // the item's evidence, a QJsonObject
        ItemIdRole, // the checklist item id ("startup-logs")
        ManualRole, // true for an item a person ticks
        SeverityRole, // for "failures first": fail 0, warn 1, pending manual 2, skipped 3, pending 4, pass 5
    };

    explicit ChecklistRunModel(QObject *parent = nullptr);

    // Shows `run` (the API's run JSON). Same run and same items: changed rows are updated in place.
    void setRun(const QJsonObject &run);
    void clear();

    const QString &runId() const { return m_runId; }
    const QJsonObject &run() const { return m_run; }
    QString status() const;
    int automatedCount() const;
    int automatedFinishedCount() const;
    QModelIndex indexOfItem(const QString &itemId, int column = Item) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        QString itemId;
        QString section;
        QString title;
        QString kind;
        QString check;
        QString status;
        QString message;
        QString note;
        QString checkedBy;
        QString checkedAt;
        qint64 durationMs = 0;
        QJsonObject evidence;

        static Row fromJson(const QJsonObject &json);
        bool operator==(const Row &other) const = default;
    };

    QString m_runId;
    QJsonObject m_run;
    QList<Row> m_rows;
};

} // namespace twinops
