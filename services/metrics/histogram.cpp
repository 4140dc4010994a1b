#include "metrics/histogram.h"

#include <algorithm>
#include <cmath>

namespace twinops {

static_assert(std::atomic<double>::is_always_lock_free, "observe() must not take a lock");
static_assert(std::atomic<quint64>::is_always_lock_free, "observe() must not take a lock");

namespace {

std::vector<double> sanitizedBounds(std::vector<double> bounds)
{
    Q_ASSERT_X(std::is_sorted(bounds.begin(), bounds.end())
                   && std::adjacent_find(bounds.begin(), bounds.end()) == bounds.end(),
               "Histogram", "bounds must be strictly ascending");
    Q_ASSERT_X(std::all_of(bounds.begin(), bounds.end(), [](double b) { return std::isfinite(b); }), "Histogram",
               "bounds must be finite (+Inf is implicit)");
    std::erase_if(bounds, [](double b) { return !std::isfinite(b); });
    std::sort(bounds.begin(), bounds.end());
    bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
    return bounds;
}

} // namespace

std::vector<quint64> Histogram::Snapshot::cumulative() const
{
    std::vector<quint64> result(counts.size());
    quint64 running = 0;
    for (size_t i = 0; i < counts.size(); ++i)
        result[i] = running += counts[i];
    return result;
}

Histogram::Histogram(std::vector<double> upperBounds)
    : m_bounds(sanitizedBounds(std::move(upperBounds)))
    , m_buckets(std::make_unique<std::atomic<quint64>[]>(m_bounds.size() + 1))
{ }

void Histogram::observe(double value)
{
    // The first bound >= value; written as "not (bound >= value)" so that NaN, which compares false with
    // everything, lands past the end, in +Inf, as in the Go client.
    const auto it
        = std::partition_point(m_bounds.begin(), m_bounds.end(), [value](double bound) { return !(bound >= value); });
    m_buckets[size_t(it - m_bounds.begin())].fetch_add(1, std::memory_order_relaxed);
    m_sum.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const
{
    Snapshot result;
    result.bounds = m_bounds;
    result.counts.resize(m_bounds.size() + 1);
    for (size_t i = 0; i < result.counts.size(); ++i) {
        result.counts[i] = m_buckets[i].load(std::memory_order_relaxed);
        result.count += result.counts[i];
    }
    result.sum = m_sum.load(std::memory_order_relaxed);
    return result;
}

double Histogram::quantile(const Snapshot &snapshot, double q)
{
    if (snapshot.count == 0 || snapshot.bounds.empty() || std::isnan(q))
        return 0;
    q = std::clamp(q, 0.0, 1.0);
    const std::vector<quint64> cumulative = snapshot.cumulative();
    const double rank = q * double(snapshot.count);
    // The first bucket whose running total reaches the rank; "> 0" keeps q = 0 out of leading empty buckets,
    // where the interpolation below would divide zero by zero.
    size_t b = 0;
    while (b < snapshot.bounds.size() && !(double(cumulative[b]) >= rank && cumulative[b] > 0))
        ++b;
    if (b == snapshot.bounds.size())
        return snapshot.bounds.back();
    const double end = snapshot.bounds[b];
    if (b == 0 && end <= 0)
        return end;
    const double start = b == 0 ? 0.0 : snapshot.bounds[b - 1];
    const double below = b == 0 ? 0.0 : double(cumulative[b - 1]);
    return start + (end - start) * ((rank - below) / double(snapshot.counts[b]));
}

Histogram::Snapshot Histogram::delta(const Snapshot &later, const Snapshot &earlier)
{
    Q_ASSERT_X(later.bounds == earlier.bounds, "Histogram::delta", "snapshots of different histograms");
    if (later.bounds != earlier.bounds || later.counts.size() != earlier.counts.size())
        return later;
    Snapshot result;
    result.bounds = later.bounds;
    result.counts.resize(later.counts.size());
    for (size_t i = 0; i < later.counts.size(); ++i) {
        // Buckets only grow; the guard keeps a swapped pair of arguments from wrapping around to 2^64.
        result.counts[i] = later.counts[i] >= earlier.counts[i] ? later.counts[i] - earlier.counts[i] : 0;
        result.count += result.counts[i];
    }
    result.sum = later.sum - earlier.sum;
    return result;
}

std::vector<double> Histogram::latencyBucketsSeconds()
{
    return {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 3, 5, 10, 20, 30};
}

} // namespace twinops
