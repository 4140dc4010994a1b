// Auth flows end to end through the router, on SQLite and PostgreSQL: sign-up rules and the password policy, login
// and its throttling (per account and address, per address, under concurrency), sign-up throttling,
// refresh rotation with reuse detection, logout, revocation and role changes on the next request, owner
// protection, API keys and share links, and that no secret ever appears in a response.
#include "apiharness.h"
#include "core/ids.h"

#include <QJsonArray>
#include <QTest>

#include <algorithm>
#include <barrier>
#include <thread>
#include <vector>

using namespace twinops;
using namespace twinops::test;

namespace {
const QString kPassword = QStringLiteral("correct horse battery");
}

class TestAuth final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void init();
    void cleanup() { m_api.reset(); }

    void signupValidatesEveryField();
    void signupConflicts();
    void loginFailsTheSameWayForUnknownEmailAndWrongPassword();
    void loginIsThrottledAfterRepeatedFailures();
    void loginIsThrottledPerAddress();
    void concurrentGuessesNeverExceedTheLimit();
    void signupIsThrottledPerAddress();
    void weakPasswordsAreRefused_data();
    void weakPasswordsAreRefused();
    void refreshRotatesAndReuseRevokesTheFamily();
    void logoutEndsTheSession();
    void meDescribesTheCaller();
    void deactivationAndRoleChangesTakeEffectOnTheNextRequest();
    void theLastOwnerCannotBeRemoved();
    void adminsCannotManageOwners();
    void apiKeysAreShownOnceAndRevocable();
    void apiKeyAllowListMustNameOwnTwins();
    void keysDieWithTheirCreatorsAccess_data();
    void keysDieWithTheirCreatorsAccess();
    void keyOfACreatorWhoMayNotSignInIsRefused();
    void endedSessionsStayEndedAfterRestore_data();
    void endedSessionsStayEndedAfterRestore();
    void allowListedKeysCannotCreateTwins();
    void adminKeysAreListedRevokedAndExpire();
    void shareLinksResolveUntilRevoked();
    void malformedBodiesAreBadRequests();
    void noResponseContainsASecretOrHash();

private:
    QByteArray owner() const { return m_owner; }
    // A second admin user of the tenant: its id and a session.
    struct Member
    {
        QString id;
        QJsonObject session;
        QByteArray bearer() const { return ApiHarness::bearer(session[QStringLiteral("access_token")].toString()); }
    };
    Member addAdmin(const QString &email);
    QJsonObject login(const QString &email);
    // Ends (or restores) the member's access the way `how` says: revoke (platform admin), deactivate, delete.
    int endAccess(const QString &how, const QString &userId, const QByteArray &platformAdmin);
    int restoreAccess(const QString &how, const QString &userId, const QByteArray &platformAdmin);
    std::unique_ptr<ApiHarness> m_api;
    QJsonObject m_session;
    QByteArray m_owner;
};

void TestAuth::init()
{
    m_api = ApiHarness::create(currentDialect());
    QVERIFY(m_api);
    m_session = m_api->signup(QStringLiteral("ada@example.com"), QStringLiteral("Analytical Engines"));
    m_owner = ApiHarness::bearer(m_session[QStringLiteral("access_token")].toString());
}

void TestAuth::signupValidatesEveryField()
{
    const auto reply = m_api->call("POST", QStringLiteral("/api/v1/auth/signup"),
                                   {{QStringLiteral("email"), QStringLiteral("not-an-email")},
                                    {QStringLiteral("password"), QStringLiteral("short")},
                                    {QStringLiteral("tenant_name"), QStringLiteral("   ")}});
    QCOMPARE(reply.status, 422);
    QCOMPARE(reply.errorCode(), QStringLiteral("validation_failed"));
    const QJsonObject details = reply.json[QStringLiteral("error")].toObject()[QStringLiteral("details")].toObject();
    QVERIFY(details.contains(QStringLiteral("email")));
    QCOMPARE(details[QStringLiteral("password")].toString(), QStringLiteral("must be at least 10 characters"));
    QVERIFY(details.contains(QStringLiteral("tenant_name")));

    const auto wrongTypes = m_api->call("POST", QStringLiteral("/api/v1/auth/signup"),
                                        {{QStringLiteral("email"), 42}, {QStringLiteral("password"), QJsonArray{}}});
    QCOMPARE(wrongTypes.status, 422);
    const QJsonObject typeDetails
        = wrongTypes.json[QStringLiteral("error")].toObject()[QStringLiteral("details")].toObject();
    QCOMPARE(typeDetails[QStringLiteral("email")].toString(), QStringLiteral("must be a string"));
    QCOMPARE(typeDetails[QStringLiteral("tenant_name")].toString(), QStringLiteral("is required"));
}

void TestAuth::signupConflicts()
{
    const auto sameEmail = m_api->call("POST", QStringLiteral("/api/v1/auth/signup"),
                                       {{QStringLiteral("email"), QStringLiteral("ADA@example.com")},
                                        {QStringLiteral("password"), kPassword},
                                        {QStringLiteral("tenant_name"), QStringLiteral("Another")}});
    QCOMPARE(sameEmail.status, 409);
    // The failed sign-up left no tenant behind (one transaction).
    auto tenants = m_api->db().query(QStringLiteral("SELECT count(*) FROM tenants WHERE name = 'Another'"));
    QCOMPARE(tenants->first().integer(0), 0);
    const auto sameTenant = m_api->call("POST", QStringLiteral("/api/v1/auth/signup"),
                                        {{QStringLiteral("email"), QStringLiteral("grace@example.com")},
                                         {QStringLiteral("password"), kPassword},
                                         {QStringLiteral("tenant_name"), QStringLiteral("Analytical Engines")}});
    QCOMPARE(sameTenant.status, 409);
}

