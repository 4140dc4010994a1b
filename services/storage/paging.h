#pragma once

#include "core/result.h"
#include "storage/database.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <algorithm>

namespace twinops {

// Keyset paging over (created_at, id): stable while rows are added, and O(limit) however deep the page.
struct PageRequest
{
    static constexpr int kDefaultLimit = 50;
    static constexpr int kMaxLimit = 200;
    int limit = kDefaultLimit;
    QString cursor; // opaque; empty = first page
    bool newestFirst = false; // the order of the pages; a cursor goes on in the order it was made in
};

template<typename T> struct Page
{
    QList<T> items;
    QString nextCursor; // empty when this is the last page
};

struct CursorPosition
{
    QDateTime createdAt;
    QString id;
};

// What a table's id is: a UUID made by the application, or a bigint identity (audit_log), which a cursor binds as
// a number so that both databases compare it as one.
enum class CursorId { Uuid, Serial };

QString encodeCursor(const QDateTime &createdAt, const QString &id);
// BadRequest for anything we did not make
Result<CursorPosition> decodeCursor(const QString &cursor, CursorId kind = CursorId::Uuid);

// Appends "AND (created_at, id) > ($n, $n+1)" (< newest first) when the request has a cursor, then ORDER BY and LIMIT,
// binding the parameters; `limit + 1` rows are fetched so that the caller knows whether a next page exists.
Status appendPaging(QString &sql, QVariantList &params, const PageRequest &request, const QString &tableAlias = {},
                    CursorId kind = CursorId::Uuid);

// Completes `sql` (a SELECT … WHERE …) with appendPaging, maps each row with fromRow, cuts the extra row and sets
// nextCursor from the last item, whose type has `createdAt` and `id`.
template<typename FromRow>
auto fetchPage(Database &db, QString sql, QVariantList params, const PageRequest &request, FromRow fromRow,
               const QString &tableAlias = {}, CursorId kind = CursorId::Uuid)
    -> Result<Page<decltype(fromRow(std::declval<Row>()))>>
{
    using Item = decltype(fromRow(std::declval<Row>()));
    TWINOPS_TRY(appendPaging(sql, params, request, tableAlias, kind));
    TWINOPS_TRY_ASSIGN(const auto rows, db.query(sql, params));
    Page<Item> page;
    page.items.reserve(rows.size());
    for (const Row row : rows)
        page.items.append(fromRow(row));
    const int limit = std::clamp(request.limit, 1, PageRequest::kMaxLimit);
    if (page.items.size() > limit) {
        page.items.resize(limit);
        page.nextCursor = encodeCursor(page.items.last().createdAt, page.items.last().id);
    }
    return page;
}

} // namespace twinops
