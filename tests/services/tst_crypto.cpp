// libsodium wrappers (randomness, SHA-256, HMAC, constant-time comparison) and argon2id password hashing.
#include "auth/crypto.h"
#include "auth/passwordhasher.h"

#include <QMessageAuthenticationCode>
#include <QSet>
#include <QTest>

using namespace twinops;

class TestCrypto final : public QObject
{
    Q_OBJECT
private slots:
    void initializeIsIdempotent();
    void randomBytesHaveRequestedSize_data();
    void randomBytesHaveRequestedSize();
    void randomBytesAreUnique();
    void randomTokenIsUnpaddedBase64Url_data();
    void randomTokenIsUnpaddedBase64Url();
    void sha256KnownVectors_data();
    void sha256KnownVectors();
    void hmacSha256Rfc4231_data();
    void hmacSha256Rfc4231();
    void constantTimeEquals_data();
    void constantTimeEquals();

    void costFromName_data();
    void costFromName();
    void hashThenVerify_data();
    void hashThenVerify();
    void hashesAreSaltedAndArgon2id();
    void malformedHashesNeverVerify_data();
    void malformedHashesNeverVerify();
    void needsRehashAcrossCosts();
    void overLongPasswordIsRejected();
};

void TestCrypto::initializeIsIdempotent()
{
    QVERIFY(crypto::initialize());
    QVERIFY(crypto::initialize());
}

void TestCrypto::randomBytesHaveRequestedSize_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("expected");
    QTest::newRow("negative") << -5 << 0;
    QTest::newRow("zero") << 0 << 0;
    QTest::newRow("one") << 1 << 1;
    QTest::newRow("32") << 32 << 32;
    QTest::newRow("4096") << 4096 << 4096;
}

void TestCrypto::randomBytesHaveRequestedSize()
{
    QFETCH(int, count);
    QFETCH(int, expected);
    QCOMPARE(crypto::randomBytes(count).size(), expected);
}

void TestCrypto::randomBytesAreUnique()
{
    QSet<QByteArray> seen;
    for (int i = 0; i < 1000; ++i)
        seen.insert(crypto::randomBytes(16));
    QCOMPARE(seen.size(), 1000);
    // 4 KiB of zeros from a working CSPRNG has probability 2^-32768; this catches an unfilled buffer.
    QVERIFY(crypto::randomBytes(4096).count('\0') < 4096);
}

void TestCrypto::randomTokenIsUnpaddedBase64Url_data()
{
    QTest::addColumn<int>("bytes");
    QTest::addColumn<int>("length");
    QTest::newRow("default") << 32 << 43;
    QTest::newRow("16") << 16 << 22;
    QTest::newRow("48 (no remainder)") << 48 << 64;
    QTest::newRow("1") << 1 << 2;
}

