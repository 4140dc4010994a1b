#pragma once

#include <QByteArray>

namespace twinops {

// The standard process_* families of the Prometheus client libraries (CPU seconds, resident and virtual memory,
// open and maximum file descriptors, start time), read from /proc/self when scraped, in the text format 0.0.4.
// Kept apart from MetricsRegistry, whose families are twinops_* and are recorded, not read: /metrics appends
// this to the registry's text. Empty where /proc is missing (not Linux).
QByteArray processMetricsText();

} // namespace twinops
