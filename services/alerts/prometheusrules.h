#pragma once

#include "alerts/alertrule.h"

#include <QByteArray>
#include <QList>

#include <chrono>

namespace twinops {

// The enabled rules as a Prometheus alerting rules file (one group "twinops"; alert, expr over docs/metrics.md's
// families, for, keep_firing_for, labels with severity, annotations summary and runbook), for teams that already run
// Prometheus and Alertmanager. A kind with no metric behind it (new_job_error reads the jobs table) is listed in a
// comment instead. `promtool check rules` accepts the output (tst_alerts).
QByteArray prometheusRulesYaml(const QList<AlertRule> &rules, std::chrono::milliseconds keepFiring);

} // namespace twinops
