#include "storage/paging.h"

#include "core/ids.h"

#include <QVariant>

namespace twinops {

QString encodeCursor(const QDateTime &createdAt, const QString &id)
{
    const QByteArray raw = QByteArray::number(createdAt.toMSecsSinceEpoch()) + '|' + id.toLatin1();
    return QString::fromLatin1(raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

namespace {

// 0001-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: every time a row of ours can have (they are made by
// nowUtc()), and well inside what both databases and ISO 8601's four-digit years take. A crafted cursor outside
// it (say -2^63 ms) made PostgreSQL fail the statement, an internal error to the client.
constexpr qint64 kFirstCursorMSecs = -62'135'596'800'000;
constexpr qint64 kLastCursorMSecs = 253'402'300'799'999;

} // namespace

Result<CursorPosition> decodeCursor(const QString &cursor, CursorId kind)
{
    const auto decoded = QByteArray::fromBase64Encoding(
        cursor.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    const Error invalid = Error::badRequest(QStringLiteral("invalid cursor"));
    if (!decoded)
        return invalid;
    const QList<QByteArray> parts = decoded.decoded.split('|');
    bool ok = false;
    const qint64 msecs = parts.size() == 2 ? parts.at(0).toLongLong(&ok) : 0;
    const QString id = parts.size() == 2 ? QString::fromLatin1(parts.at(1)) : QString();
    bool serialOk = false;
    const bool idOk = kind == CursorId::Uuid ? isUuid(id) : id.toLongLong(&serialOk) > 0 && serialOk;
    if (!ok || msecs < kFirstCursorMSecs || msecs > kLastCursorMSecs || !idOk)
        return invalid;
    return CursorPosition{utcFromMSecs(msecs), id.toLower()};
}

Status appendPaging(QString &sql, QVariantList &params, const PageRequest &request, const QString &tableAlias,
                    CursorId kind)
{
    const QString prefix = tableAlias.isEmpty() ? QString() : tableAlias + u'.';
    if (!request.cursor.isEmpty()) {
        TWINOPS_TRY_ASSIGN(const auto position, decodeCursor(request.cursor, kind));
        sql += QStringLiteral(" AND (%1created_at, %1id) %2 ($%3, $%4)")
                   .arg(prefix, request.newestFirst ? QStringLiteral("<") : QStringLiteral(">"))
                   .arg(params.size() + 1)
                   .arg(params.size() + 2);
        params << position.createdAt
               << (kind == CursorId::Uuid ? QVariant(position.id) : QVariant(position.id.toLongLong()));
    }
    sql += QStringLiteral(" ORDER BY %1created_at%2, %1id%2 LIMIT $%3")
               .arg(prefix, request.newestFirst ? QStringLiteral(" DESC") : QString())
               .arg(params.size() + 1);
    params << std::clamp(request.limit, 1, PageRequest::kMaxLimit) + 1;
    return {};
}

} // namespace twinops
