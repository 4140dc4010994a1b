#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QNetworkAccessManager>
#include <QPair>
#include <QString>
#include <QUrl>

namespace twinops {

// One HTTP exchange as the checks see it. `transportError` is set when no HTTP answer arrived (refused,
// timed out, reset); then `status` is 0.
struct ApiReply
{
    QString method;
    QString path;
    int status = 0;
    QByteArray body;
    QString transportError;
    qint64 elapsedMs = 0;

    QJsonObject object() const; // the body as a JSON object, or empty
    QString errorCode() const; // the error body's error.code, or empty
    // "GET /api/v1/twins → 500 internal: message" — for check messages (never includes credentials).
    QString describe() const;
};

// A small blocking JSON client for the checks (smoke tests, health, metrics scrapes). It runs a local event loop
// per request, so it must be used from a thread that is not the GUI thread. Every request has a deadline.
class ApiClient
{
public:
    explicit ApiClient(QUrl baseUrl, int timeoutMs = 10'000);

    ApiReply get(const QString &path, const QString &bearer = {});
    ApiReply post(const QString &path, const QJsonValue &body, const QString &bearer = {});
    ApiReply patch(const QString &path, const QJsonValue &body, const QString &bearer = {});
    ApiReply remove(const QString &path, const QString &bearer = {});
    // Any method; an undefined body sends none. `headers` are sent as given (name, value).
    ApiReply send(const QByteArray &method, const QString &path, const QJsonValue &body, const QString &bearer,
                  const QList<QPair<QByteArray, QByteArray>> &headers = {});

    const QUrl &baseUrl() const { return m_baseUrl; }

private:
    QUrl m_baseUrl;
    int m_timeoutMs;
    QNetworkAccessManager m_network;
};

} // namespace twinops
