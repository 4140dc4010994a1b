#pragma once

#include <QtGlobal>

#include <atomic>

namespace twinops {

// Series are handed out by MetricsRegistry and cached by callers; recording is one relaxed atomic operation.
// Each series gets a cache line of its own so that threads bumping neighbouring series (two routes' counters,
// allocated next to each other) do not slow each other down through false sharing.

// Monotonic: only ever goes up, as Prometheus' rate() expects of a counter.
class alignas(64) Counter final
{
public:
    Counter() = default;
    Q_DISABLE_COPY_MOVE(Counter)

    void inc() { m_value.fetch_add(1, std::memory_order_relaxed); }
    void add(quint64 amount) { m_value.fetch_add(amount, std::memory_order_relaxed); }
    quint64 value() const { return m_value.load(std::memory_order_relaxed); }

private:
    std::atomic<quint64> m_value{0};
};

// A value that goes up and down (queue depth, open connections). Held as a double so that one type serves
// both counts and measurements; integers are exact up to 2^53.
class alignas(64) Gauge final
{
public:
    Gauge() = default;
    Q_DISABLE_COPY_MOVE(Gauge)

    void set(double value) { m_value.store(value, std::memory_order_relaxed); }
    void add(double amount) { m_value.fetch_add(amount, std::memory_order_relaxed); }
    void inc() { add(1); }
    void dec() { add(-1); }
    double value() const { return m_value.load(std::memory_order_relaxed); }

private:
    std::atomic<double> m_value{0.0};
};

} // namespace twinops
