// Cost of recording on the hot path: Histogram::observe() and Counter::inc() on one thread, and on two threads
// sharing one series (the worst case: one route taking all traffic) or using one series each (distinct routes).
// A program, not a test: run with `ctest -L bench` or directly; BENCH_COUNT sets the operations per thread.
#include "metrics/metricsregistry.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

#include <atomic>
#include <latch>
#include <thread>
#include <vector>

using namespace twinops;

namespace {

// Latencies spread over the default buckets, so the bucket search does its usual amount of work.
std::vector<double> sampleValues()
{
    std::vector<double> values;
    for (int i = 0; i < 1024; ++i)
        values.push_back(0.0003 * double((i * 7919) % 1024) / 8.0);
    return values;
}

// Nanoseconds per operation as seen by each thread: all threads start together and the slowest one's time counts.
template<typename Body> double nsPerOperation(int threads, qint64 perThread, Body body)
{
    std::latch start(threads + 1);
    std::atomic<qint64> slowest{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            start.arrive_and_wait();
            QElapsedTimer timer;
            timer.start();
            body(t, perThread);
            const qint64 elapsed = timer.nsecsElapsed();
            qint64 previous = slowest.load();
            while (previous < elapsed && !slowest.compare_exchange_weak(previous, elapsed)) { }
        });
    }
    start.arrive_and_wait();
    for (std::thread &worker : workers)
        worker.join();
    return double(slowest.load()) / double(perThread);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const qint64 count
        = qEnvironmentVariableIntValue("BENCH_COUNT") > 0 ? qEnvironmentVariableIntValue("BENCH_COUNT") : 10'000'000;
    const std::vector<double> values = sampleValues();
    MetricsRegistry registry;
    const auto routeLabel = [](int t) {
        return MetricsRegistry::Labels{{QStringLiteral("route"), QStringLiteral("/bench/%1").arg(t)}};
    };
    std::vector<Histogram *> histograms;
    std::vector<Counter *> counters;
    for (int t = 0; t < 2; ++t) {
        histograms.push_back(&registry.histogram(QStringLiteral("twinops_bench_duration_seconds"),
                                                 QStringLiteral("bench"), routeLabel(t)));
        counters.push_back(
            &registry.counter(QStringLiteral("twinops_bench_requests_total"), QStringLiteral("bench"), routeLabel(t)));
    }
    const auto observeInto = [&](auto pick) {
        return [&, pick](int t, qint64 n) {
            Histogram &histogram = *histograms[pick(t)];
            for (qint64 i = 0; i < n; ++i)
                histogram.observe(values[size_t(i) & 1023]);
        };
    };
    const auto incInto = [&](auto pick) {
        return [&, pick](int t, qint64 n) {
            Counter &counter = *counters[pick(t)];
            for (qint64 i = 0; i < n; ++i)
                counter.inc();
        };
    };
    const auto shared = [](int) { return size_t(0); };
    const auto own = [](int t) { return size_t(t); };

    struct Figure
    {
        QString name;
        double ns;
    };
    const QList<Figure> figures{
        {QStringLiteral("observe, 1 thread"), nsPerOperation(1, count, observeInto(shared))},
        {QStringLiteral("observe, 2 threads, one series"), nsPerOperation(2, count, observeInto(shared))},
        {QStringLiteral("observe, 2 threads, a series each"), nsPerOperation(2, count, observeInto(own))},
        {QStringLiteral("counter inc, 1 thread"), nsPerOperation(1, count, incInto(shared))},
        {QStringLiteral("counter inc, 2 threads, one series"), nsPerOperation(2, count, incInto(shared))},
        {QStringLiteral("counter inc, 2 threads, a series each"), nsPerOperation(2, count, incInto(own))},
    };

    QTextStream out(stdout);
    out << "bench_metrics: " << count << " operations per thread\n";
    out << QStringLiteral("%1 %2\n").arg(QStringLiteral("operation"), -40).arg(QStringLiteral("ns/op"), 8);
    for (const Figure &f : figures)
        out << QStringLiteral("%1 %2\n").arg(f.name, -40).arg(f.ns, 8, 'f', 1);
    // Every observation must have landed: the figures are worthless if recording lost some.
    const quint64 expected = quint64(count) * 5;
    const quint64 recorded = histograms[0]->snapshot().count + histograms[1]->snapshot().count;
    if (recorded != expected) {
        out << "bench_metrics: recorded " << recorded << " observations, expected " << expected << '\n';
        return 1;
    }
    return 0;
}
