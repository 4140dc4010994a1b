// Repository throughput on both backends: inserts (one per statement, and batched in one transaction),
// reads by id, keyset pages, and a rate-limit check (AuthThrottle: one conditional upsert, what every share-link
// request costs since the limits are shared through the database). A program, not a test: run with `ctest -L bench`
// (which starts PostgreSQL; TWINOPS_TEST_PG_DURABLE=1 keeps fsync and synchronous_commit on) or directly with
// TWINOPS_TEST_PG_DSN set.
#include "auth/auththrottle.h"
#include "core/ids.h"
#include "storage/database.h"
#include "tenancy/tenantrepository.h"
#include "tenancy/twinrepository.h"
#include "testdatabase.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

#include <cstdio>

using namespace twinops;

namespace {

struct Figure
{
    QString name;
    int operations;
    qint64 nanoseconds;
};

template<typename Body> Figure measure(const QString &name, int operations, Body body)
{
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < operations; ++i) {
        if (!body(i)) {
            std::fprintf(stderr, "bench_storage: %s failed at %d\n", qPrintable(name), i);
            std::exit(1);
        }
    }
    return {name, operations, timer.nsecsElapsed()};
}

QList<Figure> run(Database &db, int count)
{
    auto tenant = TenantRepository(db).create(QStringLiteral("bench-") + newId());
    if (!tenant.ok())
        std::exit(1);
    TwinRepository twins(db);
    QStringList ids;
    QList<Figure> figures;
    figures << measure(QStringLiteral("insert twin (autocommit)"), count, [&](int i) {
        auto twin = twins.create(tenant->id, {QStringLiteral("single %1").arg(i), QStringLiteral("bench"), {}});
        if (twin.ok())
            ids << twin->id;
        return twin.ok();
    });
    {
        auto tx = Transaction::begin(db);
        figures << measure(QStringLiteral("insert twin (batched, 1 tx)"), count, [&](int i) {
            return twins.create(tenant->id, {QStringLiteral("batch %1").arg(i), QStringLiteral("bench"), {}}).ok();
        });
        if (!tx->commit().ok())
            std::exit(1);
    }
    figures << measure(QStringLiteral("get twin by id"), count,
                       [&](int i) { return twins.get(tenant->id, ids.at(i % ids.size())).ok(); });
    QString cursor;
    figures << measure(QStringLiteral("list page of 50"), count / 10, [&](int) {
        auto page = twins.list(tenant->id, {50, cursor});
        cursor = page.ok() ? page->nextCursor : QString();
        return page.ok();
    });
    // A budget that never runs out, so every check is the counting upsert (a refusal adds one read).
    const ThrottleRule generous{1'000'000'000, std::chrono::hours(1), std::chrono::hours(1)};
    AuthThrottle throttle(db);
    figures << measure(QStringLiteral("rate-limit check (one key)"), count, [&](int) {
        return throttle.spend(QStringLiteral("bench:one"), generous, nowUtc(), QStringLiteral("limited")).ok();
    });
    figures << measure(QStringLiteral("rate-limit check (new keys)"), count, [&](int i) {
        return throttle.spend(QStringLiteral("bench:%1").arg(i), generous, nowUtc(), QStringLiteral("limited")).ok();
    });
    return figures;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int count
        = qEnvironmentVariableIntValue("BENCH_COUNT") > 0 ? qEnvironmentVariableIntValue("BENCH_COUNT") : 5000;
    QTextStream out(stdout);
    out << "bench_storage: " << count << " operations per figure\n";
    out << QStringLiteral("%1 %2 %3 %4\n")
               .arg(QStringLiteral("backend"), -9)
               .arg(QStringLiteral("operation"), -30)
               .arg(QStringLiteral("ops/s"), 10)
               .arg(QStringLiteral("µs/op"), 9);
    for (Dialect dialect : {Dialect::Sqlite, Dialect::Postgres}) {
        auto testDb = test::TestDatabase::create(dialect);
        if (!testDb) {
            std::fprintf(stderr, "bench_storage: no database\n");
            return 1;
        }
        auto db = testDb->connectMigrated();
        if (!db)
            return 1;
        for (const Figure &f : run(*db, count)) {
            const double seconds = double(f.nanoseconds) / 1e9;
            out << QStringLiteral("%1 %2 %3 %4\n")
                       .arg(dialect == Dialect::Sqlite ? QStringLiteral("sqlite") : QStringLiteral("postgres"), -9)
                       .arg(f.name, -30)
                       .arg(f.operations / seconds, 10, 'f', 0)
                       .arg(seconds * 1e6 / f.operations, 9, 'f', 1);
        }
        out.flush();
    }
    return 0;
}
