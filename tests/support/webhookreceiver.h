#pragma once

#include "recordedrequest.h"

#include <QDateTime>
#include <QHash>
#include <QMessageAuthenticationCode>
#include <QMutex>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <memory>

namespace twinops::test {

// A webhook receiver on loopback, on a thread of its own (the notifier under test may block the test thread): it
// records each complete POST and answers as told. It can stop listening (connections refused) and listen again
// on the same port, which is how a receiver that is down for a while is played.
class TestWebhookReceiver final
{
public:
    enum class Mode {
        Accept, // 200 {"ok":true}
        Unavailable, // 503
        Reject, // 400 with a reason in the body
        Redirect, // 301 to another path
        Huge, // 200 whose body (8 MiB) is far beyond any response cap
        Silent, // reads the request, never answers
    };
    using Request = RecordedRequest;

    explicit TestWebhookReceiver(Mode mode = Mode::Accept)
        : m_mode(mode)
    {
        m_context.moveToThread(&m_thread);
        m_thread.start();
        onThread([this] {
            m_server = new QTcpServer;
            m_server->listen(QHostAddress::LocalHost, 0);
            m_port = m_server->serverPort();
            QObject::connect(m_server, &QTcpServer::newConnection, m_server, [this] {
                while (QTcpSocket *socket = m_server->nextPendingConnection())
                    accept(socket);
            });
        });
    }
    ~TestWebhookReceiver()
    {
        onThread([this] { delete m_server; });
        m_thread.quit();
        m_thread.wait();
    }
    TestWebhookReceiver(const TestWebhookReceiver &) = delete;
    TestWebhookReceiver &operator=(const TestWebhookReceiver &) = delete;

    QString url() const { return QStringLiteral("http://127.0.0.1:%1/hooks/twinops").arg(m_port); }
    void setMode(Mode mode)
    {
        QMutexLocker locker(&m_mutex);
        m_mode = mode;
    }
    // Refuses connections from now on (and drops the open ones) / accepts them again on the same port.
    void goDown()
    {
        onThread([this] {
            m_server->close();
            for (QTcpSocket *socket : m_server->findChildren<QTcpSocket *>())
                socket->abort();
        });
    }
    bool comeBack()
    {
        bool listening = false;
        onThread([this, &listening] { listening = m_server->listen(QHostAddress::LocalHost, m_port); });
        return listening;
    }
    QList<Request> requests() const
    {
        QMutexLocker locker(&m_mutex);
        return m_requests;
    }
    // The requests that were answered 2xx.
    QList<Request> accepted() const
    {
        QMutexLocker locker(&m_mutex);
        return m_accepted;
    }

private:
    template<typename F> void onThread(F f) { QMetaObject::invokeMethod(&m_context, f, Qt::BlockingQueuedConnection); }

    void accept(QTcpSocket *socket)
    {
        socket->setParent(m_server);
        auto buffer = std::make_shared<QByteArray>();
        QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
            *buffer += socket->readAll();
            std::optional<Request> request = takeRequest(*buffer);
            if (!request)
                return;
            Mode mode;
            {
                QMutexLocker locker(&m_mutex);
                m_requests.append(*request);
                mode = m_mode;
                if (mode == Mode::Accept || mode == Mode::Huge)
                    m_accepted.append(*request);
            }
            respond(socket, mode);
        });
    }

    static void respond(QTcpSocket *socket, Mode mode)
    {
        const auto answer = [socket](const QByteArray &status, const QByteArray &body, const QByteArray &extra = {}) {
            socket->write("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: "
                          + QByteArray::number(body.size()) + "\r\n" + extra + "Connection: close\r\n\r\n" + body);
            socket->disconnectFromHost();
        };
        switch (mode) {
        case Mode::Accept: answer("200 OK", R"({"ok":true})"); return;
        case Mode::Unavailable: answer("503 Service Unavailable", R"({"error":"maintenance"})"); return;
        case Mode::Reject: answer("400 Bad Request", R"({"error":"unknown receiver token"})"); return;
        case Mode::Redirect: answer("301 Moved Permanently", {}, "Location: /elsewhere\r\n"); return;
        case Mode::Huge: answer("200 OK", QByteArray(8 * 1024 * 1024, 'x')); return;
        case Mode::Silent: return;
        }
    }

    QThread m_thread;
    QObject m_context;
    QTcpServer *m_server = nullptr; // lives on m_thread
    quint16 m_port = 0;
    mutable QMutex m_mutex;
    Mode m_mode;
    QList<Request> m_requests;
    QList<Request> m_accepted;
};

// The receiver's check of X-TwinOps-Signature (docs/alerts-webhooks.md) with Qt's HMAC, not the daemon's code: v1 is
// the HMAC-SHA256 of "<t>.<body>" and t is at most five minutes old.
inline bool signatureValid(const RecordedRequest &request, const QByteArray &secret)
{
    const QByteArray header = request.headers.value("x-twinops-signature");
    QByteArray t;
    QByteArray v1;
    for (const QByteArray &part : header.split(',')) {
        if (part.startsWith("t="))
            t = part.mid(2);
        else if (part.startsWith("v1="))
            v1 = part.mid(3);
    }
    const QByteArray expected
        = QMessageAuthenticationCode::hash(t + '.' + request.body, secret, QCryptographicHash::Sha256).toHex();
    const qint64 age = QDateTime::currentSecsSinceEpoch() - t.toLongLong();
    return !t.isEmpty() && v1 == expected && age >= 0 && age < 300;
}

} // namespace twinops::test
