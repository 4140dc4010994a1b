#pragma once

#include "core/result.h"
#include "storage/database.h"
#include "storage/paging.h"
#include "tenancy/tenancy.h"

namespace twinops {

struct NewUser
{
    QString email;
    QString passwordHash; // already hashed by the auth service
    Role role = Role::Viewer;
    bool mustChangePassword = false; // the password was generated for the user (User::mustChangePassword)
};

// Users of one tenant. Every statement but the login lookup and the platform-admin revoke carries
// tenant_id = $1, so a foreign id behaves exactly like a missing one.
class UserRepository
{
public:
    explicit UserRepository(Database &db)
        : m_db(db)
    { }

    Result<User> create(const QString &tenantId, const NewUser &user);
    Result<User> get(const QString &tenantId, const QString &id);
    Result<Page<User>> list(const QString &tenantId, const PageRequest &page);
    Result<User> update(const QString &tenantId, const QString &id, const UserPatch &patch);
    Status remove(const QString &tenantId, const QString &id);
    Result<int> countActiveOwners(const QString &tenantId);

    // Unscoped, for login (email is unique across the platform) and for the platform admin.
    Result<User> findByEmail(const QString &email);
    Result<User> getAnyTenant(const QString &id);
    // `search` (optional) matches the email or the tenant's name, case-insensitive; `tenantId` (optional, a UUID)
    // narrows the listing to one tenant.
    Result<Page<User>> listAllTenants(const PageRequest &page, const QString &search = {},
                                      const QString &tenantId = {});
    Result<User> setRevoked(const QString &id, bool revoked);
    // Any tenant's user (the platform admin's reset, and the user's own change, whose principal names the user).
    Result<User> setPassword(const QString &id, const QString &passwordHash, bool mustChangePassword);

private:
    Database &m_db;
};

// The normalised (trimmed, lower-case) address, or a validation error for "email".
Result<QString> validatedEmail(const QString &email);

} // namespace twinops
