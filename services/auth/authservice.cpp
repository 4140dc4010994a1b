#include "auth/authservice.h"

#include "auth/apikeyrepository.h"
#include "auth/crypto.h"
#include "auth/useraccess.h"
#include "core/ids.h"
#include "core/logging.h"
#include "tenancy/tenantrepository.h"
#include "tenancy/userrepository.h"

#include <QHostAddress>

#include <optional>

namespace twinops {

namespace {

Error invalidLogin()
{
    return Error::unauthorized(QStringLiteral("invalid email or password"));
}
Error invalidRefresh()
{
    return Error::unauthorized(QStringLiteral("invalid refresh token"));
}

} // namespace

AuthConfig::AuthConfig(QByteArray jwtSecret, PasswordHasher::Cost cost, AuthLimits authLimits)
    : jwt(std::move(jwtSecret))
    , hasher(cost)
    , dummyHash(hasher.hash(crypto::randomToken(16)).value())
    , limits(authLimits)
{ }

Result<QString> AuthService::hashPassword(const QString &password) const
{
    TWINOPS_TRY(m_config.passwordPolicy.check(password));
    return m_config.hasher.hash(password);
}

Result<GeneratedPassword> AuthService::generatePassword() const
{
    GeneratedPassword generated{crypto::randomToken(18), {}};
    TWINOPS_TRY_ASSIGN(generated.hash, hashPassword(generated.password));
    return generated;
}

Result<Session> AuthService::signup(const QString &email, const QString &password, const QString &tenantName,
                                    const QString &clientAddress)
{
    QHash<QString, QString> problems;
    auto normalisedEmail = validatedEmail(email);
    if (!normalisedEmail.ok())
        problems.insert(normalisedEmail.error().details);
    auto name = validatedName(QStringLiteral("tenant_name"), tenantName);
    if (!name.ok())
        problems.insert(name.error().details);
    if (const Status acceptable = m_config.passwordPolicy.check(password); !acceptable.ok()) {
        if (acceptable.error().code != ErrorCode::ValidationFailed)
            return acceptable.error();
        problems.insert(acceptable.error().details);
    }
    if (!problems.isEmpty())
        return Error::validation(problems);

    // Only attempts that would create a tenant count (a mistyped form does not), and they count before the
    // password is hashed, so that a flood of sign-ups costs the flooder its budget, not us our CPU. Sign-ups from
    // this machine are not limited: they come from our own tools (every checklist run signs up 8 throwaway tenants)
    // or from a reverse proxy, for which one budget would be every visitor's.
    const QString client = AuthThrottle::clientOf(clientAddress);
    if (signupLimited(client)) {
        TWINOPS_TRY(AuthThrottle(m_db).take(signupKey(client), m_config.limits.get().signupPerAddress, nowUtc(),
                                            signupRefusal()));
    }
    TWINOPS_TRY_ASSIGN(const auto hash, m_config.hasher.hash(password));

    TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(m_db));
    TWINOPS_TRY_ASSIGN(const auto tenant, TenantRepository(m_db).create(*name));
    TWINOPS_TRY_ASSIGN(const auto user, UserRepository(m_db).create(tenant.id, {*normalisedEmail, hash, Role::Owner}));
    TWINOPS_TRY_ASSIGN(auto session, openSession(user, tenant, newId()));
    TWINOPS_TRY(tx.commit());
    return session;
}

// The budgets' keys and refusals, in one place for the attempts that take from them and the checks that admit them.
QString AuthService::loginAddressKey(const QString &client)
{
    return QStringLiteral("login-address:") + client;
}
QString AuthService::loginAddressRefusal()
{
    return QStringLiteral("too many failed logins from this address; try again later");
}
QString AuthService::signupKey(const QString &client)
{
    return QStringLiteral("signup:") + client;
}
QString AuthService::signupRefusal()
{
    return QStringLiteral("too many sign-ups from this address; try again later");
}
bool AuthService::signupLimited(const QString &client) const
{
    return m_config.limits.get().signupPerAddress.limit > 0 && !QHostAddress(client).isLoopback();
}

Status AuthService::admitLogin(const QString &clientAddress)
{
    if (m_config.limits.get().loginPerAddress.limit <= 0)
        return {};
    return AuthThrottle(m_db).waiting(loginAddressKey(AuthThrottle::clientOf(clientAddress)), nowUtc(),
                                      loginAddressRefusal());
}

Status AuthService::admitSignup(const QString &clientAddress)
{
    const QString client = AuthThrottle::clientOf(clientAddress);
    if (!signupLimited(client))
        return {};
    return AuthThrottle(m_db).waiting(signupKey(client), nowUtc(), signupRefusal());
}

