// The console's settings: defaults, the INI file round trip, one clear error per invalid field, a file edited by
// hand into garbage, the environment's precedence, and the provider's API key in the secret store (the real
// keychain under scripts/test.sh's D-Bus session with gnome-keyring, as tst_secretstore does).
#include "auth/secretstore.h"
#include "config/consolesettings.h"
#include "config/databaselocation.h"
#include "fakesecretstores.h"
#include "keychaintesting.h"
#include "testfiles.h"

#include <QDir>
#include <QFile>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace twinops;
using twinops::test::fileBytes;
using twinops::test::MemorySecretStore;

namespace {

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(bytes), bytes.size());
}

ConsoleSettings customSettings(const QTemporaryDir &dir)
{
    ConsoleSettings settings = ConsoleSettings::defaults();
    settings.listenAddress = QStringLiteral("::1");
    settings.port = 9123;
    settings.workers = 5;
    settings.databaseUrl = QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("other, db.sqlite"));
    settings.provider = ChatSettings::Provider::OpenAi;
    settings.providerBaseUrl = QStringLiteral("http://127.0.0.1:11434/v1");
    settings.providerModel = QStringLiteral("llama3.1:8b");
    return settings;
}

using Spoil = std::function<void(ConsoleSettings &)>;

const char *const kLlmVariables[]
    = {"TWINOPS_LLM_PROVIDER",           "TWINOPS_LLM_BASE_URL", "TWINOPS_LLM_MODEL",   "TWINOPS_LLM_API_KEY",
       "TWINOPS_LLM_FIRST_BYTE_TIMEOUT", "TWINOPS_LLM_TIMEOUT",  "TWINOPS_DATABASE_URL"};

} // namespace

namespace QTest {
template<> char *toString(const ConsoleSettings &s)
{
    return qstrdup(
        qPrintable(QStringLiteral("{%1 port %2 workers %3 db %4 provider %5 %6 %7}")
                       .arg(s.listenAddress)
                       .arg(s.port)
                       .arg(s.workers)
                       .arg(s.databaseUrl, chatProviderName(s.provider), s.providerBaseUrl, s.providerModel)));
}
} // namespace QTest

class TestConsoleSettings final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void defaultsWithoutFile();
    void roundTrip();
    void eachInvalidFieldIsExplained_data();
    void eachInvalidFieldIsExplained();
    void secretsStayOutOfTheFile();
    void parsersSayWhatIsExpected();
    void garbageFileFallsBackPerField();
    void unreadableFileUsesDefaults();
    void nonLoopbackAddressesWarn_data();
    void nonLoopbackAddressesWarn();
    void environmentWinsOverTheFile();
    void chatSettingsReadTheKeyFromTheStore();
    void keychainHoldsTheApiKey();

private:
    QTemporaryDir m_dir;
};

void TestConsoleSettings::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
}

void TestConsoleSettings::init()
{
    for (const char *name : kLlmVariables)
        qunsetenv(name);
}

