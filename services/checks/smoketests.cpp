#include "checks/smoketests.h"

#include "checks/apiclient.h"
#include "storage/auditlog.h"
#include "tenancy/tenantrepository.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QTimer>
#include <QUuid>

#include <deque>
#include <functional>
#include <memory>

namespace twinops {

namespace {

constexpr int kPollIntervalMs = 100;
// How long cleanup waits for the jobs a check caused before deleting their twin: a job that runs after its twin
// is gone fails, and those failures would show up in the target's job success rate.
constexpr int kCleanupJobWaitMs = 10'000;

// Facts the grounded provider and the graph extractor can work with: names that recur and relate.
const QString &factsText()
{
    static const QString text = QStringLiteral(
        "# Ada Lovelace\n\nAda Lovelace worked with Charles Babbage on the Analytical Engine. Ada Lovelace wrote the "
        "first published algorithm.\n\nCharles Babbage founded the Analytical Society in Cambridge.");
    return text;
}

QString newUuid()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

// A password nobody needs to know again: 24 random bytes, base64url (32 characters).
QString randomPassword()
{
    QByteArray bytes(24, Qt::Uninitialized);
    QRandomGenerator::system()->generate(bytes.begin(), bytes.end());
    return QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

// ApiClient sends a body unless it is undefined (a default QJsonValue is null, which would be sent as "[]").
QJsonValue noBody()
{
    return QJsonValue(QJsonValue::Undefined);
}

// "GET /x → 500 internal: … (expected 200)"; a transport error says enough by itself.
QString expectedStatus(const ApiReply &reply, int expected)
{
    if (reply.status == 0)
        return reply.describe();
    return QStringLiteral("%1 (expected %2)").arg(reply.describe()).arg(expected);
}

QJsonArray itemsOf(const ApiReply &reply)
{
    return reply.object().value(QLatin1String("items")).toArray();
}

bool containsEmail(const QJsonArray &items, const QString &email)
{
    for (const QJsonValue &item : items) {
        if (item.toObject().value(QLatin1String("email")).toString() == email)
            return true;
    }
    return false;
}

bool containsId(const QJsonArray &items, const QString &id)
{
    for (const QJsonValue &item : items) {
        if (item.toObject().value(QLatin1String("id")).toString() == id)
            return true;
    }
    return false;
}

QString text(const QJsonObject &object, QLatin1String key)
{
    return object.value(key).toString();
}

bool isFinalJobState(const QString &state)
{
    return state == QLatin1String("completed") || state == QLatin1String("discarded")
        || state == QLatin1String("cancelled");
}

void pause(int ms)
{
    // Not QThread::sleep: objects of the caller's thread keep being served while a check waits.
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

// A throwaway tenant and its owner. The password and tokens live here only, never in a result.
struct Account
{
    QString label; // "owner", "other tenant": how steps name it
    QString email;
    QString password;
    QString tenantName;
    QString tenantId; // as the target answered: trusted for requests to the target only, never for this server
    QString accessToken;
    QStringList refreshTokens; // one per session (token family), the newest of each; logged out in cleanup
};

struct Twin
{
    QString id;
    const Account *owner = nullptr;
};

struct TrackedJob
{
    QString id;
    const Account *owner = nullptr;
};

// What polling saw last.
struct Poll
{
    ApiReply reply;
    bool timedOut = false;
};

// One run of one smoke test: its client, the steps it took (the evidence), the first failure and what it must
// clean up.
class SmokeRun
{
public:
    explicit SmokeRun(const TargetEnvironment &env)
        : m_env(env)
        , m_client(env.baseUrl, env.requestTimeoutMs)
    {
        m_timer.start();
    }

    // One request, recorded as a step.
    ApiReply call(const QString &step, const QByteArray &method, const QString &path,
                  const QJsonValue &body = QJsonValue(QJsonValue::Undefined), const QString &bearer = {})
    {
        ApiReply reply = m_client.send(method, path, body, bearer);
        m_steps.append(stepJson(step, reply));
        return reply;
    }

    // The request, which must answer `expected`; otherwise the run fails at this step.
    std::optional<ApiReply> expect(int expected, const QString &step, const QByteArray &method, const QString &path,
                                   const QJsonValue &body = QJsonValue(QJsonValue::Undefined),
                                   const QString &bearer = {})
    {
        ApiReply reply = call(step, method, path, body, bearer);
        if (reply.status != expected) {
            fail(step, expectedStatus(reply, expected));
            return std::nullopt;
        }
        return reply;
    }

    // Records the first failure; returns false so that a check can `return run.fail(…)`.
    bool fail(const QString &step, const QString &what)
    {
        if (m_failure.isEmpty())
            m_failure = step + QStringLiteral(": ") + what;
        return false;
    }

    // Signs up a throwaway tenant; it is logged out and, given an admin key or this server's database, deleted in
    // cleanup.
    Account *signup(const QString &label)
    {
        const QString uuid = newUuid();
        Account account;
        account.label = label;
        account.email = QStringLiteral("smoke-%1@example.invalid").arg(uuid);
        account.password = randomPassword();
        account.tenantName = QStringLiteral("Smoke test %1").arg(uuid);
        const QString step = QStringLiteral("sign up ") + label;
        const auto reply = expect(201, step, "POST", QStringLiteral("/api/v1/auth/signup"),
                                  QJsonObject{{QStringLiteral("email"), account.email},
                                              {QStringLiteral("password"), account.password},
                                              {QStringLiteral("tenant_name"), account.tenantName}});
        if (!reply)
            return nullptr;
        const QJsonObject body = reply->object();
        account.tenantId = text(body.value(QLatin1String("tenant")).toObject(), QLatin1String("id"));
        account.accessToken = text(body, QLatin1String("access_token"));
        const QString refreshToken = text(body, QLatin1String("refresh_token"));
        if (!refreshToken.isEmpty())
            account.refreshTokens << refreshToken;
        Account &stored = m_accounts.emplace_back(std::move(account));
        if (stored.tenantId.isEmpty() || stored.accessToken.isEmpty() || refreshToken.isEmpty()) {
            fail(step, QStringLiteral("the 201 answer lacks tenant.id, access_token or refresh_token"));
            return nullptr;
        }
        return &stored;
    }

    // Creates a twin that cleanup deletes.
    std::optional<QString> createTwin(const Account &owner)
    {
        const QString step = QStringLiteral("create twin");
        const auto reply = expect(201, step, "POST", QStringLiteral("/api/v1/twins"),
                                  QJsonObject{{QStringLiteral("name"), QString(QStringLiteral("smoke-") + newUuid())},
                                              {QStringLiteral("description"),
                                               QStringLiteral("throwaway twin of a smoke test; safe to delete")}},
                                  owner.accessToken);
        if (!reply)
            return std::nullopt;
        const QString id = text(reply->object(), QLatin1String("id"));
        if (id.isEmpty()) {
            fail(step, QStringLiteral("the 201 answer has no id"));
            return std::nullopt;
        }
        m_twins.push_back({id, &owner});
        return id;
    }

    // The cast of most smoke tests: an owner with a twin, and another tenant who must not see it.
    struct Cast
    {
        const Account *owner;
        const Account *other;
        QString twin;
    };
    std::optional<Cast> ownerWithTwinAndStranger()
    {
        const Account *owner = signup(QStringLiteral("owner"));
        const Account *other = owner ? signup(QStringLiteral("other tenant")) : nullptr;
        const auto twin = other ? createTwin(*owner) : std::nullopt;
        if (!twin)
            return std::nullopt;
        return Cast{owner, other, *twin};
    }

    // A job this run caused: cleanup waits for it before deleting its twin.
    void trackJob(const QString &id, const Account &owner)
    {
        if (!id.isEmpty())
            m_jobs.push_back({id, &owner});
    }

    // Polls GET `path` until `settled` says so (or the answer is not 200), or `timeoutMs` passed. Records one step
    // with the number of attempts.
    Poll poll(const QString &step, const QString &path, const QString &bearer, int timeoutMs,
              const std::function<bool(const QJsonObject &)> &settled)
    {
        QElapsedTimer elapsed;
        elapsed.start();
        Poll result;
        int attempts = 0;
        for (;;) {
            ++attempts;
            result.reply = m_client.get(path, bearer);
            if (result.reply.status != 200 || settled(result.reply.object()))
                break;
            if (elapsed.elapsed() + kPollIntervalMs > timeoutMs) {
                result.timedOut = true;
                break;
            }
            pause(kPollIntervalMs);
        }
        QJsonObject json = stepJson(step, result.reply);
        json.insert(QStringLiteral("elapsed_ms"), elapsed.elapsed());
        json.insert(QStringLiteral("attempts"), attempts);
        m_steps.append(json);
        return result;
    }

    void note(const QString &key, const QJsonValue &value) { m_extra.insert(key, value); }
    // After a job did not finish in time, cleanup does not wait for jobs again: nobody may be working them.
    void workersSeemIdle() { m_workersIdle = true; }

    CheckResult finish(bool ok, const QString &passMessage)
    {
        if (!ok && m_failure.isEmpty())
            m_failure = QStringLiteral("failed"); // not reached: every `false` comes from fail()
        QStringList problems;
        cleanup(&problems);

        QJsonObject evidence = m_extra;
        evidence.insert(QStringLiteral("target"), m_env.baseUrl.toString(QUrl::RemoveUserInfo));
        evidence.insert(QStringLiteral("steps"), m_steps);
        QJsonArray tenants;
        for (const Account &account : m_accounts)
            tenants.append(
                QJsonObject{{QStringLiteral("email"), account.email}, {QStringLiteral("tenant_id"), account.tenantId}});
        evidence.insert(QStringLiteral("tenants"), tenants);
        evidence.insert(QStringLiteral("cleanup"), m_cleanupSteps);
        if (!problems.isEmpty())
            evidence.insert(QStringLiteral("cleanup_problems"), QJsonArray::fromStringList(problems));
        if (m_env.adminApiKey.isEmpty() && m_deletedHere < int(m_accounts.size()))
            evidence.insert(QStringLiteral("cleanup_note"),
                            QStringLiteral("no admin API key: the throwaway tenants stay active (logged out)"));

        CheckResult result;
        if (!ok) {
            result = CheckResult::fail(m_failure, evidence);
            if (!problems.isEmpty())
                result.message += QStringLiteral("; cleanup also failed: ") + problems.join(QStringLiteral("; "));
        } else if (!problems.isEmpty()) {
            result = CheckResult::warn(
                passMessage + QStringLiteral("; but cleanup failed: ") + problems.join(QStringLiteral("; ")), evidence);
        } else {
            result = CheckResult::pass(passMessage, evidence);
        }
        result.durationMs = m_timer.elapsed();
        return result;
    }

private:
    static QJsonObject stepJson(const QString &step, const ApiReply &reply)
    {
        QJsonObject json{{QStringLiteral("step"), step},
                         {QStringLiteral("request"), QString(reply.method + u' ' + reply.path)},
                         {QStringLiteral("status"), reply.status},
                         {QStringLiteral("elapsed_ms"), reply.elapsedMs}};
        if (!reply.transportError.isEmpty())
            json.insert(QStringLiteral("error"), reply.transportError);
        return json;
    }

    ApiReply cleanupCall(const QString &step, const QByteArray &method, const QString &path, const QJsonValue &body,
                         const QString &bearer)
    {
        ApiReply reply = m_client.send(method, path, body, bearer);
        m_cleanupSteps.append(stepJson(step, reply));
        return reply;
    }

    void cleanup(QStringList *problems)
    {
        // 1. Let the jobs this run caused finish (or cancel them), so that none runs against a deleted twin.
        if (!m_jobs.empty()) {
            QElapsedTimer waited;
            waited.start();
            for (const TrackedJob &job : m_jobs) {
                const QString path = QStringLiteral("/api/v1/jobs/") + job.id;
                ApiReply reply = m_client.get(path, job.owner->accessToken);
                while (!m_workersIdle && reply.status == 200
                       && !isFinalJobState(text(reply.object(), QLatin1String("state")))
                       && waited.elapsed() < kCleanupJobWaitMs) {
                    pause(kPollIntervalMs);
                    reply = m_client.get(path, job.owner->accessToken);
                }
                m_cleanupSteps.append(stepJson(QStringLiteral("wait for job"), reply));
                if (reply.status == 200 && isFinalJobState(text(reply.object(), QLatin1String("state"))))
                    continue;
                const ApiReply cancel
                    = cleanupCall(QStringLiteral("cancel job"), "POST", path + QStringLiteral("/cancel"), QJsonObject(),
                                  job.owner->accessToken);
                if (cancel.status != 200) {
                    // 409: it got claimed meanwhile; fine if it has finished by now.
                    const ApiReply again = cleanupCall(QStringLiteral("wait for job"), "GET", path,
                                                       QJsonValue(QJsonValue::Undefined), job.owner->accessToken);
                    if (again.status != 200 || !isFinalJobState(text(again.object(), QLatin1String("state"))))
                        problems->append(QStringLiteral("job %1 neither finished nor could be cancelled: %2")
                                             .arg(job.id, cancel.describe()));
                }
            }
        }
        // 2. Twins (their sources, conversations and graph go with them).
        for (const Twin &twin : m_twins) {
            const ApiReply reply
                = cleanupCall(QStringLiteral("delete twin"), "DELETE", QStringLiteral("/api/v1/twins/") + twin.id,
                              QJsonValue(QJsonValue::Undefined), twin.owner->accessToken);
            if (reply.status != 204)
                problems->append(QStringLiteral("delete twin: ") + reply.describe());
        }
        // 3. Sessions, then (given an admin key, or in this server's own database) the tenants themselves.
        for (const Account &account : m_accounts) {
            for (const QString &refreshToken : account.refreshTokens) {
                const ApiReply reply = cleanupCall(QStringLiteral("log out ") + account.label, "POST",
                                                   QStringLiteral("/api/v1/auth/logout"),
                                                   QJsonObject{{QStringLiteral("refresh_token"), refreshToken}}, {});
                if (reply.status != 204)
                    problems->append(QStringLiteral("log out %1: %2").arg(account.label, reply.describe()));
            }
            if (account.tenantId.isEmpty())
                continue;
            if (m_env.adminApiKey.isEmpty()) {
                if (m_env.runnerDatabase)
                    deleteInRunnerDatabase(account, problems);
                continue;
            }
            // The admin key acts on the target: first make sure the tenant it would delete holds this run's account.
            const ApiReply users = cleanupCall(QStringLiteral("find the tenant's users"), "GET",
                                               QStringLiteral("/api/v1/admin/users?tenant_id=")
                                                   + QString::fromLatin1(QUrl::toPercentEncoding(account.tenantId)),
                                               noBody(), m_env.adminApiKey);
            if (users.status != 200 || !containsEmail(itemsOf(users), account.email)) {
                problems->append(
                    QStringLiteral("delete tenant: tenant %1 of the target does not hold this run's account; "
                                   "left alone")
                        .arg(account.tenantId));
                continue;
            }
            // Confirmed with the name this run chose, so a target that answered another tenant's id deletes nothing.
            const ApiReply reply = cleanupCall(
                QStringLiteral("delete tenant"), "DELETE",
                QStringLiteral("/api/v1/admin/tenants/%1?confirm=%2")
                    .arg(account.tenantId, QString::fromLatin1(QUrl::toPercentEncoding(account.tenantName))),
                noBody(), m_env.adminApiKey);
            if (reply.status != 200)
                problems->append(QStringLiteral("delete tenant: ") + reply.describe());
        }
    }

    // The server running the checks is the target more often than not (the console's Local environment, or a
    // remote one checking itself): then the run's own throwaway tenants are in its database and get deleted there.
    // Which tenant that is follows from what this run chose itself (its account's random address and the tenant's
    // name), never from the id the target answered: a hostile target could answer with any tenant of this server.
    void deleteInRunnerDatabase(const Account &account, QStringList *problems)
    {
        QJsonObject step{{QStringLiteral("step"), QStringLiteral("delete tenant in this server's database")},
                         {QStringLiteral("tenant_id"), account.tenantId}};
        const Status deleted = deleteOwnTenant(account, &step);
        if (!deleted.ok()) {
            step.insert(QStringLiteral("result"), deleted.error().message);
            problems->append(QStringLiteral("delete tenant: ") + deleted.error().message);
        }
        m_cleanupSteps.append(step);
    }

    Status deleteOwnTenant(const Account &account, QJsonObject *step)
    {
        TWINOPS_TRY_ASSIGN(const auto db, runnerDatabase());
        TWINOPS_TRY_ASSIGN(const auto own,
                           db->query(QStringLiteral("SELECT t.id FROM users u JOIN tenants t ON t.id = u.tenant_id "
                                                    "WHERE u.email = $1 AND t.name = $2"),
                                     {account.email, account.tenantName}));
        if (own.isEmpty()) {
            step->insert(QStringLiteral("result"),
                         QStringLiteral("left alone: not created by this run on this server (the target is another "
                                        "server)"));
            return {};
        }
        const QString tenantId = own.first().text(0);
        if (tenantId != account.tenantId)
            step->insert(QStringLiteral("note"),
                         QStringLiteral("the target answered another tenant id than the one "
                                        "this run's account is in; that one was left alone"));
        TWINOPS_TRY(TenantRepository(*db).removeWithData(tenantId, [&] {
            return writeAudit(*db,
                              {tenantId,
                               QStringLiteral("system"),
                               {},
                               QStringLiteral("tenant.delete"),
                               QStringLiteral("tenant"),
                               tenantId,
                               QJsonObject{{QStringLiteral("reason"), QStringLiteral("checklist cleanup")},
                                           {QStringLiteral("name"), account.tenantName},
                                           {QStringLiteral("target"), m_env.baseUrl.toString(QUrl::RemoveUserInfo)},
                                           {QStringLiteral("account"), account.email}},
                               {},
                               {}});
        }));
        step->insert(QStringLiteral("result"), QStringLiteral("deleted"));
        step->insert(QStringLiteral("tenant_id"), tenantId);
        ++m_deletedHere;
        return {};
    }

    // This server's database, opened at the first tenant to delete and kept for the rest of the cleanup.
    Result<Database *> runnerDatabase()
    {
        if (!m_runnerDb) {
            TWINOPS_TRY_ASSIGN(m_runnerDb, Database::open(*m_env.runnerDatabase));
        }
        return m_runnerDb.get();
    }

    const TargetEnvironment &m_env;
    int m_deletedHere = 0;
    std::unique_ptr<Database> m_runnerDb;
    ApiClient m_client;
    QElapsedTimer m_timer;
    QJsonArray m_steps;
    QJsonArray m_cleanupSteps;
    QJsonObject m_extra;
    QString m_failure;
    std::deque<Account> m_accounts; // stable addresses: twins and jobs point at their owner
    std::vector<Twin> m_twins;
    std::vector<TrackedJob> m_jobs;
    bool m_workersIdle = false;
};

// Without a base URL nothing can be asked; say so rather than report a transport error for "".
std::optional<CheckResult> missingTarget(const TargetEnvironment &env)
{
    if (env.baseUrl.isValid() && !env.baseUrl.host().isEmpty())
        return std::nullopt;
    return CheckResult::fail(QStringLiteral("no target: the environment has no valid base URL"));
}

// The frame of every smoke test: a run against the target, the steps, then cleanup and the verdict.
CheckResult smoke(const TargetEnvironment &env, const QString &passMessage,
                  const std::function<bool(SmokeRun &)> &steps)
{
    if (auto missing = missingTarget(env))
        return *missing;
    SmokeRun run(env);
    const bool ok = steps(run);
    return run.finish(ok, passMessage);
}

QString seconds(int ms)
{
    return QString::number(double(ms) / 1000.0, 'f', 1);
}

} // namespace

CheckResult checkHealth(const TargetEnvironment &env)
{
    if (auto missing = missingTarget(env))
        return *missing;
    ApiClient client(env.baseUrl, env.requestTimeoutMs);
    const ApiReply reply = client.get(QStringLiteral("/health"));
    const QJsonObject body = reply.object();
    QJsonObject evidence{{QStringLiteral("target"), env.baseUrl.toString(QUrl::RemoveUserInfo)},
                         {QStringLiteral("status"), reply.status},
                         {QStringLiteral("latency_ms"), reply.elapsedMs},
                         {QStringLiteral("timeout_ms"), env.requestTimeoutMs}};
    for (QLatin1String key : {QLatin1String("version"), QLatin1String("instance"), QLatin1String("uptime_s")}) {
        if (body.contains(key))
            evidence.insert(key, body.value(key));
    }
    if (body.contains(QLatin1String("checks")))
        evidence.insert(QStringLiteral("checks"), body.value(QLatin1String("checks")));
    if (!reply.transportError.isEmpty())
        evidence.insert(QStringLiteral("error"), reply.transportError);

    CheckResult result;
    const QString reported = text(body, QLatin1String("status"));
    // A degraded (503) or warning (200) answer says which check fails: name it.
    QString failing;
    const QJsonObject checks = body.value(QLatin1String("checks")).toObject();
    for (auto it = checks.constBegin(); it != checks.constEnd(); ++it) {
        const QJsonObject check = it.value().toObject();
        if (check.contains(QLatin1String("ok")) && !check.value(QLatin1String("ok")).toBool())
            failing += (failing.isEmpty() ? QStringLiteral("; failing: ") : QStringLiteral(", "))
                + (check.contains(QLatin1String("message"))
                       ? QString(it.key() + QStringLiteral(" (") + text(check, QLatin1String("message")) + u')')
                       : it.key());
    }
    if (reply.status != 200) {
        QString message = QStringLiteral("health: ") + expectedStatus(reply, 200);
        if (!reported.isEmpty())
            message += QStringLiteral("; status ") + reported;
        result = CheckResult::fail(message + failing, evidence);
    } else if (reported != QLatin1String("ok")) {
        result = CheckResult::fail(
            QStringLiteral("health: GET /health → 200 but status is \"%1\" (expected \"ok\")").arg(reported.left(40))
                + failing,
            evidence);
    } else {
        result = CheckResult::pass(QStringLiteral("healthy: %1 %2 answered in %3 ms")
                                       .arg(text(body, QLatin1String("instance")), text(body, QLatin1String("version")))
                                       .arg(reply.elapsedMs),
                                   evidence);
    }
    result.durationMs = reply.elapsedMs;
    return result;
}

CheckResult smokeAuth(const TargetEnvironment &env)
{
    return smoke(
        env,
        QStringLiteral("signed up, logged in, token accepted, refresh token rotated and the old "
                       "one refused"),
        [&](SmokeRun &run) {
            Account *account = run.signup(QStringLiteral("owner"));
            if (!account)
                return false;

            const auto login = run.expect(200, QStringLiteral("log in"), "POST", QStringLiteral("/api/v1/auth/login"),
                                          QJsonObject{{QStringLiteral("email"), account->email},
                                                      {QStringLiteral("password"), account->password}});
            if (!login)
                return false;
            const QString access = text(login->object(), QLatin1String("access_token"));
            const QString original = text(login->object(), QLatin1String("refresh_token"));
            if (access.isEmpty() || original.isEmpty())
                return run.fail(QStringLiteral("log in"),
                                QStringLiteral("the 200 answer lacks access_token or refresh_token"));
            account->refreshTokens << original;

            const auto me = run.expect(200, QStringLiteral("token valid"), "GET", QStringLiteral("/api/v1/auth/me"),
                                       noBody(), access);
            if (!me)
                return false;
            const QJsonObject user = me->object().value(QLatin1String("user")).toObject();
            const QJsonObject tenant = me->object().value(QLatin1String("tenant")).toObject();
            if (text(user, QLatin1String("email")) != account->email
                || text(tenant, QLatin1String("id")) != account->tenantId)
                return run.fail(
                    QStringLiteral("token valid"),
                    QStringLiteral("GET /api/v1/auth/me names another user or tenant than the one signed up"));

            // Rotation: the new refresh token works, and the one it replaced is refused. In this order, because
            // presenting a used token revokes its whole family (reuse detection), the new one included.
            const auto refreshed
                = run.expect(200, QStringLiteral("refresh"), "POST", QStringLiteral("/api/v1/auth/refresh"),
                             QJsonObject{{QStringLiteral("refresh_token"), original}});
            if (!refreshed)
                return false;
            const QString rotated = text(refreshed->object(), QLatin1String("refresh_token"));
            const QString rotatedAccess = text(refreshed->object(), QLatin1String("access_token"));
            if (rotated.isEmpty() || rotatedAccess.isEmpty())
                return run.fail(QStringLiteral("refresh"),
                                QStringLiteral("the 200 answer lacks access_token or refresh_token"));
            if (rotated == original)
                return run.fail(QStringLiteral("refresh"), QStringLiteral("the refresh token was not rotated"));
            account->refreshTokens.replace(account->refreshTokens.indexOf(original), rotated);
            if (!run.expect(200, QStringLiteral("refreshed token valid"), "GET", QStringLiteral("/api/v1/auth/me"),
                            noBody(), rotatedAccess))
                return false;
            const auto again = run.expect(200, QStringLiteral("refresh with rotated token"), "POST",
                                          QStringLiteral("/api/v1/auth/refresh"),
                                          QJsonObject{{QStringLiteral("refresh_token"), rotated}});
            if (!again)
                return false;
            if (const QString newest = text(again->object(), QLatin1String("refresh_token")); !newest.isEmpty())
                account->refreshTokens.replace(account->refreshTokens.indexOf(rotated), newest);
            const ApiReply old
                = run.call(QStringLiteral("old refresh token refused"), "POST", QStringLiteral("/api/v1/auth/refresh"),
                           QJsonObject{{QStringLiteral("refresh_token"), original}});
            if (old.status != 401)
                return run.fail(
                    QStringLiteral("old refresh token refused"),
                    QStringLiteral("%1 (expected 401: a used refresh token must not work again)").arg(old.describe()));
            return true;
        });
}

CheckResult smokeTwins(const TargetEnvironment &env)
{
    return smoke(
        env, QStringLiteral("created a twin; only its tenant lists and gets it, another tenant gets 404"),
        [&](SmokeRun &run) {
            const auto cast = run.ownerWithTwinAndStranger();
            if (!cast)
                return false;
            const auto [owner, other, twin] = *cast;
            run.note(QStringLiteral("twin_id"), twin);

            const auto own = run.expect(200, QStringLiteral("list twins"), "GET", QStringLiteral("/api/v1/twins"),
                                        noBody(), owner->accessToken);
            if (!own)
                return false;
            if (!containsId(itemsOf(*own), twin))
                return run.fail(QStringLiteral("list twins"),
                                QStringLiteral("the new twin is not in its owner's list"));
            for (const QJsonValue &item : itemsOf(*own)) {
                const QString tenantId = text(item.toObject(), QLatin1String("tenant_id"));
                if (!tenantId.isEmpty() && tenantId != owner->tenantId)
                    return run.fail(QStringLiteral("list twins"),
                                    QStringLiteral("the list shows twin %1 of another tenant")
                                        .arg(text(item.toObject(), QLatin1String("id"))));
            }

            const auto foreign = run.expect(200, QStringLiteral("other tenant lists twins"), "GET",
                                            QStringLiteral("/api/v1/twins"), noBody(), other->accessToken);
            if (!foreign)
                return false;
            if (containsId(itemsOf(*foreign), twin))
                return run.fail(QStringLiteral("other tenant lists twins"),
                                QStringLiteral("another tenant's list shows the new twin"));

            const auto got = run.expect(200, QStringLiteral("get twin"), "GET", QStringLiteral("/api/v1/twins/") + twin,
                                        noBody(), owner->accessToken);
            if (!got)
                return false;
            if (text(got->object(), QLatin1String("id")) != twin)
                return run.fail(QStringLiteral("get twin"), QStringLiteral("the answer is another twin"));

            const ApiReply leak = run.call(QStringLiteral("other tenant gets twin"), "GET",
                                           QStringLiteral("/api/v1/twins/") + twin, noBody(), other->accessToken);
            if (leak.status != 404)
                return run.fail(
                    QStringLiteral("other tenant gets twin"),
                    QStringLiteral("%1 (expected 404: another tenant's twin must be invisible)").arg(leak.describe()));
            return true;
        });
}

CheckResult smokeSources(const TargetEnvironment &env)
{
    return smoke(
        env,
        QStringLiteral("uploaded, listed, approved a source and read its health; another tenant "
                       "gets 404"),
        [&](SmokeRun &run) {
            const auto cast = run.ownerWithTwinAndStranger();
            if (!cast)
                return false;
            const auto [owner, other, twin] = *cast;

            const QString sourcesPath = QStringLiteral("/api/v1/twins/%1/sources").arg(twin);
            const auto uploaded = run.expect(201, QStringLiteral("upload source"), "POST", sourcesPath,
                                             QJsonObject{{QStringLiteral("filename"), QStringLiteral("smoke-facts.md")},
                                                         {QStringLiteral("content"), factsText()}},
                                             owner->accessToken);
            if (!uploaded)
                return false;
            const QString source = text(uploaded->object(), QLatin1String("id"));
            if (source.isEmpty())
                return run.fail(QStringLiteral("upload source"), QStringLiteral("the 201 answer has no id"));
            if (const QString status = text(uploaded->object(), QLatin1String("status"));
                status != QLatin1String("pending"))
                return run.fail(QStringLiteral("upload source"),
                                QStringLiteral("a new source is \"%1\" (expected \"pending\")").arg(status.left(40)));
            run.note(QStringLiteral("source_id"), source);

            const auto listed
                = run.expect(200, QStringLiteral("list sources"), "GET", sourcesPath, noBody(), owner->accessToken);
            if (!listed)
                return false;
            if (!containsId(itemsOf(*listed), source))
                return run.fail(QStringLiteral("list sources"),
                                QStringLiteral("the new source is not in the twin's list"));

            // Another tenant, before the owner approves: a leaking approve would still find the source pending.
            const QString sourcePath = QStringLiteral("/api/v1/sources/") + source;
            struct Probe
            {
                QString step;
                QByteArray method;
                QString path;
            };
            const Probe probes[] = {
                {QStringLiteral("other tenant lists sources"), "GET", sourcesPath},
                {QStringLiteral("other tenant gets source"), "GET", sourcePath},
                {QStringLiteral("other tenant approves source"), "POST", sourcePath + QStringLiteral("/approve")},
                {QStringLiteral("other tenant reads source health"), "GET", sourcePath + QStringLiteral("/health")},
            };
            for (const Probe &probe : probes) {
                const ApiReply reply
                    = run.call(probe.step, probe.method, probe.path,
                               probe.method == "POST" ? QJsonValue(QJsonObject()) : QJsonValue(QJsonValue::Undefined),
                               other->accessToken);
                if (reply.status != 404)
                    return run.fail(probe.step,
                                    QStringLiteral("%1 (expected 404: another tenant's source must be invisible)")
                                        .arg(reply.describe()));
            }

            const auto got
                = run.expect(200, QStringLiteral("get source"), "GET", sourcePath, noBody(), owner->accessToken);
            if (!got)
                return false;
            const auto approved
                = run.expect(202, QStringLiteral("approve source"), "POST", sourcePath + QStringLiteral("/approve"),
                             QJsonObject(), owner->accessToken);
            if (!approved)
                return false;
            const QString job = text(approved->object(), QLatin1String("job_id"));
            if (job.isEmpty())
                return run.fail(QStringLiteral("approve source"), QStringLiteral("the 202 answer has no job_id"));
            run.trackJob(job, *owner);

            const auto health = run.expect(200, QStringLiteral("source health"), "GET",
                                           sourcePath + QStringLiteral("/health"), noBody(), owner->accessToken);
            if (!health)
                return false;
            const QJsonObject report = health->object();
            if (text(report, QLatin1String("source_id")) != source || text(report, QLatin1String("health")).isEmpty())
                return run.fail(QStringLiteral("source health"),
                                QStringLiteral("the answer lacks source_id of this source or a health verdict"));
            run.note(QStringLiteral("source_health"), text(report, QLatin1String("health")));
            return true;
        });
}

CheckResult smokeChatGraph(const TargetEnvironment &env, int jobTimeoutMs)
{
    const QString noWorkers = QStringLiteral("job workers may not be running");
    return smoke(
        env,
        QStringLiteral("source indexed, chat answered, graph_extraction job completed, graph has "
                       "nodes and edges"),
        [&](SmokeRun &run) {
            const Account *owner = run.signup(QStringLiteral("owner"));
            if (!owner)
                return false;
            const auto twin = run.createTwin(*owner);
            if (!twin)
                return false;

            const auto uploaded = run.expect(201, QStringLiteral("upload source"), "POST",
                                             QStringLiteral("/api/v1/twins/%1/sources").arg(*twin),
                                             QJsonObject{{QStringLiteral("filename"), QStringLiteral("smoke-facts.md")},
                                                         {QStringLiteral("content"), factsText()}},
                                             owner->accessToken);
            if (!uploaded)
                return false;
            const QString source = text(uploaded->object(), QLatin1String("id"));
            if (source.isEmpty())
                return run.fail(QStringLiteral("upload source"), QStringLiteral("the 201 answer has no id"));
            const QString sourcePath = QStringLiteral("/api/v1/sources/") + source;
            const auto approved
                = run.expect(202, QStringLiteral("approve source"), "POST", sourcePath + QStringLiteral("/approve"),
                             QJsonObject(), owner->accessToken);
            if (!approved)
                return false;
            const QString indexJob = text(approved->object(), QLatin1String("job_id"));
            run.trackJob(indexJob, *owner);
            run.note(QStringLiteral("index_job_id"), indexJob);

            // The health route carries last_error, which is what an operator needs if indexing failed.
            const Poll indexed = run.poll(QStringLiteral("source indexed"), sourcePath + QStringLiteral("/health"),
                                          owner->accessToken, jobTimeoutMs, [](const QJsonObject &health) {
                                              const QString status = text(health, QLatin1String("status"));
                                              return status == QLatin1String("indexed")
                                                  || status == QLatin1String("failed")
                                                  || status == QLatin1String("rejected");
                                          });
            const QJsonObject health = indexed.reply.object();
            const QString sourceStatus = text(health, QLatin1String("status"));
            if (indexed.reply.status != 200)
                return run.fail(QStringLiteral("source indexed"), expectedStatus(indexed.reply, 200));
            if (indexed.timedOut) {
                run.workersSeemIdle();
                return run.fail(QStringLiteral("source indexed"),
                                QStringLiteral("the source is still \"%1\" after %2 s: %3")
                                    .arg(sourceStatus.left(40), seconds(jobTimeoutMs), noWorkers));
            }
            if (sourceStatus != QLatin1String("indexed"))
                return run.fail(QStringLiteral("source indexed"),
                                QStringLiteral("the source is \"%1\": %2")
                                    .arg(sourceStatus.left(40), text(health, QLatin1String("last_error")).left(200)));
            run.note(QStringLiteral("chunk_count"), health.value(QLatin1String("chunk_count")));

            const auto chat
                = run.expect(200, QStringLiteral("chat"), "POST", QStringLiteral("/api/v1/twins/%1/chat").arg(*twin),
                             QJsonObject{{QStringLiteral("message"), QStringLiteral("What did Ada Lovelace write?")}},
                             owner->accessToken);
            if (!chat)
                return false;
            const QJsonObject turn = chat->object();
            const QString answer = text(turn.value(QLatin1String("message")).toObject(), QLatin1String("content"));
            const QString graphJob = text(turn, QLatin1String("graph_job_id"));
            if (answer.trimmed().isEmpty())
                return run.fail(QStringLiteral("chat"), QStringLiteral("the answer has no message content"));
            if (graphJob.isEmpty())
                return run.fail(QStringLiteral("chat"), QStringLiteral("the answer names no graph_job_id"));
            run.trackJob(graphJob, *owner);
            run.note(QStringLiteral("graph_job_id"), graphJob);
            run.note(QStringLiteral("citations"), qint64(turn.value(QLatin1String("citations")).toArray().size()));

            const auto jobs = run.expect(200, QStringLiteral("graph job enqueued"), "GET",
                                         QStringLiteral("/api/v1/jobs?type=graph_extraction&twin_id=") + *twin,
                                         noBody(), owner->accessToken);
            if (!jobs)
                return false;
            if (!containsId(itemsOf(*jobs), graphJob))
                return run.fail(QStringLiteral("graph job enqueued"),
                                QStringLiteral("job %1 is not among the twin's graph_extraction jobs").arg(graphJob));

            const Poll processed
                = run.poll(QStringLiteral("graph job processed"), QStringLiteral("/api/v1/jobs/") + graphJob,
                           owner->accessToken, jobTimeoutMs,
                           [](const QJsonObject &job) { return isFinalJobState(text(job, QLatin1String("state"))); });
            const QJsonObject job = processed.reply.object();
            const QString state = text(job, QLatin1String("state"));
            if (processed.reply.status != 200)
                return run.fail(QStringLiteral("graph job processed"), expectedStatus(processed.reply, 200));
            if (processed.timedOut) {
                run.workersSeemIdle();
                return run.fail(QStringLiteral("graph job processed"),
                                QStringLiteral("graph_extraction job %1 is still \"%2\" after %3 s: %4")
                                    .arg(graphJob, state.left(40), seconds(jobTimeoutMs), noWorkers));
            }
            if (state != QLatin1String("completed"))
                return run.fail(QStringLiteral("graph job processed"),
                                QStringLiteral("graph_extraction job %1 ended \"%2\": %3")
                                    .arg(graphJob, state.left(40), text(job, QLatin1String("last_error")).left(200)));

            const auto graph
                = run.expect(200, QStringLiteral("graph"), "GET", QStringLiteral("/api/v1/twins/%1/graph").arg(*twin),
                             noBody(), owner->accessToken);
            if (!graph)
                return false;
            const qsizetype nodes = graph->object().value(QLatin1String("nodes")).toArray().size();
            const qsizetype edges = graph->object().value(QLatin1String("edges")).toArray().size();
            run.note(QStringLiteral("nodes"), qint64(nodes));
            run.note(QStringLiteral("edges"), qint64(edges));
            if (nodes == 0 || edges == 0)
                return run.fail(QStringLiteral("graph"),
                                QStringLiteral("the twin's graph has %1 nodes and %2 edges after the job completed")
                                    .arg(nodes)
                                    .arg(edges));
            return true;
        });
}

CheckResult smokeConversations(const TargetEnvironment &env)
{
    return smoke(
        env,
        QStringLiteral("chatted, listed the conversation and read its messages; another tenant "
                       "gets 404"),
        [&](SmokeRun &run) {
            const auto cast = run.ownerWithTwinAndStranger();
            if (!cast)
                return false;
            const auto [owner, other, twin] = *cast;

            const QString question = QStringLiteral("Hello from the smoke test");
            const auto chat
                = run.expect(200, QStringLiteral("chat"), "POST", QStringLiteral("/api/v1/twins/%1/chat").arg(twin),
                             QJsonObject{{QStringLiteral("message"), question}}, owner->accessToken);
            if (!chat)
                return false;
            const QString conversation = text(chat->object(), QLatin1String("conversation_id"));
            if (conversation.isEmpty())
                return run.fail(QStringLiteral("chat"), QStringLiteral("the answer names no conversation_id"));
            run.trackJob(text(chat->object(), QLatin1String("graph_job_id")), *owner);
            run.note(QStringLiteral("conversation_id"), conversation);

            const QString conversationsPath = QStringLiteral("/api/v1/twins/%1/conversations").arg(twin);
            const auto listed = run.expect(200, QStringLiteral("list conversations"), "GET", conversationsPath,
                                           noBody(), owner->accessToken);
            if (!listed)
                return false;
            if (!containsId(itemsOf(*listed), conversation))
                return run.fail(QStringLiteral("list conversations"),
                                QStringLiteral("the new conversation is not in the twin's list"));

            const QString messagesPath = QStringLiteral("/api/v1/conversations/%1/messages").arg(conversation);
            const auto messages
                = run.expect(200, QStringLiteral("get messages"), "GET", messagesPath, noBody(), owner->accessToken);
            if (!messages)
                return false;
            const QJsonArray items = itemsOf(*messages);
            const QJsonObject first = items.isEmpty() ? QJsonObject() : items.first().toObject();
            const QJsonObject last = items.isEmpty() ? QJsonObject() : items.last().toObject();
            if (items.size() < 2 || text(first, QLatin1String("role")) != QLatin1String("user")
                || text(first, QLatin1String("content")) != question
                || text(last, QLatin1String("role")) != QLatin1String("assistant"))
                return run.fail(QStringLiteral("get messages"),
                                QStringLiteral("expected the question then the answer, oldest first; got %1 messages")
                                    .arg(items.size()));

            const ApiReply foreignList = run.call(QStringLiteral("other tenant lists conversations"), "GET",
                                                  conversationsPath, noBody(), other->accessToken);
            if (foreignList.status != 404)
                return run.fail(QStringLiteral("other tenant lists conversations"),
                                QStringLiteral("%1 (expected 404: another tenant's twin must be invisible)")
                                    .arg(foreignList.describe()));
            const ApiReply foreignMessages = run.call(QStringLiteral("other tenant gets messages"), "GET", messagesPath,
                                                      noBody(), other->accessToken);
            if (foreignMessages.status != 404)
                return run.fail(QStringLiteral("other tenant gets messages"),
                                QStringLiteral("%1 (expected 404: another tenant's conversation must be invisible)")
                                    .arg(foreignMessages.describe()));
            return true;
        });
}

} // namespace twinops
