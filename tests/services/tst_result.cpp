// TWINOPS_TRY and TWINOPS_TRY_ASSIGN on their own: the value path goes on with the plain value, the error path
// returns the error unchanged and runs nothing after it, the expression is evaluated once, an existing variable can
// be the target (and keeps its value on an error), braced arguments need no extra parentheses, and a move-only value
// is moved, not copied.
#include "core/result.h"

#include <QStringList>
#include <QTest>

#include <memory>

using namespace twinops;

class TestResult final : public QObject
{
    Q_OBJECT
private slots:
    void valuePathGoesOnWithThePlainValue();
    void errorPathReturnsTheErrorAndStops();
    void expressionIsEvaluatedOnce();
    void assignsToAnExistingVariable();
    void bracedArgumentsNeedNoParentheses();
    void moveOnlyValueIsMoved();
    void tryPropagatesAStatus();
};

namespace {

Result<QString> textOrError(bool ok)
{
    if (!ok)
        return Error::conflict(QStringLiteral("taken"));
    return QStringLiteral("text");
}

// Counts the statements reached after the macro, so a test can tell that the error path stopped there.
Result<QString> exclaimed(bool ok, int *reachedAfter)
{
    TWINOPS_TRY_ASSIGN(const QString text, textOrError(ok));
    ++*reachedAfter;
    return QString(text + u'!');
}

Result<int> countingCall(int *calls)
{
    ++*calls;
    return 42;
}

Result<int> plusOne(int *calls)
{
    TWINOPS_TRY_ASSIGN(const int value, countingCall(calls));
    return value + 1;
}

Status assignInto(QString &target, bool ok)
{
    TWINOPS_TRY_ASSIGN(target, textOrError(ok));
    return {};
}

Result<QStringList> listOf(const QStringList &items, int repeat)
{
    QStringList list;
    for (int i = 0; i < repeat; ++i)
        list += items;
    return list;
}

Result<qsizetype> countOfBraced()
{
    TWINOPS_TRY_ASSIGN(const QStringList list, listOf({QStringLiteral("a"), QStringLiteral("b")}, 2));
    return list.size();
}

Result<std::unique_ptr<int>> boxed(int value)
{
    return std::make_unique<int>(value);
}

Result<int> unboxed(int value)
{
    TWINOPS_TRY_ASSIGN(std::unique_ptr<int> box, boxed(value));
    return *box;
}

Status checked(bool ok, int *reachedAfter)
{
    TWINOPS_TRY(textOrError(ok));
    ++*reachedAfter;
    return {};
}

} // namespace

void TestResult::valuePathGoesOnWithThePlainValue()
{
    int reachedAfter = 0;
    const Result<QString> result = exclaimed(true, &reachedAfter);
    QVERIFY(result.ok());
    QCOMPARE(*result, QStringLiteral("text!"));
    QCOMPARE(reachedAfter, 1);
}

void TestResult::errorPathReturnsTheErrorAndStops()
{
    int reachedAfter = 0;
    const Result<QString> result = exclaimed(false, &reachedAfter);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, ErrorCode::Conflict);
    QCOMPARE(result.error().message, QStringLiteral("taken"));
    QCOMPARE(reachedAfter, 0);
}

void TestResult::expressionIsEvaluatedOnce()
{
    int calls = 0;
    const Result<int> result = plusOne(&calls);
    QVERIFY(result.ok());
    QCOMPARE(*result, 43);
    QCOMPARE(calls, 1);
}

void TestResult::assignsToAnExistingVariable()
{
    QString target = QStringLiteral("before");
    QVERIFY(assignInto(target, true).ok());
    QCOMPARE(target, QStringLiteral("text"));

    target = QStringLiteral("before");
    const Status failed = assignInto(target, false);
    QVERIFY(!failed.ok());
    QCOMPARE(failed.error().code, ErrorCode::Conflict);
    QCOMPARE(target, QStringLiteral("before"));
}

void TestResult::bracedArgumentsNeedNoParentheses()
{
    const Result<qsizetype> count = countOfBraced();
    QVERIFY(count.ok());
    QCOMPARE(*count, qsizetype(4));
}

void TestResult::moveOnlyValueIsMoved()
{
    const Result<int> value = unboxed(7);
    QVERIFY(value.ok());
    QCOMPARE(*value, 7);
}

void TestResult::tryPropagatesAStatus()
{
    int reachedAfter = 0;
    QVERIFY(checked(true, &reachedAfter).ok());
    QCOMPARE(reachedAfter, 1);
    const Status failed = checked(false, &reachedAfter);
    QVERIFY(!failed.ok());
    QCOMPARE(failed.error().code, ErrorCode::Conflict);
    QCOMPARE(reachedAfter, 1);
}

QTEST_GUILESS_MAIN(TestResult)
#include "tst_result.moc"
