// The client address behind reverse proxies (TrustedProxies): headers count only from a trusted peer, the walk
// takes the right-most address that is not a trusted proxy, and anything it cannot read leaves the peer.
#include "http/clientaddress.h"

#include <QTest>

using namespace twinops;

class TestClientAddress final : public QObject
{
    Q_OBJECT
private slots:
    void cidrsAreParsed();
    void badCidrsAreRefusedByName_data();
    void badCidrsAreRefusedByName();
    void clientAddress_data();
    void clientAddress();
};

void TestClientAddress::cidrsAreParsed()
{
    const auto proxies
        = TrustedProxies::parse({QStringLiteral("10.0.0.0/8"), QStringLiteral("192.0.2.7"),
                                 QStringLiteral("2001:db8::/32"), QStringLiteral("::ffff:172.16.0.0/108")});
    QVERIFY(proxies.ok());
    QVERIFY(proxies->contains(QHostAddress(QStringLiteral("10.200.1.1"))));
    QVERIFY(proxies->contains(QHostAddress(QStringLiteral("::ffff:10.1.2.3")))); // a dual-stack socket's IPv4 peer
    QVERIFY(proxies->contains(QHostAddress(QStringLiteral("192.0.2.7"))));
    QVERIFY(!proxies->contains(QHostAddress(QStringLiteral("192.0.2.8"))));
    QVERIFY(proxies->contains(QHostAddress(QStringLiteral("2001:db8:1::5"))));
    QVERIFY(!proxies->contains(QHostAddress(QStringLiteral("2001:db9::5"))));
    QVERIFY(proxies->contains(QHostAddress(QStringLiteral("172.16.9.9")))); // the mapped range is its IPv4 range
    QVERIFY(!proxies->contains(QHostAddress(QStringLiteral("172.32.0.1"))));
    QVERIFY(TrustedProxies::parse({}).ok());
    QVERIFY(TrustedProxies::parse({})->isEmpty());
}

void TestClientAddress::badCidrsAreRefusedByName_data()
{
    QTest::addColumn<QString>("cidr");
    QTest::newRow("words") << QStringLiteral("proxy.example");
    QTest::newRow("prefix too long") << QStringLiteral("10.0.0.0/33");
    QTest::newRow("IPv6 prefix too long") << QStringLiteral("::1/129");
    QTest::newRow("no prefix") << QStringLiteral("10.0.0.0/");
    QTest::newRow("signed prefix") << QStringLiteral("10.0.0.0/+8");
    QTest::newRow("netmask") << QStringLiteral("10.0.0.0/255.0.0.0");
    QTest::newRow("partial address") << QStringLiteral("10/8");
    QTest::newRow("empty") << QString();
}

void TestClientAddress::badCidrsAreRefusedByName()
{
    QFETCH(QString, cidr);
    const auto parsed = TrustedProxies::parse({QStringLiteral("127.0.0.0/8"), cidr});
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, ErrorCode::BadRequest);
    QVERIFY2(parsed.error().message.contains(u'"' + cidr + u'"'), qPrintable(parsed.error().message));
    QVERIFY(parsed.error().message.startsWith(QLatin1String("--trusted-proxy")));
}