void TestAuth::loginFailsTheSameWayForUnknownEmailAndWrongPassword()
{
    const auto wrong = m_api->call("POST", QStringLiteral("/api/v1/auth/login"),
                                   {{QStringLiteral("email"), QStringLiteral("ada@example.com")},
                                    {QStringLiteral("password"), QStringLiteral("wrong password!")}});
    const auto unknown = m_api->call(
        "POST", QStringLiteral("/api/v1/auth/login"),
        {{QStringLiteral("email"), QStringLiteral("nobody@example.com")}, {QStringLiteral("password"), kPassword}});
    QCOMPARE(wrong.status, 401);
    QCOMPARE(unknown.status, 401);
    QCOMPARE(wrong.body, unknown.body);
    const auto ok = m_api->call(
        "POST", QStringLiteral("/api/v1/auth/login"),
        {{QStringLiteral("email"), QStringLiteral(" Ada@Example.com ")}, {QStringLiteral("password"), kPassword}});
    QCOMPARE(ok.status, 200);
    QVERIFY(!ok.json[QStringLiteral("access_token")].toString().isEmpty());
    QCOMPARE(ok.json[QStringLiteral("expires_in")].toInt(), 900);
}

void TestAuth::loginIsThrottledAfterRepeatedFailures()
{
    const QJsonObject wrong{{QStringLiteral("email"), QStringLiteral("ada@example.com")},
                            {QStringLiteral("password"), QStringLiteral("wrong password!")}};
    for (int i = 0; i < 5; ++i)
        QCOMPARE(m_api->call("POST", QStringLiteral("/api/v1/auth/login"), wrong).status, 401);
    const auto limited = m_api->call("POST", QStringLiteral("/api/v1/auth/login"), wrong);
    QCOMPARE(limited.status, 429);
    QVERIFY(limited.header("Retry-After").toInt() > 0);
    // Even the right password waits: the block is per email and client address…
    QCOMPARE(m_api
                 ->call("POST", QStringLiteral("/api/v1/auth/login"),
                        {{QStringLiteral("email"), QStringLiteral("ada@example.com")},
                         {QStringLiteral("password"), kPassword}})
                 .status,
             429);
    // …so the same account from another address is not locked out.
    m_api->peer = QStringLiteral("192.0.2.7");
    QCOMPARE(m_api
                 ->call("POST", QStringLiteral("/api/v1/auth/login"),
                        {{QStringLiteral("email"), QStringLiteral("ada@example.com")},
                         {QStringLiteral("password"), kPassword}})
                 .status,
             200);
}

void TestAuth::loginIsThrottledPerAddress()
{
    // Password spraying: one address, a new email every time. 20 failures are allowed per address …
    m_api->peer = QStringLiteral("198.51.100.1");
    const auto guess = [&](int i) {
        return m_api->call("POST", QStringLiteral("/api/v1/auth/login"),
                           {{QStringLiteral("email"), QStringLiteral("user%1@example.com").arg(i)},
                            {QStringLiteral("password"), QStringLiteral("Spring2024!")}});
    };
    const auto loginAda = [&] {
        return m_api->call(
            "POST", QStringLiteral("/api/v1/auth/login"),
            {{QStringLiteral("email"), QStringLiteral("ada@example.com")}, {QStringLiteral("password"), kPassword}});
    };
    for (int i = 0; i < 19; ++i)
        QCOMPARE(guess(i).status, 401);
    // … and logins that succeed do not count against it.
    for (int i = 0; i < 3; ++i)
        QCOMPARE(loginAda().status, 200);
    QCOMPARE(guess(19).status, 401);
    const auto limited = guess(20);
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.errorCode(), QStringLiteral("rate_limited"));
    QVERIFY(limited.header("Retry-After").toInt() > 0);
    // Now the address waits, whoever it logs in as …
    QCOMPARE(loginAda().status, 429);
    // … and the rest of the world does not.
    m_api->peer = QStringLiteral("198.51.100.2");
    QCOMPARE(loginAda().status, 200);
    QCOMPARE(guess(21).status, 401);
    // An IPv6 client's budget is its /64: a new address of the same network is the same client.
    m_api->peer = QStringLiteral("2001:db8:1:2::1");
    for (int i = 0; i < 20; ++i)
        QCOMPARE(guess(100 + i).status, 401);
    m_api->peer = QStringLiteral("2001:db8:1:2:ffff::7");
    QCOMPARE(guess(200).status, 429);
    m_api->peer = QStringLiteral("2001:db8:1:3::1");
    QCOMPARE(guess(201).status, 401);
}

void TestAuth::concurrentGuessesNeverExceedTheLimit()
{
    // 16 guesses at one account from one address, all at once, each on its own thread and database connection (as
    // the HTTP threads have): at most the limit of them may reach the password check.
    constexpr int kGuesses = 16;
    const int limit = m_api->shared().auth.limits.get().loginPerAccount.limit;
    std::vector<int> statuses(kGuesses, 0);
    std::barrier start(kGuesses);
    std::vector<std::thread> threads;
    for (int i = 0; i < kGuesses; ++i) {
        threads.emplace_back([&, i] {
            ApiContext context(m_api->shared());
            const bool connected = context.ensureDatabase().ok();
            HttpRequest request;
            request.method = "POST";
            request.path = QStringLiteral("/api/v1/auth/login");
            request.headers.append({QByteArray("content-type"), QByteArray("application/json")});
            request.body = R"({"email":"ada@example.com","password":"wrong password!"})";
            request.peer = QStringLiteral("192.0.2.44");
            request.client = request.peer;
            request.requestId = newId();
            start.arrive_and_wait();
            statuses[i] = connected ? context.handle(request).status : -1;
        });
    }
    for (std::thread &thread : threads)
        thread.join();
    QCOMPARE(int(std::count(statuses.begin(), statuses.end(), 401)), limit);
    QCOMPARE(int(std::count(statuses.begin(), statuses.end(), 429)), kGuesses - limit);
}

