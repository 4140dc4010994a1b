// The Settings panel driven like a user: type, click Save, wait for the answer from the panel's thread, read the
// file it wrote. The keychain is stood in for by a store in memory (one that answers, or one that reports no
// keychain), so the test is the same on every machine; tst_consolesettings covers the real keychain.
#include "auth/secretstore.h"
#include "config/consolesettings.h"
#include "fakesecretstores.h"
#include "settingspanel.h"
#include "testfiles.h"
#include "uitesting.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace twinops;
using namespace twinops::test;

namespace {

void replaceText(QWidget &panel, const QString &name, const QString &text)
{
    auto *edit = child<QLineEdit>(panel, name);
    QVERIFY(edit);
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Delete);
    QTest::keyClicks(edit, text);
    QCOMPARE(edit->text(), text);
}

QString textOf(QWidget &panel, const QString &name)
{
    if (auto *edit = panel.findChild<QLineEdit *>(name))
        return edit->text();
    if (auto *label = panel.findChild<QLabel *>(name))
        return label->text();
    qWarning("no line edit or label named %s", qPrintable(name));
    return {};
}

// Shows the panel and waits until it has read the file and the keychain (Save is enabled only then).
bool showAndWaitForLoad(SettingsPanel &panel)
{
    QSignalSpy loaded(&panel, &SettingsPanel::loaded);
    panel.show();
    if (!QTest::qWaitForWindowExposed(&panel))
        return false;
    return loaded.count() > 0 || loaded.wait();
}

} // namespace

class TestSettingsPanel final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void badPortIsExplainedAndNothingIsSaved();
    void validValuesAreSavedAndShownAgain();
    void nonLoopbackAddressWarns();
    void garbageFileIsExplained();
    void keyThatCannotBeStoredSavesNothing();
    void valuesInEffectAndOverridesAreShown();
    void withoutFileNothingCanBeSaved();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

void TestSettingsPanel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestSettingsPanel::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(QStringLiteral("config/console.ini"));
}

void TestSettingsPanel::badPortIsExplainedAndNothingIsSaved()
{
    auto keychain = std::make_shared<MemorySecretStore>();
    SettingsPanel panel(SettingsPanelOptions{m_path, keychain, ConsoleSettings::defaults(), {}});
    QVERIFY(showAndWaitForLoad(panel));
    auto *save = child<QPushButton>(panel, QStringLiteral("saveSettingsButton"));
    auto *error = child<QLabel>(panel, QStringLiteral("settingsError"));
    QVERIFY(save && error);
    QVERIFY(save->isEnabled());
    QVERIFY(!error->isVisible());

    QSignalSpy failed(&panel, &SettingsPanel::saveFailed);
    QSignalSpy saved(&panel, &SettingsPanel::saved);
    replaceText(panel, QStringLiteral("listenPort"), QStringLiteral("99999"));
    QTest::mouseClick(save, Qt::LeftButton);
    QCOMPARE(failed.count(), 1); // validation runs before any thread starts
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QLatin1String("port must be a whole number from 0 to 65535")),
             qPrintable(error->text()));
    QVERIFY(error->text().contains(QLatin1String("Nothing was saved")));
    QVERIFY(save->isEnabled());
    QCOMPARE(saved.count(), 0);
    QVERIFY(!QFile::exists(m_path));

    // Several wrong fields are listed together.
    replaceText(panel, QStringLiteral("listenAddress"), QStringLiteral("localhost"));
    replaceText(panel, QStringLiteral("databaseUrl"), QStringLiteral("mysql://db/twinops"));
    QTest::mouseClick(save, Qt::LeftButton);
    QCOMPARE(failed.count(), 2);
    QVERIFY(error->text().contains(QLatin1String("not a numeric IP address")));
    QVERIFY(error->text().contains(QLatin1String("port")));
    QVERIFY(error->text().contains(QLatin1String("unsupported database URL scheme")));
    QVERIFY(!QFile::exists(m_path));

    // Fixed, it saves, and the error goes away.
    replaceText(panel, QStringLiteral("listenAddress"), QStringLiteral("127.0.0.1"));
    replaceText(panel, QStringLiteral("listenPort"), QStringLiteral("8711"));
    replaceText(panel, QStringLiteral("databaseUrl"), ConsoleSettings::defaults().databaseUrl);
    QTest::mouseClick(save, Qt::LeftButton);
    QVERIFY(saved.wait());
    QVERIFY(!error->isVisible());
    QCOMPARE(ConsoleSettings::load(m_path).settings.port, 8711);
}

