#include "servicemanager.h"

#include <systemd/sd-daemon.h>

namespace twinops::app {

void notifyServiceManager(const QByteArray &state)
{
    // 0: keep NOTIFY_SOCKET in the environment, so that READY=1 and the later STOPPING=1 both reach it.
    sd_notify(0, state.constData());
}

} // namespace twinops::app
