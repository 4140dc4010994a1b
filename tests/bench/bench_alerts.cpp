// The alert evaluator's cost (issue #15): 200 rules (every kind in turn) evaluated by AlertEngine::round over a busy
// hour of metric rollups (BENCH_ALERT_INSTANCES instances, default 4, × 40 request series and a TTFT histogram per
// minute) and a day of failed jobs (BENCH_ALERT_FAILED_JOBS, default 5,000), one round per 10 s of simulated time.
// The target: a round costs less than 1 % of one core at a 10 s interval, i.e. under 100 ms of CPU. Measured: this
// process's CPU time (getrusage) and, on PostgreSQL, the server backend's (/proc/<pid>/stat of pg_backend_pid()).
// A program, not a test: run with `ctest -L bench` (which starts PostgreSQL) or directly with TWINOPS_TEST_PG_DSN set.
// BENCH_BACKENDS (default "sqlite,postgres"), BENCH_ALERT_ROUNDS (default 30). Prints one "RESULT" line per backend.
#include "alerts/alertengine.h"
#include "alerts/alertrepository.h"
#include "core/ids.h"
#include "core/json.h"
#include "jobs/jobqueue.h"
#include "metrics/metricsrollup.h"
#include "storage/database.h"
#include "testdatabase.h"

#include <QCoreApplication>
#include <QFile>
#include <QTextStream>

#include <cstdio>
#include <sys/resource.h>
#include <unistd.h>

using namespace twinops;

