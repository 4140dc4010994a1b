#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace twinops {

QString isoTime(const QDateTime &time); // "2026-11-26T03:36:23.123Z", or null-equivalent empty for invalid

// Why `text` cannot be stored, or nothing when it can: U+0000 (PostgreSQL's text and jsonb refuse it, and libpq
// would cut a parameter short at it) and half a surrogate pair (it has no UTF-8 form; it would become U+FFFD).
std::optional<QString> unstorableText(QStringView text);
// The same for every key and string inside a JSON value.
std::optional<QString> unstorableJson(const QJsonValue &value);

// Reads typed fields and collects every problem, so one 422 names all the fields that are wrong. Every string
// read, down to the keys and strings inside objects and lists, must be storable (unstorableText).
class JsonFields
{
public:
    explicit JsonFields(const QJsonObject &object)
        : m_object(object)
    { }

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

// A JSON object written straight to compact UTF-8 as its fields are added: what every resource of resources.cpp is
// built with. Building QJsonObjects and serialising them with QJsonDocument cost about 40 % of a 10-twin list
// request's CPU time. Strings are escaped exactly as QJsonDocument escapes them (tst_jsonio compares the two).
// Fields come out in the order they are added (QJsonObject sorted them; resources add theirs alphabetically so
// that bodies stayed the same) and duplicates are not detected.
class JsonObjectWriter
{
public:
    JsonObjectWriter();

    JsonObjectWriter &insert(QByteArrayView key, const QString &value);
    JsonObjectWriter &insert(QByteArrayView key, const std::optional<QString> &value); // null without a value
    JsonObjectWriter &insert(QByteArrayView key, qint64 value);
    JsonObjectWriter &insert(QByteArrayView key, int value) { return insert(key, qint64(value)); }
    JsonObjectWriter &insert(QByteArrayView key, std::optional<qint64> value); // null without a value
    JsonObjectWriter &insert(QByteArrayView key, bool value);
    JsonObjectWriter &insert(QByteArrayView key, std::nullptr_t);
    JsonObjectWriter &insert(QByteArrayView key, const QStringList &values);
    JsonObjectWriter &insert(QByteArrayView key, const QJsonObject &object); // through QJsonDocument
    JsonObjectWriter &insert(QByteArrayView key, const QJsonArray &array); // through QJsonDocument
    JsonObjectWriter &insert(QByteArrayView key, const JsonObjectWriter &object);
    JsonObjectWriter &insert(QByteArrayView key, const QList<JsonObjectWriter> &objects);
    // A C string would otherwise become a bool.
    JsonObjectWriter &insert(QByteArrayView key, const char *value) = delete;

    QByteArray toJson() const { return m_json + '}'; }

private:
    void appendKey(QByteArrayView key);
    QByteArray m_json; // without the closing brace
};

// The escaped, quoted form of a string, as QJsonDocument writes it.
void appendJsonString(QByteArray &out, QStringView text);

} // namespace twinops