void TestSettingsPanel::validValuesAreSavedAndShownAgain()
{
    auto keychain = std::make_shared<MemorySecretStore>();
    const QString database = QStringLiteral("sqlite://") + m_dir->filePath(QStringLiteral("data/console.db"));
    {
        SettingsPanel panel(SettingsPanelOptions{m_path, keychain, ConsoleSettings::defaults(), {}});
        QVERIFY(showAndWaitForLoad(panel));
        QCOMPARE(textOf(panel, QStringLiteral("listenPort")), QStringLiteral("8710")); // the defaults, no file yet
        QVERIFY(textOf(panel, QStringLiteral("apiKeyStatus")).contains(QLatin1String("No key is stored")));
        auto *apiKey = child<QLineEdit>(panel, QStringLiteral("providerApiKey"));
        QVERIFY(!apiKey->isEnabled()); // grounded needs no key

        replaceText(panel, QStringLiteral("listenAddress"), QStringLiteral("::1"));
        replaceText(panel, QStringLiteral("listenPort"), QStringLiteral("9100"));
        auto *workers = child<QSpinBox>(panel, QStringLiteral("workerCount"));
        workers->selectAll();
        QTest::keyClicks(workers, QStringLiteral("7"));
        QCOMPARE(workers->value(), 7);
        replaceText(panel, QStringLiteral("databaseUrl"), database);
        auto *provider = child<QComboBox>(panel, QStringLiteral("provider"));
        provider->setCurrentIndex(provider->findData(int(ChatSettings::Provider::OpenAi)));
        QVERIFY(apiKey->isEnabled());
        replaceText(panel, QStringLiteral("providerBaseUrl"), QStringLiteral("https://llm.example.com/v1"));
        replaceText(panel, QStringLiteral("providerModel"), QStringLiteral("model-one"));
        QCOMPARE(apiKey->echoMode(), QLineEdit::Password);
        replaceText(panel, QStringLiteral("providerApiKey"), QStringLiteral("sk-panel-secret"));

        QSignalSpy saved(&panel, &SettingsPanel::saved);
        QTest::mouseClick(child<QPushButton>(panel, QStringLiteral("saveSettingsButton")), Qt::LeftButton);
        QVERIFY(saved.wait());
        QVERIFY(!child<QLabel>(panel, QStringLiteral("settingsError"))->isVisible());
        const QString status = textOf(panel, QStringLiteral("settingsStatus"));
        QVERIFY2(status.contains(QLatin1String("take effect at the next start")), qPrintable(status));
        QVERIFY(apiKey->text().isEmpty()); // the key is not kept in the form
        QVERIFY(textOf(panel, QStringLiteral("apiKeyStatus")).contains(QLatin1String("A key is stored")));
    }

    const ConsoleSettings::Loaded loaded = ConsoleSettings::load(m_path);
    QCOMPARE(loaded.problems, QStringList());
    QCOMPARE(loaded.settings.listenAddress, QStringLiteral("::1"));
    QCOMPARE(loaded.settings.port, 9100);
    QCOMPARE(loaded.settings.workers, 7);
    QCOMPARE(loaded.settings.databaseUrl, database);
    QCOMPARE(loaded.settings.provider, ChatSettings::Provider::OpenAi);
    QCOMPARE(loaded.settings.providerBaseUrl, QStringLiteral("https://llm.example.com/v1"));
    QCOMPARE(loaded.settings.providerModel, QStringLiteral("model-one"));
    QCOMPARE(*keychain->read(ConsoleSettings::kProviderApiKeySecret), QByteArray("sk-panel-secret"));
    QVERIFY(!fileBytes(m_path).contains("sk-panel-secret"));

    // A new panel (the next start) shows the saved values, and that they differ from the ones in effect.
    {
        SettingsPanel panel(SettingsPanelOptions{m_path, keychain, ConsoleSettings::defaults(), {}});
        QVERIFY(showAndWaitForLoad(panel));
        QCOMPARE(textOf(panel, QStringLiteral("listenAddress")), QStringLiteral("::1"));
        QCOMPARE(textOf(panel, QStringLiteral("listenPort")), QStringLiteral("9100"));
        QCOMPARE(child<QSpinBox>(panel, QStringLiteral("workerCount"))->value(), 7);
        QCOMPARE(textOf(panel, QStringLiteral("databaseUrl")), database);
        auto *provider = child<QComboBox>(panel, QStringLiteral("provider"));
        QCOMPARE(provider->currentData().toInt(), int(ChatSettings::Provider::OpenAi));
        QCOMPARE(textOf(panel, QStringLiteral("providerBaseUrl")), QStringLiteral("https://llm.example.com/v1"));
        QCOMPARE(textOf(panel, QStringLiteral("providerModel")), QStringLiteral("model-one"));
        QVERIFY(textOf(panel, QStringLiteral("providerApiKey")).isEmpty());
        QVERIFY(textOf(panel, QStringLiteral("apiKeyStatus")).contains(QLatin1String("A key is stored")));
        const QString port = textOf(panel, QStringLiteral("effectivePort"));
        QVERIFY2(port.startsWith(QLatin1String("8710")) && port.contains(QLatin1String("next start")),
                 qPrintable(port));

        // Removing the stored key is a choice saved like the rest.
        auto *forget = child<QCheckBox>(panel, QStringLiteral("forgetApiKey"));
        QVERIFY(forget->isEnabled());
        forget->setChecked(true);
        QSignalSpy saved(&panel, &SettingsPanel::saved);
        QTest::mouseClick(child<QPushButton>(panel, QStringLiteral("saveSettingsButton")), Qt::LeftButton);
        QVERIFY(saved.wait());
        QCOMPARE(keychain->read(ConsoleSettings::kProviderApiKeySecret).error().code, ErrorCode::NotFound);
        QVERIFY(textOf(panel, QStringLiteral("apiKeyStatus")).contains(QLatin1String("No key is stored")));
    }
}

