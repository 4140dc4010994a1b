#pragma once

#include "checks/dblint.h"
#include "core/result.h"
#include "storage/database.h"
#include "storage/migrator.h"

#include <QList>
#include <QString>

#include <optional>

namespace twinops {

// One table of an inspected database, largest first.
struct TableSize
{
    QString table; // schema-qualified on PostgreSQL
    qint64 bytes = -1; // with indexes and TOAST; -1 when the database cannot tell (SQLite without dbstat)
    qint64 rows = -1; // PostgreSQL: the planner's estimate (pg_class.reltuples), -1 before the first ANALYZE
};

// What a read-only look at an environment's database found. The parts fail independently: a role that may not
// read schema_migrations still gets its table sizes.
struct DatabaseInspection
{
    QString description; // without credentials
    Dialect dialect = Dialect::Postgres;
    std::optional<Result<QList<LintFinding>>> lint; // PostgreSQL only
    Result<MigrationStatus> migrations = Error::internal(QStringLiteral("not read"));
    Result<QList<TableSize>> tables = Error::internal(QStringLiteral("not read"));
    // The highest migration applied, 0 when none or unreadable.
    int schemaVersion() const;
};

// Opens `dsn` read-only (Database::openReadOnly) and reads the database lint, the migrations applied (validated
// against this build's, never applied) and the table sizes. Blocking: run it off the GUI thread. Fails only when
// the database cannot be reached, with a one-line error that starts with what happened ("unreachable",
// "authentication failed", "timed out") and never contains the DSN's password.
Result<DatabaseInspection> inspectDatabase(const QString &dsn);

// The same reads on a connection the caller opened (tests, the console's own database).
DatabaseInspection inspectDatabase(Database &db);

// "authentication failed: …", "timed out: …", "unreachable: …" for a failed connection, from libpq's words.
QString connectionFailureText(const Error &error);

} // namespace twinops
