// The handler side of `GET /api/v1/twins` without sockets: the router, authentication (JWT and the per-request
// user/tenant check in the database), the query and the JSON, on both backends. scripts/bench-http.sh measures the
// whole endpoint over loopback; this isolates what our code costs per request, single-threaded and repeatable, so a
// change to the handler path shows here in microseconds rather than in the noise of a loaded machine.
// A program, not a test: `ctest -L bench -R bench_api -V` (which starts PostgreSQL). BENCH_COUNT sets the requests
// per figure (default 20000), BENCH_BACKENDS the backends (default "sqlite postgres").
#include "apiharness.h"
#include "http/apicontext.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QTextStream>

#include <algorithm>
#include <cstdio>

using namespace twinops;
using namespace twinops::test;

namespace {

constexpr int kTenants = 100;
constexpr int kTwinsPerTenant = 10;

[[noreturn]] void fail(const QString &what)
{
    std::fprintf(stderr, "bench_api: %s\n", qPrintable(what));
    std::exit(1);
}

// 100 tenants with 10 twins each, as in scripts/bench-http.sh; the owners' bearer headers.
QList<QByteArray> seed(ApiHarness &api)
{
    QList<QByteArray> bearers;
    for (int t = 0; t < kTenants; ++t) {
        const QJsonObject signedUp
            = api.signup(QStringLiteral("bench%1@example.com").arg(t), QStringLiteral("Bench tenant %1").arg(t));
        const QString token = signedUp.value(QStringLiteral("access_token")).toString();
        if (token.isEmpty())
            fail(QStringLiteral("sign-up %1 failed").arg(t));
        bearers << ApiHarness::bearer(token);
        for (int i = 0; i < kTwinsPerTenant; ++i) {
            const auto created
                = api.call("POST", QStringLiteral("/api/v1/twins"),
                           {{QStringLiteral("name"), QStringLiteral("Twin %1 of tenant %2").arg(i).arg(t)},
                            {QStringLiteral("description"), QStringLiteral("Benchmark twin %1").arg(i)}},
                           bearers.last());
            if (created.status != 201)
                fail(QStringLiteral("creating a twin answered %1").arg(created.status));
        }
    }
    return bearers;
}

HttpRequest listRequest(const QByteArray &bearer)
{
    HttpRequest request;
    request.method = "GET";
    request.path = QStringLiteral("/api/v1/twins");
    request.headers.append({"authorization", bearer});
    request.peer = QStringLiteral("127.0.0.1");
    request.client = request.peer;
    request.requestId = QStringLiteral("00000000-0000-4000-8000-000000000000");
    return request;
}

struct Figure
{
    QString name;
    double microseconds; // per request, the median of the rounds
};

// Median of five rounds of `count` requests; every answer must be a 200 with 10 twins.
template<typename Call> Figure measure(const QString &name, int count, Call call)
{
    QList<double> rounds;
    for (int round = 0; round < 5; ++round) {
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < count; ++i) {
            const HttpResponse response = call(i);
            if (response.status != 200)
                fail(QStringLiteral("%1 answered %2: %3").arg(name).arg(response.status).arg(response.body));
        }
        rounds << double(timer.nsecsElapsed()) / 1000.0 / count;
    }
    std::sort(rounds.begin(), rounds.end());
    return {name, rounds.at(2)};
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int count
        = qEnvironmentVariableIntValue("BENCH_COUNT") > 0 ? qEnvironmentVariableIntValue("BENCH_COUNT") : 20000;
    QTextStream out(stdout);
    out << "bench_api: GET /api/v1/twins through ApiContext::handle, " << kTenants << " tenants x " << kTwinsPerTenant
        << " twins, one of " << kTenants << " JWTs per request; median of 5 rounds of " << count << "\n";
    const QString backends = qEnvironmentVariable("BENCH_BACKENDS", QStringLiteral("sqlite postgres"));
    for (Dialect dialect : {Dialect::Sqlite, Dialect::Postgres}) {
        const QString backend = dialect == Dialect::Sqlite ? QStringLiteral("sqlite") : QStringLiteral("postgres");
        if (!backends.split(u' ', Qt::SkipEmptyParts).contains(backend))
            continue;
        auto api = ApiHarness::create(dialect);
        if (!api)
            fail(QStringLiteral("no database"));
        const QList<QByteArray> bearers = seed(*api);
        const auto check = api->call("GET", QStringLiteral("/api/v1/twins"), {}, bearers.first());
        if (check.json.value(QStringLiteral("items")).toArray().size() != kTwinsPerTenant)
            fail(QStringLiteral("the list does not hold %1 twins").arg(kTwinsPerTenant));

        QList<HttpRequest> lists;
        for (const QByteArray &bearer : bearers)
            lists << listRequest(bearer);
        HttpRequest health;
        health.method = "GET";
        health.path = QStringLiteral("/health");
        ApiContext &context = api->context();
        for (const Figure &f :
             {measure(QStringLiteral("GET /api/v1/twins"), count,
                      [&](int i) { return context.handle(lists.at(i % lists.size())); }),
              measure(QStringLiteral("GET /health"), count, [&](int) { return context.handle(health); })}) {
            out << QStringLiteral("%1 %2 %3 µs/request %4 requests/s\n")
                       .arg(backend, -9)
                       .arg(f.name, -20)
                       .arg(f.microseconds, 8, 'f', 2)
                       .arg(1e6 / f.microseconds, 9, 'f', 0);
        }
        out.flush();
    }
    return 0;
}
