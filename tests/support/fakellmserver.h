#pragma once

#include "recordedrequest.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QStringList>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <memory>

namespace twinops::test {

// An OpenAI-compatible server on loopback, on a thread of its own (the client under test blocks the test thread):
// it records each request and answers POST /v1/chat/completions as the chosen kind of server would.
class FakeLlmServer final
{
public:
    enum class Mode { Stream, ServerError, Silent, CutMidway };
    using Request = RecordedRequest;

    FakeLlmServer(Mode mode, QStringList tokens, int delayMs = 20)
        : m_mode(mode)
        , m_tokens(std::move(tokens))
        , m_delayMs(delayMs)
    {
        m_context.moveToThread(&m_thread);
        m_thread.start();
        QMetaObject::invokeMethod(
            &m_context,
            [this] {
                m_server = new QTcpServer;
                m_server->listen(QHostAddress::LocalHost, 0);
                m_port = m_server->serverPort();
                QObject::connect(m_server, &QTcpServer::newConnection, m_server, [this] {
                    while (QTcpSocket *socket = m_server->nextPendingConnection())
                        accept(socket);
                });
            },
            Qt::BlockingQueuedConnection);
    }

    ~FakeLlmServer()
    {
        QMetaObject::invokeMethod(
            &m_context, [this] { delete m_server; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1/v1").arg(m_port); }
    QList<Request> requests() const
    {
        QMutexLocker locker(&m_mutex);
        return m_requests;
    }

private:
    static QByteArray chunk(const QByteArray &payload)
    {
        return QByteArray::number(payload.size(), 16) + "\r\n" + payload + "\r\n";
    }
    static QByteArray event(const QJsonObject &delta, const QJsonValue &finishReason = QJsonValue())
    {
        const QJsonObject data{{QStringLiteral("id"), QStringLiteral("chatcmpl-test")},
                               {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
                               {QStringLiteral("model"), QStringLiteral("test-model")},
                               {QStringLiteral("choices"),
                                QJsonArray{QJsonObject{{QStringLiteral("index"), 0},
                                                       {QStringLiteral("delta"), delta},
                                                       {QStringLiteral("finish_reason"), finishReason}}}}};
        return chunk("data: " + QJsonDocument(data).toJson(QJsonDocument::Compact) + "\n\n");
    }

    void accept(QTcpSocket *socket)
    {
        auto buffer = std::make_shared<QByteArray>();
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
            *buffer += socket->readAll();
            std::optional<Request> request = takeRequest(*buffer);
            if (!request)
                return;
            buffer->clear();
            {
                QMutexLocker locker(&m_mutex);
                m_requests.append(*request);
            }
            respond(socket);
        });
    }

    void respond(QTcpSocket *socket)
    {
        switch (m_mode) {
        case Mode::Silent: return; // accepts, reads, never answers
        case Mode::ServerError: {
            const QByteArray body = R"({"error":{"message":"the model is overloaded","type":"server_error"}})";
            socket->write("HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: "
                          + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
            socket->disconnectFromHost();
            return;
        }
        case Mode::Stream:
        case Mode::CutMidway: break;
        }
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
                      "Cache-Control: no-cache\r\nConnection: close\r\n\r\n");
        socket->write(chunk(": keep-alive comment\n\n"));
        socket->write(event({{QStringLiteral("role"), QStringLiteral("assistant")}}));
        const int count = m_mode == Mode::CutMidway ? 2 : int(m_tokens.size());
        for (int i = 0; i < count; ++i) {
            QTimer::singleShot(m_delayMs * (i + 1), socket, [socket, token = m_tokens.at(i)] {
                socket->write(event({{QStringLiteral("content"), token}}));
            });
        }
        QTimer::singleShot(m_delayMs * (count + 1), socket, [this, socket] {
            if (m_mode == Mode::CutMidway) {
                socket->abort(); // mid-stream: no [DONE], no last chunk
                return;
            }
            socket->write(event(QJsonObject{}, QStringLiteral("stop")));
            socket->write(chunk("data: [DONE]\n\n"));
            socket->write("0\r\n\r\n");
            socket->disconnectFromHost();
        });
    }

    const Mode m_mode;
    const QStringList m_tokens;
    const int m_delayMs;
    QThread m_thread;
    QObject m_context;
    QTcpServer *m_server = nullptr; // lives on m_thread
    quint16 m_port = 0;
    mutable QMutex m_mutex;
    QList<Request> m_requests;
};

} // namespace twinops::test