void TestClientAddress::clientAddress_data()
{
    QTest::addColumn<QString>("peer");
    QTest::addColumn<HttpHeaders>("headers");
    QTest::addColumn<QString>("client");

    auto xff = [](const QByteArray &value) { return HttpHeaders{{"x-forwarded-for", value}}; };
    auto fwd = [](const QByteArray &value) { return HttpHeaders{{"forwarded", value}}; };
    const QString proxy = QStringLiteral("10.0.0.5");
    const QString stranger = QStringLiteral("198.51.100.7");

    QTest::newRow("no headers") << proxy << HttpHeaders{} << proxy;
    QTest::newRow("untrusted peer: headers ignored") << stranger << xff("203.0.113.1") << stranger;
    QTest::newRow("untrusted peer: Forwarded ignored") << stranger << fwd("for=203.0.113.1") << stranger;
    QTest::newRow("mapped untrusted peer") << QStringLiteral("::ffff:198.51.100.7") << xff("203.0.113.1") << stranger;
    QTest::newRow("one hop") << proxy << xff("203.0.113.1") << QStringLiteral("203.0.113.1");
    QTest::newRow("mapped trusted peer") << QStringLiteral("::ffff:10.0.0.5") << xff("203.0.113.1")
                                         << QStringLiteral("203.0.113.1");
    QTest::newRow("spoofed left-most entry") << proxy << xff("1.2.3.4, 203.0.113.1") << QStringLiteral("203.0.113.1");
    QTest::newRow("garbage left of the client")
        << proxy << xff("<script>, , 203.0.113.1") << QStringLiteral("203.0.113.1");
    QTest::newRow("trusted hops skipped")
        << proxy << xff("1.2.3.4, 203.0.113.1, 10.9.9.9,10.0.0.1") << QStringLiteral("203.0.113.1");
    QTest::newRow("all trusted: the left-most") << proxy << xff("10.1.1.1, 10.2.2.2") << QStringLiteral("10.1.1.1");
    QTest::newRow("two header lines") << proxy
                                      << HttpHeaders{{"x-forwarded-for", "1.2.3.4"}, {"x-forwarded-for", "203.0.113.1"}}
                                      << QStringLiteral("203.0.113.1");
    QTest::newRow("first header line empty") // an empty entry the walk reaches
        << proxy << HttpHeaders{{"x-forwarded-for", ""}, {"x-forwarded-for", "10.0.0.7"}} << proxy;
    QTest::newRow("IPv4 with port") << proxy << xff("203.0.113.1:4711") << QStringLiteral("203.0.113.1");
    QTest::newRow("bare IPv6") << proxy << xff("2001:db8::1") << QStringLiteral("2001:db8::1");
    QTest::newRow("IPv6 in brackets with port") << proxy << xff("[2001:db8::1]:4711") << QStringLiteral("2001:db8::1");
    QTest::newRow("mapped forwarded address") << proxy << xff("::ffff:203.0.113.1") << QStringLiteral("203.0.113.1");
    QTest::newRow("garbage") << proxy << xff("not an address") << proxy;
    QTest::newRow("empty entry") << proxy << xff("203.0.113.1,") << proxy;
    QTest::newRow("unknown") << proxy << xff("unknown") << proxy;
    QTest::newRow("bad port") << proxy << xff("203.0.113.1:80/x") << proxy;
    QTest::newRow("unclosed bracket") << proxy << xff("[2001:db8::1") << proxy;
    QTest::newRow("bracketed IPv4") << proxy << xff("[203.0.113.1]") << proxy;
    QTest::newRow("scope id") << proxy << xff("fe80::1%eth0") << proxy;
    QTest::newRow("short IPv4 form") << proxy << xff("10") << proxy;
    QTest::newRow("empty header") << proxy << xff("  ") << proxy;

    QTest::newRow("Forwarded") << proxy << fwd("for=203.0.113.1;proto=https;by=10.0.0.5")
                               << QStringLiteral("203.0.113.1");
    QTest::newRow("Forwarded, name in capitals") << proxy << fwd("For=203.0.113.1") << QStringLiteral("203.0.113.1");
    QTest::newRow("Forwarded IPv6 quoted with port")
        << proxy << fwd(R"(for="[2001:db8:cafe::17]:4711")") << QStringLiteral("2001:db8:cafe::17");
    QTest::newRow("Forwarded, several elements")
        << proxy << fwd(R"(for=1.2.3.4, for="203.0.113.1:80";proto=http, for=10.0.0.9)")
        << QStringLiteral("203.0.113.1");
    QTest::newRow("Forwarded, client's unbalanced quote on the left")
        << proxy << fwd(R"(for="1.2.3.4, for=203.0.113.1)") << QStringLiteral("203.0.113.1");
    QTest::newRow("Forwarded, comma inside quotes")
        << proxy << fwd(R"(for="a,b", for=203.0.113.1)") << QStringLiteral("203.0.113.1");
    QTest::newRow("Forwarded without for") << proxy << fwd("proto=https") << proxy;
    QTest::newRow("Forwarded, two for in one element") << proxy << fwd("for=1.2.3.4;for=203.0.113.1") << proxy;
    QTest::newRow("Forwarded, obfuscated node") << proxy << fwd("for=_hidden") << proxy;
    QTest::newRow("Forwarded, unknown") << proxy << fwd("for=unknown") << proxy;
    QTest::newRow("Forwarded, no value") << proxy << fwd("for") << proxy;
    QTest::newRow("Forwarded, unquoted IPv6") << proxy << fwd("for=[2001:db8::1") << proxy;
    QTest::newRow("X-Forwarded-For wins over Forwarded")
        << proxy << HttpHeaders{{"forwarded", "for=1.2.3.4"}, {"x-forwarded-for", "203.0.113.1"}}
        << QStringLiteral("203.0.113.1");
}

void TestClientAddress::clientAddress()
{
    QFETCH(QString, peer);
    QFETCH(HttpHeaders, headers);
    QFETCH(QString, client);
    const auto proxies = TrustedProxies::parse({QStringLiteral("10.0.0.0/8"), QStringLiteral("2001:db8:ffff::/48")});
    QVERIFY(proxies.ok());
    QCOMPARE(proxies->clientAddress(QHostAddress(peer), headers), client);
    // With no proxy trusted every header is ignored.
    QCOMPARE(TrustedProxies().clientAddress(QHostAddress(peer), headers),
             QHostAddress(peer).toString().remove(QLatin1String("::ffff:")));
}

QTEST_GUILESS_MAIN(TestClientAddress)
#include "tst_clientaddress.moc"
