#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace twinops {

enum class TenantStatus { Active, Suspended };
enum class Role { Owner, Admin, Viewer };
enum class TwinStatus { Active, Archived };

QString tenantStatusName(TenantStatus status);
QString roleName(Role role);
QString twinStatusName(TwinStatus status);
std::optional<TenantStatus> tenantStatusFromString(const QString &text);
std::optional<Role> roleFromString(const QString &text);
std::optional<TwinStatus> twinStatusFromString(const QString &text);

struct Tenant
{
    QString id;
    QString name;
    TenantStatus status = TenantStatus::Active;
    QDateTime createdAt;
    QDateTime updatedAt;
};

struct User
{
    QString id;
    QString tenantId;
    QString email;
    QString passwordHash; // never leaves the services layer
    Role role = Role::Viewer;
    bool isActive = true;
    QDateTime revokedAt; // invalid when not revoked
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime lastLoginAt;
    // Set while the password is one an admin generated: every credential of the user reaches only the password
    // change (and /auth/me, /auth/refresh, /auth/logout) until the user sets one of their own.
    bool mustChangePassword = false;

    bool canAuthenticate() const { return isActive && !revokedAt.isValid(); }
};

struct Twin
{
    QString id;
    QString tenantId;
    QString name;
    QString description;
    QJsonObject settings;
    TwinStatus status = TwinStatus::Active;
    QDateTime createdAt;
    QDateTime updatedAt;
};

struct TenantPatch
{
    std::optional<QString> name;
    std::optional<TenantStatus> status;
};

struct UserPatch
{
    std::optional<Role> role;
    std::optional<bool> isActive;
};

struct TwinPatch
{
    std::optional<QString> name;
    std::optional<QString> description;
    std::optional<QJsonObject> settings;
    std::optional<TwinStatus> status;
};

} // namespace twinops
