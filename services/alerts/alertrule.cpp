#include "alerts/alertrule.h"

#include "checks/check.h"
#include "core/jsonio.h"
#include "notify/alertnotice.h"

#include <QJsonArray>
#include <QRegularExpression>

#include <cmath>

namespace twinops {

bool AlertRule::breachedBy(double value) const
{
    if (comparison == QLatin1String(">"))
        return value > threshold;
    if (comparison == QLatin1String(">="))
        return value >= threshold;
    if (comparison == QLatin1String("<"))
        return value < threshold;
    return value <= threshold;
}

int AlertRule::windowSeconds() const
{
    return params.value(QStringLiteral("window_seconds")).toInt(300);
}

const QList<AlertKind> &alertKinds()
{
    static const QList<AlertKind> kinds{
        {QStringLiteral("error_rate"),
         QStringLiteral("5xx answers / all requests in the window (0..1)"),
         {},
         true,
         QStringLiteral("sum(increase(twinops_http_requests_total{status=~\"5..\"}[%W])) / "
                        "sum(increase(twinops_http_requests_total[%W])) %C %T")},
        {QStringLiteral("ttft_p95"),
         QStringLiteral("p95 chat time to first token in the window, seconds"),
         {},
         true,
         QStringLiteral(
             "histogram_quantile(0.95, sum by (le) (increase(twinops_chat_ttft_seconds_bucket[%W]))) %C %T")},
        {QStringLiteral("job_success_rate"),
         QStringLiteral("completed / finished attempts (retried, discarded, lost) of jobs of params.type in the "
                        "window (0..1); cancelled attempts do not count"),
         {QStringLiteral("type")},
         true,
         QStringLiteral("sum(increase(twinops_job_attempts_total{type=\"%P\",outcome=\"completed\"}[%W])) / "
                        "sum(increase(twinops_job_attempts_total{type=\"%P\",outcome=~\"completed|retried|discarded|"
                        "lost\"}[%W])) %C %T")},
        {QStringLiteral("auth_failure_rate"),
         QStringLiteral("(401 + 403 answers) / all requests in the window (0..1)"),
         {},
         true,
         QStringLiteral("sum(increase(twinops_http_requests_total{status=~\"401|403\"}[%W])) / "
                        "sum(increase(twinops_http_requests_total[%W])) %C %T")},
        {QStringLiteral("database_errors"),
         QStringLiteral("requests failed on the database in the window"),
         {},
         true,
         QStringLiteral("sum(increase(twinops_database_errors_total[%W])) %C %T")},
        {QStringLiteral("queue_stalled"),
         QStringLiteral("1 when jobs waited over 60 s and none was claimed meanwhile, else 0 (read from the queue)"),
         {},
         false,
         QStringLiteral("max(twinops_job_queue_stalled) %C %T")},
        {QStringLiteral("discarded_jobs_per_minute"),
         QStringLiteral("attempts that discarded their job (of params.type, or any) per minute in the window"),
         {QStringLiteral("type")},
         true,
         QStringLiteral("sum(increase(twinops_job_attempts_total{outcome=\"discarded\"%P}[%W])) / (%S / 60) %C %T")},
        {QStringLiteral("route_server_errors_per_minute"),
         QStringLiteral("5xx answers per minute in the window, per route (label route)"),
         {},
         true,
         QStringLiteral(
             "sum by (route) (increase(twinops_http_requests_total{status=~\"5..\"}[%W])) / (%S / 60) %C %T")},
        {QStringLiteral("login_failures_per_minute"),
         QStringLiteral("401 answers to POST /api/v1/auth/login per minute in the window"),
         {},
         true,
         QStringLiteral("sum(increase(twinops_http_requests_total{route=\"/api/v1/auth/login\",status=\"401\"}[%W])) / "
                        "(%S / 60) %C %T")},
        {QStringLiteral("new_job_error"),
         QStringLiteral("jobs that failed in the window with an error signature (services/jobs/errorsignature.h) not "
                        "seen in the 24 h before, per signature (labels signature, type); read from the jobs table"),
         {},
         true,
         {}},
        {QStringLiteral("checklist_item_failed"),
         QStringLiteral("1 for each automated item that failed in the newest finished scheduled checklist run, 0 for "
                        "the others (labels item, checklist); no samples while the schedule is off"),
         {},
         false,
         {}},
    };
    return kinds;
}

const AlertKind *findAlertKind(const QString &name)
{
    for (const AlertKind &kind : alertKinds()) {
        if (kind.name == name)
            return &kind;
    }
    return nullptr;
}

namespace {

const QStringList kComparisons{QStringLiteral(">"), QStringLiteral(">="), QStringLiteral("<"), QStringLiteral("<=")};
constexpr int kMaxForSeconds = 7 * 24 * 3600;

// A label name as Prometheus allows it, and not one the alert sets itself.
bool validLabelName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-zA-Z_][a-zA-Z0-9_]{0,63}$"));
    return pattern.match(name).hasMatch() && name != QLatin1String("alertname") && name != QLatin1String("severity")
        && !name.startsWith(QLatin1String("__"));
}

} // namespace