void TestAuth::signupIsThrottledPerAddress()
{
    m_api->peer = QStringLiteral("203.0.113.9");
    const auto signup = [&](int i, const QString &password) {
        return m_api->call("POST", QStringLiteral("/api/v1/auth/signup"),
                           {{QStringLiteral("email"), QStringLiteral("founder%1@example.com").arg(i)},
                            {QStringLiteral("password"), password},
                            {QStringLiteral("tenant_name"), QStringLiteral("Startup %1").arg(i)}});
    };
    // A form that does not validate does not count; everything that would create a tenant does.
    QCOMPARE(signup(0, QStringLiteral("short")).status, 422);
    const int limit = m_api->shared().auth.limits.get().signupPerAddress.limit;
    QCOMPARE(limit, 10);
    for (int i = 1; i <= limit; ++i)
        QCOMPARE(signup(i, kPassword).status, 201);
    const auto limited = signup(limit + 1, kPassword);
    QCOMPARE(limited.status, 429);
    QVERIFY(limited.header("Retry-After").toInt() > 0);
    QVERIFY(limited.json[QStringLiteral("error")].toObject()[QStringLiteral("message")].toString().contains(
        QLatin1String("sign-ups")));
    auto created = m_api->db().query(QStringLiteral("SELECT count(*) FROM tenants WHERE name = $1"),
                                     {QStringLiteral("Startup %1").arg(limit + 1)});
    QCOMPARE(created->first().integer(0), 0);
    m_api->peer = QStringLiteral("203.0.113.10");
    QCOMPARE(signup(limit + 1, kPassword).status, 201);
    // This machine's own tools (the checklist's smoke tests, scripts) sign up without a limit.
    m_api->peer = QStringLiteral("127.0.0.1");
    for (int i = 100; i < 100 + limit + 2; ++i)
        QCOMPARE(signup(i, kPassword).status, 201);
}

void TestAuth::weakPasswordsAreRefused_data()
{
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("why");
    QTest::newRow("one letter repeated") << QStringLiteral("aaaaaaaaaa") << QString();
    QTest::newRow("ten spaces and a letter") << QStringLiteral("          a") << QStringLiteral("in a row");
    QTest::newRow("password123") << QStringLiteral("password123") << QStringLiteral("commonly used");
    QTest::newRow("Password123!") << QStringLiteral("Password123!") << QStringLiteral("commonly used");
    QTest::newRow("P@ssw0rd2024") << QStringLiteral("P@ssw0rd2024") << QStringLiteral("look-alike");
    QTest::newRow("keyboard row") << QStringLiteral("qwertyuiop") << QString();
    QTest::newRow("digits in order") << QStringLiteral("1234567890") << QStringLiteral("sequence");
    QTest::newRow("dictionary word and digits") << QStringLiteral("iloveyou12") << QString();
    QTest::newRow("dictionary word") << QStringLiteral("dictionary") << QStringLiteral("dictionary word");
}

void TestAuth::weakPasswordsAreRefused()
{
    QFETCH(QString, password);
    QFETCH(QString, why);
    const auto problemOf = [](const ApiHarness::Reply &reply) {
        return reply.json[QStringLiteral("error")]
            .toObject()[QStringLiteral("details")]
            .toObject()[QStringLiteral("password")]
            .toString();
    };
    const auto signup = m_api->call("POST", QStringLiteral("/api/v1/auth/signup"),
                                    {{QStringLiteral("email"), QStringLiteral("weak@example.com")},
                                     {QStringLiteral("password"), password},
                                     {QStringLiteral("tenant_name"), QStringLiteral("Weak")}});
    QCOMPARE(signup.status, 422);
    QCOMPARE(signup.errorCode(), QStringLiteral("validation_failed"));
    const QString problem = problemOf(signup);
    QVERIFY2(problem.startsWith(QLatin1String("is too easy to guess: it ")), qPrintable(problem));
    QVERIFY2(problem.contains(why), qPrintable(problem));

    // The same policy for every new password: a user created by an owner too.
    const auto created = m_api->call("POST", QStringLiteral("/api/v1/users"),
                                     {{QStringLiteral("email"), QStringLiteral("weak@example.com")},
                                      {QStringLiteral("password"), password},
                                      {QStringLiteral("role"), QStringLiteral("viewer")}},
                                     owner());
    QCOMPARE(created.status, 422);
    QCOMPARE(problemOf(created), problem);
    auto users = m_api->db().query(QStringLiteral("SELECT count(*) FROM users WHERE email = 'weak@example.com'"));
    QCOMPARE(users->first().integer(0), 0);
}

void TestAuth::refreshRotatesAndReuseRevokesTheFamily()
{
    const QString first = m_session[QStringLiteral("refresh_token")].toString();
    const auto rotated
        = m_api->call("POST", QStringLiteral("/api/v1/auth/refresh"), {{QStringLiteral("refresh_token"), first}});
    QCOMPARE(rotated.status, 200);
    const QString second = rotated.json[QStringLiteral("refresh_token")].toString();
    QVERIFY(second != first);
    QCOMPARE(m_api
                 ->call("GET", QStringLiteral("/api/v1/twins"), {},
                        ApiHarness::bearer(rotated.json[QStringLiteral("access_token")].toString()))
                 .status,
             200);

    // The first token comes back: theft. Both it and its successor die.
    QCOMPARE(
        m_api->call("POST", QStringLiteral("/api/v1/auth/refresh"), {{QStringLiteral("refresh_token"), first}}).status,
        401);
    QCOMPARE(
        m_api->call("POST", QStringLiteral("/api/v1/auth/refresh"), {{QStringLiteral("refresh_token"), second}}).status,
        401);
    QCOMPARE(m_api
                 ->call("POST", QStringLiteral("/api/v1/auth/refresh"),
                        {{QStringLiteral("refresh_token"), QStringLiteral("twr_garbage")}})
                 .status,
             401);

    // Expired tokens are refused too.
    const auto session = m_api->call(
        "POST", QStringLiteral("/api/v1/auth/login"),
        {{QStringLiteral("email"), QStringLiteral("ada@example.com")}, {QStringLiteral("password"), kPassword}});
    QVERIFY(m_api->db()
                .query(QStringLiteral(
                           "UPDATE refresh_tokens SET expires_at = $1 WHERE revoked_at IS NULL AND used_at IS NULL"),
                       {nowUtc().addSecs(-1)})
                .ok());
    QCOMPARE(m_api
                 ->call("POST", QStringLiteral("/api/v1/auth/refresh"),
                        {{QStringLiteral("refresh_token"), session.json[QStringLiteral("refresh_token")].toString()}})
                 .status,
             401);
}

