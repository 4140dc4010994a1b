#pragma once

#include "tenantscopedmodel.h"

#include <QStringList>

#include <optional>

namespace twinops {

// The API keys of one tenant (/api/v1/api-keys, reached inside that tenant: AdminApi's actingTenant), paged like
// the admin lists. Create appends the new row and revoke changes its row in place; only another tenant resets the
// table. The secret of a new key is handed on once, in keyCreated, and never kept here.
class ApiKeysModel final : public TenantScopedModel
{
    Q_OBJECT
public:
    enum Column { Name, Prefix, Scopes, Twins, CreatedBy, Created, Expires, LastUsed, State, ColumnCount };

    // What POST /api/v1/api-keys takes.
    struct NewKey
    {
        QString name;
        QStringList scopes;
        std::optional<QStringList> twinIds; // none: every twin of the tenant
        std::optional<int> expiresInDays; // none: never expires
    };

    explicit ApiKeysModel(AdminClient &client, QObject *parent = nullptr);

    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void createKey(const NewKey &key);
    void revokeKey(const QString &keyId);

signals:
    // `key` is the new key's row (without the secret); `secret` is the whole key, which the API shows only now.
    void keyCreated(const QString &tenantId, const QJsonObject &key, const QString &secret);
    void keyRevoked(const QString &keyId);

protected:
    QString listPath() const override;
    QString actingTenant() const override { return tenantId(); }
    QVariant cellData(const QModelIndex &index, int role) const override;
};

} // namespace twinops
