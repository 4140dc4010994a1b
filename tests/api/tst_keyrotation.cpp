// Issue #14, signing key rotation, against real `twinopsd serve` processes and the real database: tokens carry the
// kid of their key, `admin rotate-signing-key` makes a new current key without logging anybody out, an unknown kid is
// refused, a token without kid is the transition's only, retired keys are dropped once their tokens have expired,
// and two instances on one PostgreSQL follow a rotation. SQLite and PostgreSQL.
#include "auth/crypto.h"
#include "auth/jwt.h"
#include "auth/signingkeys.h"
#include "checks/apiclient.h"
#include "core/ids.h"
#include "daemon.h"
#include "testdatabase.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace twinops;
using namespace twinops::test;

namespace {

const QByteArray kSecret = "twinops-rotation-test-secret-0123456789abcdef";

QByteArray b64(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

// The kid of a token's header; empty when it has none.
QString keyIdOf(const QString &token)
{
    const QByteArray header
        = QByteArray::fromBase64(token.section(u'.', 0, 0).toLatin1(), QByteArray::Base64UrlEncoding);
    return QJsonDocument::fromJson(header).object().value(QStringLiteral("kid")).toString();
}

// A token as an instance with kSecret would sign it with key `keyId` (the secret itself when empty: the release
// before key ids), for the user and tenant of `session`, issued at `issuedAt`.
QString forge(const QJsonObject &session, const QString &keyId, const QDateTime &issuedAt)
{
    QJsonObject header{{QStringLiteral("alg"), QStringLiteral("HS256")},
                       {QStringLiteral("typ"), QStringLiteral("JWT")}};
    QByteArray key = kSecret;
    if (!keyId.isEmpty()) {
        header.insert(QStringLiteral("kid"), keyId);
        key = crypto::hmacSha256(kSecret, QByteArrayLiteral("twinops-signing-key:") + keyId.toLatin1());
    }
    const qint64 iat = issuedAt.toSecsSinceEpoch();
    const QJsonObject claims{
        {QStringLiteral("sub"), session.value(QStringLiteral("user")).toObject().value(QStringLiteral("id"))},
        {QStringLiteral("tid"), session.value(QStringLiteral("tenant")).toObject().value(QStringLiteral("id"))},
        {QStringLiteral("role"), QStringLiteral("owner")},
        {QStringLiteral("iat"), iat},
        {QStringLiteral("exp"), iat + 900},
        {QStringLiteral("iss"), QStringLiteral("twinops")},
        {QStringLiteral("aud"), QStringLiteral("twinops")},
        {QStringLiteral("jti"), QStringLiteral("forged")},
    };
    const QByteArray input = b64(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
        + b64(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    return QString::fromLatin1(input + '.' + b64(crypto::hmacSha256(key, input)));
}

int me(ApiClient &client, const QString &token)
{
    return client.send("GET", QStringLiteral("/api/v1/auth/me"), QJsonValue::Undefined, token).status;
}

} // namespace

class TestKeyRotation final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void init();
    void cleanup();

    void rotationKeepsTokensValid();
    void unknownKeyIdIsRefused();
    void tokenWithoutKeyIdOnlyDuringTransition();
    void retiredKeyIsDroppedAfterItsTokensExpire();
    void twoInstancesFollowARotation();

private:
    bool serve(Daemon &daemon, const QString &name);
    // Signs up through `client`: the session's JSON, or empty (the test failed).
    QJsonObject signup(ApiClient &client);
    QJsonObject login(ApiClient &client);
    QString rotate(); // through the CLI; the new key's id

    std::unique_ptr<QTemporaryDir> m_home;
    std::unique_ptr<TestDatabase> m_db;
    QString m_database; // the --database argument
};

void TestKeyRotation::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    m_db = TestDatabase::create(currentDialect());
    QVERIFY(m_db);
    QVERIFY(m_db->connectMigrated());
    m_database = currentDialect() == Dialect::Sqlite ? QStringLiteral("sqlite://") + m_db->url().sqlitePath()
                                                     : m_db->url().postgresUri();
}

void TestKeyRotation::cleanup()
{
    m_db.reset();
    m_home.reset();
}

bool TestKeyRotation::serve(Daemon &daemon, const QString &name)
{
    return daemon.serve(m_database, daemonEnvironment(m_home->path(), kSecret),
                        m_home->filePath(name + QStringLiteral(".log")));
}

QJsonObject TestKeyRotation::signup(ApiClient &client)
{
    const ApiReply reply
        = client.post(QStringLiteral("/api/v1/auth/signup"),
                      QJsonObject{{QStringLiteral("email"), QStringLiteral("owner@example.com")},
                                  {QStringLiteral("password"), QStringLiteral("correct horse battery")},
                                  {QStringLiteral("tenant_name"), QStringLiteral("Rotated")}});
    if (reply.status != 201)
        QTest::qFail(qPrintable(reply.describe()), __FILE__, __LINE__);
    return reply.status == 201 ? reply.object() : QJsonObject();
}

QJsonObject TestKeyRotation::login(ApiClient &client)
{
    const ApiReply reply
        = client.post(QStringLiteral("/api/v1/auth/login"),
                      QJsonObject{{QStringLiteral("email"), QStringLiteral("owner@example.com")},
                                  {QStringLiteral("password"), QStringLiteral("correct horse battery")}});
    if (reply.status != 200)
        QTest::qFail(qPrintable(reply.describe()), __FILE__, __LINE__);
    return reply.status == 200 ? reply.object() : QJsonObject();
}

QString TestKeyRotation::rotate()
{
    QByteArray output;
    if (!runTwinopsd(
            {QStringLiteral("--database"), m_database, QStringLiteral("admin"), QStringLiteral("rotate-signing-key")},
            daemonEnvironment(m_home->path(), kSecret), &output))
        return {};
    return QString::fromLatin1(output).trimmed();
}

void TestKeyRotation::rotationKeepsTokensValid()
{
    Daemon daemon;
    QVERIFY2(serve(daemon, QStringLiteral("a")), qPrintable(daemon.describe()));
    ApiClient client(QUrl(daemon.baseUrl()));
    const QJsonObject session = signup(client);
    const QString before = session.value(QStringLiteral("access_token")).toString();
    const QString oldKey = keyIdOf(before);
    QVERIFY(!oldKey.isEmpty());

    const QString newKey = rotate();
    QVERIFY(!newKey.isEmpty());
    QVERIFY(newKey != oldKey);
    QCOMPARE(me(client, before), 200);

    // Within the reload interval the instance signs with the new key, and the old token still works.
    QString after;
    const QDeadlineTimer deadline(3 * JwtCodec::kKeysReloadInterval);
    while (keyIdOf(after) != newKey && !deadline.hasExpired()) {
        after = login(client).value(QStringLiteral("access_token")).toString();
        QTest::qWait(1000);
    }
    QCOMPARE(keyIdOf(after), newKey);
    QCOMPARE(me(client, after), 200);
    QCOMPARE(me(client, before), 200);
    QVERIFY(daemon.stop());
}

void TestKeyRotation::unknownKeyIdIsRefused()
{
    Daemon daemon;
    QVERIFY2(serve(daemon, QStringLiteral("a")), qPrintable(daemon.describe()));
    ApiClient client(QUrl(daemon.baseUrl()));
    const QJsonObject session = signup(client);
    const QString token = session.value(QStringLiteral("access_token")).toString();
    const QDateTime now = nowUtc();
    // The control: what forge() makes with the real kid is accepted, so the refusals below are the kid's doing.
    QCOMPARE(me(client, forge(session, keyIdOf(token), now)), 200);
    // Even signed with the key that id would have: ids come from the database, never from the token.
    QCOMPARE(me(client, forge(session, QStringLiteral("AAAAAAAAAAAAAAAAAAAAAA"), now)), 401);
    QCOMPARE(me(client, forge(session, keyIdOf(token) + QLatin1Char('x'), now)), 401);
    QVERIFY(daemon.stop());
}

void TestKeyRotation::tokenWithoutKeyIdOnlyDuringTransition()
{
    Daemon daemon;
    QVERIFY2(serve(daemon, QStringLiteral("a")), qPrintable(daemon.describe()));
    ApiClient client(QUrl(daemon.baseUrl()));
    const QJsonObject session = signup(client); // the first key is made now: the upgrade
    QVERIFY(!session.isEmpty());
    // Issued by the release before, signed with the secret itself and no kid: valid until it expires.
    QCOMPARE(me(client, forge(session, {}, nowUtc().addSecs(-60))), 200);
    // Issued without a kid after the upgrade: no release makes that, refused.
    QCOMPARE(me(client, forge(session, {}, nowUtc().addSecs(2))), 401);
    // And after a rotation the transition still ends with the oldest kept key's creation.
    QVERIFY(!rotate().isEmpty());
    QCOMPARE(me(client, forge(session, {}, nowUtc().addSecs(-60))), 200);
    QCOMPARE(me(client, forge(session, {}, nowUtc().addSecs(2))), 401);
    QVERIFY(daemon.stop());
}

void TestKeyRotation::retiredKeyIsDroppedAfterItsTokensExpire()
{
    // Minutes of waiting, so this one runs the codec on the real database with the clock moved instead.
    const std::unique_ptr<Database> db = m_db->connectMigrated();
    QVERIFY(db);
    SigningKeyRepository keys(*db);
    const JwtCodec codec(kSecret);
    const QDateTime start = nowUtc();
    const auto first = keys.load(start, codec.retiredKeyKept());
    TWINOPS_VERIFY_OK(first);
    QCOMPARE(first->size(), 1);
    codec.setKeys(*first, start);
    const QString userId = newId();
    const QString tenantId = newId();
    const QString old = codec.issue(userId, tenantId, Role::Owner, start);

    const QDateTime rotatedAt = start.addSecs(60);
    const auto rotated = keys.rotate(rotatedAt);
    TWINOPS_VERIFY_OK(rotated);
    // Kept while a token it signed can still be valid (one signed just before an instance reloaded, included) …
    const QDateTime lastValid = rotatedAt.addSecs(qint64(codec.retiredKeyKept().count()));
    const auto kept = keys.load(lastValid, codec.retiredKeyKept());
    TWINOPS_VERIFY_OK(kept);
    QCOMPARE(kept->size(), 2);
    QCOMPARE(kept->last().id, rotated->id);
    codec.setKeys(*kept, lastValid);
    QVERIFY(codec.verify(old, start.addSecs(60)).ok());
    // … and dropped after: its last tokens have expired.
    const QDateTime later = lastValid.addSecs(1);
    const auto dropped = keys.load(later, codec.retiredKeyKept());
    TWINOPS_VERIFY_OK(dropped);
    QCOMPARE(dropped->size(), 1);
    QCOMPARE(dropped->first().id, rotated->id);
    codec.setKeys(*dropped, later);
    // A token of the dropped key fails on its kid even at a time its claims would pass.
    QVERIFY(!codec.verify(old, start.addSecs(60)).ok());
    QVERIFY(codec.verify(codec.issue(userId, tenantId, Role::Owner, later), later).ok());
}

void TestKeyRotation::twoInstancesFollowARotation()
{
    if (currentDialect() != Dialect::Postgres)
        QSKIP("instances share a PostgreSQL database");
    Daemon a;
    Daemon b;
    QVERIFY2(serve(a, QStringLiteral("a")), qPrintable(a.describe()));
    QVERIFY2(serve(b, QStringLiteral("b")), qPrintable(b.describe()));
    ApiClient onA(QUrl(a.baseUrl()));
    ApiClient onB(QUrl(b.baseUrl()));
    const QJsonObject session = signup(onA);
    const QString before = session.value(QStringLiteral("access_token")).toString();
    QCOMPARE(me(onB, before), 200); // B loaded the key A made

    const QString newKey = rotate();
    QVERIFY(!newKey.isEmpty());
    // A token of the new key, presented to B right after the rotation: B looks the unknown kid up without waiting for
    // its reload interval (at most once a second, so a flood of forged kids costs one query a second).
    const QString fresh = forge(session, newKey, nowUtc());
    const QDeadlineTimer lookup(5'000);
    while (me(onB, fresh) != 200 && !lookup.hasExpired())
        QTest::qWait(250);
    QCOMPARE(me(onB, fresh), 200);
    // Both instances come to sign with the new key, and each accepts the other's tokens and the old one.
    for (ApiClient *issuer : {&onA, &onB}) {
        QString token;
        const QDeadlineTimer deadline(3 * JwtCodec::kKeysReloadInterval);
        while (keyIdOf(token) != newKey && !deadline.hasExpired()) {
            token = login(*issuer).value(QStringLiteral("access_token")).toString();
            QTest::qWait(1000);
        }
        QCOMPARE(keyIdOf(token), newKey);
        QCOMPARE(me(onA, token), 200);
        QCOMPARE(me(onB, token), 200);
    }
    QCOMPARE(me(onA, before), 200);
    QCOMPARE(me(onB, before), 200);
    QVERIFY(a.stop());
    QVERIFY(b.stop());
}

QTEST_GUILESS_MAIN(TestKeyRotation)
#include "tst_keyrotation.moc"
