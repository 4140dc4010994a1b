#include "admin/adminclient.h"

#include <QPointer>

namespace twinops {

AdminClient::AdminClient(QString name, Factory factory, Ending ending, QObject *parent)
    : QObject(parent)
    , m_name(std::move(name))
    , m_thread(new QThread)
    , m_ending(ending)
    , m_worker(new QObject)
    , m_api(std::make_shared<std::unique_ptr<AdminApi>>())
    , m_closed(std::make_shared<std::atomic_bool>(false))
    , m_factory(std::move(factory))
{
    m_thread->setObjectName(QStringLiteral("admin-") + m_name);
    m_worker->moveToThread(m_thread);
    // The API is destroyed on its own thread, after the last request.
    connect(m_thread, &QThread::finished, m_worker, [api = m_api] { api->reset(); });
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread->start();
}

AdminClient::~AdminClient()
{
    // Requests still queued behind the running one are dropped, so that nothing new starts once the client is gone.
    *m_closed = true;
    if (m_ending == Ending::Detach) {
        connect(m_thread, &QThread::finished, m_thread, &QObject::deleteLater);
        m_thread->quit();
        return;
    }
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
}

void AdminClient::call(const QByteArray &method, const QString &path, const QJsonValue &body, QObject *receiver,
                       Callback done, const QString &actingTenant)
{
    QPointer<QObject> target(receiver);
    QMetaObject::invokeMethod(
        m_worker,
        [api = m_api, closed = m_closed, factory = m_factory, method, path, body, actingTenant, target,
         done = std::move(done)] {
            if (*closed)
                return;
            if (!*api)
                *api = factory();
            const AdminReply reply = (*api)->call(method, path, body, actingTenant);
            if (!target)
                return;
            QMetaObject::invokeMethod(
                target.data(),
                [target, done, reply] {
                    if (target)
                        done(reply);
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

} // namespace twinops
