#pragma once

// What the console (GUI) tests do the way a user does, one way each: show a panel, find a widget by its object name,
// find and click a row, read a cell, open a context menu, call the HTTP API without blocking the GUI thread, create
// through the admin API in process, write a file to upload, read a chart's line.
#include "admin/inprocessadminapi.h"
#include "checks/apiclient.h"
#include "servicecore.h"

#include <QAbstractItemModel>
#include <QAbstractItemView>
#include <QApplication>
#include <QContextMenuEvent>
#include <QDialog>
#include <QFile>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QTabBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTextCursor>
#include <QTextDocument>
#include <QTimer>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLineSeries>

#include <algorithm>
#include <chrono>
#include <future>

namespace twinops::test {

// Shows a top-level widget at `size` and waits until the window system has exposed it (what input and painting need).
[[nodiscard]] inline bool showAndWait(QWidget &widget, QSize size)
{
    widget.resize(size);
    widget.show();
    return QTest::qWaitForWindowExposed(&widget);
}

// The widget (or other object) below `parent` named `name`; null, with a warning naming it, when there is none.
template<typename T> T *child(const QObject &parent, const QString &name)
{
    auto *found = parent.findChild<T *>(name);
    if (!found)
        qWarning("no %s named %s", T::staticMetaObject.className(), qPrintable(name));
    return found;
}

// Clicks `text` in a text browser (the first occurrence after `after`, if given), as a user clicks a link there.
inline bool clickText(QTextBrowser *browser, const QString &text, const QString &after = {})
{
    QTextDocument *document = browser->document();
    QTextCursor from(document);
    if (!after.isEmpty()) {
        from = document->find(after);
        if (from.isNull())
            return false;
    }
    const QTextCursor found = document->find(text, from);
    if (found.isNull())
        return false;
    QTextCursor inside(document);
    inside.setPosition(found.selectionStart() + 1);
    browser->setTextCursor(inside);
    browser->ensureCursorVisible();
    const QPoint at = browser->cursorRect(inside).center();
    QTest::mouseClick(browser->viewport(), Qt::LeftButton, {}, at);
    return true;
}

// The first row whose `column` shows `text`, or -1.
inline int rowWithText(const QAbstractItemModel *model, const QString &text, int column = 0)
{
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, column).data().toString() == text)
            return row;
    }
    return -1;
}

// What the cell at (`row`, `column`) shows.
inline QString cellText(const QAbstractItemModel *model, int row, int column)
{
    return model->index(row, column).data().toString();
}

// What `column` shows in the row whose `keyColumn` shows `key`; empty when no row does.
inline QString cellText(const QAbstractItemView *view, const QString &key, int column, int keyColumn = 0)
{
    const int row = rowWithText(view->model(), key, keyColumn);
    return row < 0 ? QString() : cellText(view->model(), row, column);
}

// Scrolls to the cell and clicks its middle, with `modifiers` held.
inline void clickIndex(QAbstractItemView *view, const QModelIndex &index, Qt::KeyboardModifiers modifiers = {})
{
    view->scrollTo(index);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, modifiers, view->visualRect(index).center());
}

// Clicks the tab whose data is `data` (the Jobs panel's state tabs: a state's name, "" for All); false if none has.
inline bool clickTab(QTabBar *tabs, const QVariant &data)
{
    for (int tab = 0; tab < tabs->count(); ++tab)
        if (tabs->tabData(tab) == data) {
            QTest::mouseClick(tabs, Qt::LeftButton, {}, tabs->tabRect(tab).center());
            return tabs->currentIndex() == tab;
        }
    return false;
}

// Clicks the first column of `row`.
inline void clickRow(QAbstractItemView *view, int row, Qt::KeyboardModifiers modifiers = {})
{
    clickIndex(view, view->model()->index(row, 0), modifiers);
}

// The confirmation dialog (ui/confirmdialog.h) named `name` that `parent` opened, once it shows; null after 5 s.
inline QDialog *waitForConfirmation(const QObject &parent, const QString &name)
{
    QDialog *dialog = nullptr;
    const bool shown = QTest::qWaitFor(
        [&] {
            dialog = parent.findChild<QDialog *>(name);
            return dialog && dialog->isVisible();
        },
        5000);
    return shown ? dialog : nullptr;
}

// Confirms it as a user does: types `typed` into its name field (when given), then clicks its destructive button.
// False when the dialog never showed or its button stayed disabled.
inline bool confirmAction(const QObject &parent, const QString &name, const QString &typed = {})
{
    QDialog *dialog = waitForConfirmation(parent, name);
    if (!dialog)
        return false;
    if (!typed.isEmpty()) {
        auto *field = dialog->findChild<QLineEdit *>(QStringLiteral("confirmNameField"));
        if (!field)
            return false;
        QTest::keyClicks(field, typed);
    }
    auto *button = dialog->findChild<QPushButton *>(name + QStringLiteral("Button"));
    if (!button || !button->isEnabled())
        return false;
    QTest::mouseClick(button, Qt::LeftButton);
    return true;
}

