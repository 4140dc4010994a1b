// The in-memory token buckets: burst and refill on an injected monotonic clock, buckets that refilled to full are
// dropped, memory is bounded, and no spray of new keys ever resets a key that is being held back.
#include "auth/ratelimiter.h"

#include <QTest>

using namespace twinops;
using namespace std::chrono_literals;

class TestRateLimiter final : public QObject
{
    Q_OBJECT
private slots:
    void burstThenRefillOnTheInjectedClock();
    void aSprayOfNewKeysNeverResetsALimitedKey();
    void bucketsThatRefilledToFullAreDropped();
    void atCapacityNewKeysPassWithoutForgettingLimitedOnes();
};

namespace {

// A monotonic clock the test moves by hand.
struct ManualClock
{
    std::chrono::steady_clock::time_point now{};
    RateLimiter::Clock function()
    {
        return [this] { return now; };
    }
};

int refusals(RateLimiter &limiter, const QString &key, int calls)
{
    int refused = 0;
    for (int i = 0; i < calls; ++i) {
        int retryAfter = 0;
        if (!limiter.allow(key, &retryAfter))
            ++refused;
    }
    return refused;
}

} // namespace

void TestRateLimiter::burstThenRefillOnTheInjectedClock()
{
    ManualClock clock;
    RateLimiter limiter(60, 3, RateLimiter::kDefaultCapacity, clock.function()); // one token a second, burst 3
    int retryAfter = 0;
    for (int i = 0; i < 3; ++i)
        QVERIFY(limiter.allow(QStringLiteral("a"), &retryAfter));
    QVERIFY(!limiter.allow(QStringLiteral("a"), &retryAfter));
    QCOMPARE(retryAfter, 1);
    QVERIFY(limiter.allow(QStringLiteral("b"), &retryAfter)); // keys are independent

    clock.now += 999ms;
    QVERIFY(!limiter.allow(QStringLiteral("a"), &retryAfter));
    clock.now += 1ms;
    QVERIFY(limiter.allow(QStringLiteral("a"), &retryAfter));
    QVERIFY(!limiter.allow(QStringLiteral("a"), &retryAfter));

    // An hour later the bucket holds its burst again, never more.
    clock.now += 1h;
    QCOMPARE(refusals(limiter, QStringLiteral("a"), 4), 1);
}

void TestRateLimiter::aSprayOfNewKeysNeverResetsALimitedKey()
{
    // The default clock and capacity, as the HTTP routes use them; one token a minute, so that the victim cannot
    // refill while the spray runs.
    RateLimiter limiter(1, 2);
    QCOMPARE(refusals(limiter, QStringLiteral("victim"), 2), 0);
    QCOMPARE(refusals(limiter, QStringLiteral("victim"), 1), 1);
    for (int i = 0; i < int(RateLimiter::kDefaultCapacity) + 10; ++i) {
        int retryAfter = 0;
        QVERIFY(limiter.allow(QStringLiteral("spray-%1").arg(i), &retryAfter));
    }
    QVERIFY(limiter.size() <= RateLimiter::kDefaultCapacity);
    QCOMPARE(refusals(limiter, QStringLiteral("victim"), 1), 1);
}

void TestRateLimiter::bucketsThatRefilledToFullAreDropped()
{
    ManualClock clock;
    RateLimiter limiter(60, 5, RateLimiter::kDefaultCapacity, clock.function()); // one token a second, burst 5
    for (int i = 0; i < 20; ++i)
        QCOMPARE(refusals(limiter, QStringLiteral("key-%1").arg(i), 1), 0);
    QCOMPARE(refusals(limiter, QStringLiteral("busy"), 6), 1);
    QCOMPARE(limiter.size(), 21);

    // Half a second later the keys used once are still half a token short of full: nothing is dropped.
    clock.now += 500ms;
    QCOMPARE(refusals(limiter, QStringLiteral("probe"), 1), 0);
    QCOMPARE(limiter.size(), 22);

    // A second after their use they are full: every call drops a few, oldest first, and stops at "busy", which was
    // emptied and holds one token.
    clock.now += 500ms;
    for (int i = 0; i < 3; ++i)
        QCOMPARE(refusals(limiter, QStringLiteral("probe"), 1), 0);
    QCOMPARE(limiter.size(), 2);
    QCOMPARE(refusals(limiter, QStringLiteral("busy"), 2), 1);
}

void TestRateLimiter::atCapacityNewKeysPassWithoutForgettingLimitedOnes()
{
    ManualClock clock;
    RateLimiter limiter(60, 1, 3, clock.function());
    for (const QString &key : {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")})
        QCOMPARE(refusals(limiter, key, 2), 1);
    QCOMPARE(limiter.size(), 3);
    // Full table, nobody refilled: a new key goes through without a bucket, and the limited keys stay limited.
    QCOMPARE(refusals(limiter, QStringLiteral("d"), 1), 0);
    QCOMPARE(limiter.size(), 3);
    for (const QString &key : {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")})
        QCOMPARE(refusals(limiter, key, 1), 1);
    // Once they refill, their buckets make room again.
    clock.now += 1s;
    QCOMPARE(refusals(limiter, QStringLiteral("d"), 2), 1);
    QCOMPARE(limiter.size(), 1);
}

QTEST_GUILESS_MAIN(TestRateLimiter)
#include "tst_ratelimiter.moc"
