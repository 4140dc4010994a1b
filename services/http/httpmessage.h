#pragma once

#include "core/error.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

namespace twinops {

using HttpHeaders = QList<QPair<QByteArray, QByteArray>>;

// A request as the router sees it: no sockets, so handlers are tested without a network.
struct HttpRequest
{
    QByteArray method; // upper case
    QString path;      // percent-decoded
    QUrlQuery query;
    HttpHeaders headers; // names lower case
    QByteArray body;
    QString peer; // client address, for rate limits and logs
    QString requestId;

    QByteArray header(const QByteArray &lowerCaseName) const;
    QString queryValue(const QString &name) const { return query.queryItemValue(name, QUrl::FullyDecoded); }
};

struct HttpResponse
{
    int status = 200;
    QByteArray contentType;
    QByteArray body;
    HttpHeaders headers;

    static HttpResponse json(int status, const QJsonDocument &document);
    static HttpResponse json(int status, const QJsonObject &object) { return json(status, QJsonDocument(object)); }
    static HttpResponse noContent();
    static HttpResponse text(int status, QByteArray body, QByteArray contentType);
    // The one place where an ErrorCode becomes an HTTP status and the API.md error body.
    static HttpResponse error(const Error &error);
};

int httpStatus(ErrorCode code);
QByteArray reasonPhrase(int status);

} // namespace twinops
