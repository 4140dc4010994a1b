#pragma once

#include <QSettings>
#include <QString>

#include <memory>

class QMainWindow;
class QWidget;

namespace twinops {

// What the console remembers between runs in a file of its own (window-state.ini beside console.ini): the window's
// geometry, the last environment, and per panel the column widths, order and sort of every named table and the sizes
// of every named splitter. Layout only, never data or secrets. Without a file (tests, a read-only home) nothing is
// remembered and nothing fails. The file is read once and held: switching environments saves and restores every panel,
// which must not read and write a file each time on the GUI thread; QSettings writes the changes back later in one go,
// and sync() at the window's close.
class ViewState final
{
public:
    ViewState() = default;
    explicit ViewState(const QString &path);

    bool enabled() const { return m_settings != nullptr; }

    // Every named table header and splitter below `root`, under `scope` (the panel's object name).
    void save(const QWidget &root, const QString &scope);
    void restore(QWidget &root, const QString &scope) const;

    // The geometry, and the sizes of the central widget when it is a splitter (the navigation's width).
    void saveWindow(const QMainWindow &window);
    void restoreWindow(QMainWindow &window) const;

    // The saved environment's id, "" for Local.
    void saveEnvironment(const QString &id);
    QString environment() const;

    // Writes what was saved to the file now.
    void sync();

private:
    std::unique_ptr<QSettings> m_settings;
};

} // namespace twinops
