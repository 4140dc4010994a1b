#pragma once

#include <QString>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

class QThread;

namespace twinops {

class ApiContext;
class ApiShared;
class Counter;
class Gauge;

// A bounded pool of threads for the slow part of requests (password hashing, chat generation, scans), so that
// the HTTP threads only parse, route, authorise and write. Each thread has its own ApiContext, and with it its own
// database connection, opened on first use. Threads are started on demand up to `maxThreads` and then kept.
//
// Bounded twice: at most `maxThreads` tasks run and at most `maxQueued` wait; a task that would exceed either is
// refused at once (the caller answers 503 with Retry-After) instead of queueing without limit. Metrics, labelled
// by pool: twinops_http_pool_tasks (running or waiting), twinops_http_pool_capacity, twinops_http_pool_rejected_total.
class WorkPool
{
public:
    using Task = std::function<void(ApiContext &)>;

    WorkPool(ApiShared &shared, QString name, int maxThreads, int maxQueued);
    ~WorkPool(); // stop()

    // False when the pool is full or stopping: the task was not taken.
    bool trySubmit(Task task);
    // Refuses new tasks, lets the running and queued ones finish, and joins the threads.
    void stop();

private:
    void work();

    ApiShared &m_shared;
    const QString m_name;
    const int m_maxThreads;
    const int m_maxQueued;
    Gauge &m_tasksGauge;
    Counter &m_rejected;
    // Standard, not Qt, primitives: QWaitCondition::wait unlocks the mutex inside Qt, unseen by ThreadSanitizer,
    // which then reports every later lock as a double lock (see docs/decisions.md, issue #17: ThreadSanitizer).
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Task> m_queue;
    int m_inFlight = 0; // tasks running or queued
    bool m_stopping = false;
    std::vector<std::unique_ptr<QThread>> m_threads;
};

} // namespace twinops
