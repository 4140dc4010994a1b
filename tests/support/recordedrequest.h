#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>

#include <optional>

namespace twinops::test {

// One HTTP/1.1 request as the test servers on loopback (FakeLlmServer, TestWebhookReceiver) record it.
struct RecordedRequest
{
    QByteArray requestLine;
    QHash<QByteArray, QByteArray> headers; // names lower case
    QByteArray body;
};

// Takes the request at the front of `buffer` (what a connection has sent so far) once its headers and its
// Content-Length body are complete; nothing while they are not.
inline std::optional<RecordedRequest> takeRequest(QByteArray &buffer)
{
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return std::nullopt;
    RecordedRequest request;
    const QList<QByteArray> lines = buffer.left(end).split('\n');
    request.requestLine = lines.first().trimmed();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines.at(i).indexOf(':');
        if (colon > 0)
            request.headers.insert(lines.at(i).left(colon).trimmed().toLower(), lines.at(i).mid(colon + 1).trimmed());
    }
    const qsizetype length = request.headers.value("content-length").toLongLong();
    if (buffer.size() < end + 4 + length)
        return std::nullopt;
    request.body = buffer.mid(end + 4, length);
    buffer.remove(0, end + 4 + length);
    return request;
}

} // namespace twinops::test