void TestAuth::logoutEndsTheSession()
{
    const QString token = m_session[QStringLiteral("refresh_token")].toString();
    QCOMPARE(
        m_api->call("POST", QStringLiteral("/api/v1/auth/logout"), {{QStringLiteral("refresh_token"), token}}).status,
        204);
    QCOMPARE(
        m_api->call("POST", QStringLiteral("/api/v1/auth/refresh"), {{QStringLiteral("refresh_token"), token}}).status,
        401);
    // Logging out twice, or with an unknown token, is not an error and tells nothing.
    QCOMPARE(
        m_api->call("POST", QStringLiteral("/api/v1/auth/logout"), {{QStringLiteral("refresh_token"), token}}).status,
        204);
}

void TestAuth::meDescribesTheCaller()
{
    const auto me = m_api->call("GET", QStringLiteral("/api/v1/auth/me"), {}, owner());
    QCOMPARE(me.status, 200);
    const QJsonObject user = me.json[QStringLiteral("user")].toObject();
    QCOMPARE(user[QStringLiteral("email")].toString(), QStringLiteral("ada@example.com"));
    QCOMPARE(user[QStringLiteral("role")].toString(), QStringLiteral("owner"));
    QCOMPARE(user[QStringLiteral("tenant_id")].toString(), ApiHarness::tenantIdOf(m_session));
    QCOMPARE(me.json[QStringLiteral("tenant")].toObject()[QStringLiteral("status")].toString(),
             QStringLiteral("active"));
}

void TestAuth::deactivationAndRoleChangesTakeEffectOnTheNextRequest()
{
    const auto created = m_api->call("POST", QStringLiteral("/api/v1/users"),
                                     {{QStringLiteral("email"), QStringLiteral("grace@example.com")},
                                      {QStringLiteral("password"), kPassword},
                                      {QStringLiteral("role"), QStringLiteral("admin")}},
                                     owner());
    QCOMPARE(created.status, 201);
    const QString id = created.json[QStringLiteral("id")].toString();
    const auto login = m_api->call(
        "POST", QStringLiteral("/api/v1/auth/login"),
        {{QStringLiteral("email"), QStringLiteral("grace@example.com")}, {QStringLiteral("password"), kPassword}});
    const QByteArray grace = ApiHarness::bearer(login.json[QStringLiteral("access_token")].toString());
    QCOMPARE(
        m_api->call("POST", QStringLiteral("/api/v1/twins"), {{QStringLiteral("name"), QStringLiteral("T1")}}, grace)
            .status,
        201);

    // Demoted: the token still says admin, the database says viewer, and the database wins.
    QCOMPARE(m_api
                 ->call("PATCH", QStringLiteral("/api/v1/users/%1").arg(id),
                        {{QStringLiteral("role"), QStringLiteral("viewer")}}, owner())
                 .status,
             200);
    QCOMPARE(
        m_api->call("POST", QStringLiteral("/api/v1/twins"), {{QStringLiteral("name"), QStringLiteral("T2")}}, grace)
            .status,
        403);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/twins"), {}, grace).status, 200);

    QCOMPARE(
        m_api
            ->call("PATCH", QStringLiteral("/api/v1/users/%1").arg(id), {{QStringLiteral("is_active"), false}}, owner())
            .status,
        200);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/twins"), {}, grace).status, 401);
    QCOMPARE(m_api
                 ->call("POST", QStringLiteral("/api/v1/auth/refresh"),
                        {{QStringLiteral("refresh_token"), login.json[QStringLiteral("refresh_token")].toString()}})
                 .status,
             401);

    QCOMPARE(m_api->call("DELETE", QStringLiteral("/api/v1/users/%1").arg(id), {}, owner()).status, 204);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/twins"), {}, grace).status, 401);
}

void TestAuth::theLastOwnerCannotBeRemoved()
{
    const QString me = m_session[QStringLiteral("user")].toObject()[QStringLiteral("id")].toString();
    QCOMPARE(m_api
                 ->call("PATCH", QStringLiteral("/api/v1/users/%1").arg(me),
                        {{QStringLiteral("role"), QStringLiteral("admin")}}, owner())
                 .status,
             409);
    QCOMPARE(
        m_api
            ->call("PATCH", QStringLiteral("/api/v1/users/%1").arg(me), {{QStringLiteral("is_active"), false}}, owner())
            .status,
        409);
    QCOMPARE(m_api->call("DELETE", QStringLiteral("/api/v1/users/%1").arg(me), {}, owner()).status, 409);
    // With a second owner, the first may step down.
    QCOMPARE(m_api
                 ->call("POST", QStringLiteral("/api/v1/users"),
                        {{QStringLiteral("email"), QStringLiteral("second@example.com")},
                         {QStringLiteral("password"), kPassword},
                         {QStringLiteral("role"), QStringLiteral("owner")}},
                        owner())
                 .status,
             201);
    QCOMPARE(m_api
                 ->call("PATCH", QStringLiteral("/api/v1/users/%1").arg(me),
                        {{QStringLiteral("role"), QStringLiteral("admin")}}, owner())
                 .status,
             200);
}

void TestAuth::adminsCannotManageOwners()
{
    QCOMPARE(m_api
                 ->call("POST", QStringLiteral("/api/v1/users"),
                        {{QStringLiteral("email"), QStringLiteral("adm@example.com")},
                         {QStringLiteral("password"), kPassword},
                         {QStringLiteral("role"), QStringLiteral("admin")}},
                        owner())
                 .status,
             201);
    const QByteArray admin
        = ApiHarness::bearer(m_api
                                 ->call("POST", QStringLiteral("/api/v1/auth/login"),
                                        {{QStringLiteral("email"), QStringLiteral("adm@example.com")},
                                         {QStringLiteral("password"), kPassword}})
                                 .json[QStringLiteral("access_token")]
                                 .toString());
    QCOMPARE(m_api
                 ->call("POST", QStringLiteral("/api/v1/users"),
                        {{QStringLiteral("email"), QStringLiteral("o2@example.com")},
                         {QStringLiteral("password"), kPassword},
                         {QStringLiteral("role"), QStringLiteral("owner")}},
                        admin)
                 .status,
             403);
    const QString ownerId = m_session[QStringLiteral("user")].toObject()[QStringLiteral("id")].toString();
    QCOMPARE(m_api->call("DELETE", QStringLiteral("/api/v1/users/%1").arg(ownerId), {}, admin).status, 403);
    QCOMPARE(m_api
                 ->call("POST", QStringLiteral("/api/v1/users"),
                        {{QStringLiteral("email"), QStringLiteral("v@example.com")},
                         {QStringLiteral("password"), kPassword},
                         {QStringLiteral("role"), QStringLiteral("viewer")}},
                        admin)
                 .status,
             201);
}

