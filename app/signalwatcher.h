#pragma once

#include <QObject>

class QSocketNotifier;

namespace twinops::app {

// Turns SIGINT/SIGTERM into a Qt signal on the thread that owns this object (the self-pipe trick: the
// handler only writes a byte, which is async-signal-safe).
class SignalWatcher final : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

signals:
    void terminationRequested(int signalNumber);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace twinops::app
