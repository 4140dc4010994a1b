// The jobs triage's error groups over 1,000,000 jobs (issue #16): every job failed (retryable, discarded or
// cancelled), with one of 50 error signatures, spread over 5 tenants, written by the database itself (one
// statement). Times JobQueue::errorGroups — the query of GET /api/v1/admin/jobs/error-groups — unfiltered, by state
// and by tenant; the target is < 1 s on both backends. On PostgreSQL the table is vacuumed first, as autovacuum
// would have done after such a load, so the covering index is read without visiting the table.
// A program, not a test: run with `ctest -L bench` (which starts PostgreSQL) or directly with TWINOPS_TEST_PG_DSN set.
// BENCH_BACKENDS (default "sqlite,postgres"), BENCH_ERROR_JOBS (default 1000000), BENCH_ERROR_ROUNDS (default 5).
// Prints one "RESULT" line per backend and query: the median milliseconds.
#include "core/ids.h"
#include "core/json.h"
#include "jobs/jobqueue.h"
#include "storage/database.h"
#include "tenancy/tenantrepository.h"
#include "testdatabase.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QTextStream>

#include <algorithm>
#include <cstdio>

using namespace twinops;

namespace {

constexpr int kSignatures = 50;
constexpr int kTenants = 5;

[[noreturn]] void die(const QString &message)
{
    std::fprintf(stderr, "bench_errorgroups: %s\n", qPrintable(message));
    std::exit(1);
}

int envInt(const char *name, int fallback)
{
    const int value = qEnvironmentVariableIntValue(name);
    return value > 0 ? value : fallback;
}

// `count` failed jobs over the last `count` seconds: job i has signature i % 50, tenant i / 50 % 5 (so every tenant has
// every signature) and one of the three
// failed states, and a message of its own (the numbers differ, as real ones do).
QStringList fill(Database &db, int count)
{
    QJsonArray tenants;
    QStringList tenantIds;
    for (int t = 0; t < kTenants; ++t) {
        const auto tenant = TenantRepository(db).create(QStringLiteral("bench tenant %1").arg(t + 1));
        if (!tenant.ok())
            die(tenant.error().message);
        tenants.append(tenant->id);
        tenantIds << tenant->id;
    }
    const QString columns = QStringLiteral("INSERT INTO jobs (id, tenant_id, type, state, run_at, created_at, "
                                           "updated_at, last_error, error_signature)");
    // Signature k reads "stage <letter><letter> failed: timeout after <n> ms talking to "…"": a normalised text.
    const QString sql = db.dialect() == Dialect::Sqlite
        ? QStringLiteral("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2) %1 "
                         "SELECT 'job-' || i, json_extract($3, '$[' || (i / 50 % 5) || ']'), 'bench.fails', "
                         "CASE i % 3 WHEN 0 THEN 'retryable' WHEN 1 THEN 'discarded' ELSE 'cancelled' END, "
                         "$1 - i * 1000, $1 - i * 1000, $1 - i * 1000, "
                         "'stage ' || char(65 + i % 50 % 26) || char(65 + i % 50 / 26) || ' failed: timeout after ' "
                         "|| (i % 997) || ' ms talking to ''host-' || i || '''', "
                         "'stage ' || char(65 + i % 50 % 26) || char(65 + i % 50 / 26) || ' failed: timeout after "
                         "<n> ms talking to \"…\"' FROM n")
        : QStringLiteral("%1 SELECT gen_random_uuid(), ($3::jsonb ->> (i / 50 % 5))::uuid, 'bench.fails', "
                         "CASE i % 3 WHEN 0 THEN 'retryable' WHEN 1 THEN 'discarded' ELSE 'cancelled' END, "
                         "$1::timestamptz - make_interval(secs => i), $1::timestamptz - make_interval(secs => i), "
                         "$1::timestamptz - make_interval(secs => i), "
                         "'stage ' || chr(65 + i % 50 % 26) || chr(65 + i % 50 / 26) || ' failed: timeout after ' "
                         "|| (i % 997) || ' ms talking to ''host-' || i || '''', "
                         "'stage ' || chr(65 + i % 50 % 26) || chr(65 + i % 50 / 26) || ' failed: timeout after "
                         "<n> ms talking to \"…\"' FROM generate_series(1, $2::integer) AS i");
    if (auto inserted = db.query(sql.arg(columns), {nowUtc(), count, compactJson(tenants)}); !inserted.ok())
        die(QStringLiteral("inserting the jobs failed: %1").arg(inserted.error().message));
    if (db.dialect() == Dialect::Postgres)
        (void)db.query(QStringLiteral("VACUUM ANALYZE jobs"));
    return tenantIds;
}

double medianMs(Database &db, const JobFilter &filter, int rounds, int expectedGroups)
{
    JobQueue queue(db);
    (void)queue.errorGroups(filter, 100); // warm: statements prepared, pages cached
    QList<double> times;
    for (int r = 0; r < rounds; ++r) {
        QElapsedTimer timer;
        timer.start();
        const auto groups = queue.errorGroups(filter, 100);
        times << double(timer.nsecsElapsed()) / 1e6;
        if (!groups.ok())
            die(groups.error().message);
        if (groups->size() != expectedGroups)
            die(QStringLiteral("%1 groups instead of %2").arg(groups->size()).arg(expectedGroups));
    }
    std::sort(times.begin(), times.end());
    return times.at(times.size() / 2);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int jobs = envInt("BENCH_ERROR_JOBS", 1'000'000);
    const int rounds = envInt("BENCH_ERROR_ROUNDS", 5);
    QTextStream out(stdout);
    out << "bench_errorgroups: " << jobs << " failed jobs, " << kSignatures << " signatures, " << kTenants
        << " tenants; median of " << rounds << " runs (target < 1000 ms)\n";
    bool met = true;
    for (const QString &name :
         qEnvironmentVariable("BENCH_BACKENDS", QStringLiteral("sqlite,postgres")).split(u',', Qt::SkipEmptyParts)) {
        const Dialect dialect = name.trimmed() == QLatin1String("sqlite") ? Dialect::Sqlite : Dialect::Postgres;
        auto testDb = test::TestDatabase::create(dialect);
        if (!testDb)
            die(QStringLiteral("no %1 database (is TWINOPS_TEST_PG_DSN set?)").arg(name));
        auto db = testDb->connectMigrated();
        if (!db)
            die(QStringLiteral("cannot migrate the %1 database").arg(name));
        QElapsedTimer filling;
        filling.start();
        const QStringList tenants = fill(*db, jobs);
        out << name << ": filled in " << filling.elapsed() << " ms\n";
        out.flush();
        const int groups = std::min(jobs, kSignatures);
        JobFilter discarded;
        discarded.state = JobState::Discarded;
        JobFilter ofTenant;
        ofTenant.tenantId = tenants.first();
        JobFilter lastHour;
        lastHour.updatedSince = nowUtc().addSecs(-3600);
        const std::pair<const char *, JobFilter> queries[]
            = {{"all", {}}, {"state=discarded", discarded}, {"tenant_id", ofTenant}, {"since=1h", lastHour}};
        for (const auto &[label, filter] : queries) {
            const double ms = medianMs(*db, filter, rounds, groups);
            met = met && ms < 1000;
            out << "RESULT " << name << " " << label << ": " << QString::number(ms, 'f', 1) << " ms\n";
            out.flush();
        }
    }
    return met ? 0 : 1;
}