void TestAuth::apiKeysAreShownOnceAndRevocable()
{
    const auto created = m_api->call("POST", QStringLiteral("/api/v1/api-keys"),
                                     {{QStringLiteral("name"), QStringLiteral("ci")},
                                      {QStringLiteral("scopes"), QJsonArray{QStringLiteral("twins:read")}}},
                                     owner());
    QCOMPARE(created.status, 201);
    const QString key = created.json[QStringLiteral("key")].toString();
    QVERIFY(key.startsWith(QLatin1String("twk_")));
    const auto list = m_api->call("GET", QStringLiteral("/api/v1/api-keys"), {}, owner());
    QCOMPARE(list.status, 200);
    QVERIFY(!list.body.contains(key.toUtf8()));
    QVERIFY(!list.body.contains(key.mid(17).toUtf8()));
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/twins"), {}, ApiHarness::bearer(key)).status, 200);
    QCOMPARE(m_api
                 ->call("POST", QStringLiteral("/api/v1/twins"), {{QStringLiteral("name"), QStringLiteral("x")}},
                        ApiHarness::bearer(key))
                 .status,
             403);
    // A key with one character changed is not the key.
    QString tampered = key;
    tampered[tampered.size() - 1] = tampered.endsWith(u'A') ? u'B' : u'A';
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/twins"), {}, ApiHarness::bearer(tampered)).status, 401);
    QCOMPARE(m_api
                 ->call("DELETE",
                        QStringLiteral("/api/v1/api-keys/%1").arg(created.json[QStringLiteral("id")].toString()), {},
                        owner())
                 .status,
             204);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/twins"), {}, ApiHarness::bearer(key)).status, 401);

    const auto badScope = m_api->call("POST", QStringLiteral("/api/v1/api-keys"),
                                      {{QStringLiteral("name"), QStringLiteral("bad")},
                                       {QStringLiteral("scopes"), QJsonArray{QStringLiteral("root")}}},
                                      owner());
    QCOMPARE(badScope.status, 422);
}

void TestAuth::apiKeyAllowListMustNameOwnTwins()
{
    const auto other = m_api->signup(QStringLiteral("eve@example.com"), QStringLiteral("Eve Corp"));
    const QString foreignTwin
        = m_api
              ->call("POST", QStringLiteral("/api/v1/twins"), {{QStringLiteral("name"), QStringLiteral("Eve's")}},
                     ApiHarness::bearer(other[QStringLiteral("access_token")].toString()))
              .json[QStringLiteral("id")]
              .toString();
    const auto refused = m_api->call("POST", QStringLiteral("/api/v1/api-keys"),
                                     {{QStringLiteral("name"), QStringLiteral("sneaky")},
                                      {QStringLiteral("scopes"), QJsonArray{QStringLiteral("twins:read")}},
                                      {QStringLiteral("twin_ids"), QJsonArray{foreignTwin}}},
                                     owner());
    QCOMPARE(refused.status, 404);
}

TestAuth::Member TestAuth::addAdmin(const QString &email)
{
    const auto created = m_api->call("POST", QStringLiteral("/api/v1/users"),
                                     {{QStringLiteral("email"), email},
                                      {QStringLiteral("password"), kPassword},
                                      {QStringLiteral("role"), QStringLiteral("admin")}},
                                     owner());
    return {created.json[QStringLiteral("id")].toString(), login(email)};
}

QJsonObject TestAuth::login(const QString &email)
{
    return m_api
        ->call("POST", QStringLiteral("/api/v1/auth/login"),
               {{QStringLiteral("email"), email}, {QStringLiteral("password"), kPassword}})
        .json;
}

int TestAuth::endAccess(const QString &how, const QString &userId, const QByteArray &platformAdmin)
{
    if (how == QLatin1String("revoke"))
        return m_api->call("POST", QStringLiteral("/api/v1/admin/users/%1/revoke").arg(userId), {}, platformAdmin)
            .status;
    if (how == QLatin1String("deactivate"))
        return m_api
            ->call("PATCH", QStringLiteral("/api/v1/users/%1").arg(userId), {{QStringLiteral("is_active"), false}},
                   owner())
            .status;
    return m_api->call("DELETE", QStringLiteral("/api/v1/users/%1").arg(userId), {}, owner()).status;
}

int TestAuth::restoreAccess(const QString &how, const QString &userId, const QByteArray &platformAdmin)
{
    if (how == QLatin1String("revoke"))
        return m_api->call("POST", QStringLiteral("/api/v1/admin/users/%1/restore").arg(userId), {}, platformAdmin)
            .status;
    return m_api
        ->call("PATCH", QStringLiteral("/api/v1/users/%1").arg(userId), {{QStringLiteral("is_active"), true}}, owner())
        .status;
}

void TestAuth::keysDieWithTheirCreatorsAccess_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<QString>("reason");
    QTest::newRow("revoke") << QStringLiteral("revoke") << QStringLiteral("creator_revoked");
    QTest::newRow("deactivate") << QStringLiteral("deactivate") << QStringLiteral("creator_deactivated");
    QTest::newRow("delete") << QStringLiteral("delete") << QStringLiteral("creator_deleted");
}