void TestSettingsPanel::nonLoopbackAddressWarns()
{
    auto keychain = std::make_shared<MemorySecretStore>();
    SettingsPanel panel(SettingsPanelOptions{m_path, keychain, ConsoleSettings::defaults(), {}});
    QVERIFY(showAndWaitForLoad(panel));
    auto *warning = child<QLabel>(panel, QStringLiteral("listenWarning"));
    QVERIFY(!warning->isVisible());
    QVERIFY(!child<QLabel>(panel, QStringLiteral("effectiveListenWarning"))->isVisible());

    replaceText(panel, QStringLiteral("listenAddress"), QStringLiteral("0.0.0.0"));
    QVERIFY(warning->isVisible());
    QVERIFY2(warning->text().contains(QLatin1String("reachable from the network")), qPrintable(warning->text()));
    QVERIFY(warning->text().contains(QLatin1String("every interface")));

    // Allowed all the same.
    QSignalSpy saved(&panel, &SettingsPanel::saved);
    QTest::mouseClick(child<QPushButton>(panel, QStringLiteral("saveSettingsButton")), Qt::LeftButton);
    QVERIFY(saved.wait());
    QCOMPARE(ConsoleSettings::load(m_path).settings.listenAddress, QStringLiteral("0.0.0.0"));
    QVERIFY(warning->isVisible());

    replaceText(panel, QStringLiteral("listenAddress"), QStringLiteral("127.0.0.1"));
    QVERIFY(!warning->isVisible());
}

void TestSettingsPanel::garbageFileIsExplained()
{
    QVERIFY(QDir().mkpath(QFileInfo(m_path).absolutePath()));
    {
        QFile file(m_path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("[endpoint]\nport=lots\n[jobs]\nworkers=3\n");
    }
    auto keychain = std::make_shared<MemorySecretStore>();
    SettingsPanel panel(SettingsPanelOptions{m_path, keychain, ConsoleSettings::defaults(), {}});
    QVERIFY(showAndWaitForLoad(panel));
    auto *error = child<QLabel>(panel, QStringLiteral("settingsError"));
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QLatin1String("\"lots\"")), qPrintable(error->text()));
    QCOMPARE(textOf(panel, QStringLiteral("listenPort")), QStringLiteral("8710"));
    QCOMPARE(child<QSpinBox>(panel, QStringLiteral("workerCount"))->value(), 3);
}

