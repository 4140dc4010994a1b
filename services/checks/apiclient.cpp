#include "checks/apiclient.h"

#include "core/replywait.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace twinops {

QJsonObject ApiReply::object() const
{
    return QJsonDocument::fromJson(body).object();
}

QString ApiReply::errorCode() const
{
    return object().value(QLatin1String("error")).toObject().value(QLatin1String("code")).toString();
}

QString ApiReply::describe() const
{
    QString text = method + u' ' + path + QStringLiteral(" → ");
    if (!transportError.isEmpty())
        return text + QStringLiteral("no answer (%1)").arg(transportError);
    text += QString::number(status);
    const QJsonObject error = object().value(QLatin1String("error")).toObject();
    if (!error.isEmpty())
        text += QStringLiteral(" %1: %2").arg(error.value(QLatin1String("code")).toString(),
                                              error.value(QLatin1String("message")).toString().left(200));
    return text;
}

ApiClient::ApiClient(QUrl baseUrl, int timeoutMs)
    : m_baseUrl(std::move(baseUrl))
    , m_timeoutMs(timeoutMs)
{
    m_network.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy); // a check must see what the server says
}

ApiReply ApiClient::get(const QString &path, const QString &bearer)
{
    return send("GET", path, QJsonValue(QJsonValue::Undefined), bearer);
}

ApiReply ApiClient::post(const QString &path, const QJsonValue &body, const QString &bearer)
{
    return send("POST", path, body, bearer);
}

ApiReply ApiClient::patch(const QString &path, const QJsonValue &body, const QString &bearer)
{
    return send("PATCH", path, body, bearer);
}

ApiReply ApiClient::remove(const QString &path, const QString &bearer)
{
    return send("DELETE", path, QJsonValue(QJsonValue::Undefined), bearer);
}

ApiReply ApiClient::send(const QByteArray &method, const QString &path, const QJsonValue &body, const QString &bearer,
                         const QList<QPair<QByteArray, QByteArray>> &headers)
{
    ApiReply reply;
    reply.method = QString::fromLatin1(method);
    reply.path = path;
    QUrl url = m_baseUrl;
    const qsizetype question = path.indexOf(u'?');
    url.setPath(m_baseUrl.path().chopped(m_baseUrl.path().endsWith(u'/') ? 1 : 0) + path.left(question));
    if (question >= 0)
        url.setQuery(path.mid(question + 1));
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("twinops-check"));
    if (!bearer.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + bearer.toUtf8());
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QByteArray payload;
    if (!body.isUndefined()) {
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        payload = body.isObject() ? QJsonDocument(body.toObject()).toJson(QJsonDocument::Compact)
                                  : QJsonDocument(body.toArray()).toJson(QJsonDocument::Compact);
    }
    QElapsedTimer elapsed;
    elapsed.start();
    QNetworkReply *network = body.isUndefined() ? m_network.sendCustomRequest(request, method)
                                                : m_network.sendCustomRequest(request, method, payload);
    const bool timedOut = waitForReply(*network, std::chrono::milliseconds(m_timeoutMs));
    reply.elapsedMs = elapsed.elapsed();
    reply.status = network->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (network->isOpen()) // an aborted reply is closed, and reading it only warns
        reply.body = network->readAll();
    if (timedOut)
        reply.transportError = QStringLiteral("timed out after %1 ms").arg(m_timeoutMs);
    else if (reply.status == 0)
        reply.transportError = network->errorString();
    delete network; // finished or aborted: safe to delete now, and this thread may run no event loop later
    return reply;
}

} // namespace twinops
