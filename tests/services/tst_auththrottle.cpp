// The login and sign-up budgets in auth_throttle, on SQLite and PostgreSQL: an attempt is counted in one atomic step
// (concurrent connections never get more than the limit), blocks end and windows restart, a returned attempt lifts
// only the block it started, spent rows are pruned in batches, and the core prunes them periodically. The share-link
// budgets (issue #13) give their bursts and never more than their average rate, however the requests are spread.
#include "auth/auththrottle.h"
#include "core/ids.h"
#include "servicecore.h"
#include "testdatabase.h"

#include <QTest>

#include <algorithm>
#include <barrier>
#include <thread>
#include <vector>

using namespace twinops;
using namespace twinops::test;
using namespace std::chrono_literals;

Q_DECLARE_METATYPE(twinops::ThrottleRule)

class TestAuthThrottle final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void concurrentAttemptsNeverExceedTheLimit();
    void blocksEndAndWindowsRestart();
    void shareBudgetsKeepTheirBurstAndAverageRate_data();
    void shareBudgetsKeepTheirBurstAndAverageRate();
    void aReturnedAttemptLiftsOnlyTheBlockItStarted();
    void pruneDeletesOnlySpentRowsInBatches();
    void theCorePrunesPeriodically();
    void clientsAreAddressesOrIpv6Networks();
    void perAddressLimitsComeFromTheEnvironment();
};

namespace {

const ThrottleRule kRule{5, 15min, 5min};
const QDateTime kStart = QDateTime(QDate(2026, 3, 1), QTime(12, 0), Qt::UTC);

bool takes(AuthThrottle &throttle, const QString &key, const ThrottleRule &rule, const QDateTime &now,
           int *retryAfter = nullptr)
{
    auto taken = throttle.take(key, rule, now, QStringLiteral("wait"));
    if (!taken.ok() && retryAfter)
        *retryAfter = taken.error().retryAfterSeconds;
    return taken.ok();
}

qint64 rowCount(Database &db)
{
    auto rows = db.query(QStringLiteral("SELECT count(*) FROM auth_throttle"));
    return rows.ok() ? rows->first().integer(0) : -1;
}

bool insertRow(Database &db, const QString &key, const QDateTime &windowStarted, const QDateTime &blockedUntil = {})
{
    return db
        .query(QStringLiteral("INSERT INTO auth_throttle (key, failures, window_started_at, blocked_until) "
                              "VALUES ($1, 5, $2, $3)"),
               {key, windowStarted, blockedUntil.isValid() ? QVariant(blockedUntil) : QVariant()})
        .ok();
}

} // namespace

void TestAuthThrottle::concurrentAttemptsNeverExceedTheLimit()
{
    TWINOPS_FRESH_DATABASE(database);
    QVERIFY(database->connectMigrated());
    constexpr int kAttempts = 12;
    std::vector<int> outcomes(kAttempts, 0); // 1 taken, 2 refused, -1 error
    std::barrier start(kAttempts);
    std::vector<std::thread> threads;
    const QDateTime now = nowUtc();
    for (int i = 0; i < kAttempts; ++i) {
        threads.emplace_back([&, i] {
            auto db = Database::open(database->url());
            start.arrive_and_wait();
            if (!db.ok()) {
                outcomes[size_t(i)] = -1;
                return;
            }
            auto taken = AuthThrottle(**db).take(QStringLiteral("k"), kRule, now, QStringLiteral("wait"));
            outcomes[size_t(i)] = taken.ok() ? 1 : taken.error().code == ErrorCode::RateLimited ? 2 : -1;
        });
    }
    for (std::thread &thread : threads)
        thread.join();
    QCOMPARE(int(std::count(outcomes.begin(), outcomes.end(), 1)), kRule.limit);
    QCOMPARE(int(std::count(outcomes.begin(), outcomes.end(), 2)), kAttempts - kRule.limit);
}

void TestAuthThrottle::blocksEndAndWindowsRestart()
{
    TWINOPS_FRESH_DATABASE(database);
    auto db = database->connectMigrated();
    QVERIFY(db);
    AuthThrottle throttle(*db);
    for (int i = 0; i < kRule.limit; ++i)
        QVERIFY(takes(throttle, QStringLiteral("k"), kRule, kStart.addSecs(i)));
    // The fifth attempt started a five-minute block.
    int retryAfter = 0;
    QVERIFY(!takes(throttle, QStringLiteral("k"), kRule, kStart.addSecs(10), &retryAfter));
    QCOMPARE(retryAfter, 5 * 60 - 6 + 1);
    QVERIFY(takes(throttle, QStringLiteral("other"), kRule, kStart.addSecs(10)));
    // After it, still in the window: one attempt, then another block.
    QVERIFY(takes(throttle, QStringLiteral("k"), kRule, kStart.addSecs(4 + 300)));
    QVERIFY(!takes(throttle, QStringLiteral("k"), kRule, kStart.addSecs(4 + 301), &retryAfter));
    QCOMPARE(retryAfter, 300);
    // Once the window and the block are over, the budget is whole again.
    const QDateTime later = kStart.addSecs(15 * 60);
    for (int i = 0; i < kRule.limit; ++i)
        QVERIFY(takes(throttle, QStringLiteral("k"), kRule, later));
    QVERIFY(!takes(throttle, QStringLiteral("k"), kRule, later));
}

