// The password policy on its own: the length rules come first, passwords that are easy to guess are refused with a
// reason in words, ordinary passphrases and random passwords (thousands of them) pass, and a missing dictionary
// refuses every password (503) instead of letting them through unchecked.
#include "auth/passwordhasher.h"
#include "auth/passwordpolicy.h"

#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace twinops;

class TestPasswordPolicy final : public QObject
{
    Q_OBJECT
private slots:
    void acceptsPassphrasesAndRandomPasswords_data();
    void acceptsPassphrasesAndRandomPasswords();
    void acceptsLongRandomPasswords();
    void refusesEasyPasswordsSayingWhy_data();
    void refusesEasyPasswordsSayingWhy();
    void lengthIsCountedInCharacters();
    void aMissingDictionaryRefusesEveryPassword();
};

namespace {

QString problemOf(const Status &status)
{
    return status.ok() ? QString() : status.error().details.value(QStringLiteral("password"));
}

} // namespace

void TestPasswordPolicy::acceptsPassphrasesAndRandomPasswords_data()
{
    QTest::addColumn<QString>("password");
    QTest::newRow("passphrase") << QStringLiteral("correct horse battery");
    QTest::newRow("README example") << QStringLiteral("at least ten chars");
    QTest::newRow("non-ASCII passphrase") << QStringLiteral("Grüße aus Köln 2024");
    QTest::newRow("random") << QStringLiteral("Zx9vQ2mLp0Rt7Wq");
    QTest::newRow("random base64url") << QStringLiteral("kq3B_v8XwZr2Yt1m-NcD4pLs9HfGaE0u");
    QTest::newRow("random with a run of 5") << QStringLiteral("JR0UlRbvl60dqzBBBBBj6C-u02ApcHzU"); // seen refused
}

void TestPasswordPolicy::acceptsPassphrasesAndRandomPasswords()
{
    QFETCH(QString, password);
    const Status checked = PasswordPolicy().check(password);
    QVERIFY2(checked.ok(), qPrintable(problemOf(checked)));
}

void TestPasswordPolicy::acceptsLongRandomPasswords()
{
    // What password managers and the staging smoke tests make: 24 random bytes in base64url. cracklib alone refuses
    // about 1 in 80 of them as "too simplistic/systematic".
    const PasswordPolicy policy;
    QStringList refused;
    for (int i = 0; i < 1000; ++i) {
        QByteArray bytes(24, Qt::Uninitialized);
        QRandomGenerator::system()->generate(bytes.begin(), bytes.end());
        const QString password
            = QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
        if (const Status checked = policy.check(password); !checked.ok())
            refused << password + QStringLiteral(": ") + problemOf(checked);
    }
    QVERIFY2(refused.isEmpty(), qPrintable(refused.join(u'\n')));
}

void TestPasswordPolicy::refusesEasyPasswordsSayingWhy_data()
{
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("problem");
    const QString easy = QStringLiteral("is too easy to guess: ");
    QTest::newRow("ten spaces and a letter")
        << QStringLiteral("          a")
        << easy + QStringLiteral("it repeats one character more than 4 times in a row");
    QTest::newRow("run inside") << QStringLiteral("xyz!!!!!!q9")
                                << easy + QStringLiteral("it repeats one character more than 4 times in a row");
    QTest::newRow("sequence") << QStringLiteral("abcdefgh19")
                              << easy + QStringLiteral("it contains a sequence such as 12345 or abcde longer than 4");
    QTest::newRow("a quarter of a long one")
        << QStringLiteral("kq3B_v8XwZr2Yt1m-aaaaaaa") // 24 characters, a run of 7
        << easy + QStringLiteral("it repeats one character more than 6 times in a row");
    QTest::newRow("palindrome") << QStringLiteral("aaaaaaaaaa") << easy + QStringLiteral("it reads the same backwards");
    QTest::newRow("dictionary word") << QStringLiteral("dictionary")
                                     << easy + QStringLiteral("it is based on a dictionary word");
    QTest::newRow("common password") << QStringLiteral("Password123!")
                                     << easy + QStringLiteral("it contains a commonly used password");
    QTest::newRow("our own name") << QStringLiteral("TwinOps-2024")
                                  << easy + QStringLiteral("it contains a commonly used password");
    QTest::newRow("look-alikes")
        << QStringLiteral("P@ssw0rd2024")
        << easy
            + QStringLiteral(
                "it contains a commonly used password (with look-alike digits and symbols read as letters)");
}

void TestPasswordPolicy::refusesEasyPasswordsSayingWhy()
{
    QFETCH(QString, password);
    QFETCH(QString, problem);
    const Status checked = PasswordPolicy().check(password);
    QVERIFY(!checked.ok());
    QCOMPARE(checked.error().code, ErrorCode::ValidationFailed);
    QCOMPARE(problemOf(checked), problem);
}

void TestPasswordPolicy::lengthIsCountedInCharacters()
{
    const PasswordPolicy policy;
    QCOMPARE(problemOf(policy.check(QStringLiteral("Zx9vQ2mLp"))), QStringLiteral("must be at least 10 characters"));
    // Ten characters that are twenty bytes are long enough …
    QVERIFY(policy.check(QStringLiteral("žluťoučký!")).ok());
    // … and the byte limit of the hasher still holds.
    const QString huge = QStringLiteral("Zx9vQ2mLp0Rt7Wq").repeated(PasswordHasher::kMaximumPasswordBytes / 15 + 1);
    QCOMPARE(problemOf(policy.check(huge)), QStringLiteral("is too long"));
}

void TestPasswordPolicy::aMissingDictionaryRefusesEveryPassword()
{
    QTemporaryDir empty;
    QVERIFY(empty.isValid());
    const Status checked = PasswordPolicy(empty.filePath(QStringLiteral("no-dictionary")))
                               .check(QStringLiteral("correct horse battery"));
    QVERIFY(!checked.ok());
    QCOMPARE(checked.error().code, ErrorCode::Unavailable);
}

QTEST_GUILESS_MAIN(TestPasswordPolicy)
#include "tst_passwordpolicy.moc"
