#pragma once

#include <QHeaderView>
#include <QTableView>

#include <functional>

class QAbstractButton;
class QMenu;

namespace twinops {

// A read-only table of whole rows, one selected at a time, and the last column stretched: how the console's browsing
// tables behave (their context menu: setRowMenu).
inline void setupRowTable(QTableView *table, const QString &name, QAbstractItemModel *model)
{
    table->setObjectName(name);
    table->setModel(model);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
}

// Gives `view` the context menu `fill` builds for the row under the mouse, the one way every table's menu works. As
// file managers do, that row is selected first (a row already in a multi-row selection keeps it), so the panel's
// buttons and slots, which the menu repeats, act on it and are enabled by their own rules. No menu off the rows.
// Tests find the open menu as QApplication::activePopupWidget().
void setRowMenu(QAbstractItemView *view, const std::function<void(QMenu &menu, const QModelIndex &index)> &fill);
// A menu entry that does what `button` does, named and enabled as it is now (after the row was selected).
QAction *addButtonAction(QMenu &menu, QAbstractButton *button);
// Clicks `button` if it is enabled: how Del reaches a panel's destructive button (which asks first). False when it
// is disabled: nothing is selected that it applies to.
bool clickIfEnabled(QAbstractButton *button);
// "Copy …": puts `text` on the clipboard; disabled when there is nothing to copy.
QAction *addCopyAction(QMenu &menu, const QString &label, const QString &text);

} // namespace twinops
