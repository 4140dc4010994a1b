#pragma once

#include <QByteArray>

namespace twinops::app {

// Tells the service manager (systemd, Type=notify) how the daemon is doing: "READY=1\nSTATUS=…" once it serves,
// "STOPPING=1" when it begins to stop (sd_notify(3)). Does nothing when NOTIFY_SOCKET is unset, that is when no
// service manager waits for it; a failure to send is not an error of the daemon's.
void notifyServiceManager(const QByteArray &state);

} // namespace twinops::app
