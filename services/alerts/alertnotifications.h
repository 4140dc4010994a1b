#pragma once

#include "alerts/alertengine.h"
#include "notify/alertnotice.h"

namespace twinops {

class WebhookNotifier;

// The notice a webhook receiver is sent for a transition: the alert's labels (alertname, severity, the rule's and
// the series'), its summary and runbook as annotations, the engine's fingerprint (the one the alerts routes take).
AlertNotice alertNotice(const AlertTransition &transition);

// The evaluator's sink that hands a round's unsilenced transitions to `notifier` (one job per receiver per round,
// enqueued in the round's transaction). A silenced transition is kept in the history and sent to nobody, as
// Alertmanager's silences mute notifications, not alerts. `notifier` must outlive the sink.
AlertSink notifyingSink(const WebhookNotifier &notifier);

} // namespace twinops
