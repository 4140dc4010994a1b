#pragma once

#include "admin/adminapi.h"

#include <QObject>
#include <QThread>

#include <atomic>
#include <functional>
#include <memory>

namespace twinops {

// Runs an environment's AdminApi on a thread of its own, so that no panel ever waits on a database or the network
// on the GUI thread. Requests run one after another in the order given; each answer is handed to its callback on
// the thread of `receiver`, and dropped if `receiver` is gone by then (a closed panel gets no late answers).
class AdminClient final : public QObject
{
    Q_OBJECT
public:
    using Factory = std::function<std::unique_ptr<AdminApi>()>;
    using Callback = std::function<void(const AdminReply &)>;
    // What the destructor does about the request running at that moment (the ones still queued are dropped).
    enum class Ending {
        // Waits for it: for an API that borrows what its creator destroys right after the client (the in-process
        // core, a test's database). Only for a client destroyed when the program or test ends, never in a session.
        WaitForRequest,
        // Leaves it to finish on the thread, which then ends and deletes itself; the answer goes nowhere. For an API
        // that owns all it uses (a remote one: its URL and key, the stores its factory holds by shared pointer).
        Detach,
    };

    // `factory` is called on the worker thread: the API's connection or network access lives there.
    AdminClient(QString name, Factory factory, Ending ending = Ending::WaitForRequest, QObject *parent = nullptr);
    ~AdminClient() override;

    const QString &name() const { return m_name; }
    // A non-empty `actingTenant` makes the call inside that tenant (AdminApi::call).
    void call(const QByteArray &method, const QString &path, const QJsonValue &body, QObject *receiver, Callback done,
              const QString &actingTenant = {});
    void get(const QString &path, QObject *receiver, Callback done, const QString &actingTenant = {})
    {
        call("GET", path, QJsonValue(QJsonValue::Undefined), receiver, std::move(done), actingTenant);
    }

private:
    QString m_name;
    QThread *m_thread; // deletes itself once finished when detached
    Ending m_ending;
    QObject *m_worker; // lives on m_thread; owns the AdminApi through its destroyed() hook
    std::shared_ptr<std::unique_ptr<AdminApi>> m_api;
    std::shared_ptr<std::atomic_bool> m_closed; // set by the destructor, read by the requests on the thread
    Factory m_factory;
};

} // namespace twinops
