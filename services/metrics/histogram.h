#pragma once

#include <QtGlobal>

#include <atomic>
#include <memory>
#include <vector>

namespace twinops {

// A Prometheus-style histogram with fixed upper bounds (+Inf implicit). observe() is lock-free and wait-free
// apart from the sum's compare-and-swap, so it can sit on the HTTP hot path shared by every worker thread.
// Aligned to a cache line, like Counter, so that neighbouring series do not share the line their sum is in.
class alignas(64) Histogram final
{
public:
    // A point-in-time copy. counts are per bucket (not cumulative): counts[i] holds the observations in
    // (bounds[i-1], bounds[i]], and the last element the ones above every bound (the +Inf bucket).
    struct Snapshot
    {
        std::vector<double> bounds;
        std::vector<quint64> counts;
        quint64 count = 0;
        double sum = 0;

        // Running totals as Prometheus exposes them (`le` buckets); the last one equals count.
        std::vector<quint64> cumulative() const;
    };

    // Bounds should be finite and strictly ascending; a misordered list is sorted and deduplicated
    // (and asserts in debug builds), so a release build never exposes buckets Prometheus would reject.
    explicit Histogram(std::vector<double> upperBounds);
    Q_DISABLE_COPY_MOVE(Histogram)

    // A value equal to a bound counts in that bucket (Prometheus `le` is "less or equal"); NaN goes to +Inf.
    void observe(double value);
    // Buckets are read one by one while other threads may observe, so a snapshot is not an instant across
    // buckets; count is derived from the buckets so that _count always equals the +Inf bucket.
    Snapshot snapshot() const;
    const std::vector<double> &bounds() const { return m_bounds; }

    // Prometheus' histogram_quantile: linear interpolation inside the bucket that holds the rank, the first
    // bucket starting at 0, and the highest finite bound when the rank falls into +Inf. 0 for no observations.
    static double quantile(const Snapshot &snapshot, double q);
    // The observations made between two snapshots of the same histogram, e.g. p95 over the last minute.
    static Snapshot delta(const Snapshot &later, const Snapshot &earlier);

    // Request latency and time to first token, in seconds: 0.5 ms … 30 s in 1-2-5 steps, plus 3 s because
    // the runbook's threshold is p95 TTFT < 3.0 s and a bound there makes that check exact.
    static std::vector<double> latencyBucketsSeconds();

private:
    std::vector<double> m_bounds;
    std::unique_ptr<std::atomic<quint64>[]> m_buckets; // m_bounds.size() + 1, the last is +Inf
    std::atomic<double> m_sum{0.0};
};

} // namespace twinops