// The rule of docs/decisions.md: a key dies with its creator's access, visibly (created_by, revoked_reason) and with
// an audit entry; keys of others live on, and restoring the creator does not bring the key back.
void TestAuth::keysDieWithTheirCreatorsAccess()
{
    QFETCH(QString, how);
    QFETCH(QString, reason);
    const QByteArray platformAdmin = m_api->platformAdmin(QStringLiteral("ops"));
    const Member grace = addAdmin(QStringLiteral("grace@example.com"));
    auto createKey = [&](const QByteArray &as, const QString &name) {
        return m_api->call(
            "POST", QStringLiteral("/api/v1/api-keys"),
            {{QStringLiteral("name"), name}, {QStringLiteral("scopes"), QJsonArray{QStringLiteral("twins:read")}}}, as);
    };
    const auto gracesKey = createKey(grace.bearer(), QStringLiteral("grace's"));
    QCOMPARE(gracesKey.status, 201);
    QCOMPARE(gracesKey.json[QStringLiteral("created_by")].toString(), grace.id);
    QVERIFY(gracesKey.json.contains(QStringLiteral("revoked_reason")));
    QVERIFY(gracesKey.json[QStringLiteral("revoked_reason")].isNull());
    const auto ownersKey = createKey(owner(), QStringLiteral("owner's"));
    const QByteArray key = ApiHarness::bearer(gracesKey.json[QStringLiteral("key")].toString());
    const QByteArray control = ApiHarness::bearer(ownersKey.json[QStringLiteral("key")].toString());
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/twins"), {}, key).status, 200);

    QCOMPARE(endAccess(how, grace.id, platformAdmin), how == QLatin1String("delete") ? 204 : 200);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/twins"), {}, key).status, 401);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/twins"), {}, control).status, 200);

    const auto keys = m_api->call("GET", QStringLiteral("/api/v1/api-keys"), {}, owner());
    QCOMPARE(keys.status, 200);
    QJsonObject listed;
    for (const QJsonValue &item : keys.json[QStringLiteral("items")].toArray()) {
        if (item[QStringLiteral("id")] == gracesKey.json[QStringLiteral("id")])
            listed = item.toObject();
        else
            QVERIFY2(item[QStringLiteral("revoked_at")].isNull(), "only the creator's keys are revoked");
    }
    QVERIFY(!listed[QStringLiteral("revoked_at")].isNull());
    QCOMPARE(listed[QStringLiteral("revoked_reason")].toString(), reason);
    // The user is gone, so is the reference to them (ON DELETE SET NULL); the reason says why.
    QCOMPARE(listed[QStringLiteral("created_by")].toString(), how == QLatin1String("delete") ? QString() : grace.id);

    auto audited = m_api->db().query(
        QStringLiteral("SELECT details FROM audit_log WHERE action = 'api_key.revoke' AND target_id = $1"),
        {gracesKey.json[QStringLiteral("id")].toString()});
    QVERIFY(audited.ok());
    QCOMPARE(audited->size(), 1);
    QVERIFY2(audited->first().text(0).contains(reason), qPrintable(audited->first().text(0)));

    if (how != QLatin1String("delete")) {
        QCOMPARE(restoreAccess(how, grace.id, platformAdmin), 200);
        QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/twins"), {}, key).status, 401);
    }
}

// Defence in depth: a key whose creator may not sign in is refused even if nothing revoked it (a row changed by
// hand, or by a version before this rule).
void TestAuth::keyOfACreatorWhoMayNotSignInIsRefused()
{
    const Member grace = addAdmin(QStringLiteral("grace@example.com"));
    const auto created = m_api->call("POST", QStringLiteral("/api/v1/api-keys"),
                                     {{QStringLiteral("name"), QStringLiteral("k")},
                                      {QStringLiteral("scopes"), QJsonArray{QStringLiteral("twins:read")}}},
                                     grace.bearer());
    const QByteArray key = ApiHarness::bearer(created.json[QStringLiteral("key")].toString());
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/twins"), {}, key).status, 200);
    TWINOPS_VERIFY_OK(
        m_api->db().query(QStringLiteral("UPDATE users SET is_active = $2 WHERE id = $1"), {grace.id, false}));
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/twins"), {}, key).status, 401);
    TWINOPS_VERIFY_OK(m_api->db().query(
        QStringLiteral("UPDATE users SET is_active = $2, revoked_at = $3 WHERE id = $1"), {grace.id, true, nowUtc()}));
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/twins"), {}, key).status, 401);
    TWINOPS_VERIFY_OK(
        m_api->db().query(QStringLiteral("UPDATE users SET revoked_at = NULL WHERE id = $1"), {grace.id}));
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/twins"), {}, key).status, 200);
}

void TestAuth::endedSessionsStayEndedAfterRestore_data()
{
    QTest::addColumn<QString>("how");
    QTest::newRow("revoke") << QStringLiteral("revoke");
    QTest::newRow("deactivate") << QStringLiteral("deactivate");
}

// Revoking or deactivating a user ends every session: after a restore, no refresh token of before works, nor any
// access token issued before; a new login does.
void TestAuth::endedSessionsStayEndedAfterRestore()
{
    QFETCH(QString, how);
    const QByteArray platformAdmin = m_api->platformAdmin(QStringLiteral("ops"));
    const Member grace = addAdmin(QStringLiteral("grace@example.com"));
    const QJsonObject laptop = grace.session, phone = login(QStringLiteral("grace@example.com"));
    const auto rotated = m_api->call("POST", QStringLiteral("/api/v1/auth/refresh"),
                                     {{QStringLiteral("refresh_token"), phone[QStringLiteral("refresh_token")]}});
    QCOMPARE(rotated.status, 200);

    QCOMPARE(endAccess(how, grace.id, platformAdmin), 200);
    QCOMPARE(restoreAccess(how, grace.id, platformAdmin), 200);

    for (const QJsonObject &session : {laptop, rotated.json}) {
        QCOMPARE(m_api
                     ->call("POST", QStringLiteral("/api/v1/auth/refresh"),
                            {{QStringLiteral("refresh_token"), session[QStringLiteral("refresh_token")]}})
                     .status,
                 401);
        QCOMPARE(m_api
                     ->call("GET", QStringLiteral("/api/v1/twins"), {},
                            ApiHarness::bearer(session[QStringLiteral("access_token")].toString()))
                     .status,
                 401);
    }
    auto live = m_api->db().query(
        QStringLiteral("SELECT count(*) FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL"), {grace.id});
    QCOMPARE(live->first().integer(0), 0);

    // A new login, at once (within the same second as the restore), is a new session that works.
    const QJsonObject again = login(QStringLiteral("grace@example.com"));
    QCOMPARE(m_api
                 ->call("GET", QStringLiteral("/api/v1/twins"), {},
                        ApiHarness::bearer(again[QStringLiteral("access_token")].toString()))
                 .status,
             200);
    QCOMPARE(m_api
                 ->call("POST", QStringLiteral("/api/v1/auth/refresh"),
                        {{QStringLiteral("refresh_token"), again[QStringLiteral("refresh_token")]}})
                 .status,
             200);
}

