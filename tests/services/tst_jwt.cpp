// Access JWTs: what issue() makes verifies, and every forged, altered, expired or malformed token is refused.
#include "auth/crypto.h"
#include "auth/jwt.h"
#include "core/ids.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QSet>
#include <QTest>

using namespace twinops;
using namespace std::chrono_literals;

namespace {

const QByteArray kSecret = QByteArrayLiteral("0123456789abcdef0123456789abcdef-test");
const QString kUserId = QStringLiteral("7d1f6a52-3c43-4b8e-9f0a-2b5c6d7e8f90");
const QString kTenantId = QStringLiteral("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
constexpr qint64 kNowSecs = 1714564800; // 2024-05-01T12:00:00Z

QDateTime fixedNow()
{
    return utcFromMSecs(kNowSecs * 1000);
}

QByteArray b64(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonObject standardHeader()
{
    return {{QStringLiteral("alg"), QStringLiteral("HS256")}, {QStringLiteral("typ"), QStringLiteral("JWT")}};
}

QJsonObject validClaims()
{
    return {
        {QStringLiteral("sub"), kUserId},
        {QStringLiteral("tid"), kTenantId},
        {QStringLiteral("role"), QStringLiteral("admin")},
        {QStringLiteral("iat"), kNowSecs - 60},
        {QStringLiteral("exp"), kNowSecs + 840},
        {QStringLiteral("iss"), QStringLiteral("twinops")},
        {QStringLiteral("aud"), QStringLiteral("twinops")},
        {QStringLiteral("jti"), QStringLiteral("abc123")},
    };
}

// Signs raw header and payload bytes with HS256 and the test secret: a token only the holder of the secret could
// make, so a rejection is the verifier's own rule at work, not a signature mismatch.
QString signRaw(const QByteArray &header, const QByteArray &payload, const QByteArray &secret = kSecret)
{
    const QByteArray input = b64(header) + '.' + b64(payload);
    return QString::fromLatin1(input + '.' + b64(crypto::hmacSha256(secret, input)));
}

QString sign(const QJsonObject &header, const QJsonObject &claims)
{
    return signRaw(json(header), json(claims));
}

QJsonObject with(QJsonObject object, const QString &key, const QJsonValue &value)
{
    object.insert(key, value);
    return object;
}

QJsonObject without(QJsonObject object, const QString &key)
{
    object.remove(key);
    return object;
}

bool rejected(const JwtCodec &codec, const QString &token, const QDateTime &now = fixedNow())
{
    const auto result = codec.verify(token, now);
    if (result.ok())
        return false;
    // One code and one message for every failure, so a caller learns nothing about which check failed.
    return result.error().code == ErrorCode::Unauthorized
        && result.error().message == codec.verify(QStringLiteral("x"), now).error().message;
}

} // namespace

class TestJwt final : public QObject
{
    Q_OBJECT
private slots:
    void roundTrip();
    void headerIsExactlyHs256Jwt();
    void tokenIdsAreUnique();
    void lifetimeIsConfigurable();
    void tamperedPayloadIsRejected();
    void tamperedSignatureIsRejected();
    void wrongSecretIsRejected();
    void algNoneIsRejected();
    void hs512WithSameSecretIsRejected();
    void signedButUnacceptable_data();
    void signedButUnacceptable();
    void signedAndAcceptable_data();
    void signedAndAcceptable();
    void malformedStructure_data();
    void malformedStructure();
    void oversizedTokenIsRejected();
};

void TestJwt::roundTrip()
{
    const JwtCodec codec(kSecret);
    const QDateTime now = utcFromMSecs(kNowSecs * 1000 + 789);
    const QString token = codec.issue(kUserId, kTenantId, Role::Viewer, now);
    QCOMPARE(token.count(u'.'), 2);

    const auto claims = codec.verify(token, now);
    QVERIFY2(claims.ok(), claims.ok() ? "" : qPrintable(claims.error().message));
    QCOMPARE(claims->userId, kUserId);
    QCOMPARE(claims->tenantId, kTenantId);
    QCOMPARE(claims->role, Role::Viewer);
    QCOMPARE(claims->issuedAt, fixedNow());
    QCOMPARE(claims->expiresAt, fixedNow().addSecs(15 * 60));
    QVERIFY(!claims->tokenId.isEmpty());
    QCOMPARE(codec.lifetime(), std::chrono::seconds(15min));

    for (const Role role : {Role::Owner, Role::Admin, Role::Viewer}) {
        const auto again = codec.verify(codec.issue(kUserId, kTenantId, role, now), now);
        QVERIFY(again.ok());
        QCOMPARE(again->role, role);
    }

    // Still valid a moment before expiry plus leeway, refused after it.
    QVERIFY(codec.verify(token, fixedNow().addSecs(15 * 60 + 29)).ok());
    QVERIFY(rejected(codec, token, fixedNow().addSecs(15 * 60 + 30)));
    QVERIFY(rejected(codec, token, fixedNow().addDays(1)));
}

void TestJwt::headerIsExactlyHs256Jwt()
{
    const QString token = JwtCodec(kSecret).issue(kUserId, kTenantId, Role::Owner, fixedNow());
    const QList<QStringView> parts = QStringView(token).split(u'.');
    QCOMPARE(parts.size(), 3);
    QCOMPARE(QByteArray::fromBase64(parts.at(0).toLatin1(), QByteArray::Base64UrlEncoding),
             QByteArray(R"({"alg":"HS256","typ":"JWT"})"));
    const QJsonObject payload
        = QJsonDocument::fromJson(QByteArray::fromBase64(parts.at(1).toLatin1(), QByteArray::Base64UrlEncoding))
              .object();
    QCOMPARE(payload.value(QLatin1String("iss")).toString(), QStringLiteral("twinops"));
    QCOMPARE(payload.value(QLatin1String("aud")).toString(), QStringLiteral("twinops"));
    QCOMPARE(payload.value(QLatin1String("role")).toString(), QStringLiteral("owner"));
    QCOMPARE(payload.value(QLatin1String("iat")).toInteger(), kNowSecs);
    QCOMPARE(payload.value(QLatin1String("exp")).toInteger(), kNowSecs + 900);
    QVERIFY(!token.contains(u'='));
}

void TestJwt::tokenIdsAreUnique()
{
    const JwtCodec codec(kSecret);
    QSet<QString> ids;
    for (int i = 0; i < 100; ++i)
        ids.insert(codec.verify(codec.issue(kUserId, kTenantId, Role::Admin, fixedNow()), fixedNow())->tokenId);
    QCOMPARE(ids.size(), 100);
}

void TestJwt::lifetimeIsConfigurable()
{
    const JwtCodec codec(kSecret, 2min, 0s);
    QCOMPARE(codec.lifetime(), std::chrono::seconds(120));
    const QString token = codec.issue(kUserId, kTenantId, Role::Admin, fixedNow());
    const auto claims = codec.verify(token, fixedNow());
    QVERIFY(claims.ok());
    QCOMPARE(claims->expiresAt, fixedNow().addSecs(120));
    QVERIFY(codec.verify(token, fixedNow().addMSecs(119999)).ok());
    QVERIFY(rejected(codec, token, fixedNow().addSecs(120)));
}

void TestJwt::tamperedPayloadIsRejected()
{
    const JwtCodec codec(kSecret);
    const QString token = codec.issue(kUserId, kTenantId, Role::Viewer, fixedNow());
    const QStringList parts = token.split(u'.');
    QJsonObject claims
        = QJsonDocument::fromJson(QByteArray::fromBase64(parts.at(1).toLatin1(), QByteArray::Base64UrlEncoding))
              .object();
    claims.insert(QStringLiteral("role"), QStringLiteral("owner"));
    const QString forged = parts.at(0) + u'.' + QString::fromLatin1(b64(json(claims))) + u'.' + parts.at(2);
    QVERIFY(rejected(codec, forged));

    // The same claims, correctly signed, would pass: the signature is what refused the forgery.
    QVERIFY(codec.verify(signRaw(QByteArray(R"({"alg":"HS256","typ":"JWT"})"), json(claims)), fixedNow()).ok());
}

void TestJwt::tamperedSignatureIsRejected()
{
    const JwtCodec codec(kSecret);
    const QString token = codec.issue(kUserId, kTenantId, Role::Viewer, fixedNow());
    const qsizetype signatureStart = token.lastIndexOf(u'.') + 1;
    QString flipped = token;
    flipped[signatureStart] = token.at(signatureStart) == u'A' ? u'B' : u'A';
    QVERIFY(rejected(codec, flipped));
    QVERIFY(rejected(codec, token.left(signatureStart) + QString::fromLatin1(b64(QByteArray(32, '\0')))));
    QVERIFY(rejected(codec, token.left(token.size() - 4)));
}

void TestJwt::wrongSecretIsRejected()
{
    const QString token = JwtCodec(kSecret).issue(kUserId, kTenantId, Role::Owner, fixedNow());
    QVERIFY(rejected(JwtCodec(QByteArray(40, 'k')), token));
    QVERIFY(rejected(JwtCodec(kSecret + 'x'), token));
    QVERIFY(JwtCodec(kSecret).verify(token, fixedNow()).ok());
}

void TestJwt::algNoneIsRejected()
{
    const JwtCodec codec(kSecret);
    const QByteArray header = b64(R"({"alg":"none","typ":"JWT"})");
    const QByteArray payload = b64(json(validClaims()));
    QVERIFY(rejected(codec, QString::fromLatin1(header + '.' + payload + '.')));
    QVERIFY(rejected(codec, QString::fromLatin1(header + '.' + payload)));
    // Even with our valid MAC attached, a header that says "none" is refused.
    QVERIFY(rejected(codec, signRaw(R"({"alg":"none","typ":"JWT"})", json(validClaims()))));
}

void TestJwt::hs512WithSameSecretIsRejected()
{
    const JwtCodec codec(kSecret);
    const QByteArray input = b64(R"({"alg":"HS512","typ":"JWT"})") + '.' + b64(json(validClaims()));
    const QByteArray mac = QMessageAuthenticationCode::hash(input, kSecret, QCryptographicHash::Sha512);
    QCOMPARE(mac.size(), 64);
    QVERIFY(rejected(codec, QString::fromLatin1(input + '.' + b64(mac))));
}

void TestJwt::signedButUnacceptable_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QByteArray>("payload");
    const QByteArray claims = json(validClaims());
    const auto header = [](const char *text) { return QByteArray(text); };
    const auto claimsWith
        = [](const char *key, const QJsonValue &value) { return json(with(validClaims(), QLatin1String(key), value)); };
    const auto claimsWithout = [](const char *key) { return json(without(validClaims(), QLatin1String(key))); };

    QTest::newRow("alg RS256") << header(R"({"alg":"RS256","typ":"JWT"})") << claims;
    QTest::newRow("alg HS512") << header(R"({"alg":"HS512","typ":"JWT"})") << claims;
    QTest::newRow("alg hs256") << header(R"({"alg":"hs256","typ":"JWT"})") << claims;
    QTest::newRow("alg HS256 padded") << header(R"({"alg":"HS256 ","typ":"JWT"})") << claims;
    QTest::newRow("alg missing") << header(R"({"typ":"JWT"})") << claims;
    QTest::newRow("alg as key ALG") << header(R"({"ALG":"HS256","typ":"JWT"})") << claims;
    QTest::newRow("alg not a string") << header(R"({"alg":256,"typ":"JWT"})") << claims;
    QTest::newRow("alg array") << header(R"({"alg":["HS256"],"typ":"JWT"})") << claims;
    QTest::newRow("crit") << header(R"({"alg":"HS256","typ":"JWT","crit":["exp"]})") << claims;
    QTest::newRow("typ JWS") << header(R"({"alg":"HS256","typ":"JWS"})") << claims;
    QTest::newRow("typ not a string") << header(R"({"alg":"HS256","typ":1})") << claims;
    QTest::newRow("header array") << header(R"(["HS256"])") << claims;
    QTest::newRow("header not JSON") << header("alg=HS256") << claims;
    QTest::newRow("header empty object") << header("{}") << claims;

    const QByteArray standard = json(standardHeader());
    QTest::newRow("claims array") << standard << QByteArray(R"(["sub","tid"])");
    QTest::newRow("claims string") << standard << QByteArray(R"("twinops")");
    QTest::newRow("claims null") << standard << QByteArray("null");
    QTest::newRow("claims not JSON") << standard << QByteArray("{sub: 1}");
    QTest::newRow("claims truncated JSON") << standard << claims.left(claims.size() - 1);
    QTest::newRow("expired beyond leeway") << standard << claimsWith("exp", kNowSecs - 30);
    QTest::newRow("expired long ago") << standard << claimsWith("exp", kNowSecs - 86400);
    QTest::newRow("exp missing") << standard << claimsWithout("exp");
    QTest::newRow("exp string") << standard << claimsWith("exp", QString::number(kNowSecs + 600));
    QTest::newRow("exp fractional") << standard << claimsWith("exp", double(kNowSecs) + 600.5);
    QTest::newRow("exp huge") << standard << claimsWith("exp", 1e300);
    QTest::newRow("iat in the future") << standard << claimsWith("iat", kNowSecs + 31);
    QTest::newRow("iat missing") << standard << claimsWithout("iat");
    QTest::newRow("iat bool") << standard << claimsWith("iat", true);
    QTest::newRow("wrong iss") << standard << claimsWith("iss", QStringLiteral("someone-else"));
    QTest::newRow("iss missing") << standard << claimsWithout("iss");
    QTest::newRow("iss array") << standard << claimsWith("iss", QJsonArray{QStringLiteral("twinops")});
    QTest::newRow("wrong aud") << standard << claimsWith("aud", QStringLiteral("other-service"));
    QTest::newRow("aud missing") << standard << claimsWithout("aud");
    QTest::newRow("aud array without us")
        << standard << claimsWith("aud", QJsonArray{QStringLiteral("a"), QStringLiteral("TWINOPS")});
    QTest::newRow("aud empty array") << standard << claimsWith("aud", QJsonArray{});
    QTest::newRow("sub not a UUID") << standard << claimsWith("sub", QStringLiteral("admin"));
    QTest::newRow("sub braced UUID") << standard << claimsWith("sub", QString(u'{' + kUserId + u'}'));
    QTest::newRow("sub missing") << standard << claimsWithout("sub");
    QTest::newRow("sub number") << standard << claimsWith("sub", 42);
    QTest::newRow("tid not a UUID") << standard << claimsWith("tid", QStringLiteral("tenant-1"));
    QTest::newRow("tid missing") << standard << claimsWithout("tid");
    QTest::newRow("unknown role") << standard << claimsWith("role", QStringLiteral("superuser"));
    QTest::newRow("role case") << standard << claimsWith("role", QStringLiteral("Owner"));
    QTest::newRow("role missing") << standard << claimsWithout("role");
    QTest::newRow("jti empty") << standard << claimsWith("jti", QString());
    QTest::newRow("jti missing") << standard << claimsWithout("jti");
    QTest::newRow("jti number") << standard << claimsWith("jti", 7);
}

void TestJwt::signedButUnacceptable()
{
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, payload);
    QVERIFY(rejected(JwtCodec(kSecret), signRaw(header, payload)));
}

