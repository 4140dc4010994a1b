#pragma once

#include <QDateTime>
#include <QString>
#include <QTimeZone>
#include <QUuid>

namespace twinops {

// Ids are UUIDs made in C++ (lower case, no braces); times are UTC with millisecond precision, so that a value
// written to either database reads back equal.
inline QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}
inline bool isUuid(const QString &text)
{
    return text.size() == 36 && !QUuid::fromString(text).isNull();
}
inline QDateTime utcFromMSecs(qint64 msecs)
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    return QDateTime::fromMSecsSinceEpoch(msecs, QTimeZone::UTC);
#else
    return QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC);
#endif
}
inline QDateTime nowUtc()
{
    return utcFromMSecs(QDateTime::currentMSecsSinceEpoch());
}

} // namespace twinops
