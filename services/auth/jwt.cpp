#include "auth/jwt.h"

#include "auth/crypto.h"
#include "core/ids.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include <cmath>

namespace twinops {

namespace {

const QLatin1String kIssuer("twinops");
const QLatin1String kAudience("twinops");
// JSON object keys come out sorted, so these are byte for byte what QJsonDocument would make; constants avoid
// re-serialising the header for every token. A key id is base64url, which needs no escaping.
const QByteArray kHeader = QByteArrayLiteral(R"({"alg":"HS256","typ":"JWT"})");
QByteArray headerWithKeyId(const QString &keyId)
{
    return QByteArrayLiteral(R"({"alg":"HS256","kid":")") + keyId.toLatin1() + QByteArrayLiteral(R"(","typ":"JWT"})");
}

QByteArray derivedKey(const QByteArray &secret, const QString &keyId)
{
    return crypto::hmacSha256(secret, QByteArrayLiteral("twinops-signing-key:") + keyId.toLatin1());
}

// Integers beyond 2^53 cannot be represented exactly by a JSON number parsed as double.
constexpr double kMaxSafeInteger = 9007199254740991.0;

Error invalidToken()
{
    return Error::unauthorized(QStringLiteral("Invalid or expired access token"));
}

QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

bool isBase64UrlChar(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// Strict RFC 7515 base64url: the URL alphabet only, no padding, no whitespace, and canonical (the unused low bits
// of the last character are zero), so that every token has exactly one spelling.
std::optional<QByteArray> decodeSegment(const QByteArray &segment)
{
    if (segment.isEmpty() || segment.size() % 4 == 1)
        return std::nullopt;
    for (const char c : segment) {
        if (!isBase64UrlChar(c))
            return std::nullopt;
    }
    auto decoded = QByteArray::fromBase64Encoding(
        segment, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || base64Url(decoded.decoded) != segment)
        return std::nullopt;
    return decoded.decoded;
}

std::optional<QJsonObject> parseObject(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

bool headerAcceptable(const QJsonObject &header)
{
    // The algorithm is fixed by us, never chosen by the token: "none", other HMACs, RSA/EC (key confusion) and
    // case variants all fail here. "crit" names extensions we would be obliged to understand, so it is refused.
    const QJsonValue alg = header.value(QLatin1String("alg"));
    if (!alg.isString() || alg.toString() != QLatin1String("HS256"))
        return false;
    if (header.contains(QLatin1String("crit")))
        return false;
    if (header.contains(QLatin1String("typ"))) {
        const QJsonValue typ = header.value(QLatin1String("typ"));
        if (!typ.isString() || typ.toString() != QLatin1String("JWT"))
            return false;
    }
    return true;
}

// A NumericDate in whole seconds; fractions, strings, booleans and huge values are refused.
std::optional<qint64> integerClaim(const QJsonObject &claims, QLatin1String name)
{
    const QJsonValue value = claims.value(name);
    if (!value.isDouble())
        return std::nullopt;
    const double number = value.toDouble();
    if (!std::isfinite(number) || std::trunc(number) != number || std::fabs(number) > kMaxSafeInteger)
        return std::nullopt;
    return qint64(number);
}

std::optional<QString> stringClaim(const QJsonObject &claims, QLatin1String name)
{
    const QJsonValue value = claims.value(name);
    if (!value.isString())
        return std::nullopt;
    return value.toString();
}

bool audienceAcceptable(const QJsonValue &aud)
{
    if (aud.isString())
        return aud.toString() == kAudience;
    if (!aud.isArray())
        return false;
    const QJsonArray audiences = aud.toArray();
    for (const QJsonValue &entry : audiences) {
        if (entry.isString() && entry.toString() == kAudience)
            return true;
    }
    return false;
}

} // namespace

JwtCodec::JwtCodec(QByteArray secret, std::chrono::seconds lifetime, std::chrono::seconds leeway)
    : m_secret(std::move(secret))
    , m_lifetime(lifetime)
    , m_leeway(leeway)
{
    Q_ASSERT_X(m_secret.size() >= kMinimumSecretBytes, "JwtCodec", "the signing secret must be at least 32 bytes");
    Q_ASSERT(m_lifetime.count() > 0);
    Q_ASSERT(m_leeway.count() >= 0);
}

void JwtCodec::setKeys(const QList<SigningKeyId> &keys, const QDateTime &loadedAt) const
{
    Q_ASSERT(!keys.isEmpty());
    Keys loaded{keys.last().id, {}, keys.first().createdAt, loadedAt};
    for (const SigningKeyId &key : keys)
        loaded.byId.insert(key.id, derivedKey(m_secret, key.id));
    bool dropped = false;
    {
        QMutexLocker locker(&m_keysLock);
        for (auto it = m_keys.byId.cbegin(); it != m_keys.byId.cend(); ++it)
            dropped = dropped || !loaded.byId.contains(it.key());
        m_keys = std::move(loaded);
    }
    // A token verified with a key that is gone must not stay accepted through the cache.
    if (dropped) {
        QMutexLocker locker(&m_cacheLock);
        m_verified.clear();
    }
}

QDateTime JwtCodec::keysLoadedAt() const
{
    QMutexLocker locker(&m_keysLock);
    return m_keys.loadedAt;
}

JwtCodec::Keys JwtCodec::keys() const
{
    QMutexLocker locker(&m_keysLock);
    return m_keys;
}

QString JwtCodec::issue(const QString &userId, const QString &tenantId, Role role, const QDateTime &now) const
{
    Q_ASSERT(now.isValid());
    const qint64 issuedAt = now.toSecsSinceEpoch();
    const QJsonObject claims{
        {QStringLiteral("sub"), userId},
        {QStringLiteral("tid"), tenantId},
        {QStringLiteral("role"), roleName(role)},
        {QStringLiteral("iat"), issuedAt},
        {QStringLiteral("exp"), issuedAt + qint64(m_lifetime.count())},
        {QStringLiteral("iss"), kIssuer},
        {QStringLiteral("aud"), kAudience},
        {QStringLiteral("jti"), crypto::randomToken(16)},
    };
    const Keys current = keys();
    const bool legacy = current.currentId.isEmpty();
    const QByteArray signingInput = base64Url(legacy ? kHeader : headerWithKeyId(current.currentId)) + '.'
        + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    const QByteArray &key = legacy ? m_secret : current.byId.value(current.currentId);
    return QString::fromLatin1(signingInput + '.' + base64Url(crypto::hmacSha256(key, signingInput)));
}

Result<AccessClaims> JwtCodec::verify(const QString &token, const QDateTime &now) const
{
    if (token.isEmpty() || token.size() > kMaximumTokenLength || !now.isValid())
        return invalidToken();
    std::optional<Verified> verified;
    {
        QMutexLocker locker(&m_cacheLock);
        if (const auto it = m_verified.constFind(token); it != m_verified.constEnd())
            verified = *it;
    }
    if (!verified) {
        TWINOPS_TRY_ASSIGN(verified, verifySignedParts(token, keys()));
        QMutexLocker locker(&m_cacheLock);
        if (m_verified.size() >= kMaxCachedTokens)
            m_verified.clear();
        m_verified.insert(token, *verified);
    }
    // Compared in milliseconds so that the leeway is exact whatever the sub-second part of now.
    const qint64 nowMs = now.toMSecsSinceEpoch();
    const qint64 leewayMs = qint64(m_leeway.count()) * 1000;
    if (!(verified->expiresAt * 1000 > nowMs - leewayMs) || !(verified->issuedAt * 1000 <= nowMs + leewayMs))
        return invalidToken();
    return std::move(verified->claims);
}

// Everything about a token that does not depend on the time: syntax, header, signature and the claims' shapes.
Result<JwtCodec::Verified> JwtCodec::verifySignedParts(const QString &token, const Keys &keys) const
{
    // Checked on the QString so that no non-ASCII character can turn into an innocent byte by conversion.
    for (const QChar c : token) {
        if (c.unicode() > 0x7f || !(isBase64UrlChar(char(c.unicode())) || c == u'.'))
            return invalidToken();
    }
    const QByteArray bytes = token.toLatin1();
    const QList<QByteArray> segments = bytes.split('.');
    if (segments.size() != 3)
        return invalidToken();

    const auto headerJson = decodeSegment(segments.at(0));
    const auto payloadJson = decodeSegment(segments.at(1));
    const auto signature = decodeSegment(segments.at(2));
    if (!headerJson || !payloadJson || !signature)
        return invalidToken();

    const auto header = parseObject(*headerJson);
    if (!header || !headerAcceptable(*header))
        return invalidToken();

    // The key: the kept key the kid names, or, without a kid, the secret itself (see the class comment).
    const bool hasKeyId = header->contains(QLatin1String("kid"));
    QByteArray key = m_secret;
    if (hasKeyId) {
        const QJsonValue keyId = header->value(QLatin1String("kid"));
        if (!keyId.isString() || !keys.byId.contains(keyId.toString()))
            return invalidToken();
        key = keys.byId.value(keyId.toString());
    }

    // The MAC covers the bytes exactly as received, never a re-encoding of what we parsed.
    const QByteArray signingInput = bytes.left(segments.at(0).size() + 1 + segments.at(1).size());
    if (!crypto::constantTimeEquals(crypto::hmacSha256(key, signingInput), *signature))
        return invalidToken();

    const auto claims = parseObject(*payloadJson);
    if (!claims)
        return invalidToken();

    const auto expiresAt = integerClaim(*claims, QLatin1String("exp"));
    const auto issuedAt = integerClaim(*claims, QLatin1String("iat"));
    if (!expiresAt || !issuedAt)
        return invalidToken();
    // The transition: tokens without a kid were all issued before the first key was made.
    if (!hasKeyId && keys.oldestCreatedAt.isValid() && *issuedAt * 1000 >= keys.oldestCreatedAt.toMSecsSinceEpoch())
        return invalidToken();

    if (stringClaim(*claims, QLatin1String("iss")) != QString(kIssuer)
        || !audienceAcceptable(claims->value(QLatin1String("aud"))))
        return invalidToken();

    const auto userId = stringClaim(*claims, QLatin1String("sub"));
    const auto tenantId = stringClaim(*claims, QLatin1String("tid"));
    const auto roleText = stringClaim(*claims, QLatin1String("role"));
    const auto tokenId = stringClaim(*claims, QLatin1String("jti"));
    if (!userId || !isUuid(*userId) || !tenantId || !isUuid(*tenantId) || !roleText || !tokenId || tokenId->isEmpty())
        return invalidToken();
    const auto role = roleFromString(*roleText);
    if (!role)
        return invalidToken();

    return Verified{
        {*userId, *tenantId, *role, utcFromMSecs(*issuedAt * 1000), utcFromMSecs(*expiresAt * 1000), *tokenId},
        *issuedAt,
        *expiresAt};
}

} // namespace twinops
