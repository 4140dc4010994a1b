#include "pagedadminmodel.h"

#include "admin/adminclient.h"

#include <QJsonArray>
#include <QUrl>

namespace twinops {

PagedAdminModel::PagedAdminModel(AdminClient &client, QObject *parent)
    : QAbstractTableModel(parent)
    , m_client(client)
{ }

int PagedAdminModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

bool PagedAdminModel::canFetchMore(const QModelIndex &parent) const
{
    if (parent.isValid() || m_fetching || listPath().isEmpty())
        return false;
    return !m_started || !m_nextCursor.isEmpty();
}

void PagedAdminModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    QString path = listPath();
    path += path.contains(u'?') ? u'&' : u'?';
    path += QStringLiteral("limit=%1").arg(m_pageSize);
    if (!m_nextCursor.isEmpty())
        path += QStringLiteral("&cursor=") + encoded(m_nextCursor);
    m_started = true;
    setFetching(true);
    m_client.get(
        path, this,
        [this, generation = m_generation](const AdminReply &reply) {
            if (generation != m_generation)
                return;
            setFetching(false);
            takePage(reply);
        },
        actingTenant());
}

QString PagedAdminModel::idAt(int row) const
{
    return m_items.value(row).value(QLatin1String("id")).toString();
}

int PagedAdminModel::rowOrNextPage(const QString &id)
{
    const int row = rowOf(id);
    if (row < 0)
        fetchMore({});
    return row;
}

void PagedAdminModel::reload()
{
    beginResetModel();
    m_items.clear();
    m_rows.clear();
    m_nextCursor.clear();
    m_started = false;
    ++m_generation;
    // Before the views hear of the reset: a view may ask for the first page at once, and that request must stay
    // marked in flight (clearing the flag after it made isLoading() false while the page was still coming).
    m_fetching = false;
    endResetModel();
    fetchMore({}); // unless a view already asked
}

void PagedAdminModel::upsert(const QJsonObject &fields, bool append)
{
    const QString id = fields.value(QLatin1String("id")).toString();
    const int row = rowOf(id);
    if (row >= 0) {
        QJsonObject &item = m_items[row];
        for (auto it = fields.begin(); it != fields.end(); ++it)
            item.insert(it.key(), it.value());
        emit dataChanged(index(row, 0), index(row, columnCount() - 1));
    } else if (append && !id.isEmpty()) {
        const int at = int(m_items.size());
        beginInsertRows({}, at, at);
        m_items.append(fields);
        m_rows.insert(id, at);
        endInsertRows();
    }
}

void PagedAdminModel::removeItem(const QString &id)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_items.removeAt(row);
    m_rows.remove(id);
    for (auto it = m_rows.begin(); it != m_rows.end(); ++it) {
        if (it.value() > row)
            --it.value();
    }
    endRemoveRows();
}

void PagedAdminModel::reportError(const AdminReply &reply)
{
    emit errorOccurred(reply.errorText());
}

QString PagedAdminModel::encoded(const QString &value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

void PagedAdminModel::setFetching(bool fetching)
{
    if (fetching == m_fetching)
        return;
    m_fetching = fetching;
    emit loadingChanged(fetching);
}

void PagedAdminModel::takePage(const AdminReply &reply)
{
    if (!reply.ok()) {
        // Stop paging: a failing list must not be asked for again and again by the view.
        m_nextCursor.clear();
        reportError(reply);
        return;
    }
    m_nextCursor = reply.body.value(QLatin1String("next_cursor")).toString();
    QList<QJsonObject> fresh;
    for (const QJsonValue &value : reply.body.value(QLatin1String("items")).toArray()) {
        QJsonObject item = value.toObject();
        const QString id = item.value(QLatin1String("id")).toString();
        // A row added here (created from this console) can come again with a later page.
        if (id.isEmpty() || m_rows.contains(id))
            continue;
        fresh.append(std::move(item));
    }
    if (fresh.isEmpty())
        return;
    const int first = int(m_items.size());
    beginInsertRows({}, first, first + int(fresh.size()) - 1);
    for (QJsonObject &item : fresh) {
        m_rows.insert(item.value(QLatin1String("id")).toString(), int(m_items.size()));
        m_items.append(std::move(item));
    }
    endInsertRows();
}

} // namespace twinops