void TestConsoleSettings::defaultsWithoutFile()
{
    const ConsoleSettings::Loaded loaded = ConsoleSettings::load(m_dir.filePath(QStringLiteral("missing.ini")));
    QVERIFY(loaded.problems.isEmpty());
    QCOMPARE(loaded.settings, ConsoleSettings::defaults());
    const ConsoleSettings &settings = loaded.settings;
    QCOMPARE(settings.listenAddress, QStringLiteral("127.0.0.1"));
    QCOMPARE(settings.port, 8710);
    QCOMPARE(settings.workers, 2);
    QCOMPARE(settings.provider, ChatSettings::Provider::Grounded);
    QVERIFY(settings.providerBaseUrl.isEmpty());
    QVERIFY(settings.providerModel.isEmpty());
    // The same embedded SQLite file the programs pick without --database and TWINOPS_DATABASE_URL.
    auto database = settings.database();
    QVERIFY(database.ok());
    auto resolved = resolveDatabaseUrl(QString());
    QVERIFY(resolved.ok());
    QCOMPARE(database->dialect(), Dialect::Sqlite);
    QCOMPARE(database->sqlitePath(), resolved->sqlitePath());
    QVERIFY(settings.validate().ok());
    QVERIFY(!settings.listensBeyondLoopback());
    QVERIFY(settings.exposureWarning().isEmpty());
    QCOMPARE(settings.endpointOptions().address, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(settings.endpointOptions().port, quint16(8710));
}

void TestConsoleSettings::roundTrip()
{
    const QString path = m_dir.filePath(QStringLiteral("nested/folder/console.ini"));
    const ConsoleSettings settings = customSettings(m_dir);
    QVERIFY(settings != ConsoleSettings::defaults());
    const Status saved = settings.save(path);
    QVERIFY2(saved.ok(), saved.ok() ? "" : qPrintable(saved.error().message));
    const ConsoleSettings::Loaded loaded = ConsoleSettings::load(path);
    QCOMPARE(loaded.problems, QStringList());
    QCOMPARE(loaded.settings, settings);

    // Saving again over the file replaces every value, back to the defaults included.
    QVERIFY(ConsoleSettings::defaults().save(path).ok());
    QCOMPARE(ConsoleSettings::load(path).settings, ConsoleSettings::defaults());
}

void TestConsoleSettings::eachInvalidFieldIsExplained_data()
{
    QTest::addColumn<Spoil>("spoil");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("words");

    QTest::newRow("port above 65535") << Spoil([](ConsoleSettings &s) { s.port = 65536; }) << ConsoleSettings::kPortKey
                                      << QStringLiteral("from 0 to 65535");
    QTest::newRow("negative port") << Spoil([](ConsoleSettings &s) { s.port = -1; }) << ConsoleSettings::kPortKey
                                   << QStringLiteral("port");
    QTest::newRow("host name as address")
        << Spoil([](ConsoleSettings &s) { s.listenAddress = QStringLiteral("localhost"); })
        << ConsoleSettings::kListenAddressKey << QStringLiteral("not a numeric IP address");
    QTest::newRow("empty address") << Spoil([](ConsoleSettings &s) { s.listenAddress.clear(); })
                                   << ConsoleSettings::kListenAddressKey << QStringLiteral("is empty");
    QTest::newRow("address out of range")
        << Spoil([](ConsoleSettings &s) { s.listenAddress = QStringLiteral("300.1.1.1"); })
        << ConsoleSettings::kListenAddressKey << QStringLiteral("300.1.1.1");
    QTest::newRow("too many workers") << Spoil([](ConsoleSettings &s) { s.workers = 65; })
                                      << ConsoleSettings::kWorkersKey << QStringLiteral("from 0 to 64");
    QTest::newRow("negative workers") << Spoil([](ConsoleSettings &s) { s.workers = -2; })
                                      << ConsoleSettings::kWorkersKey << QStringLiteral("out of range");
    QTest::newRow("unknown database scheme")
        << Spoil([](ConsoleSettings &s) { s.databaseUrl = QStringLiteral("mysql://db/twinops"); })
        << ConsoleSettings::kDatabaseUrlKey << QStringLiteral("unsupported database URL scheme");
    QTest::newRow("postgres URL without database")
        << Spoil([](ConsoleSettings &s) { s.databaseUrl = QStringLiteral("postgres://db.example.com"); })
        << ConsoleSettings::kDatabaseUrlKey << QStringLiteral("invalid PostgreSQL URL");
    QTest::newRow("empty database URL") << Spoil([](ConsoleSettings &s) { s.databaseUrl = QStringLiteral("  "); })
                                        << ConsoleSettings::kDatabaseUrlKey << QStringLiteral("is empty");
    QTest::newRow("provider URL not http") << Spoil([](ConsoleSettings &s) {
        s.provider = ChatSettings::Provider::OpenAi;
        s.providerBaseUrl = QStringLiteral("ftp://llm.example.com");
    }) << ConsoleSettings::kProviderBaseUrlKey
                                           << QStringLiteral("http or https");
    QTest::newRow("model with a line break") << Spoil([](ConsoleSettings &s) {
        s.provider = ChatSettings::Provider::OpenAi;
        s.providerModel = QStringLiteral("gpt\nx");
    }) << ConsoleSettings::kProviderModelKey << QStringLiteral("control character");
}

void TestConsoleSettings::eachInvalidFieldIsExplained()
{
    QFETCH(Spoil, spoil);
    QFETCH(QString, field);
    QFETCH(QString, words);
    ConsoleSettings settings = ConsoleSettings::defaults();
    spoil(settings);

    const QHash<QString, QString> problems = settings.problems();
    QCOMPARE(problems.keys(), QStringList{field});
    QVERIFY2(problems.value(field).contains(words, Qt::CaseInsensitive), qPrintable(problems.value(field)));
    const Status valid = settings.validate();
    QVERIFY(!valid.ok());
    QCOMPARE(valid.error().code, ErrorCode::ValidationFailed);
    QCOMPARE(valid.error().message, problems.value(field));
    QCOMPARE(valid.error().details, problems);

    // Nothing is written while a field is not valid.
    const QString path = m_dir.filePath(QStringLiteral("invalid-%1.ini").arg(QTest::currentDataTag()));
    const Status saved = settings.save(path);
    QVERIFY(!saved.ok());
    QCOMPARE(saved.error().code, ErrorCode::ValidationFailed);
    QVERIFY(!QFile::exists(path));
}

void TestConsoleSettings::secretsStayOutOfTheFile()
{
    ConsoleSettings settings = ConsoleSettings::defaults();
    settings.databaseUrl = QStringLiteral("postgres://twinops:s3cr3t-pw@db.example.com/twinops");
    QVERIFY(settings.validate().ok()); // fine to run with (from --database), not to store
    const QString path = m_dir.filePath(QStringLiteral("password.ini"));
    Status saved = settings.save(path);
    QVERIFY(!saved.ok());
    QVERIFY2(saved.error().message.contains(QLatin1String("password")), qPrintable(saved.error().message));
    QVERIFY(!saved.error().message.contains(QLatin1String("s3cr3t-pw")));
    QVERIFY(!QFile::exists(path));

    settings.databaseUrl = QStringLiteral("postgresql://twinops@db.example.com/twinops?password=s3cr3t-pw");
    QVERIFY(!settings.save(path).ok());
    QVERIFY(!QFile::exists(path));

    settings.databaseUrl = QStringLiteral("postgresql://twinops@db.example.com/twinops");
    settings.provider = ChatSettings::Provider::OpenAi;
    settings.providerBaseUrl = QStringLiteral("https://user:s3cr3t-pw@llm.example.com/v1");
    QVERIFY(settings.problemsForSaving().contains(ConsoleSettings::kProviderBaseUrlKey));
    QVERIFY(!settings.save(path).ok());
    QVERIFY(!QFile::exists(path));

    settings.providerBaseUrl = QStringLiteral("https://llm.example.com/v1");
    QVERIFY(settings.save(path).ok());
    QVERIFY(!fileBytes(path).contains("s3cr3t-pw"));
    QVERIFY(!fileBytes(path).contains("key"));
}

void TestConsoleSettings::parsersSayWhatIsExpected()
{
    QCOMPARE(*ConsoleSettings::parsePort(QStringLiteral(" 0 ")), 0);
    QCOMPARE(*ConsoleSettings::parsePort(QStringLiteral("65535")), 65535);
    for (const QString &bad :
         {QStringLiteral("abc"), QStringLiteral("65536"), QStringLiteral("-5"), QString(), QStringLiteral("80.5")}) {
        auto port = ConsoleSettings::parsePort(bad);
        QVERIFY2(!port.ok(), qPrintable(bad));
        QVERIFY(port.error().details.value(ConsoleSettings::kPortKey).contains(QLatin1String("0 to 65535")));
    }
    QCOMPARE(*ConsoleSettings::parseWorkers(QStringLiteral("64")), 64);
    QVERIFY(!ConsoleSettings::parseWorkers(QStringLiteral("65")).ok());
    QVERIFY(!ConsoleSettings::parseWorkers(QStringLiteral("two")).ok());
    QCOMPARE(*ConsoleSettings::parseProvider(QStringLiteral("OpenAI")), ChatSettings::Provider::OpenAi);
    QCOMPARE(*ConsoleSettings::parseProvider(QStringLiteral("grounded")), ChatSettings::Provider::Grounded);
    auto provider = ConsoleSettings::parseProvider(QStringLiteral("claude"));
    QVERIFY(!provider.ok());
    QVERIFY(provider.error().details.value(ConsoleSettings::kProviderKey).contains(QLatin1String("grounded")));
}

void TestConsoleSettings::garbageFileFallsBackPerField()
{
    const QString path = m_dir.filePath(QStringLiteral("garbage.ini"));
    writeFile(path,
              "[endpoint]\naddress=the office\nport=eighty\n"
              "[jobs]\nworkers=1000\n"
              "[database]\nurl=mysql://root:hunter2@db/twinops\n"
              "[provider]\nname=claude\nbaseUrl=not a url\nmodel=kept-model\n"
              "[unknown]\nwhatever=1\n\x01\x02 not ini at all\n");
    const ConsoleSettings::Loaded loaded = ConsoleSettings::load(path);
    const ConsoleSettings defaults = ConsoleSettings::defaults();
    QCOMPARE(loaded.settings.listenAddress, defaults.listenAddress);
    QCOMPARE(loaded.settings.port, defaults.port);
    QCOMPARE(loaded.settings.workers, defaults.workers);
    QCOMPARE(loaded.settings.databaseUrl, defaults.databaseUrl);
    QCOMPARE(loaded.settings.provider, ChatSettings::Provider::Grounded);
    QCOMPARE(loaded.settings.providerModel, QStringLiteral("kept-model")); // a valid value survives its neighbours
    QVERIFY(loaded.settings.validate().ok());

    const QString all = loaded.problems.join(u'\n');
    QCOMPARE(loaded.problems.size(), 5);
    for (const QString &key :
         {ConsoleSettings::kListenAddressKey, ConsoleSettings::kPortKey, ConsoleSettings::kWorkersKey,
          ConsoleSettings::kDatabaseUrlKey, ConsoleSettings::kProviderKey})
        QVERIFY2(all.contains(key), qPrintable(all));
    QVERIFY2(all.contains(QLatin1String("\"eighty\"")), qPrintable(all));
    QVERIFY2(all.contains(QLatin1String("The default (8710) is used")), qPrintable(all));
    QVERIFY2(!all.contains(QLatin1String("hunter2")), qPrintable(all)); // database URLs are not repeated
}

void TestConsoleSettings::unreadableFileUsesDefaults()
{
    // A folder where the file should be: neither readable nor writable as a file, whoever runs the test (root too).
    const QString path = m_dir.filePath(QStringLiteral("folder.ini"));
    QVERIFY(QDir().mkpath(path));
    const ConsoleSettings::Loaded loaded = ConsoleSettings::load(path);
    QCOMPARE(loaded.settings, ConsoleSettings::defaults());
    QCOMPARE(loaded.problems.size(), 1);
    QVERIFY2(loaded.problems.first().contains(QLatin1String("could not be read")), qPrintable(loaded.problems.first()));

    // And a file that cannot be written says so instead of pretending.
    const Status saved = ConsoleSettings::defaults().save(path);
    QVERIFY(!saved.ok());
    QCOMPARE(saved.error().code, ErrorCode::Unavailable);
    QVERIFY2(saved.error().message.contains(path), qPrintable(saved.error().message));
}

void TestConsoleSettings::nonLoopbackAddressesWarn_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<bool>("exposed");
    QTest::addColumn<bool>("everyInterface");
    QTest::newRow("IPv4 loopback") << QStringLiteral("127.0.0.1") << false << false;
    QTest::newRow("other IPv4 loopback") << QStringLiteral("127.0.0.2") << false << false;
    QTest::newRow("IPv6 loopback") << QStringLiteral("::1") << false << false;
    QTest::newRow("every IPv4 interface") << QStringLiteral("0.0.0.0") << true << true;
    QTest::newRow("every IPv6 interface") << QStringLiteral("::") << true << true;
    QTest::newRow("LAN address") << QStringLiteral("192.168.1.20") << true << false;
    QTest::newRow("IPv6 global address") << QStringLiteral("2001:db8::20") << true << false;
}

