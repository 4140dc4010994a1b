#pragma once

#include <QComboBox>

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
    // Lists the tenants again; the current one stays selected if it still exists.
    void reload();

signals:
    void tenantChanged(const QString &tenantId);
    void errorOccurred(const QString &message);

private:
    void fetch(const QString &cursor, quint64 generation, const QString &keep);

    AdminClient &m_client;
    QString m_anyTenantLabel;
    quint64 m_generation = 0;
};

} // namespace twinops
