#pragma once

#include <QString>

class QMainWindow;
class QWidget;

namespace twinops {

// What the console remembers between runs in a file of its own (window-state.ini beside console.ini): the window's
// geometry, the last environment, and per panel the column widths, order and sort of every named table and the sizes
// of every named splitter. Layout only, never data or secrets. Without a file (tests, a read-only home) nothing is
// remembered and nothing fails.
class ViewState final
{
public:
    ViewState() = default;
    explicit ViewState(QString path);

    bool enabled() const { return !m_path.isEmpty(); }

    // Every named table header and splitter below `root`, under `scope` (the panel's object name).
    void save(const QWidget &root, const QString &scope) const;
    void restore(QWidget &root, const QString &scope) const;

    // The geometry, and the sizes of the central widget when it is a splitter (the navigation's width).
    void saveWindow(const QMainWindow &window) const;
    void restoreWindow(QMainWindow &window) const;

    // The saved environment's id, "" for Local.
    void saveEnvironment(const QString &id) const;
    QString environment() const;

private:
    QString m_path;
};

} // namespace twinops
