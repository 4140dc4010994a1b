#include "rowtable.h"

#include <QAbstractButton>
#include <QApplication>
#include <QClipboard>
#include <QMenu>

namespace twinops {

void setRowMenu(QAbstractItemView *view, const std::function<void(QMenu &menu, const QModelIndex &index)> &fill)
{
    view->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(view, &QWidget::customContextMenuRequested, view, [view, fill](const QPoint &position) {
        const QModelIndex index = view->indexAt(position);
        if (!index.isValid())
            return;
        QItemSelectionModel *selection = view->selectionModel();
        if (!selection->isRowSelected(index.row(), index.parent())) {
            selection->select(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            selection->setCurrentIndex(index, QItemSelectionModel::NoUpdate);
        }
        QMenu menu(view);
        fill(menu, index);
        if (!menu.isEmpty())
            menu.exec(view->viewport()->mapToGlobal(position));
    });
}

QAction *addButtonAction(QMenu &menu, QAbstractButton *button)
{
    QAction *action = menu.addAction(button->text(), button, &QAbstractButton::click);
    action->setEnabled(button->isEnabled());
    action->setToolTip(button->toolTip());
    return action;
}

bool clickIfEnabled(QAbstractButton *button)
{
    if (!button->isEnabled())
        return false;
    button->click();
    return true;
}

QAction *addCopyAction(QMenu &menu, const QString &label, const QString &text)
{
    QAction *action = menu.addAction(label, &menu, [text] { QApplication::clipboard()->setText(text); });
    action->setEnabled(!text.isEmpty());
    return action;
}

} // namespace twinops