void TestAuthThrottle::shareBudgetsKeepTheirBurstAndAverageRate_data()
{
    QTest::addColumn<ThrottleRule>("rule");
    QTest::addColumn<int>("perMinute");
    QTest::newRow("reading a link, per address") << AuthLimits{}.shareReadPerAddress << 60;
    QTest::newRow("chat, per address") << AuthLimits{}.shareChatPerAddress << 30;
    QTest::newRow("chat, per link") << AuthLimits{}.shareChatPerLink << 20;
}

void TestAuthThrottle::shareBudgetsKeepTheirBurstAndAverageRate()
{
    QFETCH(ThrottleRule, rule);
    QFETCH(int, perMinute);
    TWINOPS_FRESH_DATABASE(database);
    auto db = database->connectMigrated();
    QVERIFY(db);
    AuthThrottle throttle(*db);
    // A burst at once, then refused with a Retry-After that ends the wait.
    for (int i = 0; i < rule.limit; ++i)
        QVERIFY(takes(throttle, QStringLiteral("burst"), rule, kStart));
    int retryAfter = 0;
    QVERIFY(!takes(throttle, QStringLiteral("burst"), rule, kStart, &retryAfter));
    QVERIFY(retryAfter >= 1);
    QVERIFY(takes(throttle, QStringLiteral("burst"), rule, kStart.addSecs(retryAfter)));
    // A request every 100 ms for ten minutes: never more than the average rate (and the first burst) gets through.
    int allowed = 0;
    for (int tenth = 0; tenth < 6000; ++tenth)
        allowed += takes(throttle, QStringLiteral("steady"), rule, kStart.addMSecs(100 * tenth)) ? 1 : 0;
    QVERIFY2(allowed <= 10 * perMinute + rule.limit, qPrintable(QString::number(allowed)));
    QVERIFY2(allowed >= 10 * perMinute / 2, qPrintable(QString::number(allowed))); // and not far less
}

void TestAuthThrottle::aReturnedAttemptLiftsOnlyTheBlockItStarted()
{
    TWINOPS_FRESH_DATABASE(database);
    auto db = database->connectMigrated();
    QVERIFY(db);
    AuthThrottle throttle(*db);
    const ThrottleRule rule{3, 15min, 15min};
    QVERIFY(takes(throttle, QStringLiteral("k"), rule, kStart));
    QVERIFY(takes(throttle, QStringLiteral("k"), rule, kStart));
    // The third attempt started the block; it succeeded, so it is given back and the block goes with it.
    auto third = throttle.take(QStringLiteral("k"), rule, kStart, QStringLiteral("wait"));
    TWINOPS_VERIFY_OK(third);
    QVERIFY(third->blockStarted.isValid());
    QVERIFY(!takes(throttle, QStringLiteral("k"), rule, kStart));
    TWINOPS_VERIFY_OK(throttle.giveBack(*third));
    // So one more attempt is left, and it starts the block again.
    auto fourth = throttle.take(QStringLiteral("k"), rule, kStart.addSecs(1), QStringLiteral("wait"));
    TWINOPS_VERIFY_OK(fourth);
    QVERIFY(!takes(throttle, QStringLiteral("k"), rule, kStart.addSecs(1)));
    // Giving the third back again (as a buggy caller might) leaves the newer block, the fourth's, in place.
    TWINOPS_VERIFY_OK(throttle.giveBack(*third));
    QVERIFY(!takes(throttle, QStringLiteral("k"), rule, kStart.addSecs(2)));
    TWINOPS_VERIFY_OK(throttle.clear(QStringLiteral("k")));
    QVERIFY(takes(throttle, QStringLiteral("k"), rule, kStart.addSecs(2)));
}

