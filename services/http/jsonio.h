#pragma once

#include "core/result.h"
#include "http/httpmessage.h"
#include "storage/paging.h"

#include <QJsonArray>
#include <QJsonObject>

#include <optional>

namespace twinops {

// The request's body as a JSON object: 400 for a wrong content type, malformed JSON or anything but an object.
Result<QJsonObject> jsonBody(const HttpRequest &request);
// ?limit=&cursor= : 400 for a limit that is not 1..200.
Result<PageRequest> pageRequest(const HttpRequest &request);
// A path parameter that must be a UUID: 400 otherwise (API.md: "id that is not a UUID").
Result<QString> uuidParam(const QString &value);

QString isoTime(const QDateTime &time); // "2026-11-26T03:36:23.123Z", or null-equivalent empty for invalid

// Reads typed fields and collects every problem, so one 422 names all the fields that are wrong.
class JsonFields
{
public:
    explicit JsonFields(const QJsonObject &object) : m_object(object) { }

    QString requiredString(const QString &name, int maxLength = 10'000);
    std::optional<QString> optionalString(const QString &name, int maxLength = 10'000);
    std::optional<int> optionalInt(const QString &name);
    std::optional<bool> optionalBool(const QString &name);
    std::optional<QJsonObject> optionalObject(const QString &name);
    std::optional<QStringList> optionalStringList(const QString &name, int maxItems = 1000);
    QStringList requiredStringList(const QString &name, int maxItems = 1000);

    void problem(const QString &name, const QString &text) { m_problems.insert(name, text); }
    Status status() const;

private:
    QJsonObject m_object;
    QHash<QString, QString> m_problems;
};

template<typename T, typename ToJson>
QJsonObject pageJson(const Page<T> &page, ToJson toJson)
{
    QJsonArray items;
    for (const T &item : page.items)
        items.append(toJson(item));
    return {{QStringLiteral("items"), items},
            {QStringLiteral("next_cursor"), page.nextCursor.isEmpty() ? QJsonValue() : QJsonValue(page.nextCursor)}};
}

} // namespace twinops
