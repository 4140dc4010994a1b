#pragma once

#include <QObject>
#include <QThread>

#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

namespace twinops {

// The blocking calls (settings file, keychain, files to upload) of one widget, each on a thread of its own so that the
// GUI never waits for them, with the request numbers that let the widget drop an answer overtaken by a newer one.
// Nothing ever waits for these threads: a call still running when its widget goes finishes on its own and its answer
// is dropped. So the work must own what it uses (values and shared pointers, never the widget or a reference to
// something the widget's creator may destroy).
class BackgroundCalls
{
public:
    // `pendingChanged` runs on the owner's thread whenever a call starts or ends (to enable buttons).
    BackgroundCalls(QObject *owner, std::function<void()> pendingChanged)
        : m_owner(owner)
        , m_pendingChanged(std::move(pendingChanged))
    { }
    BackgroundCalls(const BackgroundCalls &) = delete;
    BackgroundCalls &operator=(const BackgroundCalls &) = delete;

    bool idle() const { return m_pending == 0; }

    // The number of a new request; answers are to be handed to accept() with it.
    quint64 nextRequest() { return ++m_lastRequest; }
    // Whether the answer to `request` is still wanted: an older answer arriving after a newer one must not bring
    // back stale data. Records it as the latest applied one when it is.
    bool accept(quint64 request)
    {
        if (request < m_appliedRequest)
            return false;
        m_appliedRequest = request;
        return true;
    }
    // Whether any answer was applied yet.
    bool anyApplied() const { return m_appliedRequest > 0; }

    // Runs work() on a thread of its own and done(result) on the owner's thread, unless the owner is gone by then (the
    // connection dies with the owner; the thread deletes itself when it ends).
    template<typename Work, typename Done> void run(Work work, Done done)
    {
        using Value = std::invoke_result_t<Work>;
        auto result = std::make_shared<std::optional<Value>>();
        QThread *thread = QThread::create([work = std::move(work), result] { result->emplace(work()); });
        QObject::connect(thread, &QThread::finished, m_owner, [this, result, done = std::move(done)] {
            --m_pending;
            m_pendingChanged();
            if (*result)
                done(std::move(**result));
        });
        QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
        ++m_pending;
        m_pendingChanged();
        thread->start();
    }

private:
    QObject *m_owner;
    std::function<void()> m_pendingChanged;
    int m_pending = 0;
    quint64 m_lastRequest = 0;
    quint64 m_appliedRequest = 0;
};

} // namespace twinops