Status AuthService::takeShareRead(const QString &clientAddress)
{
    return AuthThrottle(m_db).spend(QStringLiteral("share-read-address:") + AuthThrottle::clientOf(clientAddress),
                                    m_config.limits.get().shareReadPerAddress, nowUtc(),
                                    QStringLiteral("too many requests from this address; try again later"));
}

Status AuthService::takeShareChat(const QString &clientAddress)
{
    return AuthThrottle(m_db).spend(QStringLiteral("share-chat-address:") + AuthThrottle::clientOf(clientAddress),
                                    m_config.limits.get().shareChatPerAddress, nowUtc(),
                                    QStringLiteral("too many chat requests from this address; try again later"));
}

Status AuthService::takeShareChatOnLink(const QString &linkId)
{
    return AuthThrottle(m_db).spend(QStringLiteral("share-chat-link:") + linkId, m_config.limits.get().shareChatPerLink,
                                    nowUtc(), QStringLiteral("too many chat requests on this link; try again later"));
}

Result<AuthService::PasswordAttempt> AuthService::takePasswordAttempt(const QString &normalisedEmail,
                                                                      const QString &clientAddress)
{
    const QString client = AuthThrottle::clientOf(clientAddress);
    PasswordAttempt attempt{QStringLiteral("login:") + normalisedEmail + u'|' + client, std::nullopt};
    const QDateTime now = nowUtc();
    AuthThrottle throttle(m_db);
    const AuthLimits limits = m_config.limits.get();

    // Both budgets are taken before the password is verified, so that concurrent guesses can never together get
    // more evaluations than the limits allow. In one transaction: a refusal by either takes nothing from the other.
    TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(m_db));
    if (const ThrottleRule &rule = limits.loginPerAddress; rule.limit > 0) {
        TWINOPS_TRY_ASSIGN(attempt.fromAddress,
                           throttle.take(loginAddressKey(client), rule, now, loginAddressRefusal()));
    }
    TWINOPS_TRY(throttle.take(attempt.accountKey, limits.loginPerAccount, now,
                              QStringLiteral("too many failed logins; try again later")));
    TWINOPS_TRY(tx.commit());
    return attempt;
}

Status AuthService::passwordAttemptSucceeded(const PasswordAttempt &attempt)
{
    AuthThrottle throttle(m_db);
    TWINOPS_TRY(throttle.clear(attempt.accountKey));
    if (attempt.fromAddress)
        TWINOPS_TRY(throttle.giveBack(*attempt.fromAddress));
    return {};
}

Result<Session> AuthService::login(const QString &email, const QString &password, const QString &clientAddress)
{
    const QString normalised = email.trimmed().toLower();
    TWINOPS_TRY_ASSIGN(const auto attempt, takePasswordAttempt(normalised, clientAddress));
    auto user = UserRepository(m_db).findByEmail(normalised);
    if (!user.ok() && user.error().code != ErrorCode::NotFound)
        return user.error();
    const bool passwordMatches = m_config.hasher.verify(user.ok() ? user->passwordHash : m_config.dummyHash, password);
    if (!user.ok() || !passwordMatches || !user->canAuthenticate()) {
        qCInfo(lcAuth).noquote() << "failed login from" << clientAddress;
        return invalidLogin(); // the attempts taken stay taken: they were failures
    }
    TWINOPS_TRY(passwordAttemptSucceeded(attempt));

    TWINOPS_TRY_ASSIGN(const auto tenant, TenantRepository(m_db).get(user->tenantId));
    if (tenant.status != TenantStatus::Active)
        return Error::forbidden(QStringLiteral("the tenant is suspended"));
    if (m_config.hasher.needsRehash(user->passwordHash)) {
        if (auto rehashed = m_config.hasher.hash(password); rehashed.ok())
            (void)m_db.query(QStringLiteral("UPDATE users SET password_hash = $2 WHERE id = $1"),
                             {user->id, *rehashed});
    }
    TWINOPS_TRY(m_db.query(QStringLiteral("UPDATE users SET last_login_at = $2 WHERE id = $1"), {user->id, nowUtc()}));
    return openSession(*user, tenant, newId());
}