QList<AlertRule> shippedAlertRules()
{
    const Thresholds runbook;
    const auto rule = [](int n, const char *name, const char *kind, QJsonObject params, const char *comparison,
                         double threshold, int forSeconds, const char *severity, const char *runbookText) {
        AlertRule r;
        r.id = QStringLiteral("00000000-0000-4000-8000-%1").arg(n, 12, 16, QLatin1Char('0'));
        r.name = QString::fromUtf8(name);
        r.kind = QString::fromLatin1(kind);
        r.params = std::move(params);
        r.comparison = QString::fromLatin1(comparison);
        r.threshold = threshold;
        r.forSeconds = forSeconds;
        r.severity = QString::fromLatin1(severity);
        r.runbook = QString::fromUtf8(runbookText);
        return r;
    };
    const auto window = [](int seconds) { return QJsonObject{{QStringLiteral("window_seconds"), seconds}}; };
    // The checks pass below a maximum and above a minimum: the rules fire on the other side.
    return {
        rule(1, "HTTP error rate", "error_rate", window(300), ">=", runbook.maxErrorRate, 300, "critical",
             "More than 1 % of requests answered 5xx. Look at the 5xx per route alert and the journal."),
        rule(2, "Chat time to first token", "ttft_p95", window(300), ">=", runbook.maxTtftP95Seconds, 300, "warning",
             "p95 time to first token is 3 s or more. Check the chat provider and the http-work pool."),
        rule(3, "Graph job success", "job_success_rate",
             {{QStringLiteral("type"), QStringLiteral("graph_extraction")}, {QStringLiteral("window_seconds"), 900}},
             "<=", runbook.minJobSuccessRate, 600, "warning",
             "Graph extraction succeeds 95 % of the time or less. Look at the discarded jobs and their errors."),
        rule(4, "401/403 spike", "auth_failure_rate", window(300), ">", runbook.maxAuthFailureRate, 300, "warning",
             "Over 5 % of requests were refused 401 or 403: a broken client or someone guessing keys."),
        rule(5, "Database errors", "database_errors", window(300), ">", runbook.maxDatabaseErrors, 0, "critical",
             "Requests failed because the database was unavailable. Check the database server and the disk."),
        rule(6, "Job queue stalled", "queue_stalled", {}, ">=", 1, 60, "critical",
             "Jobs wait and none was claimed for a minute: no worker runs anywhere, or every worker is wedged."),
        rule(7, "Discarded jobs", "discarded_jobs_per_minute", window(300), ">", 1, 300, "warning",
             "More than one job a minute is discarded. Look at the jobs list, state discarded."),
        rule(8, "5xx on a route", "route_server_errors_per_minute", window(300), ">", 1, 300, "warning",
             "A route answers 5xx more than once a minute (the route label says which)."),
        rule(9, "Login failures", "login_failures_per_minute", window(300), ">", 10, 300, "warning",
             "More than 10 failed logins a minute: password guessing or a broken client."),
        rule(10, "New job error", "new_job_error", window(600), ">=", 1, 0, "info",
             "A job failed with an error not seen in the 24 hours before (the signature label)."),
        rule(11, "Scheduled check failed", "checklist_item_failed", {}, ">=", 1, 0, "warning",
             "An item of the scheduled checklist run failed (the item label). Open the console's Checklists panel: "
             "the trend shows since when, the newest scheduled run says what it saw."),
    };
}