void TestSettingsPanel::keyThatCannotBeStoredSavesNothing()
{
    auto keychain = std::make_shared<UnreachableKeychain>();
    SettingsPanel panel(SettingsPanelOptions{m_path, keychain, ConsoleSettings::defaults(), {}});
    QVERIFY(showAndWaitForLoad(panel));
    QVERIFY(textOf(panel, QStringLiteral("apiKeyStatus")).contains(QLatin1String("cannot be reached")));
    auto *provider = child<QComboBox>(panel, QStringLiteral("provider"));
    provider->setCurrentIndex(provider->findData(int(ChatSettings::Provider::OpenAi)));
    replaceText(panel, QStringLiteral("providerApiKey"), QStringLiteral("sk-nowhere"));

    QSignalSpy failed(&panel, &SettingsPanel::saveFailed);
    QTest::mouseClick(child<QPushButton>(panel, QStringLiteral("saveSettingsButton")), Qt::LeftButton);
    QVERIFY(failed.wait());
    const QString error = textOf(panel, QStringLiteral("settingsError"));
    QVERIFY2(error.contains(QLatin1String("could not be stored")) && error.contains(QLatin1String("Nothing was saved")),
             qPrintable(error));
    QVERIFY(!QFile::exists(m_path));
    QCOMPARE(textOf(panel, QStringLiteral("providerApiKey")), QStringLiteral("sk-nowhere")); // nothing typed is lost
}

void TestSettingsPanel::valuesInEffectAndOverridesAreShown()
{
    ConsoleSettings now = ConsoleSettings::defaults();
    now.port = 9555;
    now.listenAddress = QStringLiteral("192.168.7.7");
    now.databaseUrl = QStringLiteral("postgresql://twinops:pw-in-url@db.example.com/twinops");
    auto keychain = std::make_shared<MemorySecretStore>();
    SettingsPanel panel(
        SettingsPanelOptions{m_path, keychain, now, {QStringLiteral("--port on the command line sets the port.")}});
    QVERIFY(showAndWaitForLoad(panel));
    QVERIFY(textOf(panel, QStringLiteral("effectivePort")).startsWith(QLatin1String("9555")));
    QVERIFY(textOf(panel, QStringLiteral("effectiveListenAddress")).startsWith(QLatin1String("192.168.7.7")));
    const QString database = textOf(panel, QStringLiteral("effectiveDatabase"));
    QVERIFY2(database.contains(QLatin1String("db.example.com")), qPrintable(database));
    QVERIFY(!database.contains(QLatin1String("pw-in-url")));
    QVERIFY(textOf(panel, QStringLiteral("settingsOverrides")).contains(QLatin1String("--port")));
    auto *exposure = child<QLabel>(panel, QStringLiteral("effectiveListenWarning"));
    QVERIFY(exposure->isVisible());
    QVERIFY(exposure->text().contains(QLatin1String("reachable from the network")));
    QVERIFY(textOf(panel, QStringLiteral("settingsRestartNote")).contains(QLatin1String("next start")));
}

void TestSettingsPanel::withoutFileNothingCanBeSaved()
{
    SettingsPanel panel(SettingsPanelOptions{});
    QVERIFY(showAndWaitForLoad(panel));
    QVERIFY(!child<QPushButton>(panel, QStringLiteral("saveSettingsButton"))->isEnabled());
    QVERIFY(textOf(panel, QStringLiteral("settingsRestartNote")).contains(QLatin1String("nothing can be saved")));
    QVERIFY(!child<QLineEdit>(panel, QStringLiteral("providerApiKey"))->isEnabled());
    panel.save(); // called anyway: explained, not a crash
    QVERIFY(child<QLabel>(panel, QStringLiteral("settingsError"))->isVisible());
}

QTEST_MAIN(TestSettingsPanel)
#include "tst_settingspanel.moc"