Result<Session> AuthService::changePassword(const QString &userId, const QString &currentPassword,
                                            const QString &newPassword, const QString &clientAddress)
{
    const QString field = QStringLiteral("new_password");
    if (newPassword == currentPassword)
        return Error::validation(field, QStringLiteral("must differ from the current password"));
    if (const Status acceptable = m_config.passwordPolicy.check(newPassword); !acceptable.ok()) {
        if (acceptable.error().code != ErrorCode::ValidationFailed)
            return acceptable.error();
        return Error::validation(field, acceptable.error().details.value(QStringLiteral("password")));
    }
    TWINOPS_TRY_ASSIGN(const auto user, UserRepository(m_db).getAnyTenant(userId));
    TWINOPS_TRY_ASSIGN(const auto attempt, takePasswordAttempt(user.email, clientAddress));
    if (!m_config.hasher.verify(user.passwordHash, currentPassword)) {
        qCInfo(lcAuth).noquote() << "failed password change from" << clientAddress;
        return Error::unauthorized(QStringLiteral("the current password is wrong"));
    }
    TWINOPS_TRY(passwordAttemptSucceeded(attempt));
    TWINOPS_TRY_ASSIGN(const auto hash, m_config.hasher.hash(newPassword));
    TWINOPS_TRY_ASSIGN(const auto tenant, TenantRepository(m_db).get(user.tenantId));

    TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(m_db));
    TWINOPS_TRY_ASSIGN(const auto changed, UserRepository(m_db).setPassword(user.id, hash, false));
    // Whoever else held a session (the one who handed the password over, a thief) is out; this one goes on.
    TWINOPS_TRY(endUserSessions(m_db, user.id));
    TWINOPS_TRY_ASSIGN(auto session, openSession(changed, tenant, newId()));
    TWINOPS_TRY(tx.commit());
    return session;
}

Result<Session> AuthService::openSession(const User &user, const Tenant &tenant, const QString &familyId)
{
    const QDateTime now = nowUtc();
    // Never older than the user's sessions_valid_after: a login within a second of the end of the user's previous
    // access (revoked, then restored) would otherwise get a token refused as one of the ended sessions'.
    TWINOPS_TRY_ASSIGN(const auto validAfter,
                       m_db.query(QStringLiteral("SELECT sessions_valid_after FROM users WHERE id = $1"), {user.id}));
    const QDateTime sessionsValidAfter = validAfter.isEmpty() ? QDateTime() : validAfter.first().time(0);
    const QDateTime issuedAt = sessionsValidAfter.isValid() && sessionsValidAfter > now ? sessionsValidAfter : now;
    const QString refreshToken = QStringLiteral("twr_") + crypto::randomToken(32);
    const QString tokenId = newId();
    TWINOPS_TRY(m_db.query(QStringLiteral("INSERT INTO refresh_tokens (id, tenant_id, user_id, family_id, token_hash, "
                                          "expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"),
                           {tokenId, user.tenantId, user.id, familyId, crypto::sha256Hex(refreshToken.toUtf8()),
                            now.addDays(m_config.refreshTokenDays), now}));
    TWINOPS_TRY(reloadSigningKeys(JwtCodec::kKeysReloadInterval));
    return Session{user, tenant, m_config.jwt.issue(user.id, user.tenantId, user.role, issuedAt), refreshToken,
                   int(m_config.jwt.lifetime().count())};
}

Result<Session> AuthService::refresh(const QString &refreshToken)
{
    if (!refreshToken.startsWith(QLatin1String("twr_")) || refreshToken.size() > 100)
        return invalidRefresh();
    TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(m_db));
    TWINOPS_TRY_ASSIGN(const auto rows,
                       m_db.query(QStringLiteral("SELECT id, user_id, family_id, expires_at, used_at, revoked_at "
                                                 "FROM refresh_tokens WHERE token_hash = $1"),
                                  {crypto::sha256Hex(refreshToken.toUtf8())}));
    if (rows.isEmpty())
        return invalidRefresh();
    const Row row = rows.first();
    const QString id = row.text(0), userId = row.text(1), familyId = row.text(2);
    const QDateTime now = nowUtc();
    if (!row.isNull(4) && row.isNull(5)) {
        // A rotated token came back: someone holds a copy. Revoke the whole family, the thief's and the owner's.
        TWINOPS_TRY(m_db.query(QStringLiteral("UPDATE refresh_tokens SET revoked_at = $2 "
                                              "WHERE family_id = $1 AND revoked_at IS NULL"),
                               {familyId, now}));
        TWINOPS_TRY(tx.commit());
        qCWarning(lcAuth).noquote() << "refresh token reuse detected; revoked family" << familyId;
        return invalidRefresh();
    }
    if (!row.isNull(5) || row.time(3) <= now)
        return invalidRefresh();
    auto user = UserRepository(m_db).getAnyTenant(userId);
    if (!user.ok() || !user->canAuthenticate())
        return invalidRefresh();
    TWINOPS_TRY_ASSIGN(const auto tenant, TenantRepository(m_db).get(user->tenantId));
    if (tenant.status != TenantStatus::Active)
        return Error::forbidden(QStringLiteral("the tenant is suspended"));
    TWINOPS_TRY_ASSIGN(
        const auto used,
        m_db.query(QStringLiteral("UPDATE refresh_tokens SET used_at = $2 WHERE id = $1 AND used_at IS NULL"),
                   {id, now}));
    if (used.rowsAffected() != 1)
        return invalidRefresh(); // a concurrent refresh won the race
    TWINOPS_TRY_ASSIGN(auto session, openSession(*user, tenant, familyId));
    TWINOPS_TRY(tx.commit());
    return session;
}

