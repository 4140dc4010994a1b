#pragma once

#include <QObject>

class QSocketNotifier;

namespace twinops::app {

// Turns SIGINT/SIGTERM and SIGHUP into Qt signals on the thread that owns this object (the self-pipe trick: the
// handler only writes a byte, which is async-signal-safe). While one exists, SIGHUP no longer ends the process.
class SignalWatcher final : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

signals:
    void terminationRequested(int signalNumber);
    void reloadRequested(); // SIGHUP: reopen the logs and reread the configuration

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace twinops::app
