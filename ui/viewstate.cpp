#include "viewstate.h"

#include <QAbstractItemView>
#include <QHeaderView>
#include <QMainWindow>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <QTreeView>
#include <QWidget>

namespace twinops {

namespace {

// A table's key is its object name: a view without one is not remembered (any other key would change with the
// widget tree).
QString headerKey(const QString &scope, const QAbstractItemView &view)
{
    return view.objectName().isEmpty() ? QString() : scope + QStringLiteral("/tables/") + view.objectName();
}

QString splitterKey(const QString &scope, const QSplitter &splitter)
{
    return splitter.objectName().isEmpty() ? QString() : scope + QStringLiteral("/splitters/") + splitter.objectName();
}

// The column header of a table or a tree; lists have none.
QHeaderView *horizontalHeader(QAbstractItemView *view)
{
    if (auto *table = qobject_cast<QTableView *>(view))
        return table->horizontalHeader();
    if (auto *tree = qobject_cast<QTreeView *>(view))
        return tree->header();
    return nullptr;
}

} // namespace

ViewState::ViewState(const QString &path)
    : m_settings(path.isEmpty() ? nullptr : std::make_unique<QSettings>(path, QSettings::IniFormat))
{ }

void ViewState::sync()
{
    if (enabled())
        m_settings->sync();
}

void ViewState::save(const QWidget &root, const QString &scope)
{
    if (!enabled() || scope.isEmpty())
        return;
    QSettings &settings = *m_settings;
    for (QAbstractItemView *view : root.findChildren<QAbstractItemView *>()) {
        const QString key = headerKey(scope, *view);
        QHeaderView *header = horizontalHeader(view);
        if (!key.isEmpty() && header && header->count() > 0)
            settings.setValue(key, header->saveState());
    }
    for (QSplitter *splitter : root.findChildren<QSplitter *>()) {
        if (const QString key = splitterKey(scope, *splitter); !key.isEmpty())
            settings.setValue(key, splitter->saveState());
    }
}

void ViewState::restore(QWidget &root, const QString &scope) const
{
    if (!enabled() || scope.isEmpty())
        return;
    const QSettings &settings = *m_settings;
    for (QAbstractItemView *view : root.findChildren<QAbstractItemView *>()) {
        const QString key = headerKey(scope, *view);
        QHeaderView *header = horizontalHeader(view);
        // A state saved for another number of columns (an older release) is left alone: Qt would misplace them.
        if (!key.isEmpty() && header && settings.contains(key)) {
            const int columns = header->count();
            const QByteArray state = settings.value(key).toByteArray();
            if (!header->restoreState(state) || header->count() != columns)
                header->reset();
        }
    }
    for (QSplitter *splitter : root.findChildren<QSplitter *>()) {
        if (const QString key = splitterKey(scope, *splitter); !key.isEmpty() && settings.contains(key))
            splitter->restoreState(settings.value(key).toByteArray());
    }
}

void ViewState::saveWindow(const QMainWindow &window)
{
    if (!enabled())
        return;
    QSettings &settings = *m_settings;
    settings.setValue(QStringLiteral("window/geometry"), window.saveGeometry());
    if (const auto *splitter = qobject_cast<const QSplitter *>(window.centralWidget()))
        settings.setValue(QStringLiteral("window/splitter"), splitter->saveState());
}

void ViewState::restoreWindow(QMainWindow &window) const
{
    if (!enabled())
        return;
    const QSettings &settings = *m_settings;
    if (settings.contains(QStringLiteral("window/geometry")))
        window.restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    auto *splitter = qobject_cast<QSplitter *>(window.centralWidget());
    if (splitter && settings.contains(QStringLiteral("window/splitter")))
        splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
}

void ViewState::saveEnvironment(const QString &id)
{
    if (!enabled())
        return;
    QSettings &settings = *m_settings;
    settings.setValue(QStringLiteral("window/environment"), id);
}

QString ViewState::environment() const
{
    if (!enabled())
        return {};
    const QSettings &settings = *m_settings;
    return settings.value(QStringLiteral("window/environment")).toString();
}

} // namespace twinops
