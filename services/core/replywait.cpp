#include "core/replywait.h"

#include <QEventLoop>
#include <QNetworkReply>
#include <QTimer>

namespace twinops {

bool waitForReply(QNetworkReply &reply, std::chrono::milliseconds timeout)
{
    if (reply.isFinished())
        return false;
    QEventLoop loop;
    QTimer deadline;
    deadline.setSingleShot(true);
    bool timedOut = false;
    QObject::connect(&deadline, &QTimer::timeout, &loop, [&] {
        timedOut = true;
        reply.abort(); // finished() follows, which ends the loop
    });
    QObject::connect(&reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    deadline.start(timeout);
    loop.exec(QEventLoop::ExcludeUserInputEvents);
    return timedOut;
}

} // namespace twinops