// Opens `view`'s context menu on `index` as a right click does; returns what it offers (text → enabled) and triggers
// `trigger` when it is offered and enabled (otherwise just closes the menu).
inline QHash<QString, bool> contextMenu(QAbstractItemView *view, const QModelIndex &index, const QString &trigger = {})
{
    QHash<QString, bool> offered;
    QTimer poll; // the menu runs its own event loop: answer it from there
    poll.setInterval(10);
    QObject::connect(&poll, &QTimer::timeout, [&] {
        auto *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget());
        if (!menu)
            return;
        poll.stop();
        QAction *chosen = nullptr;
        for (QAction *action : menu->actions()) {
            if (action->isSeparator())
                continue;
            offered.insert(action->text(), action->isEnabled());
            if (action->text() == trigger && action->isEnabled())
                chosen = action;
        }
        menu->close();
        if (chosen)
            chosen->trigger();
    });
    poll.start();
    view->scrollTo(index);
    const QPoint at = view->visualRect(index).center();
    QContextMenuEvent event(QContextMenuEvent::Mouse, at, view->viewport()->mapToGlobal(at));
    QApplication::sendEvent(view->viewport(), &event);
    return offered;
}

// The same on the first column of `row`.
inline QHash<QString, bool> contextMenu(QAbstractItemView *view, int row, const QString &trigger = {})
{
    return contextMenu(view, view->model()->index(row, 0), trigger);
}

// A request to a running endpoint. ApiClient blocks in an event loop of its own, so it runs off the GUI thread while
// this one keeps serving events. With `actingTenant` it is sent inside that tenant (X-Twinops-Tenant).
inline ApiReply httpCall(const QUrl &base, const QByteArray &method, const QString &path,
                         const QJsonValue &body = QJsonValue(QJsonValue::Undefined), const QString &bearer = {},
                         const QString &actingTenant = {})
{
    using namespace std::chrono_literals;
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!actingTenant.isEmpty())
        headers.append({QByteArrayLiteral("X-Twinops-Tenant"), actingTenant.toLatin1()});
    auto reply
        = std::async(std::launch::async, [=] { return ApiClient(base).send(method, path, body, bearer, headers); });
    // Generous: the answer may cross a socket to another process, on a machine that may be busy building.
    if (!QTest::qWaitFor([&] { return reply.wait_for(0ms) == std::future_status::ready; }, 30'000))
        qWarning("%s %s is still running", method.constData(), qPrintable(path));
    return reply.get();
}

// POSTs `body` through the admin API in process (inside `tenant` when given); the new item's id, or empty unless 201.
inline QString postJson(ServiceCore &core, const QString &path, const QJsonObject &body, const QString &tenant = {})
{
    InProcessAdminApi api(core);
    const AdminReply reply = api.call("POST", path, body, tenant);
    return reply.status == 201 ? reply.body.value(QLatin1String("id")).toString() : QString();
}

// The evidence the Checklists panel shows below an item's message ("Evidence:" and the JSON), or an empty object.
inline QJsonObject shownEvidence(const QString &paneText)
{
    static const QLatin1String heading("Evidence:\n");
    const qsizetype at = paneText.indexOf(heading);
    return at < 0 ? QJsonObject() : QJsonDocument::fromJson(paneText.mid(at + heading.size()).toUtf8()).object();
}

// A small manual for the sources tests to upload and index: two sections, a few facts.
inline constexpr char kPumpManual[] = "# Pump manual\n\nThe main pump feeds the boiler at 40 bar.\n\n"
                                      "## Maintenance\n\nReplace the seals every 2000 hours.\n";

// Writes `content` to `name` in `dir`; the file's path, or empty when it could not be written.
inline QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &content)
{
    QFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        return {};
    return file.fileName();
}

// The line named `name` (object name or legend) in the chart view `chart` below `panel`, or null.
inline QLineSeries *chartSeries(const QWidget &panel, const QString &chart, const QString &name)
{
    auto *view = panel.findChild<QChartView *>(chart);
    if (!view)
        return nullptr;
    const QList<QAbstractSeries *> all = view->chart()->series();
    for (QAbstractSeries *series : all) {
        if (series->objectName() == name || series->name() == name)
            return qobject_cast<QLineSeries *>(series);
    }
    return nullptr;
}

// The highest value of the line, or -1 for no line or no points.
inline double highest(const QLineSeries *series)
{
    double top = -1;
    if (series) {
        const QList<QPointF> points = series->points();
        for (const QPointF &point : points)
            top = std::max(top, point.y());
    }
    return top;
}

} // namespace twinops::test
