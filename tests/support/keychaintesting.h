#pragma once

// The real keychain tests run only with a D-Bus session bus (scripts/test.sh starts one with an unlocked
// gnome-keyring and sets TWINOPS_TEST_REQUIRE_KEYRING=1, so there a missing bus fails instead of skipping).
#include <QDBusConnection>
#include <QTest>

#define TWINOPS_REQUIRE_SESSION_BUS()                                                                                  \
    do {                                                                                                               \
        if (!QDBusConnection::sessionBus().isConnected()) {                                                            \
            if (qEnvironmentVariable("TWINOPS_TEST_REQUIRE_KEYRING") == QLatin1String("1"))                            \
                QFAIL("TWINOPS_TEST_REQUIRE_KEYRING=1 but there is no D-Bus session bus");                             \
            QSKIP("no D-Bus session bus (scripts/test.sh provides one with a keyring)");                               \
        }                                                                                                              \
    } while (false)

#include <QCoreApplication>
#include <QMetaObject>
#include <QProcess>
#include <QTemporaryDir>

namespace twinops::test {

// Qt connects to the session bus once per process, so "no keychain" needs a process of its own: this test binary
// again, running only `function` (which starts with TWINOPS_SKIP_UNLESS_NO_BUS_CHILD) without a bus address, as on
// a first start on a machine without a keyring. `alsoUnset` names more variables the child must not see. True when
// the child's function passed; `output` gets what the child printed.
inline bool passesWithoutSessionBus(const QObject &test, const char *function, const QStringList &alsoUnset,
                                    QByteArray *output)
{
    QTemporaryDir runtime;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
    for (const QString &name : alsoUnset)
        environment.remove(name);
    environment.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime.path());
    environment.insert(QStringLiteral("TWINOPS_TEST_NO_DBUS_CHILD"), QStringLiteral("1"));
    QProcess child;
    child.setProcessEnvironment(environment);
    child.setProcessChannelMode(QProcess::MergedChannels);
    child.start(QCoreApplication::applicationFilePath(), {QString::fromLatin1(function)});
    const bool finished = child.waitForFinished(60'000);
    *output = child.readAll();
    const QByteArray pass = QByteArray("PASS   : ") + test.metaObject()->className() + "::" + function + "()";
    return finished && child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0 && output->contains(pass);
}

} // namespace twinops::test

// The first line of a function that passesWithoutSessionBus runs: anywhere else it skips.
#define TWINOPS_SKIP_UNLESS_NO_BUS_CHILD()                                                                             \
    do {                                                                                                               \
        if (qEnvironmentVariable("TWINOPS_TEST_NO_DBUS_CHILD") != QLatin1String("1"))                                  \
            QSKIP("runs in a child process without a session bus");                                                    \
    } while (false)
