#pragma once

#include <QHash>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

namespace twinops {

class AdminClient;

// Tenant and twin names for the ids a panel shows, so that people read names, not 8-character id prefixes.
// Tenant names are handed in (setTenantNames: the panel's TenantPicker lists them anyway); twin names are listed
// per tenant on demand (GET /api/v1/twins inside that tenant, every page), once per tenant: a twin made later is
// shown by its id until the next reload().
class NameDirectory final : public QObject
{
    Q_OBJECT
public:
    explicit NameDirectory(AdminClient &client, QObject *parent = nullptr);

    void setTenantNames(const QHash<QString, QString> &names);
    QString tenantName(const QString &tenantId) const { return m_tenants.value(tenantId); } // empty if unknown
    QString twinName(const QString &twinId) const { return m_twins.value(twinId).name; }
    QString tenantOfTwin(const QString &twinId) const { return m_twins.value(twinId).tenantId; }
    // Lists the tenant's twins unless asked already.
    void wantTwinsOf(const QString &tenantId);
    bool isListing() const { return m_listing > 0; }
    // The ids a user may mean by `text`: the full id, a name (any case) or an id prefix of the tenants known / the
    // twins listed (of `tenantId` only, when given).
    QStringList matchTenants(const QString &text) const;
    QStringList matchTwins(const QString &text, const QString &tenantId = {}) const;
    // Forgets the twins: the next wantTwinsOf lists them again.
    void reload();

signals:
    void namesChanged();
    void listingFinished(); // the last twin listing in flight has answered
    void errorOccurred(const QString &message);

private:
    struct Twin
    {
        QString name;
        QString tenantId;
    };
    void listTwins(const QString &tenantId, const QString &cursor, quint64 generation);

    AdminClient &m_client;
    QHash<QString, QString> m_tenants;
    QHash<QString, Twin> m_twins;
    QSet<QString> m_askedTenants;
    quint64 m_generation = 0;
    int m_listing = 0;
};

} // namespace twinops
