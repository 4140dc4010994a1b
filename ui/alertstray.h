#pragma once

#include "alertmonitor.h"

#include <QIcon>
#include <QObject>

class QSystemTrayIcon;

namespace twinops {

// The tray icon of the console: a dot coloured by AlertMonitor's worst status over every environment, a tooltip with
// each environment's counts, a desktop notification for the alerts that started or stopped firing (one message per
// environment and poll), and a click that asks for the Alerts panel. Where the desktop has no tray (offscreen, some
// window managers) there is no icon, but everything else still happens (notified() is emitted), so it stays testable.
class AlertsTray final : public QObject
{
    Q_OBJECT
public:
    explicit AlertsTray(AlertMonitor &monitor, QObject *parent = nullptr);
    ~AlertsTray() override;

    bool iconShown() const;
    QString toolTip() const { return m_toolTip; }
    static QIcon icon(AlertMonitor::Status status);

signals:
    // The Alerts panel of `environment` (the worst one when the icon was clicked) should be shown.
    void openAlertsRequested(int environment);
    // A desktop notification was made (shown where the desktop has a tray).
    void notified(const QString &title, const QString &text);

private:
    void update();
    void notify(int environment, const QList<AlertMonitor::Alert> &alerts, bool fired);

    AlertMonitor &m_monitor;
    QSystemTrayIcon *m_icon = nullptr; // only where the desktop has a tray
    QString m_toolTip;
};

} // namespace twinops
