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
        return Error::badRequest(QStringLiteral("malformed JSON at offset %1: %2").arg(error.offset).arg(error.errorString()));
    if (!document.isObject())
        return Error::badRequest(QStringLiteral("expected a JSON object"));
    return document.object();
}

Result<PageRequest> pageRequest(const HttpRequest &request)
{
    PageRequest page;
    const QString limit = request.queryValue(QStringLiteral("limit"));
    if (!limit.isEmpty()) {
        bool ok = false;
        page.limit = limit.toInt(&ok);
        if (!ok || page.limit < 1 || page.limit > PageRequest::kMaxLimit)
            return Error::badRequest(QStringLiteral("limit must be an integer from 1 to %1").arg(PageRequest::kMaxLimit));
    }
    page.cursor = request.queryValue(QStringLiteral("cursor"));
    if (!page.cursor.isEmpty()) {
        auto decoded = decodeCursor(page.cursor);
        if (!decoded.ok())
            return decoded.error();
    }
    return page;
}

Result<QString> uuidParam(const QString &value)
{
    if (!isUuid(value))
        return Error::badRequest(QStringLiteral("\"%1\" is not a UUID").arg(value.left(64)));
    return value.toLower();
}

QString isoTime(const QDateTime &time) { return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : QString(); }

QString JsonFields::requiredString(const QString &name, int maxLength)
{
    if (!m_object.contains(name) || m_object.value(name).isNull()) {
        m_problems.insert(name, QStringLiteral("is required"));
        return {};
    }
    return optionalString(name, maxLength).value_or(QString());
}

std::optional<QString> JsonFields::optionalString(const QString &name, int maxLength)
{
    const QJsonValue value = m_object.value(name);
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    if (!value.isString()) {
        m_problems.insert(name, QStringLiteral("must be a string"));
        return std::nullopt;
    }
    if (value.toString().size() > maxLength) {
        m_problems.insert(name, QStringLiteral("must be at most %1 characters").arg(maxLength));
        return std::nullopt;
    }
    return value.toString();
}

std::optional<int> JsonFields::optionalInt(const QString &name)
{
    const QJsonValue value = m_object.value(name);
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    const double number = value.toDouble();
    if (!value.isDouble() || number != double(qint64(number)) || number < -2e9 || number > 2e9) {
        m_problems.insert(name, QStringLiteral("must be an integer"));
        return std::nullopt;
    }
    return int(number);
}

std::optional<bool> JsonFields::optionalBool(const QString &name)
{
    const QJsonValue value = m_object.value(name);
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    if (!value.isBool()) {
        m_problems.insert(name, QStringLiteral("must be true or false"));
        return std::nullopt;
    }
    return value.toBool();
}

std::optional<QJsonObject> JsonFields::optionalObject(const QString &name)
{
    const QJsonValue value = m_object.value(name);
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    if (!value.isObject()) {
        m_problems.insert(name, QStringLiteral("must be an object"));
        return std::nullopt;
    }
    return value.toObject();
}

std::optional<QStringList> JsonFields::optionalStringList(const QString &name, int maxItems)
{
    const QJsonValue value = m_object.value(name);
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    if (!value.isArray() || value.toArray().size() > maxItems) {
        m_problems.insert(name, QStringLiteral("must be an array of at most %1 strings").arg(maxItems));
        return std::nullopt;
    }
    QStringList list;
    for (const QJsonValue &item : value.toArray()) {
        if (!item.isString()) {
            m_problems.insert(name, QStringLiteral("must contain only strings"));
            return std::nullopt;
        }
        list.append(item.toString());
    }
    return list;
}

QStringList JsonFields::requiredStringList(const QString &name, int maxItems)
{
    if (!m_object.contains(name) || m_object.value(name).isNull()) {
        m_problems.insert(name, QStringLiteral("is required"));
        return {};
    }
    return optionalStringList(name, maxItems).value_or(QStringList());
}

Status JsonFields::status() const
{
    if (m_problems.isEmpty())
        return {};
    return Error::validation(m_problems);
}

} // namespace twinops