void TestJwt::signedAndAcceptable_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QByteArray>("payload");
    const QByteArray standard = json(standardHeader());
    const auto claimsWith
        = [](const char *key, const QJsonValue &value) { return json(with(validClaims(), QLatin1String(key), value)); };

    QTest::newRow("plain") << standard << json(validClaims());
    QTest::newRow("typ absent") << QByteArray(R"({"alg":"HS256"})") << json(validClaims());
    QTest::newRow("extra header field") << QByteArray(R"({"typ":"JWT","cty":"x","alg":"HS256"})")
                                        << json(validClaims());
    QTest::newRow("expired within leeway") << standard << claimsWith("exp", kNowSecs - 29);
    QTest::newRow("iat within leeway") << standard << claimsWith("iat", kNowSecs + 30);
    QTest::newRow("aud array") << standard
                               << claimsWith("aud", QJsonArray{QStringLiteral("other"), QStringLiteral("twinops")});
    QTest::newRow("upper-case UUIDs") << standard
                                      << json(with(with(validClaims(), QStringLiteral("sub"), kUserId.toUpper()),
                                                   QStringLiteral("tid"), kTenantId.toUpper()));
    QTest::newRow("extra claim") << standard << claimsWith("scope", QStringLiteral("read"));
    QTest::newRow("integral double exp") << standard
                                         << QByteArray(json(validClaims()))
                                                .replace(QByteArray::number(kNowSecs + 840),
                                                         QByteArray(QByteArray::number(kNowSecs + 840) + ".0"));
    QTest::newRow("large but under the cap") << standard << claimsWith("pad", QString(4000, u'p'));
}

