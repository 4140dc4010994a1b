#pragma once

#include "storage/databaseurl.h"

#include <QJsonObject>
#include <QString>
#include <QUrl>

#include <optional>

namespace twinops {

// The outcome of one checklist item. Manual items start Pending until a person ticks them.
enum class CheckStatus { Pending, Pass, Warn, Fail, Skipped };

QString checkStatusName(CheckStatus status);
std::optional<CheckStatus> checkStatusFromString(const QString &name);

struct CheckResult
{
    CheckStatus status = CheckStatus::Pending;
    QString message; // one line a person reads first
    QJsonObject evidence; // what was measured or seen, for the report and for machines
    qint64 durationMs = 0;

    static CheckResult pass(QString message, QJsonObject evidence = {})
    {
        return {CheckStatus::Pass, std::move(message), std::move(evidence), 0};
    }
    static CheckResult warn(QString message, QJsonObject evidence = {})
    {
        return {CheckStatus::Warn, std::move(message), std::move(evidence), 0};
    }
    static CheckResult fail(QString message, QJsonObject evidence = {})
    {
        return {CheckStatus::Fail, std::move(message), std::move(evidence), 0};
    }
    static CheckResult skipped(QString message, QJsonObject evidence = {})
    {
        return {CheckStatus::Skipped, std::move(message), std::move(evidence), 0};
    }
};

// Monitoring thresholds of the runbook's "Monitoring" section, configurable per run.
struct Thresholds
{
    double maxErrorRate = 0.01; // 5xx / all requests in the window
    double maxTtftP95Seconds = 3.0; // p95 chat time to first token in the window
    double minJobSuccessRate = 0.95; // graph_extraction completed / all finished attempts in the window
    double maxAuthFailureRate = 0.05; // (401 + 403) / all requests in the window: a spike above this fails
    double maxDatabaseErrors = 0; // database errors counted in the window
    int windowSeconds = 60; // time between the two /metrics scrapes
};

// What the checks run against. Secrets (the admin key, the DSN's password) never appear in results or logs.
struct TargetEnvironment
{
    QUrl baseUrl; // http://host:port of a twinopsd (or compatible) API
    QString adminApiKey; // optional: a platform-admin API key (twk_…); smoke tests clean up with it
    QString postgresDsn; // optional: libpq URL or key=value DSN for migrations and the database lint
    std::optional<DatabaseUrl> localDatabase; // the embedded instance's database, when the checks run beside it
    // The database of the server that runs the checks (set by POST /admin/checks/run): without an admin key, smoke
    // cleanup deletes its throwaway tenants there. A tenant it does not hold (the target is another server) stays.
    std::optional<DatabaseUrl> runnerDatabase;
    // Set when the checks run on the machine of the target (twinopsd check without --target): the environment
    // check then inspects this process's settings and the daemon's secrets directory.
    bool local = false;
    QString secretsDirectory;
    Thresholds thresholds;
    int requestTimeoutMs = 10'000;
};

} // namespace twinops
