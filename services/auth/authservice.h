#pragma once

#include "auth/auththrottle.h"
#include "auth/jwt.h"
#include "auth/passwordhasher.h"
#include "auth/passwordpolicy.h"
#include "auth/principal.h"
#include "core/result.h"
#include "storage/database.h"
#include "tenancy/tenancy.h"

#include <optional>

namespace twinops {

// What the auth service needs that outlives one request; shared read-only by every HTTP thread.
struct AuthConfig
{
    AuthConfig(QByteArray jwtSecret, PasswordHasher::Cost cost, AuthLimits limits = {});

    JwtCodec jwt;
    PasswordHasher hasher;
    PasswordPolicy passwordPolicy;
    QString dummyHash; // verified against when the email is unknown, so timing does not tell
    int refreshTokenDays = 30;
    LiveAuthLimits limits; // replaceable while the threads run
    // Serialises the reloads of jwt's signing keys, so that the threads of a fresh instance make one first key.
    mutable QMutex signingKeysReload;
};

// A password made for a user by an admin (adding the user, resetting the password), answered once and never stored.
struct GeneratedPassword
{
    QString password;
    QString hash;
};

struct Session
{
    User user;
    Tenant tenant;
    QString accessToken;
    QString refreshToken;
    int expiresIn = 0; // seconds
};

// Sign-up, login, token refresh with rotation and reuse detection, logout, and turning an Authorization header
// into a Principal. Every authentication re-reads the user and tenant, so revocation, deactivation, a role
// change or a suspension takes effect on the very next request, in every process sharing the database.
class AuthService
{
public:
    AuthService(Database &db, const AuthConfig &config)
        : m_db(db)
        , m_config(config)
    { }

    Result<Session> signup(const QString &email, const QString &password, const QString &tenantName,
                           const QString &clientAddress);
    Result<Session> login(const QString &email, const QString &password, const QString &clientAddress);
    // The user's own change (POST /api/v1/auth/password): the new password must pass the policy and differ from the
    // current one, which is verified like a login's (a wrong one takes from the same budgets). Clears
    // must_change_password, ends every session of the user and opens a new one, which is answered.
    Result<Session> changePassword(const QString &userId, const QString &currentPassword, const QString &newPassword,
                                   const QString &clientAddress);
    // RateLimited while the client address's login (or sign-up) budget is spent: one read and no password work, so
    // the HTTP thread refuses a flood at once instead of queueing it for the work pool (Lane::Work admission).
    Status admitLogin(const QString &clientAddress);
    Status admitSignup(const QString &clientAddress);
    // A share-link visitor's request, taken from its budgets (AuthLimits::share*); RateLimited with Retry-After once
    // one is spent. Reading a link counts per client address; a chat per client address, before the token is even
    // looked up (guessing tokens stays slow), and then per link (a leaked link cannot run up its owner's bill).
    Status takeShareRead(const QString &clientAddress);
    Status takeShareChat(const QString &clientAddress);
    Status takeShareChatOnLink(const QString &linkId);
    Result<Session> refresh(const QString &refreshToken);
    Status logout(const QString &refreshToken);
    Result<Principal> authenticate(const QByteArray &authorizationHeader);

    // The hash a new password gets, once it passed the password policy (user management; signup checks the policy
    // before it takes from the sign-up budget).
    Result<QString> hashPassword(const QString &password) const;
    // 18 random bytes, base64url, through the policy and the hasher like any other password. The one generator of
    // the passwords an admin hands over; the user must change it (User::mustChangePassword).
    Result<GeneratedPassword> generatePassword() const;

private:
    // The budgets one password attempt took (login, password change): kept when it fails, given back when it succeeds.
    struct PasswordAttempt
    {
        QString accountKey;
        std::optional<AuthThrottle::Taken> fromAddress;
    };
    Result<PasswordAttempt> takePasswordAttempt(const QString &normalisedEmail, const QString &clientAddress);
    Status passwordAttemptSucceeded(const PasswordAttempt &attempt);
    static QString loginAddressKey(const QString &client);
    static QString loginAddressRefusal();
    static QString signupKey(const QString &client);
    static QString signupRefusal();
    bool signupLimited(const QString &client) const;
    Result<Session> openSession(const User &user, const Tenant &tenant, const QString &familyId);
    Result<Principal> authenticateJwt(const QString &token);
    // Reloads the signing keys from the database when they were loaded longer than `maxAge` ago (or never): a
    // rotation made through another instance or the CLI reaches this one within JwtCodec::kKeysReloadInterval.
    Status reloadSigningKeys(std::chrono::seconds maxAge);

    Database &m_db;
    const AuthConfig &m_config;
};

} // namespace twinops
