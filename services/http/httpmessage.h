#pragma once

#include "core/error.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

#include <functional>

namespace twinops {

class JsonObjectWriter;

using HttpHeaders = QList<QPair<QByteArray, QByteArray>>;

// A request as the router sees it: no sockets, so handlers are tested without a network.
struct HttpRequest
{
    QByteArray method; // upper case
    QString path; // percent-decoded
    QUrlQuery query;
    HttpHeaders headers; // names lower case
    QByteArray body;
    QString peer; // the socket's peer address
    // The client's address: the peer, or the address a trusted proxy forwarded (TrustedProxies). What rate limits,
    // throttles and the audit log count.
    QString client;
    QString requestId;
    // Set by the transport for requests it runs on a pool: true once the client has disconnected, so that long
    // work (a chat answer) can stop. Null for callers that never go away (tests, the console in process).
    std::function<bool()> clientGone;

    QByteArray header(const QByteArray &lowerCaseName) const;
    QString queryValue(const QString &name) const { return query.queryItemValue(name, QUrl::FullyDecoded); }
};

// Where a streaming response writes server-sent events. send() returns false once the client has gone, so the
// producer can stop early (and still store what it has).
class EventSink
{
public:
    virtual ~EventSink() = default;
    virtual bool send(const QByteArray &event, const QByteArray &data) = 0;
};

struct HttpResponse
{
    int status = 200;
    QByteArray contentType;
    QByteArray body;
    HttpHeaders headers;
    // Set for text/event-stream responses: called on the thread that ran the handler (a pool thread, see Lane) after
    // the handler returned; the connection closes when it returns. `body` is unused then.
    std::function<void(EventSink &)> stream;

    static HttpResponse json(int status, const QJsonDocument &document);
    static HttpResponse json(int status, const QJsonObject &object) { return json(status, QJsonDocument(object)); }
    static HttpResponse json(int status, const JsonObjectWriter &object);
    static HttpResponse noContent();
    static HttpResponse text(int status, QByteArray body, QByteArray contentType);
    static HttpResponse eventStream(std::function<void(EventSink &)> producer);
    // The one place where an ErrorCode becomes an HTTP status and the error body of resources/api/openapi.json.
    static HttpResponse error(const Error &error);
};

int httpStatus(ErrorCode code);
QByteArray reasonPhrase(int status);

} // namespace twinops
