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
