#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>

namespace twinops {

// Past checklist runs, newest first (GET /api/v1/admin/checks "runs"). The list comes without results, so a run's
// summary counts are filled in from its full JSON (updateRun) when the console loads it. Refreshing updates rows
// in place and inserts new runs, instead of resetting.
class ChecklistRunsModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Title, Target, Status, Started, Finished, Summary, ColumnCount };
    enum Role {
        RawValueRole = Qt::UserRole + 1, // for sorting: QDateTime for the times, the fail count for the summary
        RunIdRole,
    };

    explicit ChecklistRunsModel(QObject *parent = nullptr);

    void setRuns(const QJsonArray &runs);
    // A run's full JSON (with results and summary): updates its row, or inserts it at the top when it is new.
    void updateRun(const QJsonObject &run);

    QString runId(int row) const;
    int rowOfRun(const QString &id) const;
    // Runs whose summary has not been seen yet, or that were still running when it was.
    QStringList runsWithoutSummary() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        QString id;
        QString title;
        QString target;
        QString status;
        QDateTime started;
        QDateTime finished;
        QJsonObject summary; // empty until the run's full JSON was seen

        bool operator==(const Row &other) const = default;
    };
    static Row rowFromJson(const QJsonObject &json);
    void replaceRow(int row, const Row &value);

    QList<Row> m_rows;
};

} // namespace twinops
