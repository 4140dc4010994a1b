#pragma once

#include "storage/database.h"
#include "storage/databaseurl.h"

#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

namespace twinops::test {

// The backends every storage-level suite runs against. Call from initTestCase_data():
// each test function then runs once per row ("sqlite", "postgres") with QFETCH_GLOBAL(Dialect, dialect).
void addBackendRows();

// A loopback TCP port on which nothing listens (bound once, then released).
quint16 closedLoopbackPort();

// The DSN of the test cluster (TWINOPS_TEST_PG_DSN, else the one the pg fixture wrote), or empty.
QString postgresAdminDsn();

// A fresh, empty database of one dialect: a file in a temporary directory, or a new PostgreSQL database
// created on the test cluster and dropped again by the destructor.
class TestDatabase
{
public:
    // Fails the current test (QFAIL-style, returns nullopt) when PostgreSQL is not reachable, unless
    // TWINOPS_TEST_SKIP_PG=1 asks to skip it (for local runs only; the README command and CI never set it).
    static std::unique_ptr<TestDatabase> create(Dialect dialect);
    ~TestDatabase();

    const DatabaseUrl &url() const { return *m_url; }
    std::unique_ptr<Database> connect() const; // QVERIFY-fails the test on error
    // A connection with every embedded migration applied.
    std::unique_ptr<Database> connectMigrated() const;

private:
    TestDatabase() = default;
    QTemporaryDir m_dir;
    std::optional<DatabaseUrl> m_url;
    QString m_postgresName;
};

// The current test function's backend: the Dialect of the global data row.
Dialect currentDialect();

} // namespace twinops::test

Q_DECLARE_METATYPE(twinops::Dialect)

// Declares `var`, a fresh database of the current backend, or returns from the test function (failed or skipped).
#define TWINOPS_FRESH_DATABASE(var)                                                                                    \
    auto var = ::twinops::test::TestDatabase::create(::twinops::test::currentDialect());                               \
    if (!var)                                                                                                          \
        return;

// QVERIFY for a Result: on failure the message says what the service said.
#define TWINOPS_VERIFY_OK(expr)                                                                                        \
    do {                                                                                                               \
        const auto &twinopsVerified_ = (expr);                                                                         \
        QVERIFY2(twinopsVerified_.ok(), twinopsVerified_.ok() ? "" : qPrintable(twinopsVerified_.error().message));    \
    } while (false)