Result<AlertRule> alertRuleFromJson(const QJsonObject &body, const std::optional<AlertRule> &base)
{
    const bool creating = !base;
    AlertRule rule = base.value_or(AlertRule{});
    JsonFields fields(body);
    const auto text = [&](const QString &name, int maxLength) {
        return creating ? std::optional<QString>(fields.requiredString(name, maxLength))
                        : fields.optionalString(name, maxLength);
    };
    if (auto name = text(QStringLiteral("name"), 100)) {
        rule.name = name->trimmed();
        if (rule.name.isEmpty())
            fields.problem(QStringLiteral("name"), QStringLiteral("must not be empty"));
    }
    if (auto kind = text(QStringLiteral("kind"), 64)) {
        rule.kind = *kind;
        if (!findAlertKind(rule.kind)) {
            QStringList names;
            for (const AlertKind &known : alertKinds())
                names.append(known.name);
            fields.problem(QStringLiteral("kind"), QStringLiteral("must be one of %1").arg(names.join(u", ")));
        }
    }
    if (auto comparison = text(QStringLiteral("comparison"), 2)) {
        rule.comparison = *comparison;
        if (!kComparisons.contains(rule.comparison))
            fields.problem(QStringLiteral("comparison"), QStringLiteral("must be >, >=, < or <="));
    }
    if (auto severity = text(QStringLiteral("severity"), 20)) {
        rule.severity = *severity;
        if (!kAlertSeverities.contains(rule.severity))
            fields.problem(QStringLiteral("severity"), QStringLiteral("must be critical, warning or info"));
    }
    const QJsonValue threshold = body.value(QStringLiteral("threshold"));
    if (threshold.isDouble())
        rule.threshold = threshold.toDouble();
    else if (creating || !threshold.isUndefined())
        fields.problem(QStringLiteral("threshold"), QStringLiteral("must be a number"));
    if (auto forSeconds = fields.optionalInt(QStringLiteral("for_seconds"))) {
        rule.forSeconds = *forSeconds;
        if (*forSeconds < 0 || *forSeconds > kMaxForSeconds)
            fields.problem(QStringLiteral("for_seconds"), QStringLiteral("must be 0 to %1").arg(kMaxForSeconds));
    }
    if (auto runbook = fields.optionalString(QStringLiteral("runbook"), 4000))
        rule.runbook = *runbook;
    if (auto enabled = fields.optionalBool(QStringLiteral("enabled")))
        rule.enabled = *enabled;
    if (auto labels = fields.optionalObject(QStringLiteral("labels"))) {
        rule.labels = *labels;
        for (auto it = labels->begin(); it != labels->end(); ++it) {
            if (!validLabelName(it.key()) || !it.value().isString() || it.value().toString().size() > 200)
                fields.problem(QStringLiteral("labels"),
                               QStringLiteral("each label must be a name [a-zA-Z_][a-zA-Z0-9_]* (not alertname or "
                                              "severity) with a string value of at most 200 characters"));
        }
    }
    if (auto params = fields.optionalObject(QStringLiteral("params")))
        rule.params = *params;
    if (const AlertKind *kind = findAlertKind(rule.kind)) {
        for (auto it = rule.params.begin(); it != rule.params.end(); ++it) {
            if (it.key() == QLatin1String("window_seconds") && kind->windowed) {
                const double window = it.value().toDouble(-1);
                if (!it.value().isDouble() || window != std::floor(window) || window < 60
                    || window > kMaxAlertWindowSeconds)
                    fields.problem(QStringLiteral("params"),
                                   QStringLiteral("window_seconds must be a whole number from 60 to %1")
                                       .arg(kMaxAlertWindowSeconds));
            } else if (kind->params.contains(it.key())) {
                if (!it.value().isString() || it.value().toString().isEmpty() || it.value().toString().size() > 100)
                    fields.problem(QStringLiteral("params"),
                                   QStringLiteral("%1 must be a non-empty string").arg(it.key()));
            } else {
                fields.problem(QStringLiteral("params"),
                               QStringLiteral("%1 takes no parameter %2").arg(rule.kind, it.key()));
            }
        }
    }
    TWINOPS_TRY(fields.status());
    return rule;
}

QJsonObject alertRuleJson(const AlertRule &rule)
{
    return {{QStringLiteral("id"), rule.id},
            {QStringLiteral("name"), rule.name},
            {QStringLiteral("kind"), rule.kind},
            {QStringLiteral("params"), rule.params},
            {QStringLiteral("comparison"), rule.comparison},
            {QStringLiteral("threshold"), rule.threshold},
            {QStringLiteral("for_seconds"), rule.forSeconds},
            {QStringLiteral("severity"), rule.severity},
            {QStringLiteral("labels"), rule.labels},
            {QStringLiteral("runbook"), rule.runbook},
            {QStringLiteral("enabled"), rule.enabled},
            {QStringLiteral("created_at"), isoTime(rule.createdAt)},
            {QStringLiteral("updated_at"), isoTime(rule.updatedAt)}};
}

} // namespace twinops
