#include "tenancy/tenancy.h"

namespace twinops {

QString tenantStatusName(TenantStatus status)
{
    return status == TenantStatus::Active ? QStringLiteral("active") : QStringLiteral("suspended");
}

QString roleName(Role role)
{
    switch (role) {
    case Role::Owner: return QStringLiteral("owner");
    case Role::Admin: return QStringLiteral("admin");
    case Role::Viewer: return QStringLiteral("viewer");
    }
    return QStringLiteral("viewer");
}

QString twinStatusName(TwinStatus status)
{
    return status == TwinStatus::Active ? QStringLiteral("active") : QStringLiteral("archived");
}

std::optional<TenantStatus> tenantStatusFromString(const QString &text)
{
    if (text == QLatin1String("active"))
        return TenantStatus::Active;
    if (text == QLatin1String("suspended"))
        return TenantStatus::Suspended;
    return std::nullopt;
}

std::optional<Role> roleFromString(const QString &text)
{
    if (text == QLatin1String("owner"))
        return Role::Owner;
    if (text == QLatin1String("admin"))
        return Role::Admin;
    if (text == QLatin1String("viewer"))
        return Role::Viewer;
    return std::nullopt;
}

std::optional<TwinStatus> twinStatusFromString(const QString &text)
{
    if (text == QLatin1String("active"))
        return TwinStatus::Active;
    if (text == QLatin1String("archived"))
        return TwinStatus::Archived;
    return std::nullopt;
}

} // namespace twinops