Status AuthService::logout(const QString &refreshToken)
{
    // Unknown tokens are fine: logging out twice is not an error, and the answer reveals nothing.
    return discardRows(
        m_db.query(QStringLiteral("UPDATE refresh_tokens SET revoked_at = $2 WHERE revoked_at IS NULL AND "
                                  "family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)"),
                   {crypto::sha256Hex(refreshToken.toUtf8()), nowUtc()}));
}

Result<Principal> AuthService::authenticate(const QByteArray &authorizationHeader)
{
    if (authorizationHeader.isEmpty())
        return Error::unauthorized(QStringLiteral("missing credentials"));
    if (!authorizationHeader.startsWith("Bearer ") || authorizationHeader.size() > 8192)
        return Error::unauthorized(QStringLiteral("malformed Authorization header (expected: Bearer <token>)"));
    const QString token = QString::fromLatin1(authorizationHeader.mid(7).trimmed());
    if (token.startsWith(QLatin1String("twk_")))
        return ApiKeyRepository(m_db).authenticate(token);
    return authenticateJwt(token);
}

Status AuthService::reloadSigningKeys(std::chrono::seconds maxAge)
{
    QMutexLocker locker(&m_config.signingKeysReload);
    const QDateTime now = nowUtc();
    const QDateTime loadedAt = m_config.jwt.keysLoadedAt();
    if (loadedAt.isValid() && loadedAt.addSecs(qint64(maxAge.count())) > now)
        return {};
    TWINOPS_TRY_ASSIGN(const QList<SigningKeyId> keys,
                       SigningKeyRepository(m_db).load(now, m_config.jwt.retiredKeyKept()));
    m_config.jwt.setKeys(keys, now);
    return {};
}

Result<Principal> AuthService::authenticateJwt(const QString &token)
{
    TWINOPS_TRY(reloadSigningKeys(JwtCodec::kKeysReloadInterval));
    auto verified = m_config.jwt.verify(token, nowUtc());
    // A key made by a rotation elsewhere since the last reload: looked up at once, at most once a second.
    if (!verified.ok()) {
        TWINOPS_TRY(reloadSigningKeys(std::chrono::seconds(1)));
        verified = m_config.jwt.verify(token, nowUtc());
    }
    TWINOPS_TRY_ASSIGN(const auto claims, std::move(verified));
    TWINOPS_TRY_ASSIGN(
        const auto rows,
        m_db.query(QStringLiteral("SELECT u.role, u.is_active, u.revoked_at, t.status, u.sessions_valid_after, "
                                  "u.must_change_password FROM users u JOIN tenants t ON t.id = u.tenant_id "
                                  "WHERE u.id = $1 AND u.tenant_id = $2"),
                   {claims.userId, claims.tenantId}));
    if (rows.isEmpty())
        return Error::unauthorized(QStringLiteral("the user no longer exists"));
    const Row row = rows.first();
    if (!row.boolean(1) || !row.isNull(2))
        return Error::unauthorized(QStringLiteral("the user is revoked or inactive"));
    // Issued before the user's access last ended (revoked, deactivated): that session is over even after a restore.
    if (!row.isNull(4) && claims.issuedAt < row.time(4))
        return Error::unauthorized(QStringLiteral("the session has ended; sign in again"));
    if (row.text(3) != QLatin1String("active"))
        return Error::forbidden(QStringLiteral("the tenant is suspended"));
    Principal principal;
    principal.kind = Principal::Kind::User;
    principal.tenantId = claims.tenantId;
    principal.userId = claims.userId;
    principal.role = roleFromString(row.text(0)).value_or(Role::Viewer);
    principal.mustChangePassword = row.boolean(5);
    return principal;
}

} // namespace twinops