void TestAuthThrottle::pruneDeletesOnlySpentRowsInBatches()
{
    TWINOPS_FRESH_DATABASE(database);
    auto db = database->connectMigrated();
    QVERIFY(db);
    const QDateTime now = kStart;
    const QDateTime spent = now.addSecs(-AuthLimits::kLongestWindow.count() - 1);
    {
        auto tx = Transaction::begin(*db);
        TWINOPS_VERIFY_OK(tx);
        for (int i = 0; i < 1234; ++i)
            QVERIFY(insertRow(*db, QStringLiteral("spent-%1").arg(i), spent));
        QVERIFY(insertRow(*db, QStringLiteral("ended block"), spent, now.addSecs(-1)));
        QVERIFY(insertRow(*db, QStringLiteral("still blocked"), spent, now.addSecs(60)));
        QVERIFY(insertRow(*db, QStringLiteral("window running"), now.addSecs(-AuthLimits::kLongestWindow.count() + 1)));
        TWINOPS_VERIFY_OK(tx->commit());
    }
    const auto removed = AuthThrottle::prune(*db, now, 100);
    TWINOPS_VERIFY_OK(removed);
    QCOMPARE(*removed, 1235);
    QCOMPARE(rowCount(*db), 2);
    auto left = db->query(QStringLiteral("SELECT key FROM auth_throttle ORDER BY key"));
    QCOMPARE(left->at(0).text(0), QStringLiteral("still blocked"));
    QCOMPARE(left->at(1).text(0), QStringLiteral("window running"));
}

void TestAuthThrottle::theCorePrunesPeriodically()
{
    TWINOPS_FRESH_DATABASE(database);
    CoreOptions options{database->url()};
    options.passwordCost = PasswordHasher::Cost::Minimal;
    options.metricsRollupInterval = 50ms;
    auto core = ServiceCore::start(std::move(options));
    TWINOPS_VERIFY_OK(core);
    Database &db = (*core)->database();
    const QDateTime now = nowUtc();
    QVERIFY(insertRow(db, QStringLiteral("login:gone@example.com|192.0.2.1"), now.addDays(-2)));
    QVERIFY(insertRow(db, QStringLiteral("login:kept@example.com|192.0.2.1"), now));
    QTRY_COMPARE_WITH_TIMEOUT(rowCount(db), 1, 10'000);
    auto left = db.query(QStringLiteral("SELECT key FROM auth_throttle"));
    QCOMPARE(left->first().text(0), QStringLiteral("login:kept@example.com|192.0.2.1"));
}

void TestAuthThrottle::clientsAreAddressesOrIpv6Networks()
{
    QCOMPARE(AuthThrottle::clientOf(QStringLiteral("192.0.2.7")), QStringLiteral("192.0.2.7"));
    QCOMPARE(AuthThrottle::clientOf(QStringLiteral("::ffff:192.0.2.7")), QStringLiteral("192.0.2.7"));
    QCOMPARE(AuthThrottle::clientOf(QStringLiteral("2001:db8:a:b:c:d:e:f")), QStringLiteral("2001:db8:a:b::/64"));
    QCOMPARE(AuthThrottle::clientOf(QStringLiteral("2001:db8:a:b::1")), QStringLiteral("2001:db8:a:b::/64"));
    QCOMPARE(AuthThrottle::clientOf(QStringLiteral("console")), QStringLiteral("console"));
}

void TestAuthThrottle::perAddressLimitsComeFromTheEnvironment()
{
    qunsetenv("TWINOPS_LOGIN_FAILURES_PER_ADDRESS");
    qunsetenv("TWINOPS_SIGNUPS_PER_ADDRESS");
    auto defaults = AuthLimits::fromEnvironment();
    TWINOPS_VERIFY_OK(defaults);
    QCOMPARE(defaults->loginPerAddress.limit, 20);
    QCOMPARE(defaults->signupPerAddress.limit, 10);
    QCOMPARE(defaults->loginPerAccount.limit, 5);

    qputenv("TWINOPS_LOGIN_FAILURES_PER_ADDRESS", " 50 ");
    qputenv("TWINOPS_SIGNUPS_PER_ADDRESS", "0");
    auto configured = AuthLimits::fromEnvironment();
    TWINOPS_VERIFY_OK(configured);
    QCOMPARE(configured->loginPerAddress.limit, 50);
    QCOMPARE(configured->signupPerAddress.limit, 0);

    qputenv("TWINOPS_SIGNUPS_PER_ADDRESS", "-1");
    auto refused = AuthLimits::fromEnvironment();
    qunsetenv("TWINOPS_LOGIN_FAILURES_PER_ADDRESS");
    qunsetenv("TWINOPS_SIGNUPS_PER_ADDRESS");
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, ErrorCode::BadRequest);
    QVERIFY(refused.error().message.contains(QLatin1String("TWINOPS_SIGNUPS_PER_ADDRESS")));
}

QTEST_GUILESS_MAIN(TestAuthThrottle)
#include "tst_auththrottle.moc"
