#pragma once

#include "core/result.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace twinops {

// Keyset paging over (created_at, id): stable while rows are added, and O(limit) however deep the page.
struct PageRequest
{
    static constexpr int kDefaultLimit = 50;
    static constexpr int kMaxLimit = 200;
    int limit = kDefaultLimit;
    QString cursor; // opaque; empty = first page
};

template<typename T>
struct Page
{
    QList<T> items;
    QString nextCursor; // empty when this is the last page
};

struct CursorPosition
{
    QDateTime createdAt;
    QString id;
};

QString encodeCursor(const QDateTime &createdAt, const QString &id);
Result<CursorPosition> decodeCursor(const QString &cursor); // BadRequest for anything we did not make

// Appends "AND (created_at, id) > ($n, $n+1)" when the request has a cursor, then ORDER BY and LIMIT, binding the
// parameters; `limit + 1` rows are fetched so that the caller knows whether a next page exists.
Status appendPaging(QString &sql, QVariantList &params, const PageRequest &request, const QString &tableAlias = {});

// Cuts the extra row fetched by appendPaging and sets nextCursor from the last item.
template<typename T, typename CreatedAt, typename Id>
Page<T> makePage(QList<T> items, const PageRequest &request, CreatedAt createdAt, Id id)
{
    Page<T> page;
    const int limit = std::clamp(request.limit, 1, PageRequest::kMaxLimit);
    if (items.size() > limit) {
        items.resize(limit);
        page.nextCursor = encodeCursor(createdAt(items.last()), id(items.last()));
    }
    page.items = std::move(items);
    return page;
}

} // namespace twinops
