#pragma once

#include "admin/adminapi.h"

#include <QObject>
#include <QThread>

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

    // `factory` is called on the worker thread: the API's connection or network access lives there.
    AdminClient(QString name, Factory factory, QObject *parent = nullptr);
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
    QThread m_thread;
    QObject *m_worker; // lives on m_thread; owns the AdminApi through its destroyed() hook
    std::shared_ptr<std::unique_ptr<AdminApi>> m_api;
    Factory m_factory;
};

} // namespace twinops
