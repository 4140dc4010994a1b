#pragma once

#include <chrono>

class QNetworkReply;

namespace twinops {

// Blocks the calling thread until `reply` finishes or `timeout` passes, running a local event loop (user input
// excluded) meanwhile, and aborts the reply at the deadline. Answers whether the deadline cut it off. For the
// synchronous clients that run on worker threads (the checklist's API calls, webhook deliveries), never on the GUI
// thread. Handlers the caller connected to the reply (readyRead) run during the wait; reading the outcome and
// deleting the reply stay the caller's.
bool waitForReply(QNetworkReply &reply, std::chrono::milliseconds timeout);

} // namespace twinops
