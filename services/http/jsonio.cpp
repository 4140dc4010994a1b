#include "http/jsonio.h"

#include "core/ids.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace twinops {

Result<QJsonObject> jsonBody(const HttpRequest &request)
{
    const QByteArray contentType = request.header("content-type").split(';').first().trimmed().toLower();
    if (contentType != "application/json")
        return Error::badRequest(QStringLiteral("expected Content-Type: application/json"));
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError)
        return Error::badRequest(
            QStringLiteral("malformed JSON at offset %1: %2").arg(error.offset).arg(error.errorString()));
    if (!document.isObject())
        return Error::badRequest(QStringLiteral("expected a JSON object"));
    return document.object();
}

Result<PageRequest> pageRequest(const HttpRequest &request, CursorId kind)
{
    PageRequest page;
    const QString limit = request.queryValue(QStringLiteral("limit"));
    if (!limit.isEmpty()) {
        bool ok = false;
        page.limit = limit.toInt(&ok);
        if (!ok || page.limit < 1 || page.limit > PageRequest::kMaxLimit)
            return Error::badRequest(
                QStringLiteral("limit must be an integer from 1 to %1").arg(PageRequest::kMaxLimit));
    }
    page.cursor = request.queryValue(QStringLiteral("cursor"));
    if (!page.cursor.isEmpty())
        TWINOPS_TRY(decodeCursor(page.cursor, kind)); // only its validity matters here
    return page;
}

Result<QString> uuidParam(const QString &value)
{
    if (!isUuid(value))
        return Error::badRequest(QStringLiteral("\"%1\" is not a UUID").arg(value.left(64)));
    return value.toLower();
}

Status storableQuery(const QUrlQuery &query)
{
    for (const auto &[name, value] : query.queryItems(QUrl::FullyDecoded)) {
        std::optional<QString> problem = unstorableText(name);
        if (!problem)
            problem = unstorableText(value);
        if (problem)
            return Error::badRequest(QStringLiteral("the query parameter \"%1\" %2").arg(name.left(40), *problem));
    }
    return {};
}

} // namespace twinops
