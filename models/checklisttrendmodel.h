#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <QJsonObject>
#include <QList>

namespace twinops {

// Each automated item of a checklist over its newest finished runs (GET /api/v1/admin/checks/trend): one row per
// item, its title first, then one cell per run, oldest left and newest right, coloured by the item's status in that
// run; the tooltip says when, who started the run and what the check saw. A run that did not run an item (scheduled
// runs leave the smoke tests out) leaves its cell empty.
class ChecklistTrendModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role {
        StatusRole = Qt::UserRole + 1, // pass, warn, fail, skipped; empty where the run did not run the item
        ItemIdRole,
    };

    explicit ChecklistTrendModel(QObject *parent = nullptr);

    void setTrend(const QJsonObject &trend);
    int runCount() const { return int(m_runs.size()); }
    // The row of an item id, or -1.
    int rowOfItem(const QString &id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Run
    {
        QString id;
        QString startedBy;
        QDateTime startedAt;
        QString status;
    };
    struct Cell
    {
        QString status; // empty: not run
        QString message;
    };
    struct Item
    {
        QString id;
        QString title;
        QString section;
        QString check;
        QList<Cell> cells; // one per run
    };
    QString runDescription(const Run &run) const;

    QList<Run> m_runs;
    QList<Item> m_items;
};

} // namespace twinops