void TestConsoleSettings::nonLoopbackAddressesWarn()
{
    QFETCH(QString, address);
    QFETCH(bool, exposed);
    QFETCH(bool, everyInterface);
    ConsoleSettings settings = ConsoleSettings::defaults();
    settings.listenAddress = address;
    QVERIFY(settings.validate().ok()); // allowed, with a warning
    QCOMPARE(settings.listensBeyondLoopback(), exposed);
    const QString warning = settings.exposureWarning();
    QCOMPARE(warning.isEmpty(), !exposed);
    if (exposed) {
        QVERIFY2(warning.contains(QLatin1String("reachable from the network")), qPrintable(warning));
        QVERIFY(warning.contains(address));
        QCOMPARE(warning.contains(QLatin1String("every interface")), everyInterface);
        QCOMPARE(settings.endpointOptions().address, QHostAddress(address));
    }
}

void TestConsoleSettings::environmentWinsOverTheFile()
{
    ConsoleSettings saved = customSettings(m_dir);
    QStringList overrides;
    auto merged = saved.withEnvironment(&overrides);
    QVERIFY(merged.ok());
    QCOMPARE(*merged, saved);
    QVERIFY(overrides.isEmpty());

    // A model alone overrides the model of the saved provider.
    qputenv("TWINOPS_LLM_MODEL", "env-model");
    merged = saved.withEnvironment(&overrides);
    QVERIFY(merged.ok());
    QCOMPARE(merged->provider, ChatSettings::Provider::OpenAi);
    QCOMPARE(merged->providerBaseUrl, saved.providerBaseUrl);
    QCOMPARE(merged->providerModel, QStringLiteral("env-model"));
    QCOMPARE(overrides.size(), 1);

    // A provider in the environment configures it entirely, as for twinopsd.
    overrides.clear();
    qputenv("TWINOPS_LLM_PROVIDER", "grounded");
    qputenv("TWINOPS_DATABASE_URL", "postgresql://twinops@db.example.com/twinops");
    merged = saved.withEnvironment(&overrides);
    QVERIFY(merged.ok());
    QCOMPARE(merged->provider, ChatSettings::Provider::Grounded);
    QCOMPARE(merged->databaseUrl, QStringLiteral("postgresql://twinops@db.example.com/twinops"));
    QCOMPARE(merged->port, saved.port);
    QCOMPARE(overrides.size(), 2);
    QVERIFY(overrides.join(u' ').contains(QLatin1String("TWINOPS_DATABASE_URL")));

    // A variable that is not valid is an error that names it.
    qputenv("TWINOPS_LLM_PROVIDER", "claude");
    merged = saved.withEnvironment();
    QVERIFY(!merged.ok());
    QVERIFY(merged.error().message.contains(QLatin1String("TWINOPS_LLM_PROVIDER")));
    qunsetenv("TWINOPS_LLM_PROVIDER");
    qputenv("TWINOPS_DATABASE_URL", "mysql://db");
    merged = saved.withEnvironment();
    QVERIFY(!merged.ok());
    QVERIFY(merged.error().message.contains(QLatin1String("TWINOPS_DATABASE_URL")));
}