void TestCrypto::randomTokenIsUnpaddedBase64Url()
{
    QFETCH(int, bytes);
    QFETCH(int, length);
    QSet<QString> seen;
    for (int i = 0; i < 50; ++i) {
        const QString token = bytes == 32 ? crypto::randomToken() : crypto::randomToken(bytes);
        QCOMPARE(token.size(), length);
        for (const QChar c : token) {
            const bool urlSafe = (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9')
                || c == u'-' || c == u'_';
            QVERIFY2(urlSafe, qPrintable(token));
        }
        const auto decoded = QByteArray::fromBase64Encoding(
            token.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
        QVERIFY(decoded);
        QCOMPARE(decoded.decoded.size(), bytes);
        seen.insert(token);
    }
    if (bytes >= 16)
        QCOMPARE(seen.size(), 50);
}

void TestCrypto::sha256KnownVectors_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("hex");
    QTest::newRow("empty") << QByteArray()
                           << QStringLiteral("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    QTest::newRow("abc") << QByteArray("abc")
                         << QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    QTest::newRow("two blocks") << QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                                << QStringLiteral("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

void TestCrypto::sha256KnownVectors()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, hex);
    QCOMPARE(crypto::sha256Hex(input), hex);
}

void TestCrypto::hmacSha256Rfc4231_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QByteArray>("hex");
    QTest::newRow("RFC 4231 case 1") << QByteArray(20, '\x0b') << QByteArray("Hi There")
                                     << QByteArray("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    QTest::newRow("RFC 4231 case 2") << QByteArray("Jefe") << QByteArray("what do ya want for nothing?")
                                     << QByteArray("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    // A key longer than the 64-byte block is hashed first: the case the one-shot 32-byte-key API cannot do.
    QTest::newRow("RFC 4231 case 6") << QByteArray(131, '\xaa')
                                     << QByteArray("Test Using Larger Than Block-Size Key - Hash Key First")
                                     << QByteArray("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

void TestCrypto::hmacSha256Rfc4231()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, message);
    QFETCH(QByteArray, hex);
    const QByteArray mac = crypto::hmacSha256(key, message);
    QCOMPARE(mac.size(), 32);
    QCOMPARE(mac.toHex(), hex);
    QCOMPARE(mac, QMessageAuthenticationCode::hash(message, key, QCryptographicHash::Sha256));
}

void TestCrypto::constantTimeEquals_data()
{
    QTest::addColumn<QByteArray>("a");
    QTest::addColumn<QByteArray>("b");
    QTest::addColumn<bool>("equal");
    const QByteArray secret = QByteArray::fromHex("00112233445566778899aabbccddeeff");
    QByteArray lastDiffers = secret;
    lastDiffers[lastDiffers.size() - 1] = '\x00';
    QByteArray firstDiffers = secret;
    firstDiffers[0] = '\x01';
    QTest::newRow("same") << secret << QByteArray(secret) << true;
    QTest::newRow("last byte differs") << secret << lastDiffers << false;
    QTest::newRow("first byte differs") << secret << firstDiffers << false;
    QTest::newRow("prefix") << secret << secret.left(8) << false;
    QTest::newRow("longer") << secret << secret + '\0' << false;
    QTest::newRow("one empty") << secret << QByteArray() << false;
    QTest::newRow("both empty") << QByteArray() << QByteArray() << true;
    QTest::newRow("embedded NUL") << QByteArray("a\0b", 3) << QByteArray("a\0c", 3) << false;
}

void TestCrypto::constantTimeEquals()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(bool, equal);
    QCOMPARE(crypto::constantTimeEquals(a, b), equal);
    QCOMPARE(crypto::constantTimeEquals(b, a), equal);
}

void TestCrypto::costFromName_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("known");
    QTest::addColumn<int>("cost");
    QTest::newRow("minimal") << QStringLiteral("minimal") << true << int(PasswordHasher::Cost::Minimal);
    QTest::newRow("interactive") << QStringLiteral("interactive") << true << int(PasswordHasher::Cost::Interactive);
    QTest::newRow("moderate") << QStringLiteral("moderate") << true << int(PasswordHasher::Cost::Moderate);
    QTest::newRow("sensitive") << QStringLiteral("sensitive") << false << 0;
    QTest::newRow("empty") << QString() << false << 0;
    QTest::newRow("padded") << QStringLiteral(" minimal") << false << 0;
}

void TestCrypto::costFromName()
{
    QFETCH(QString, name);
    QFETCH(bool, known);
    QFETCH(int, cost);
    const auto parsed = PasswordHasher::costFromName(name);
    QCOMPARE(parsed.has_value(), known);
    if (known) {
        QCOMPARE(int(*parsed), cost);
        QCOMPARE(PasswordHasher::costName(*parsed), name);
    }
}

void TestCrypto::hashThenVerify_data()
{
    QTest::addColumn<QString>("password");
    QTest::newRow("ascii") << QStringLiteral("correct horse battery staple");
    QTest::newRow("unicode") << QStringLiteral(u"pässwörd-密码-🔑");
    QTest::newRow("empty") << QString();
    QTest::newRow("exactly 1024 bytes") << QString(1024, u'x');
}

void TestCrypto::hashThenVerify()
{
    QFETCH(QString, password);
    const PasswordHasher hasher(PasswordHasher::Cost::Minimal);
    const auto hash = hasher.hash(password);
    QVERIFY2(hash.ok(), hash.ok() ? "" : qPrintable(hash.error().message));
    QVERIFY(hasher.verify(*hash, password));
    QVERIFY(!hasher.verify(*hash, password + u'!'));
    QVERIFY(!hasher.verify(*hash, QStringLiteral("wrong password")));
    if (!password.isEmpty()) {
        QVERIFY(!hasher.verify(*hash, password.left(password.size() - 1)));
        QVERIFY(!hasher.verify(*hash, QString()));
    }
    // Verification reads the parameters from the hash, so another cost's hasher verifies it too.
    QVERIFY(PasswordHasher(PasswordHasher::Cost::Moderate).verify(*hash, password));
}

void TestCrypto::hashesAreSaltedAndArgon2id()
{
    const PasswordHasher hasher(PasswordHasher::Cost::Minimal);
    const auto first = hasher.hash(QStringLiteral("same password"));
    const auto second = hasher.hash(QStringLiteral("same password"));
    QVERIFY(first.ok() && second.ok());
    QVERIFY(first->startsWith(QLatin1String("$argon2id$v=19$")));
    QVERIFY(*first != *second);
    QVERIFY(hasher.verify(*first, QStringLiteral("same password")));
    QVERIFY(hasher.verify(*second, QStringLiteral("same password")));
}

void TestCrypto::malformedHashesNeverVerify_data()
{
    const auto good = PasswordHasher(PasswordHasher::Cost::Minimal).hash(QStringLiteral("password123"));
    QVERIFY(good.ok());
    QString flipped = *good;
    const qsizetype last = flipped.size() - 1;
    flipped[last] = flipped.at(last) == u'A' ? u'B' : u'A';

    QTest::addColumn<QString>("storedHash");
    // A hash whose parameters parse but whose digest is wrong does not need re-hashing; it just never matches.
    QTest::addColumn<bool>("unparsable");
    QTest::newRow("empty") << QString() << true;
    QTest::newRow("garbage") << QStringLiteral("not a hash") << true;
    QTest::newRow("prefix only") << QStringLiteral("$argon2id$") << true;
    QTest::newRow("truncated") << good->left(good->size() / 2) << true;
    QTest::newRow("last character changed") << flipped << false;
    QTest::newRow("bad parameters") << QString(*good).replace(QLatin1String("t=1"), QLatin1String("t=x")) << true;
    QTest::newRow("bcrypt") << QStringLiteral("$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW") << true;
    QTest::newRow("scrypt") << QStringLiteral(
        "$7$C6..../....SodiumChloride$kBGj9fHznVYFQMEn/qDCfrDevf9YDtcDdKvEqHJLV8D")
                            << true;
    QTest::newRow("very long") << *good + QString(4096, u'A') << true;
    QTest::newRow("non-ASCII") << QString(*good).replace(0, 1, u'€') << true;
    QTest::newRow("embedded NUL") << QString(*good).insert(5, QChar(0)) << true;
}

void TestCrypto::malformedHashesNeverVerify()
{
    QFETCH(QString, storedHash);
    QFETCH(bool, unparsable);
    const PasswordHasher hasher(PasswordHasher::Cost::Minimal);
    QVERIFY(!hasher.verify(storedHash, QStringLiteral("password123")));
    QVERIFY(!hasher.verify(storedHash, QString()));
    if (unparsable)
        QVERIFY(hasher.needsRehash(storedHash));
}

void TestCrypto::needsRehashAcrossCosts()
{
    const PasswordHasher minimal(PasswordHasher::Cost::Minimal);
    const PasswordHasher interactive(PasswordHasher::Cost::Interactive);
    const PasswordHasher moderate(PasswordHasher::Cost::Moderate);
    QCOMPARE(PasswordHasher().cost(), PasswordHasher::Cost::Interactive);

    const auto minimalHash = minimal.hash(QStringLiteral("password123"));
    QVERIFY(minimalHash.ok());
    QVERIFY(!minimal.needsRehash(*minimalHash));
    QVERIFY(interactive.needsRehash(*minimalHash));
    QVERIFY(moderate.needsRehash(*minimalHash));

    // One real interactive hash (~64 MiB, a fraction of a second); moderate is never computed in tests.
    const auto interactiveHash = interactive.hash(QStringLiteral("password123"));
    QVERIFY(interactiveHash.ok());
    QVERIFY(interactive.verify(*interactiveHash, QStringLiteral("password123")));
    QVERIFY(!interactive.needsRehash(*interactiveHash));
    QVERIFY(minimal.needsRehash(*interactiveHash));
    QVERIFY(moderate.needsRehash(*interactiveHash));

    // argon2i hashes (the older variant) are upgraded to argon2id.
    const QString argon2i = QString(*minimalHash).replace(QLatin1String("$argon2id$"), QLatin1String("$argon2i$"));
    QVERIFY(minimal.needsRehash(argon2i));
}

void TestCrypto::overLongPasswordIsRejected()
{
    const PasswordHasher hasher(PasswordHasher::Cost::Minimal);
    const auto tooLong = hasher.hash(QString(1025, u'x'));
    QVERIFY(!tooLong.ok());
    QCOMPARE(tooLong.error().code, ErrorCode::ValidationFailed);
    QVERIFY(tooLong.error().details.contains(QStringLiteral("password")));

    // The limit counts UTF-8 bytes, not characters: 342 euro signs are 1026 bytes.
    const auto multiByte = hasher.hash(QString(342, u'€'));
    QVERIFY(!multiByte.ok());
    QVERIFY(hasher.hash(QString(341, u'€')).ok());

    const auto good = hasher.hash(QString(1024, u'x'));
    QVERIFY(good.ok());
    QVERIFY(!hasher.verify(*good, QString(1025, u'x')));
}

QTEST_GUILESS_MAIN(TestCrypto)
#include "tst_crypto.moc"
