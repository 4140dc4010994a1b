#include "tenancy/userrepository.h"

#include "core/ids.h"
#include "tenancy/tenantrepository.h"

#include <QRegularExpression>

namespace twinops {

namespace {

const QString kColumns = QStringLiteral("id, tenant_id, email, password_hash, role, is_active, revoked_at, created_at, "
                                        "updated_at, last_login_at, must_change_password");

User userFromRow(const Row &row)
{
    return {row.text(0),    row.text(1), row.text(2), row.text(3), roleFromString(row.text(4)).value_or(Role::Viewer),
            row.boolean(5), row.time(6), row.time(7), row.time(8), row.time(9),
            row.boolean(10)};
}

Error userNotFound()
{
    return Error::notFound(QStringLiteral("user not found"));
}

Result<User> single(Result<Rows> rows)
{
    if (!rows.ok())
        return rows.error();
    if (rows->isEmpty())
        return userNotFound();
    return userFromRow(rows->first());
}

} // namespace

Result<QString> validatedEmail(const QString &email)
{
    static const QRegularExpression pattern(QStringLiteral("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"));
    const QString normalised = email.trimmed().toLower();
    if (normalised.size() > 254 || !pattern.match(normalised).hasMatch())
        return Error::validation(QStringLiteral("email"), QStringLiteral("must be a valid email address"));
    return normalised;
}

Result<User> UserRepository::create(const QString &tenantId, const NewUser &newUser)
{
    TWINOPS_TRY_ASSIGN(const auto email, validatedEmail(newUser.email));
    const QDateTime now = nowUtc();
    User user{newId(), tenantId, email, newUser.passwordHash,      newUser.role, true, {},
              now,     now,      {},    newUser.mustChangePassword};
    auto result = m_db.query(
        QStringLiteral("INSERT INTO users (id, tenant_id, email, password_hash, role, is_active, created_at, "
                       "updated_at, must_change_password) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"),
        {user.id, tenantId, user.email, user.passwordHash, roleName(user.role), true, now, now,
         user.mustChangePassword});
    if (!result.ok()) {
        if (result.error().code == ErrorCode::Conflict)
            return Error::conflict(QStringLiteral("a user with this email already exists"));
        return result.error();
    }
    return user;
}

Result<User> UserRepository::get(const QString &tenantId, const QString &id)
{
    if (!isUuid(id) || !isUuid(tenantId))
        return userNotFound();
    return single(m_db.query(QStringLiteral("SELECT ") + kColumns
                                 + QStringLiteral(" FROM users WHERE tenant_id = $1 AND id = $2"),
                             {tenantId, id}));
}

Result<Page<User>> UserRepository::list(const QString &tenantId, const PageRequest &page)
{
    if (!isUuid(tenantId))
        return Page<User>{};
    return fetchPage(m_db, QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM users WHERE tenant_id = $1"),
                     {tenantId}, page, userFromRow);
}

Result<User> UserRepository::update(const QString &tenantId, const QString &id, const UserPatch &patch)
{
    if (!isUuid(id) || !isUuid(tenantId))
        return userNotFound();
    QString sql = QStringLiteral("UPDATE users SET updated_at = $3");
    QVariantList params{tenantId, id, nowUtc()};
    if (patch.role) {
        params << roleName(*patch.role);
        sql += QStringLiteral(", role = $%1").arg(params.size());
    }
    if (patch.isActive) {
        params << *patch.isActive;
        sql += QStringLiteral(", is_active = $%1").arg(params.size());
    }
    sql += QStringLiteral(" WHERE tenant_id = $1 AND id = $2 RETURNING ") + kColumns;
    return single(m_db.query(sql, params));
}

Status UserRepository::remove(const QString &tenantId, const QString &id)
{
    if (!isUuid(id) || !isUuid(tenantId))
        return userNotFound();
    TWINOPS_TRY_ASSIGN(
        const auto result,
        m_db.query(QStringLiteral("DELETE FROM users WHERE tenant_id = $1 AND id = $2"), {tenantId, id}));
    if (result.rowsAffected() == 0)
        return userNotFound();
    return {};
}

Result<int> UserRepository::countActiveOwners(const QString &tenantId)
{
    TWINOPS_TRY_ASSIGN(const auto rows,
                       m_db.query(QStringLiteral("SELECT count(*) FROM users WHERE tenant_id = $1 AND role = 'owner' "
                                                 "AND is_active = $2 AND revoked_at IS NULL"),
                                  {tenantId, true}));
    return int(rows.first().integer(0));
}

Result<User> UserRepository::findByEmail(const QString &email)
{
    return single(m_db.query(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM users WHERE email = $1"),
                             {email.trimmed().toLower()}));
}

Result<User> UserRepository::getAnyTenant(const QString &id)
{
    if (!isUuid(id))
        return userNotFound();
    return single(m_db.query(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM users WHERE id = $1"), {id}));
}

Result<Page<User>> UserRepository::listAllTenants(const PageRequest &page, const QString &search,
                                                  const QString &tenantId)
{
    QString sql = QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM users WHERE 1 = 1");
    QVariantList params;
    if (!tenantId.isEmpty()) {
        params << tenantId;
        sql += QStringLiteral(" AND tenant_id = $%1").arg(params.size());
    }
    if (!search.isEmpty()) {
        params << likePattern(search);
        sql += QStringLiteral(" AND (lower(email) LIKE $%1 ESCAPE '\\' OR tenant_id IN "
                              "(SELECT id FROM tenants WHERE lower(name) LIKE $%1 ESCAPE '\\'))")
                   .arg(params.size());
    }
    return fetchPage(m_db, sql, params, page, userFromRow);
}

Result<User> UserRepository::setRevoked(const QString &id, bool revoked)
{
    if (!isUuid(id))
        return userNotFound();
    const QDateTime now = nowUtc();
    return single(m_db.query(
        QStringLiteral("UPDATE users SET revoked_at = $2, updated_at = $3 WHERE id = $1 RETURNING ") + kColumns,
        {id, revoked ? QVariant(now) : QVariant(), now}));
}

Result<User> UserRepository::setPassword(const QString &id, const QString &passwordHash, bool mustChangePassword)
{
    if (!isUuid(id))
        return userNotFound();
    return single(m_db.query(QStringLiteral("UPDATE users SET password_hash = $2, must_change_password = $3, "
                                            "updated_at = $4 WHERE id = $1 RETURNING ")
                                 + kColumns,
                             {id, passwordHash, mustChangePassword, nowUtc()}));
}

} // namespace twinops