void TestConsoleSettings::chatSettingsReadTheKeyFromTheStore()
{
    MemorySecretStore store;
    QVERIFY(store.write(ConsoleSettings::kProviderApiKeySecret, "sk-from-store\n").ok());

    ConsoleSettings settings = ConsoleSettings::defaults();
    auto chat = settings.chatSettings(&store);
    QVERIFY(chat.ok());
    QCOMPARE(chat->provider, ChatSettings::Provider::Grounded);
    QVERIFY(chat->apiKey.isEmpty());

    settings.provider = ChatSettings::Provider::OpenAi;
    chat = settings.chatSettings(&store);
    QVERIFY(chat.ok());
    QCOMPARE(chat->baseUrl, QStringLiteral("https://api.openai.com/v1"));
    QCOMPARE(chat->model, QStringLiteral("gpt-4o-mini"));
    QCOMPARE(chat->apiKey, QByteArray("sk-from-store"));
    QVERIFY(!chat->description().contains(QLatin1String("sk-from-store")));

    settings.providerBaseUrl = QStringLiteral("http://127.0.0.1:11434/v1/");
    settings.providerModel = QStringLiteral("llama3.1:8b");
    QVERIFY(store.remove(ConsoleSettings::kProviderApiKeySecret).ok());
    chat = settings.chatSettings(&store);
    QVERIFY(chat.ok());
    QCOMPARE(chat->baseUrl, QStringLiteral("http://127.0.0.1:11434/v1"));
    QCOMPARE(chat->model, QStringLiteral("llama3.1:8b"));
    QVERIFY(chat->apiKey.isEmpty()); // a local server without a key

    // The environment's key and timeouts still apply.
    qputenv("TWINOPS_LLM_API_KEY", "sk-from-environment");
    qputenv("TWINOPS_LLM_TIMEOUT", "30");
    chat = settings.chatSettings(&store);
    QVERIFY(chat.ok());
    QCOMPARE(chat->apiKey, QByteArray("sk-from-environment"));
    QCOMPARE(chat->totalTimeoutMs, 30'000);
    qputenv("TWINOPS_LLM_TIMEOUT", "soon");
    chat = settings.chatSettings(&store);
    QVERIFY(!chat.ok());
    QVERIFY(chat.error().message.contains(QLatin1String("TWINOPS_LLM_TIMEOUT")));
}

void TestConsoleSettings::keychainHoldsTheApiKey()
{
    TWINOPS_REQUIRE_SESSION_BUS();
    // A service of its own, so that the test never sees or changes a real console's key.
    KeychainSecretStore keychain(QStringLiteral("TwinOps tests %1").arg(QCoreApplication::applicationPid()));
    const Status written = keychain.write(ConsoleSettings::kProviderApiKeySecret, "sk-keychain-test");
    QVERIFY2(written.ok(), written.ok() ? "" : qPrintable(written.error().message));

    ConsoleSettings settings = ConsoleSettings::defaults();
    settings.provider = ChatSettings::Provider::OpenAi;
    const QString path = m_dir.filePath(QStringLiteral("keychain.ini"));
    QVERIFY(settings.save(path).ok());
    auto chat = ConsoleSettings::load(path).settings.chatSettings(&keychain);
    QVERIFY2(chat.ok(), chat.ok() ? "" : qPrintable(chat.error().message));
    QCOMPARE(chat->apiKey, QByteArray("sk-keychain-test"));
    QVERIFY(!fileBytes(path).contains("sk-keychain-test"));

    QVERIFY(keychain.remove(ConsoleSettings::kProviderApiKeySecret).ok());
    QCOMPARE(keychain.read(ConsoleSettings::kProviderApiKeySecret).error().code, ErrorCode::NotFound);
}

QTEST_GUILESS_MAIN(TestConsoleSettings)
#include "tst_consolesettings.moc"
