#pragma once

#include "auth/signingkeys.h"
#include "core/result.h"
#include "tenancy/tenancy.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QMutex>
#include <QString>

#include <chrono>

namespace twinops {

// What a verified access token says about its bearer. Times have second precision (JWT NumericDate).
struct AccessClaims
{
    QString userId; // sub
    QString tenantId; // tid
    Role role = Role::Viewer;
    QDateTime issuedAt; // iat
    QDateTime expiresAt; // exp
    QString tokenId; // jti
};

// Issues and verifies the access JWTs of resources/api/openapi.json: HS256 only, iss = aud = "twinops". Verification
// accepts exactly what issue() produces (plus harmless variations: other claim order, aud as an array, typ absent) and
// nothing else: a token is never trusted to choose its own algorithm. Neither tokens nor the secret are ever logged.
//
// Signing keys: once setKeys() has been called, tokens carry the `kid` of the key that signed them, the newest key
// signs, and every kept key verifies. The key with id K is HMAC-SHA256(secret, "twinops-signing-key:" + K), so the
// ids can be shared through the database while the secret stays in each instance's secret store. A token without a
// `kid` was signed by a release before keys had ids, with the secret itself: it is accepted only if it was issued
// before the oldest kept key was made (the upgrade), which its 15-minute lifetime ends by itself.
class JwtCodec final
{
public:
    static constexpr int kMinimumSecretBytes = 32;
    // Far above anything issue() makes; bounds the work done on hostile input before any decoding.
    static constexpr int kMaximumTokenLength = 8 * 1024;
    // How stale an instance's list of signing keys may get: after a rotation elsewhere it still signs with the
    // previous key for up to this long, which is why a retired key is kept that much longer (retiredKeyKept()).
    static constexpr std::chrono::seconds kKeysReloadInterval{10};

    // The secret must be at least kMinimumSecretBytes long; the caller validates configuration, this only asserts.
    explicit JwtCodec(QByteArray secret, std::chrono::seconds lifetime = std::chrono::minutes(15),
                      std::chrono::seconds leeway = std::chrono::seconds(30));

    QString issue(const QString &userId, const QString &tenantId, Role role, const QDateTime &now) const;

    // Every failure is Error::unauthorized with one generic message: which check failed is no business of the
    // caller's, and telling would help an attacker probe.
    Result<AccessClaims> verify(const QString &token, const QDateTime &now) const;

    std::chrono::seconds lifetime() const { return m_lifetime; }
    std::chrono::seconds leeway() const { return m_leeway; }

    // Replaces the kept keys (oldest first, the last signs; not empty), loaded at `loadedAt`. Thread-safe, and const
    // like the token cache: the keys are a copy of the database's signing_keys, reloaded while the threads verify.
    void setKeys(const QList<SigningKeyId> &keys, const QDateTime &loadedAt) const;
    // When setKeys() was last called; invalid before.
    QDateTime keysLoadedAt() const;
    // How long a retired key keeps verifying: until the last token it can have signed has expired.
    std::chrono::seconds retiredKeyKept() const { return kKeysReloadInterval + m_lifetime + m_leeway; }

private:
    struct Verified
    {
        AccessClaims claims;
        qint64 issuedAt = 0; // the NumericDates as signed, in seconds
        qint64 expiresAt = 0;
    };

    struct Keys
    {
        QString currentId; // empty until setKeys(): then tokens are signed with the secret itself, without a kid
        QHash<QString, QByteArray> byId;
        QDateTime oldestCreatedAt;
        QDateTime loadedAt;
    };
    Keys keys() const;
    Result<Verified> verifySignedParts(const QString &token, const Keys &keys) const;

    QByteArray m_secret;
    std::chrono::seconds m_lifetime;
    std::chrono::seconds m_leeway;
    mutable QMutex m_keysLock;
    mutable Keys m_keys;
    // Tokens whose signature and claims were checked, with their claims: a client sends the same token for up to
    // 15 minutes, and decoding, the HMAC and two JSON parses cost more than the rest of authentication. Only the
    // time checks depend on `now`, so they are repeated on every call. Cleared when full. Locked: every HTTP thread
    // verifies through the one codec of ApiShared.
    static constexpr qsizetype kMaxCachedTokens = 4096;
    mutable QMutex m_cacheLock;
    mutable QHash<QString, Verified> m_verified;
};

} // namespace twinops