// A key limited to some twins cannot see a twin it would create, so it may not create one: 403, nothing created.
void TestAuth::allowListedKeysCannotCreateTwins()
{
    const QString twin = m_api
                             ->call("POST", QStringLiteral("/api/v1/twins"),
                                    {{QStringLiteral("name"), QStringLiteral("allowed")}}, owner())
                             .json[QStringLiteral("id")]
                             .toString();
    auto key = [&](const std::optional<QJsonArray> &twins) {
        QJsonObject body{
            {QStringLiteral("name"), QStringLiteral("writer")},
            {QStringLiteral("scopes"), QJsonArray{QStringLiteral("twins:write"), QStringLiteral("twins:read")}}};
        if (twins)
            body.insert(QStringLiteral("twin_ids"), *twins);
        return ApiHarness::bearer(m_api->call("POST", QStringLiteral("/api/v1/api-keys"), body, owner())
                                      .json[QStringLiteral("key")]
                                      .toString());
    };
    for (const QJsonArray &allowList : {QJsonArray{twin}, QJsonArray{}}) {
        const auto refused = m_api->call("POST", QStringLiteral("/api/v1/twins"),
                                         {{QStringLiteral("name"), QStringLiteral("sneaky")}}, key(allowList));
        QCOMPARE(refused.status, 403);
        QCOMPARE(refused.errorCode(), QStringLiteral("forbidden"));
    }
    auto count = m_api->db().query(QStringLiteral("SELECT count(*) FROM twins"));
    QCOMPARE(count->first().integer(0), 1);
    // The same key may still change the twins it holds; a key without a list may create.
    QCOMPARE(m_api
                 ->call("PATCH", QStringLiteral("/api/v1/twins/%1").arg(twin),
                        {{QStringLiteral("description"), QStringLiteral("d")}}, key(QJsonArray{twin}))
                 .status,
             200);
    QCOMPARE(m_api
                 ->call("POST", QStringLiteral("/api/v1/twins"), {{QStringLiteral("name"), QStringLiteral("fine")}},
                        key(std::nullopt))
                 .status,
             201);
}

// Platform-admin keys: created (optionally expiring), listed without their secret, revoked, all audit-logged; a
// revoked or expired key is 401.
void TestAuth::adminKeysAreListedRevokedAndExpire()
{
    const QByteArray root = m_api->platformAdmin(QStringLiteral("root"));
    const auto created
        = m_api->call("POST", QStringLiteral("/api/v1/admin/keys"),
                      {{QStringLiteral("name"), QStringLiteral("ci")}, {QStringLiteral("expires_in_days"), 30}}, root);
    QCOMPARE(created.status, 201);
    const QString secret = created.json[QStringLiteral("key")].toString();
    const QString id = created.json[QStringLiteral("id")].toString();
    QVERIFY(secret.startsWith(QLatin1String("twk_")));
    QVERIFY(!created.json[QStringLiteral("expires_at")].isNull());
    const QByteArray ci = ApiHarness::bearer(secret);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/admin/tenants"), {}, ci).status, 200);
    QCOMPARE(m_api
                 ->call("POST", QStringLiteral("/api/v1/admin/keys"),
                        {{QStringLiteral("name"), QStringLiteral("x")}, {QStringLiteral("expires_in_days"), 0}}, root)
                 .status,
             422);
    QCOMPARE(m_api
                 ->call("POST", QStringLiteral("/api/v1/admin/keys"), {{QStringLiteral("name"), QStringLiteral("x")}},
                        owner())
                 .status,
             403);

    const auto listed = m_api->call("GET", QStringLiteral("/api/v1/admin/keys"), {}, root);
    QCOMPARE(listed.status, 200);
    QCOMPARE(listed.json[QStringLiteral("items")].toArray().size(), 2);
    QVERIFY(!listed.body.contains(secret.toUtf8()));
    QVERIFY(listed.body.contains(secret.left(16).toUtf8())); // the public prefix

    // Tenant keys are no admin keys: not listed, not revocable here.
    const QString tenantKey = m_api
                                  ->call("POST", QStringLiteral("/api/v1/api-keys"),
                                         {{QStringLiteral("name"), QStringLiteral("t")},
                                          {QStringLiteral("scopes"), QJsonArray{QStringLiteral("chat")}}},
                                         owner())
                                  .json[QStringLiteral("id")]
                                  .toString();
    QCOMPARE(m_api->call("DELETE", QStringLiteral("/api/v1/admin/keys/%1").arg(tenantKey), {}, root).status, 404);

    QCOMPARE(m_api->call("DELETE", QStringLiteral("/api/v1/admin/keys/%1").arg(id), {}, root).status, 204);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/admin/tenants"), {}, ci).status, 401);
    QCOMPARE(m_api->call("DELETE", QStringLiteral("/api/v1/admin/keys/%1").arg(id), {}, root).status,
             204); // again: no error
    const auto afterRevoke = m_api->call("GET", QStringLiteral("/api/v1/admin/keys"), {}, root);
    for (const QJsonValue &item : afterRevoke.json[QStringLiteral("items")].toArray()) {
        if (item[QStringLiteral("id")].toString() == id) {
            QVERIFY(!item[QStringLiteral("revoked_at")].isNull());
            QCOMPARE(item[QStringLiteral("revoked_reason")].toString(), QStringLiteral("manual"));
        }
    }

    const auto expiring = m_api->call(
        "POST", QStringLiteral("/api/v1/admin/keys"),
        {{QStringLiteral("name"), QStringLiteral("short")}, {QStringLiteral("expires_in_days"), 1}}, root);
    TWINOPS_VERIFY_OK(m_api->db().query(QStringLiteral("UPDATE api_keys SET expires_at = $2 WHERE id = $1"),
                                        {expiring.json[QStringLiteral("id")].toString(), nowUtc().addSecs(-1)}));
    QCOMPARE(m_api
                 ->call("GET", QStringLiteral("/api/v1/admin/tenants"), {},
                        ApiHarness::bearer(expiring.json[QStringLiteral("key")].toString()))
                 .status,
             401);

    auto audited = m_api->db().query(
        QStringLiteral("SELECT action FROM audit_log WHERE target_type = 'api_key' AND target_id = $1 ORDER BY id"),
        {id});
    QCOMPARE(audited->size(), 3);
    QCOMPARE(audited->at(0).text(0), QStringLiteral("admin_key.create"));
    QCOMPARE(audited->at(1).text(0), QStringLiteral("admin_key.revoke"));
}

