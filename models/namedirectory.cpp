#include "namedirectory.h"

#include "admin/adminclient.h"

#include <QJsonArray>
#include <QUrl>

namespace twinops {

namespace {

// Ids are lower-case UUIDs; a name is matched whole (any case), an id by its prefix.
template<typename Names> QStringList match(const QString &text, const Names &names)
{
    const QString wanted = text.trimmed();
    if (wanted.isEmpty())
        return {};
    QStringList byName, byId;
    for (auto it = names.constBegin(); it != names.constEnd(); ++it) {
        if (it.key() == wanted.toLower())
            return {it.key()};
        if (QString::compare(it.value(), wanted, Qt::CaseInsensitive) == 0)
            byName << it.key();
        else if (it.key().startsWith(wanted.toLower()))
            byId << it.key();
    }
    return byName.isEmpty() ? byId : byName;
}

} // namespace

NameDirectory::NameDirectory(AdminClient &client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{ }

void NameDirectory::setTenantNames(const QHash<QString, QString> &names)
{
    if (names == m_tenants)
        return;
    m_tenants = names;
    emit namesChanged();
}

void NameDirectory::wantTwinsOf(const QString &tenantId)
{
    if (tenantId.isEmpty() || m_askedTenants.contains(tenantId))
        return;
    m_askedTenants.insert(tenantId);
    ++m_listing;
    listTwins(tenantId, {}, m_generation);
}

void NameDirectory::listTwins(const QString &tenantId, const QString &cursor, quint64 generation)
{
    QString path = QStringLiteral("/api/v1/twins?limit=200");
    if (!cursor.isEmpty())
        path += QStringLiteral("&cursor=") + QString::fromLatin1(QUrl::toPercentEncoding(cursor));
    m_client.get(
        path, this,
        [this, tenantId, generation](const AdminReply &reply) {
            if (generation != m_generation)
                return;
            QString next;
            if (!reply.ok()) {
                emit errorOccurred(tr("Could not list the twins of a tenant: %1").arg(reply.errorText()));
            } else {
                for (const QJsonValue &value : reply.body.value(QLatin1String("items")).toArray()) {
                    const QJsonObject twin = value.toObject();
                    m_twins.insert(twin.value(QLatin1String("id")).toString(),
                                   {twin.value(QLatin1String("name")).toString(), tenantId});
                }
                emit namesChanged();
                next = reply.body.value(QLatin1String("next_cursor")).toString();
            }
            if (!next.isEmpty()) {
                listTwins(tenantId, next, generation);
            } else if (--m_listing == 0) {
                emit listingFinished();
            }
        },
        tenantId);
}

QStringList NameDirectory::matchTenants(const QString &text) const
{
    return match(text, m_tenants);
}

QStringList NameDirectory::matchTwins(const QString &text, const QString &tenantId) const
{
    QHash<QString, QString> names;
    for (auto it = m_twins.constBegin(); it != m_twins.constEnd(); ++it)
        if (tenantId.isEmpty() || it->tenantId == tenantId)
            names.insert(it.key(), it->name);
    return match(text, names);
}

void NameDirectory::reload()
{
    ++m_generation; // listings in flight answer for the old directory
    m_twins.clear();
    m_askedTenants.clear();
    const bool wasListing = m_listing > 0;
    m_listing = 0;
    if (wasListing)
        emit listingFinished();
}

} // namespace twinops
