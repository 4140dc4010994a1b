#include "checks/checklist.h"
#include "checks/checklistrunner.h"
#include "command.h"
#include "core/environment.h"
#include "serving.h"

#include <QJsonDocument>

namespace twinops::app::commands {

namespace {

Status applyThreshold(Thresholds &thresholds, const QString &assignment)
{
    const QString name = assignment.section(u'=', 0, 0).trimmed();
    bool ok = false;
    const double value = assignment.section(u'=', 1).trimmed().toDouble(&ok);
    if (!ok || value < 0)
        return Error::badRequest(QStringLiteral("--threshold expects NAME=NUMBER, got '%1'").arg(assignment));
    if (name == QLatin1String("error_rate"))
        thresholds.maxErrorRate = value;
    else if (name == QLatin1String("ttft_p95"))
        thresholds.maxTtftP95Seconds = value;
    else if (name == QLatin1String("job_success"))
        thresholds.minJobSuccessRate = value;
    else if (name == QLatin1String("auth_failures"))
        thresholds.maxAuthFailureRate = value;
    else if (name == QLatin1String("database_errors"))
        thresholds.maxDatabaseErrors = value;
    else
        return Error::badRequest(QStringLiteral("unknown threshold '%1' (error_rate, ttft_p95, job_success, "
                                                "auth_failures, database_errors)")
                                     .arg(name));
    return {};
}

Outcome run(const Invocation &invocation)
{
    TWINOPS_TRY_ASSIGN(const DatabaseUrl url, invocation.database());
    const QString format = invocation.value(QStringLiteral("format"));
    if (!QStringList{QStringLiteral("text"), QStringLiteral("json"), QStringLiteral("markdown")}.contains(format))
        return Outcome::usage(QStringLiteral("--format expects text, json or markdown"));
    std::optional<int> windowSeconds;
    if (invocation.isSet(QStringLiteral("window"))) {
        const Result<int> seconds = invocation.integer(QStringLiteral("window"), 0, 3600);
        if (!seconds.ok())
            return Outcome::usage(seconds.error().message);
        windowSeconds = *seconds;
    }
    auto checklist = builtInChecklist(invocation.value(QStringLiteral("checklist")));
    if (!checklist.ok())
        return Outcome::usage(checklist.error().message);
    TargetEnvironment target;
    target.adminApiKey = environmentValue("TWINOPS_CHECK_ADMIN_KEY"); // never on the command line (ps)
    target.postgresDsn = invocation.value(QStringLiteral("dsn"));
    for (const QString &assignment : invocation.values(QStringLiteral("threshold"))) {
        if (auto applied = applyThreshold(target.thresholds, assignment); !applied.ok())
            return Outcome::usage(applied.error().message);
    }
    // Against its own embedded instance: the same core as `serve`, on a free loopback port, with workers so
    // that the graph smoke test sees its job run. Metrics are read since start (no window) unless asked.
    std::unique_ptr<ServiceCore> core;
    const QString remote = invocation.value(QStringLiteral("target"));
    if (remote.isEmpty()) {
        EndpointOptions http;
        http.port = 0;
        TWINOPS_TRY_ASSIGN(core, startServing(url, http, 2, std::chrono::seconds(60)));
        target.baseUrl = QUrl(core->endpoint()->baseUrl());
        target.local = true;
        target.localDatabase = url;
        target.secretsDirectory = !environmentValue("TWINOPS_JWT_SECRET").isEmpty() ? QString() : secretsDirectory();
        target.thresholds.windowSeconds = windowSeconds.value_or(0);
    } else {
        target.baseUrl = QUrl(remote);
        if (!target.baseUrl.isValid() || !target.baseUrl.scheme().startsWith(QLatin1String("http")))
            return Outcome::usage(QStringLiteral("--target expects an http(s) URL, e.g. https://staging.example.com"));
        target.thresholds.windowSeconds = windowSeconds.value_or(60);
    }

    // Every run is recorded: in the embedded instance's database, or for a remote target in the local one
    // (opened and migrated as any command does).
    if (!core) {
        TWINOPS_TRY_ASSIGN(core, ServiceCore::start(CoreOptions{url}));
    }
    ChecklistRunRepository repository(core->database());
    const QString startedBy = qEnvironmentVariable("USER", QStringLiteral("twinopsd"));
    // Each item's verdict on stderr as it comes: a remote check can take minutes.
    const auto progress = [](const ChecklistRun &partial, int index) {
        const ChecklistItemResult &item = partial.items.at(index);
        QTextStream(stderr) << "twinopsd: " << checkStatusName(item.result.status) << "  " << item.item.checkId
                            << Qt::endl;
    };
    const ChecklistRun checklistRun
        = runChecklist(*checklist, target, startedBy + QStringLiteral(" (twinopsd check)"), &repository, progress);
    QTextStream &out = standardOutput();
    if (format == QLatin1String("json"))
        out << QJsonDocument(checklistRun.toJson()).toJson(QJsonDocument::Indented);
    else if (format == QLatin1String("markdown"))
        out << checklistRun.toMarkdown();
    else
        out << checklistRun.toText();
    out << Qt::flush;
    return checklistRun.anyFailed() ? kExitFailure : 0;
}

} // namespace

Command check()
{
    return {
        .name = QStringLiteral("check"),
        .summary = QStringLiteral("Run a checklist (default: staging) and print its report; exit 1 if a check "
                                  "failed."),
        .description = QStringLiteral(
            "Without --target it starts its own embedded instance (the --database one) and checks that; every run is "
            "recorded in the --database database. With TWINOPS_CHECK_ADMIN_KEY (a platform-admin API key) the smoke "
            "tests suspend their throwaway tenants. The checklist is in docs/checks.md."),
        .options = {
            QCommandLineOption(QStringLiteral("target"),
                               QStringLiteral("Check a remote deployment's HTTP API (health, smoke tests, /metrics "
                                              "thresholds)."),
                               QStringLiteral("URL")),
            QCommandLineOption(QStringLiteral("dsn"),
                               QStringLiteral("postgres://… of the target's database: migrations and the security "
                                              "lint (read-only)."),
                               QStringLiteral("URL")),
            QCommandLineOption(QStringLiteral("checklist"),
                               QStringLiteral("Built-in checklist to run (default staging)."), QStringLiteral("ID"),
                               QStringLiteral("staging")),
            QCommandLineOption(QStringLiteral("format"), QStringLiteral("text (default), json or markdown."),
                               QStringLiteral("FORMAT"), QStringLiteral("text")),
            QCommandLineOption(QStringLiteral("window"),
                               QStringLiteral("Time between the two /metrics scrapes (default 60 with --target, else "
                                              "0: since start)."),
                               QStringLiteral("SECONDS")),
            QCommandLineOption(QStringLiteral("threshold"),
                               QStringLiteral("Override a threshold: error_rate (0.01), ttft_p95 (3.0 s), job_success "
                                              "(0.95), auth_failures (0.05), database_errors (0). Repeatable."),
                               QStringLiteral("NAME=VALUE")),
        },
        .run = run,
    };
}

} // namespace twinops::app::commands
