// The console's environments: the admin API in process and over HTTP answer alike, and AdminClient hands answers
// back on the receiver's thread, in order, and drops them for a receiver that is gone.
#include "admin/adminclient.h"
#include "admin/httpadminapi.h"
#include "admin/inprocessadminapi.h"
#include "auth/apikeyrepository.h"
#include "gate.h"
#include "metrics/metricsregistry.h"
#include "servicecore.h"
#include "testdatabase.h"

#include <QJsonArray>
#include <QTcpServer>
#include <QTest>

using namespace twinops;
using namespace twinops::test;

class TestAdminClient final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendRows(); }

    void inProcessAndHttpAnswerAlike()
    {
        TWINOPS_FRESH_DATABASE(testDb);
        CoreOptions options{testDb->url()};
        options.passwordCost = PasswordHasher::Cost::Minimal;
        auto core = ServiceCore::start(std::move(options));
        TWINOPS_VERIFY_OK(core);
        EndpointOptions http;
        http.port = 0;
        TWINOPS_VERIFY_OK((*core)->serveHttp(http, QByteArray(32, 's')));
        auto key = ApiKeyRepository((*core)->database()).createPlatformAdmin(QStringLiteral("console test"));
        TWINOPS_VERIFY_OK(key);

        InProcessAdminApi local(**core);
        HttpAdminApi remote(QUrl((*core)->endpoint()->baseUrl()), key->secret);
        const auto requests = [&](AdminApi &api) { return api.get(QStringLiteral("/metrics")).raw; };
        const QByteArray before = requests(remote);

        const AdminReply created = local.call("POST", QStringLiteral("/api/v1/admin/tenants"),
                                              QJsonObject{{QStringLiteral("name"), QStringLiteral("Made in process")}});
        QCOMPARE(created.status, 201);
        const QString tenantId = created.body.value(QLatin1String("id")).toString();
        for (AdminApi *api : {static_cast<AdminApi *>(&local), static_cast<AdminApi *>(&remote)}) {
            const AdminReply listed = api->get(QStringLiteral("/api/v1/admin/tenants?search=process"));
            QCOMPARE(listed.status, 200);
            const QJsonArray items = listed.body.value(QLatin1String("items")).toArray();
            QCOMPARE(items.size(), 1);
            QCOMPARE(items.first().toObject().value(QLatin1String("id")).toString(), tenantId);
            // The platform admin acts through /api/v1/admin only, in process too...
            QCOMPARE(api->get(QStringLiteral("/api/v1/twins")).status, 403);
            // ...unless it names the tenant it acts in (X-Twinops-Tenant), on both transports.
            const AdminReply twins = api->get(QStringLiteral("/api/v1/twins"), tenantId);
            QCOMPARE(twins.status, 200);
            QVERIFY(twins.body.value(QLatin1String("items")).isArray());
            QCOMPARE(api->get(QStringLiteral("/api/v1/twins"), QStringLiteral("not-a-uuid")).status, 400);
            const AdminReply invalid = api->call("POST", QStringLiteral("/api/v1/admin/tenants"), QJsonObject{});
            QCOMPARE(invalid.status, 422);
            QVERIFY(!invalid.errorText().isEmpty());
        }
        // Console calls in process are not HTTP traffic: only the HTTP calls above moved the request counter.
        const auto count = [](const QByteArray &text, const QByteArray &route) {
            double total = 0;
            for (const QByteArray &line : text.split('\n')) {
                if (line.startsWith("twinops_http_requests_total{")
                    && line.contains(QByteArray("route=\"" + route + '"')))
                    total += line.mid(line.lastIndexOf(' ') + 1).toDouble();
            }
            return total;
        };
        const QByteArray after = requests(remote);
        QCOMPARE(count(after, "/api/v1/admin/tenants") - count(before, "/api/v1/admin/tenants"), 2.0);

        HttpAdminApi wrongKey(QUrl((*core)->endpoint()->baseUrl()), QStringLiteral("twk_000000000000_nope"));
        QCOMPARE(wrongKey.get(QStringLiteral("/api/v1/admin/tenants")).status, 401);
        HttpAdminApi nobody(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(closedLoopbackPort())), key->secret, 2000);
        const AdminReply refused = nobody.get(QStringLiteral("/api/v1/admin/tenants"));
        QCOMPARE(refused.status, 0);
        QVERIFY(!refused.errorText().isEmpty());
    }

    void answersArriveOnTheReceiversThreadInOrder()
    {
        TWINOPS_FRESH_DATABASE(testDb);
        auto core = ServiceCore::start(CoreOptions{testDb->url()});
        TWINOPS_VERIFY_OK(core);
        ServiceCore *raw = core->get();
        AdminClient client(QStringLiteral("local"), [raw] { return std::make_unique<InProcessAdminApi>(*raw); });
        QList<int> order;
        QList<QThread *> threads;
        for (int i = 0; i < 5; ++i)
            client.call("POST", QStringLiteral("/api/v1/admin/tenants"),
                        QJsonObject{{QStringLiteral("name"), QStringLiteral("tenant %1").arg(i)}}, this,
                        [&order, &threads, i](const AdminReply &reply) {
                            QCOMPARE(reply.status, 201);
                            order << i;
                            threads << QThread::currentThread();
                        });
        QTRY_COMPARE(order.size(), 5);
        QCOMPARE(order, QList<int>({0, 1, 2, 3, 4}));
        for (QThread *thread : threads)
            QCOMPARE(thread, QThread::currentThread());

        // A receiver destroyed before its answer arrives gets nothing; later requests still answer.
        bool lateAnswer = false;
        auto *receiver = new QObject;
        client.get(QStringLiteral("/api/v1/admin/tenants"), receiver, [&](const AdminReply &) { lateAnswer = true; });
        delete receiver;
        bool done = false;
        client.get(QStringLiteral("/api/v1/admin/tenants"), this, [&](const AdminReply &reply) { done = reply.ok(); });
        QTRY_VERIFY(done);
        QVERIFY(!lateAnswer);
    }

    // A remote environment's client goes (its window closes) while its request is still on its way: nothing waits
    // for it, and its answer goes nowhere.
    void destroyingARemoteClientNeverWaitsForItsRequest()
    {
        QTcpServer closed; // a port nothing listens on: the request, once let through, fails at once
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const QUrl url(QStringLiteral("http://127.0.0.1:%1").arg(closed.serverPort()));
        closed.close();
        auto gate = std::make_shared<Gate>();
        gate->close();
        auto client = std::make_unique<AdminClient>(
            QStringLiteral("remote"),
            [gate, url] {
                gate->pass(); // the request is under way (as while the keychain is asked for the key)
                return std::make_unique<HttpAdminApi>(url, QStringLiteral("key"));
            },
            AdminClient::Ending::Detach);
        auto panel = std::make_unique<QObject>();
        bool answered = false;
        client->get(QStringLiteral("/api/v1/admin/tenants"), panel.get(), [&](const AdminReply &) { answered = true; });
        QTRY_VERIFY(gate->holdsSomeone());
        panel.reset();
        client.reset(); // a wait for the request here would never end: the gate opens only below
        gate->open();
        QTRY_VERIFY(!gate->holdsSomeone());
        QVERIFY(!answered);
    }
};

QTEST_GUILESS_MAIN(TestAdminClient)
#include "tst_adminclient.moc"