namespace {

[[noreturn]] void die(const QString &message)
{
    std::fprintf(stderr, "bench_alerts: %s\n", qPrintable(message));
    std::exit(1);
}

int envInt(const char *name, int fallback)
{
    const int value = qEnvironmentVariableIntValue(name);
    return value > 0 ? value : fallback;
}

double processCpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// utime + stime of another process on this machine (the PostgreSQL backend), or 0 when it cannot be read.
double otherCpuSeconds(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (pid <= 0 || !stat.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray text = stat.readAll();
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return 0;
    return double(fields.at(11).toLongLong() + fields.at(12).toLongLong()) / double(sysconf(_SC_CLK_TCK));
}

void check(const Status &status, const char *what)
{
    if (!status.ok())
        die(QStringLiteral("%1: %2").arg(QLatin1String(what), status.error().message));
}

// An hour of rollups and a day of failed jobs, ending at `now`.
void fill(Database &db, const QDateTime &now, int instances, int failedJobs)
{
    auto tx = Transaction::begin(db);
    if (!tx.ok())
        die(tx.error().message);
    const QStringList routes{QStringLiteral("/api/v1/twins"),
                             QStringLiteral("/api/v1/twins/{id}"),
                             QStringLiteral("/api/v1/twins/{id}/chat"),
                             QStringLiteral("/api/v1/sources/{id}"),
                             QStringLiteral("/api/v1/jobs"),
                             QStringLiteral("/api/v1/auth/login"),
                             QStringLiteral("/api/v1/admin/jobs"),
                             QStringLiteral("/health"),
                             QStringLiteral("/metrics"),
                             QStringLiteral("/api/v1/twins/{id}/graph")};
    const QStringList statuses{QStringLiteral("200"), QStringLiteral("401"), QStringLiteral("404"),
                               QStringLiteral("500")};
    const QString insert = QStringLiteral("INSERT INTO metric_rollups (minute_at, instance, name, labels, count, sum, "
                                          "buckets) VALUES ($1, $2, $3, $4, $5, $6, $7)");
    const QJsonArray buckets{
        QJsonObject{{QStringLiteral("le"), QStringLiteral("0.5")}, {QStringLiteral("count"), 40}},
        QJsonObject{{QStringLiteral("le"), QStringLiteral("1")}, {QStringLiteral("count"), 70}},
        QJsonObject{{QStringLiteral("le"), QStringLiteral("2.5")}, {QStringLiteral("count"), 95}},
        QJsonObject{{QStringLiteral("le"), QStringLiteral("+Inf")}, {QStringLiteral("count"), 100}}};
    for (int minute = 0; minute < 60; ++minute) {
        const QDateTime at = MetricsRollup::minuteOf(now.addSecs(-60 * minute));
        for (int i = 0; i < instances; ++i) {
            const QString instance = QStringLiteral("host%1:100").arg(i);
            for (const QString &route : routes) {
                for (const QString &status : statuses) {
                    const QJsonObject labels{{QStringLiteral("method"), QStringLiteral("GET")},
                                             {QStringLiteral("route"), route},
                                             {QStringLiteral("status"), status}};
                    const qint64 count = status == QLatin1String("200") ? 500 : 3;
                    check(discardRows(
                              db.query(insert,
                                       {at, instance, QStringLiteral("twinops_http_requests_total"),
                                        MetricsRollup::canonicalLabels(labels), count, double(count), QVariant()})),
                          "rollup");
                }
            }
            check(discardRows(db.query(insert,
                                       {at, instance, QStringLiteral("twinops_chat_ttft_seconds"), QString(), 100, 80.0,
                                        compactJson(buckets)})),
                  "histogram");
        }
    }
    for (int i = 0; i < failedJobs; ++i) {
        NewJob job;
        job.type = QStringLiteral("graph_extraction");
        const auto enqueued = JobQueue(db).enqueue(job);
        if (!enqueued.ok())
            die(enqueued.error().message);
        check(discardRows(db.query(
                  QStringLiteral("UPDATE jobs SET state = 'discarded', last_error = $2, updated_at = $3 "
                                 "WHERE id = $1"),
                  {enqueued->id,
                   QStringLiteral("source %1: cannot read 'file%2.md' (error %3)").arg(newId()).arg(i).arg(i % 7),
                   now.addSecs(-qint64(i) * 86'400 / failedJobs)})),
              "job");
    }
    check(tx->commit(), "commit");
}

// 200 rules, the kinds in turn (18 or 19 of each of the 11), with varied windows and thresholds (nothing shipped: no
// core started here).
void addRules(Database &db, const QDateTime &now)
{
    AlertRepository repository(db);
    const auto &kinds = alertKinds();
    for (int n = 0; n < 200; ++n) {
        const AlertKind &kind = kinds[n % int(kinds.size())];
        const int i = n / int(kinds.size());
        AlertRule rule;
        rule.name = QStringLiteral("bench %1").arg(n + 1);
        rule.kind = kind.name;
        rule.comparison = QStringLiteral(">");
        rule.threshold = i % 2 == 0 ? 0.001 : 1e9; // half of them firing
        rule.forSeconds = 60;
        rule.severity = QStringLiteral("warning");
        if (kind.windowed)
            rule.params.insert(QStringLiteral("window_seconds"), 300 * (1 + i % 3));
        if (kind.params.contains(QStringLiteral("type")))
            rule.params.insert(QStringLiteral("type"), QStringLiteral("graph_extraction"));
        const auto created = repository.createRule(rule, now);
        if (!created.ok())
            die(created.error().message);
    }
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int instances = envInt("BENCH_ALERT_INSTANCES", 4);
    const int failedJobs = envInt("BENCH_ALERT_FAILED_JOBS", 5'000);
    const int rounds = envInt("BENCH_ALERT_ROUNDS", 30);
    QTextStream out(stdout);
    out << "bench_alerts: 200 rules, " << instances << " instances' rollups for an hour, " << failedJobs
        << " failed jobs in a day; " << rounds << " rounds, 10 s apart\n";
    for (const QString &name :
         qEnvironmentVariable("BENCH_BACKENDS", QStringLiteral("sqlite,postgres")).split(u',', Qt::SkipEmptyParts)) {
        const Dialect dialect = name.trimmed() == QLatin1String("sqlite") ? Dialect::Sqlite : Dialect::Postgres;
        auto testDb = test::TestDatabase::create(dialect);
        if (!testDb)
            die(QStringLiteral("no %1 database (is TWINOPS_TEST_PG_DSN set?)").arg(name));
        auto db = testDb->connectMigrated();
        if (!db)
            die(QStringLiteral("cannot migrate the %1 database").arg(name));
        const QDateTime start = nowUtc();
        fill(*db, start, instances, failedJobs);
        addRules(*db, start);
        qint64 backend = 0;
        if (dialect == Dialect::Postgres) {
            const auto pid = db->query(QStringLiteral("SELECT pg_backend_pid()"));
            backend = pid.ok() ? pid->first().integer(0) : 0;
        }
        AlertEngine engine;
        int transitions = 0;
        (void)engine.round(*db, start); // warm: statements prepared, pages cached
        const double clientBefore = processCpuSeconds();
        const double serverBefore = otherCpuSeconds(backend);
        for (int r = 1; r <= rounds; ++r) {
            const auto done = engine.round(*db, start.addSecs(10 * r));
            if (!done.ok())
                die(done.error().message);
            transitions += int(done->size());
        }
        const double client = (processCpuSeconds() - clientBefore) / rounds;
        const double server = (otherCpuSeconds(backend) - serverBefore) / rounds;
        const double share = 100.0 * (client + server) / 10.0;
        out << QStringLiteral("%1 CPU per round: %2 ms here + %3 ms in the database server = %4 % of a core at 10 s "
                              "(%5 transitions)\n")
                   .arg(name, -9)
                   .arg(client * 1000, 0, 'f', 1)
                   .arg(server * 1000, 0, 'f', 1)
                   .arg(share, 0, 'f', 2)
                   .arg(transitions);
        out << QStringLiteral("RESULT backend=%1 rules=200 client_ms=%2 server_ms=%3 core_percent=%4\n")
                   .arg(name)
                   .arg(client * 1000, 0, 'f', 2)
                   .arg(server * 1000, 0, 'f', 2)
                   .arg(share, 0, 'f', 3);
        out.flush();
    }
    return 0;
}
