// Both programs answer --help and --version (and refuse a mistyped option) without a display, a database or a
// keychain (issue #13): run with no DISPLAY, WAYLAND_DISPLAY, QT_QPA_PLATFORM or session bus, an unreachable
// database in the environment and an empty home, they print, exit and leave the home empty.
#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run
{
    int exitCode = -1; // -1: did not finish in time, -2: crashed
    QString out;
    QString err;
};

// `program` with nothing of the caller's environment but PATH, and a home of its own.
Run runBare(const QString &program, const QStringList &arguments, const QString &home)
{
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("PATH"), qEnvironmentVariable("PATH"));
    environment.insert(QStringLiteral("HOME"), home);
    environment.insert(QStringLiteral("XDG_RUNTIME_DIR"), home);
    // Reaching for a database would fail or hang on this: it must not be touched.
    environment.insert(QStringLiteral("TWINOPS_DATABASE_URL"), QStringLiteral("postgres://nobody@192.0.2.1:1/none"));
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(program, arguments);
    if (!process.waitForFinished(30'000)) {
        process.kill();
        process.waitForFinished();
        return {};
    }
    if (process.exitStatus() != QProcess::NormalExit)
        return {-2, {}, QString::fromUtf8(process.readAllStandardError())};
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

} // namespace

class TestHelpVersion final : public QObject
{
    Q_OBJECT
private slots:
    void answersWithoutDisplayDatabaseOrKeychain_data();
    void answersWithoutDisplayDatabaseOrKeychain();
};

void TestHelpVersion::answersWithoutDisplayDatabaseOrKeychain_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("expected"); // on stdout, or on stderr for a failure

    const QString daemon = qEnvironmentVariable("TWINOPSD");
    const QString version = QStringLiteral(TWINOPS_VERSION);
    QTest::newRow("twinopsd --version") << daemon << QStringList{QStringLiteral("--version")} << 0
                                        << QStringLiteral("twinopsd %1\n").arg(version);
    QTest::newRow("twinopsd --help") << daemon << QStringList{QStringLiteral("--help")} << 0
                                     << QStringLiteral("Usage: twinopsd ");
    QTest::newRow("twinopsd serve --help") << daemon << QStringList{QStringLiteral("serve"), QStringLiteral("--help")}
                                           << 0 << QStringLiteral("Usage: twinopsd [--database URL] serve");
#ifdef TWINOPS_CONSOLE
    const QString console = QStringLiteral(TWINOPS_CONSOLE);
    QTest::newRow("twinops --version") << console << QStringList{QStringLiteral("--version")} << 0
                                       << QStringLiteral("twinops %1\n").arg(version);
    QTest::newRow("twinops -v") << console << QStringList{QStringLiteral("-v")} << 0
                                << QStringLiteral("twinops %1\n").arg(version);
    QTest::newRow("twinops --help") << console << QStringList{QStringLiteral("--help")} << 0
                                    << QStringLiteral("Usage: %1 [options]").arg(console);
    QTest::newRow("twinops --help-all") << console << QStringList{QStringLiteral("--help-all")} << 0
                                        << QStringLiteral("Usage: %1 [options]").arg(console);
    QTest::newRow("twinops --bogus") << console << QStringList{QStringLiteral("--bogus")} << 1
                                     << QStringLiteral("Unknown option 'bogus'.");
#endif
}

void TestHelpVersion::answersWithoutDisplayDatabaseOrKeychain()
{
    QFETCH(QString, program);
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, expected);
    QVERIFY2(QFile::exists(program), qPrintable(program));
    QTemporaryDir home;
    QVERIFY(home.isValid());

    const Run run = runBare(program, arguments, home.path());
    QVERIFY2(run.exitCode == exitCode, qPrintable(QStringLiteral("exit %1: %2").arg(run.exitCode).arg(run.err)));
    if (exitCode == 0)
        QVERIFY2(run.out.startsWith(expected), qPrintable(run.out));
    else
        QVERIFY2(run.err.contains(expected), qPrintable(run.err));
    QVERIFY2(
        QDir(home.path()).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
        qPrintable(QDir(home.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).join(u' ')));
}

QTEST_GUILESS_MAIN(TestHelpVersion)
#include "tst_helpversion.moc"
