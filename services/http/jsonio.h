#pragma once

#include "core/jsonio.h"
#include "core/result.h"
#include "http/httpmessage.h"
#include "storage/paging.h"

#include <QJsonObject>

namespace twinops {

// The request's body as a JSON object: 400 for a wrong content type, malformed JSON or anything but an object.
Result<QJsonObject> jsonBody(const HttpRequest &request);
// ?limit=&cursor= : 400 for a limit that is not 1..200 or a cursor we did not make for this kind of id.
Result<PageRequest> pageRequest(const HttpRequest &request, CursorId kind = CursorId::Uuid);
// A path parameter that must be a UUID: 400 otherwise (resources/api/openapi.json: "not a UUID: 400").
Result<QString> uuidParam(const QString &value);

// 400 for a query parameter (name or value) that unstorableText refuses; the router checks every request.
Status storableQuery(const QUrlQuery &query);

template<typename T, typename ToJson> JsonObjectWriter pageJson(const Page<T> &page, ToJson toJson)
{
    QList<JsonObjectWriter> items;
    items.reserve(page.items.size());
    for (const T &item : page.items)
        items.append(toJson(item));
    return JsonObjectWriter()
        .insert("items", items)
        .insert("next_cursor", page.nextCursor.isEmpty() ? std::nullopt : std::optional<QString>(page.nextCursor));
}

} // namespace twinops
