#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QJsonObject>
#include <QList>

namespace twinops {

class AdminClient;
struct AdminReply;

// A table over one paged list route of the admin API ({items, next_cursor} with keyset paging, as
// resources/api/openapi.json pages lists). Pages arrive through fetchMore(), asynchronously; answers to a list that was
// since replaced (new search, other tenant) are dropped. Rows are appended, updated in place or removed (a deleted
// item) one at a time; only a reload resets the table.
class PagedAdminModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role {
        SortRole = Qt::UserRole + 1, // the raw value of a cell (number, QDateTime, lower-case text) for sorting proxies
        IdRole, // the item's id, on every column
    };

    int rowCount(const QModelIndex &parent = {}) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    // Items per request (1 to 200 on the server); takes effect from the next page.
    void setPageSize(int pageSize) { m_pageSize = pageSize; }
    int pageSize() const { return m_pageSize; }
    bool isLoading() const { return m_fetching; }

    QJsonObject item(int row) const { return m_items.value(row); }
    QString idAt(int row) const;
    int rowOf(const QString &id) const { return m_rows.value(id, -1); }
    // The row of `id`; while it is not listed, -1 and the next page asked for (if there is one): for selecting an
    // item that may be further down the list once it arrives.
    int rowOrNextPage(const QString &id);

    // Forgets every row and asks for the first page again.
    void reload();

signals:
    void errorOccurred(const QString &message);
    void loadingChanged(bool loading);

protected:
    PagedAdminModel(AdminClient &client, QObject *parent);

    // The list route with its filters as a path and an encoded query ("/api/v1/admin/users?tenant_id=…"), without
    // paging; empty when there is nothing to list.
    virtual QString listPath() const = 0;
    // The tenant whose routes are listed (AdminApi::call's actingTenant), empty for the admin routes.
    virtual QString actingTenant() const { return {}; }

    AdminClient &client() const { return m_client; }
    // Merges `fields` into the row of the same id (dataChanged), or appends it (rowsInserted) when `append` is set.
    void upsert(const QJsonObject &fields, bool append);
    // Takes the row of `id` away (rowsRemoved); the rows after it move up by one.
    void removeItem(const QString &id);
    void reportError(const AdminReply &reply);
    static QString encoded(const QString &value);

private:
    void setFetching(bool fetching);
    void takePage(const AdminReply &reply);

    AdminClient &m_client;
    QList<QJsonObject> m_items;
    QHash<QString, int> m_rows; // id → row
    QString m_nextCursor;
    int m_pageSize = 50;
    quint64 m_generation = 0; // bumped by reload(): older answers are stale
    bool m_started = false; // the first page was asked for
    bool m_fetching = false;
};

} // namespace twinops