void TestAuth::shareLinksResolveUntilRevoked()
{
    const QString twin = m_api
                             ->call("POST", QStringLiteral("/api/v1/twins"),
                                    {{QStringLiteral("name"), QStringLiteral("Public Ada")}}, owner())
                             .json[QStringLiteral("id")]
                             .toString();
    const auto link = m_api->call("POST", QStringLiteral("/api/v1/twins/%1/share-links").arg(twin),
                                  {{QStringLiteral("expires_in_days"), 7}}, owner());
    QCOMPARE(link.status, 201);
    const QString token = link.json[QStringLiteral("token")].toString();
    const auto resolved = m_api->call("GET", QStringLiteral("/api/v1/public/share/%1").arg(token));
    QCOMPARE(resolved.status, 200);
    QCOMPARE(resolved.json[QStringLiteral("twin")].toObject()[QStringLiteral("name")].toString(),
             QStringLiteral("Public Ada"));
    const auto listed = m_api->call("GET", QStringLiteral("/api/v1/twins/%1/share-links").arg(twin), {}, owner());
    QVERIFY(!listed.body.contains(token.toUtf8()));

    // Archiving the twin hides the link; so does revoking it.
    QCOMPARE(m_api
                 ->call("PATCH", QStringLiteral("/api/v1/twins/%1").arg(twin),
                        {{QStringLiteral("status"), QStringLiteral("archived")}}, owner())
                 .status,
             200);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/public/share/%1").arg(token)).status, 404);
    QCOMPARE(m_api
                 ->call("PATCH", QStringLiteral("/api/v1/twins/%1").arg(twin),
                        {{QStringLiteral("status"), QStringLiteral("active")}}, owner())
                 .status,
             200);
    QCOMPARE(m_api
                 ->call("DELETE",
                        QStringLiteral("/api/v1/share-links/%1").arg(link.json[QStringLiteral("id")].toString()), {},
                        owner())
                 .status,
             204);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/public/share/%1").arg(token)).status, 404);

    // An expiry that cannot be read fails closed.
    const auto odd = m_api->call("POST", QStringLiteral("/api/v1/twins/%1/share-links").arg(twin), {}, owner());
    QCOMPARE(m_api
                 ->call("POST", QStringLiteral("/api/v1/twins/%1/share-links").arg(twin),
                        {{QStringLiteral("expires_in_days"), 0}}, owner())
                 .status,
             422);
    QCOMPARE(
        m_api->call("GET", QStringLiteral("/api/v1/public/share/%1").arg(odd.json[QStringLiteral("token")].toString()))
            .status,
        200);
}

void TestAuth::malformedBodiesAreBadRequests()
{
    QCOMPARE(m_api->callRaw("POST", QStringLiteral("/api/v1/twins"), "{\"name\": ", "application/json", owner()).status,
             400);
    QCOMPARE(m_api->callRaw("POST", QStringLiteral("/api/v1/twins"), "[1,2]", "application/json", owner()).status, 400);
    QCOMPARE(m_api->callRaw("POST", QStringLiteral("/api/v1/twins"), "{\"name\":\"x\"}", "text/xml", owner()).status,
             400);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/twins/not-a-uuid"), {}, owner()).status, 400);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/twins?limit=500"), {}, owner()).status, 400);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/twins?limit=abc"), {}, owner()).status, 400);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/twins?cursor=zzz"), {}, owner()).status, 400);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/twins?status=deleted"), {}, owner()).status, 400);
    QCOMPARE(m_api->call("PUT", QStringLiteral("/api/v1/twins"), {}, owner()).status, 405);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/nothing-here"), {}, owner()).status, 404);
    const QString twin
        = m_api->call("POST", QStringLiteral("/api/v1/twins"), {{QStringLiteral("name"), QStringLiteral("T")}}, owner())
              .json[QStringLiteral("id")]
              .toString();
    QCOMPARE(m_api
                 ->callRaw("POST", QStringLiteral("/api/v1/twins/%1/sources?filename=x.txt").arg(twin), "\xff\xfe bad",
                           "text/plain", owner())
                 .status,
             400);
    QCOMPARE(m_api
                 ->callRaw("POST", QStringLiteral("/api/v1/twins/%1/sources?filename=x.txt").arg(twin), "plain text",
                           "text/plain", owner())
                 .status,
             201);
    const QByteArray big(int(m_api->shared().settings.maxBodyBytes) + 1, 'x');
    QCOMPARE(m_api->callRaw("POST", QStringLiteral("/api/v1/twins"), big, "application/json", owner()).status, 413);
}

void TestAuth::noResponseContainsASecretOrHash()
{
    const QString password = kPassword;
    QList<ApiHarness::Reply> replies;
    replies << m_api->call("GET", QStringLiteral("/api/v1/users"), {}, owner());
    replies << m_api->call("GET", QStringLiteral("/api/v1/auth/me"), {}, owner());
    replies << m_api->call(
        "POST", QStringLiteral("/api/v1/auth/login"),
        {{QStringLiteral("email"), QStringLiteral("ada@example.com")}, {QStringLiteral("password"), password}});
    replies << m_api->call("GET", QStringLiteral("/api/v1/api-keys"), {}, owner());
    auto hashes
        = m_api->db().query(QStringLiteral("SELECT password_hash FROM users UNION ALL SELECT key_hash FROM api_keys "
                                           "UNION ALL SELECT token_hash FROM refresh_tokens"));
    QVERIFY(hashes.ok());
    for (const auto &reply : replies) {
        QVERIFY(!reply.body.contains(password.toUtf8()));
        QVERIFY(!reply.body.contains("password_hash"));
        QVERIFY(!reply.body.contains("$argon2"));
        QVERIFY(!reply.body.contains(ApiHarness::kJwtSecret));
        for (const Row row : *hashes)
            QVERIFY(!reply.body.contains(row.text(0).toUtf8()));
    }
}

QTEST_GUILESS_MAIN(TestAuth)
#include "tst_auth.moc"
