#pragma once

#include <QComboBox>
#include <QHash>

namespace twinops {

class AdminClient;

// A choice of one tenant of the environment, filled from GET /api/v1/admin/tenants (every page). Shared by the
// panels that work inside one tenant (Twins, Sources).
class TenantPicker final : public QComboBox
{
    Q_OBJECT
public:
    explicit TenantPicker(AdminClient &client, QWidget *parent = nullptr);

    QString tenantId() const { return currentData().toString(); }
    // Offers "every tenant" (an empty tenantId) as the first choice, under `label`; call before reload().
    void setAnyTenantLabel(const QString &label) { m_anyTenantLabel = label; }
    // Every tenant listed so far, id → name (without the " (suspended)" mark).
    QHash<QString, QString> names() const { return m_names; }
    // Makes `tenantId` the current tenant if it is listed; true when it is the current one.
    bool choose(const QString &tenantId);
    // Lists the tenants again; the current one stays selected if it still exists.
    void reload();

signals:
    void tenantChanged(const QString &tenantId);
    void errorOccurred(const QString &message);
    void namesChanged(); // another page of tenants arrived

private:
    void fetch(const QString &cursor, quint64 generation, const QString &keep);

    AdminClient &m_client;
    QString m_anyTenantLabel;
    quint64 m_generation = 0;
    QHash<QString, QString> m_names;
};

} // namespace twinops