void TestJwt::signedAndAcceptable()
{
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, payload);
    const auto claims = JwtCodec(kSecret).verify(signRaw(header, payload), fixedNow());
    QVERIFY2(claims.ok(), claims.ok() ? "" : qPrintable(claims.error().message));
    QCOMPARE(claims->role, Role::Admin);
    QCOMPARE(claims->tokenId, QStringLiteral("abc123"));
    QCOMPARE(claims->userId.toLower(), kUserId);
}

void TestJwt::malformedStructure_data()
{
    QTest::addColumn<QString>("token");
    const QString good = JwtCodec(kSecret).issue(kUserId, kTenantId, Role::Admin, fixedNow());
    const QStringList parts = good.split(u'.');
    QCOMPARE(parts.size(), 3);
    QCOMPARE(parts.at(2).size(), 43); // 32 bytes: two unused low bits in the last character

    // Same decoded signature, different spelling: a lenient decoder would accept it.
    QString nonCanonical = good;
    const QByteArray alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
    const int lastValue = int(alphabet.indexOf(char(good.back().unicode())));
    nonCanonical.back() = QChar::fromLatin1(alphabet.at(lastValue | 1));

    QTest::newRow("empty") << QString();
    QTest::newRow("one segment") << parts.at(0);
    QTest::newRow("two segments") << QString(parts.at(0) + u'.' + parts.at(1));
    QTest::newRow("four segments") << QString(good + QStringLiteral(".") + parts.at(2));
    QTest::newRow("trailing dot") << QString(good + u'.');
    QTest::newRow("leading dot") << QString(u'.' + good);
    QTest::newRow("empty payload") << QString(parts.at(0) + QStringLiteral("..") + parts.at(2));
    QTest::newRow("dots only") << QStringLiteral("..");
    QTest::newRow("padding on signature") << QString(good + u'=');
    QTest::newRow("padding inside") << QString(parts.at(0) + QStringLiteral("==.") + parts.at(1) + u'.' + parts.at(2));
    QTest::newRow("standard base64 alphabet")
        << QString(QString(good).replace(u'-', u'+').replace(u'_', u'/') + QStringLiteral("+/"));
    QTest::newRow("garbage") << QStringLiteral("this.is.garbage!");
    QTest::newRow("not base64 at all") << QStringLiteral("%%%.$$$.***");
    QTest::newRow("impossible length") << QString(parts.at(0) + u'.' + parts.at(1) + QStringLiteral(".A"));
    QTest::newRow("non-canonical last character") << nonCanonical;
    QTest::newRow("whitespace") << QString(u' ' + good);
    QTest::newRow("newline") << QString(good + u'\n');
    QTest::newRow("Bearer prefix") << QString(QStringLiteral("Bearer ") + good);
    QTest::newRow("non-ASCII") << QString(good.left(10) + u'é' + good.mid(11));
    QTest::newRow("full-width letter") << QString(good.left(10) + QChar(0xff21) + good.mid(11));
}

void TestJwt::malformedStructure()
{
    QFETCH(QString, token);
    QVERIFY(rejected(JwtCodec(kSecret), token));
}

void TestJwt::oversizedTokenIsRejected()
{
    const JwtCodec codec(kSecret);
    // Correctly signed and otherwise valid: only the length cap refuses it.
    const QString big = sign(standardHeader(), with(validClaims(), QStringLiteral("pad"), QString(7000, u'p')));
    QVERIFY(big.size() > JwtCodec::kMaximumTokenLength);
    QVERIFY(rejected(codec, big));
    QVERIFY(rejected(codec, QString(1 << 20, u'A')));
}

QTEST_GUILESS_MAIN(TestJwt)
#include "tst_jwt.moc"
