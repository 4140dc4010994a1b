#include "core/jsonio.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace twinops {

QString isoTime(const QDateTime &time)
{
    if (!time.isValid())
        return {};
    // Hand-rolled because every resource has two times and QDateTime::toString costs ~1 µs each in Qt 6.4
    // (it formats through asprintf); days-to-civil is Howard Hinnant's algorithm.
    const qint64 msecs = time.toMSecsSinceEpoch();
    qint64 days = msecs >= 0 ? msecs / 86'400'000 : (msecs - 86'399'999) / 86'400'000;
    const qint64 inDay = msecs - days * 86'400'000;
    days += 719'468;
    const qint64 era = (days >= 0 ? days : days - 146'096) / 146'097;
    const qint64 dayOfEra = days - era * 146'097;
    const qint64 yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36'524 - dayOfEra / 146'096) / 365;
    const qint64 dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const qint64 mp = (5 * dayOfYear + 2) / 153;
    const int day = int(dayOfYear - (153 * mp + 2) / 5 + 1);
    const int month = int(mp < 10 ? mp + 3 : mp - 9);
    const qint64 year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    if (year < 0 || year > 9999)
        return time.toUTC().toString(Qt::ISODateWithMs);
    char buffer[25];
    auto put = [&buffer](int at, qint64 value, int width) {
        for (int i = width - 1; i >= 0; --i, value /= 10)
            buffer[at + i] = char('0' + value % 10);
    };
    put(0, year, 4);
    buffer[4] = '-';
    put(5, month, 2);
    buffer[7] = '-';
    put(8, day, 2);
    buffer[10] = 'T';
    put(11, inDay / 3'600'000, 2);
    buffer[13] = ':';
    put(14, inDay / 60'000 % 60, 2);
    buffer[16] = ':';
    put(17, inDay / 1000 % 60, 2);
    buffer[19] = '.';
    put(20, inDay % 1000, 3);
    buffer[23] = 'Z';
    return QString::fromLatin1(buffer, 24);
}

std::optional<QString> unstorableText(QStringView text)
{
    const char16_t *const end = text.utf16() + text.size();
    for (const char16_t *p = text.utf16(); p != end; ++p) {
        if (*p == 0)
            return QStringLiteral("must not contain U+0000 (NUL)");
        if (QChar::isLowSurrogate(*p) || (QChar::isHighSurrogate(*p) && (p + 1 == end || !QChar::isLowSurrogate(p[1]))))
            return QStringLiteral("must not contain half a UTF-16 surrogate pair (not Unicode text)");
        if (QChar::isHighSurrogate(*p))
            ++p; // and its low half
    }
    return std::nullopt;
}

std::optional<QString> unstorableJson(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String: return unstorableText(value.toString());
    case QJsonValue::Array:
        for (const QJsonValue &item : value.toArray()) {
            if (auto problem = unstorableJson(item))
                return problem;
        }
        return std::nullopt;
    case QJsonValue::Object: {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (auto problem = unstorableText(it.key()))
                return problem;
            if (auto problem = unstorableJson(it.value()))
                return problem;
        }
        return std::nullopt;
    }
    default: return std::nullopt;
    }
}

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
    if (auto problem = unstorableText(value.toString())) {
        m_problems.insert(name, *problem);
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
    if (auto problem = unstorableJson(value)) {
        m_problems.insert(name, *problem);
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
        if (auto problem = unstorableText(item.toString())) {
            m_problems.insert(name, *problem);
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

void appendJsonString(QByteArray &out, QStringView text)
{
    // QJsonDocument's rules: the two mandatory escapes, short forms for \b \f \n \r \t, \u00xx for the other
    // control characters, UTF-8 for the rest, and \uxxxx (lower-case hex) for a surrogate without its pair.
    // Written through a pointer into room for the worst case (six bytes per UTF-16 unit), then trimmed: appending
    // byte by byte costs a call each.
    static constexpr char kHex[] = "0123456789abcdef";
    const qsizetype start = out.size();
    out.resize(start + 6 * text.size() + 2);
    char *cursor = out.data() + start;
    auto escapeUnit = [&cursor](char16_t unit) {
        *cursor++ = '\\';
        *cursor++ = 'u';
        for (int shift = 12; shift >= 0; shift -= 4)
            *cursor++ = kHex[(unit >> shift) & 0xf];
    };
    *cursor++ = '"';
    const char16_t *const end = text.utf16() + text.size();
    for (const char16_t *p = text.utf16(); p != end; ++p) {
        const char16_t unit = *p;
        if (unit < 0x80) {
            if (unit >= 0x20 && unit != u'"' && unit != u'\\') {
                *cursor++ = char(unit);
                continue;
            }
            char shortForm = 0;
            switch (unit) {
            case u'"': shortForm = '"'; break;
            case u'\\': shortForm = '\\'; break;
            case u'\b': shortForm = 'b'; break;
            case u'\f': shortForm = 'f'; break;
            case u'\n': shortForm = 'n'; break;
            case u'\r': shortForm = 'r'; break;
            case u'\t': shortForm = 't'; break;
            default: break;
            }
            if (shortForm) {
                *cursor++ = '\\';
                *cursor++ = shortForm;
            } else {
                escapeUnit(unit);
            }
        } else if (unit < 0x800) {
            *cursor++ = char(0xc0 | (unit >> 6));
            *cursor++ = char(0x80 | (unit & 0x3f));
        } else if (!QChar::isSurrogate(unit)) {
            *cursor++ = char(0xe0 | (unit >> 12));
            *cursor++ = char(0x80 | ((unit >> 6) & 0x3f));
            *cursor++ = char(0x80 | (unit & 0x3f));
        } else if (QChar::isHighSurrogate(unit) && p + 1 != end && QChar::isLowSurrogate(p[1])) {
            const char32_t code = QChar::surrogateToUcs4(unit, p[1]);
            ++p;
            *cursor++ = char(0xf0 | (code >> 18));
            *cursor++ = char(0x80 | ((code >> 12) & 0x3f));
            *cursor++ = char(0x80 | ((code >> 6) & 0x3f));
            *cursor++ = char(0x80 | (code & 0x3f));
        } else {
            escapeUnit(unit);
        }
    }
    *cursor++ = '"';
    out.truncate(cursor - out.constData());
}

JsonObjectWriter::JsonObjectWriter()
{
    m_json.reserve(256);
    m_json += '{';
}

void JsonObjectWriter::appendKey(QByteArrayView key)
{
    // Keys are our own ASCII names: nothing to escape. One resize instead of four appends.
    const bool first = m_json.size() == 1;
    const qsizetype at = m_json.size();
    m_json.resize(at + key.size() + (first ? 3 : 4));
    char *cursor = m_json.data() + at;
    if (!first)
        *cursor++ = ',';
    *cursor++ = '"';
    memcpy(cursor, key.data(), size_t(key.size()));
    cursor += key.size();
    *cursor++ = '"';
    *cursor = ':';
}

JsonObjectWriter &JsonObjectWriter::insert(QByteArrayView key, const QString &value)
{
    appendKey(key);
    appendJsonString(m_json, value);
    return *this;
}

JsonObjectWriter &JsonObjectWriter::insert(QByteArrayView key, const std::optional<QString> &value)
{
    return value ? insert(key, *value) : insert(key, nullptr);
}

JsonObjectWriter &JsonObjectWriter::insert(QByteArrayView key, qint64 value)
{
    appendKey(key);
    m_json += QByteArray::number(value);
    return *this;
}

JsonObjectWriter &JsonObjectWriter::insert(QByteArrayView key, std::optional<qint64> value)
{
    return value ? insert(key, *value) : insert(key, nullptr);
}

JsonObjectWriter &JsonObjectWriter::insert(QByteArrayView key, bool value)
{
    appendKey(key);
    m_json += value ? "true" : "false";
    return *this;
}

JsonObjectWriter &JsonObjectWriter::insert(QByteArrayView key, std::nullptr_t)
{
    appendKey(key);
    m_json += "null";
    return *this;
}

JsonObjectWriter &JsonObjectWriter::insert(QByteArrayView key, const QStringList &values)
{
    appendKey(key);
    m_json += '[';
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (i > 0)
            m_json += ',';
        appendJsonString(m_json, values.at(i));
    }
    m_json += ']';
    return *this;
}

JsonObjectWriter &JsonObjectWriter::insert(QByteArrayView key, const QJsonObject &object)
{
    appendKey(key);
    m_json += object.isEmpty() ? QByteArray("{}") : QJsonDocument(object).toJson(QJsonDocument::Compact);
    return *this;
}

JsonObjectWriter &JsonObjectWriter::insert(QByteArrayView key, const QJsonArray &array)
{
    appendKey(key);
    m_json += array.isEmpty() ? QByteArray("[]") : QJsonDocument(array).toJson(QJsonDocument::Compact);
    return *this;
}

JsonObjectWriter &JsonObjectWriter::insert(QByteArrayView key, const JsonObjectWriter &object)
{
    appendKey(key);
    m_json += object.m_json;
    m_json += '}';
    return *this;
}

JsonObjectWriter &JsonObjectWriter::insert(QByteArrayView key, const QList<JsonObjectWriter> &objects)
{
    appendKey(key);
    m_json += '[';
    for (qsizetype i = 0; i < objects.size(); ++i) {
        if (i > 0)
            m_json += ',';
        m_json += objects.at(i).m_json;
        m_json += '}';
    }
    m_json += ']';
    return *this;
}

} // namespace twinops
