#pragma once

#include "checks/check.h"
#include "checks/monitoring.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <vector>

namespace twinops {

// What one run of the checks shares: the target, and the /metrics scrapes that the monitoring items read
// (taken once per run, then every threshold is computed from the same pair).
class CheckContext
{
public:
    explicit CheckContext(TargetEnvironment target, std::function<bool()> stopRequested = {})
        : m_target(std::move(target))
        , m_stopRequested(std::move(stopRequested))
    { }

    const TargetEnvironment &target() const { return m_target; }
    // The two scrapes of the window (thresholds.windowSeconds apart; 0 = one scrape, everything since the
    // target started). The first caller waits for the window.
    const Result<MetricsWindow> &metricsWindow();

private:
    TargetEnvironment m_target;
    std::function<bool()> m_stopRequested;
    std::optional<Result<MetricsWindow>> m_window;
};

// The automated checks by id. A check never throws and never blocks without a deadline; it returns Skipped when
// the target gives it nothing to check (no DSN for a PostgreSQL-only check, for example).
class CheckRegistry
{
public:
    using Function = std::function<CheckResult(CheckContext &)>;
    struct Check
    {
        QString id;
        QString title;
        Function run;
    };

    static const CheckRegistry &builtIn();

    void add(QString id, QString title, Function run);
    const Check *find(const QString &id) const;
    QStringList ids() const;
    // Runs one check, timing it; an unknown id is a failed result, not a crash.
    CheckResult run(const QString &id, CheckContext &context) const;

private:
    std::vector<Check> m_checks;
};

} // namespace twinops
