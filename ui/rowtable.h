#pragma once

#include <QHeaderView>
#include <QTableView>

namespace twinops {

// A read-only table of whole rows, one selected at a time, with a context menu of its own and the last column
// stretched: how the console's browsing tables behave.
inline void setupRowTable(QTableView *table, const QString &name, QAbstractItemModel *model)
{
    table->setObjectName(name);
    table->setModel(model);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setContextMenuPolicy(Qt::CustomContextMenu);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
}

} // namespace twinops
