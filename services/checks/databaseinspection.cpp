#include "checks/databaseinspection.h"

#include "storage/databaseurl.h"

#include <QFileInfo>

#include <algorithm>

namespace twinops {

namespace {

Result<QList<TableSize>> postgresTableSizes(Database &db)
{
    // Every table of every schema but the system's. Partitions are listed themselves: a partitioned parent
    // (relkind 'p') holds no data of its own.
    TWINOPS_TRY_ASSIGN(
        const auto rows,
        db.query(QStringLiteral(
            "SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname), "
            "       pg_catalog.pg_total_relation_size(c.oid), c.reltuples::bigint "
            "  FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace "
            " WHERE c.relkind = 'r' "
            "   AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' "
            " ORDER BY 2 DESC, 1")));
    QList<TableSize> tables;
    for (const Row row : rows)
        tables.append({row.text(0), row.integer(1), row.integer(2) < 0 ? -1 : row.integer(2)});
    return tables;
}

Result<QList<TableSize>> sqliteTableSizes(Database &db)
{
    TWINOPS_TRY_ASSIGN(const auto names,
                       db.query(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' "
                                               "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")));
    // dbstat (a compile-time option of SQLite) gives each table's pages with its indexes; without it only the
    // file's total is known, so the sizes stay unknown and the rows say how big each table is.
    QHash<QString, qint64> bytes;
    if (auto stat = db.query(QStringLiteral("SELECT m.tbl_name, SUM(d.pgsize) FROM dbstat AS d "
                                            "JOIN sqlite_master AS m ON m.name = d.name GROUP BY m.tbl_name"));
        stat.ok()) {
        for (const Row row : *stat)
            bytes.insert(row.text(0), row.integer(1));
    }
    QList<TableSize> tables;
    for (const Row row : names) {
        const QString name = row.text(0);
        QString quoted = name;
        quoted.replace(u'"', QStringLiteral("\"\""));
        TWINOPS_TRY_ASSIGN(const auto count, db.query(QStringLiteral("SELECT count(*) FROM \"%1\"").arg(quoted)));
        tables.append({name, bytes.value(name, -1), count.first().integer(0)});
    }
    std::stable_sort(tables.begin(), tables.end(),
                     [](const TableSize &a, const TableSize &b) { return a.bytes > b.bytes; });
    return tables;
}

Result<MigrationStatus> migrationStatus(Database &db)
{
    // readApplied() and validate() only read; status() would too, but saying so here keeps migrate() out of reach.
    TWINOPS_TRY_ASSIGN(const auto shipped, Migrator::embedded(db.dialect()));
    Migrator migrator(db, shipped);
    TWINOPS_TRY_ASSIGN(const auto applied, migrator.readApplied());
    return Migrator::validate(shipped, applied);
}

} // namespace

int DatabaseInspection::schemaVersion() const
{
    if (!migrations.ok() || migrations->applied.isEmpty())
        return 0;
    return migrations->applied.constLast().version;
}

QString connectionFailureText(const Error &error)
{
    const QString &m = error.message;
    const auto has = [&m](const char *text) { return m.contains(QLatin1String(text), Qt::CaseInsensitive); };
    QString what;
    if (has("password authentication failed") || has("no pg_hba.conf entry") || has("authentication failed")
        || has("no password supplied") || (has("role") && has("does not exist")))
        what = QStringLiteral("authentication failed");
    else if (has("timeout expired") || has("timed out") || has("statement timeout"))
        what = QStringLiteral("timed out");
    else if (has("permission denied"))
        what = QStringLiteral("permission denied");
    else if (error.code == ErrorCode::Unavailable)
        what = QStringLiteral("unreachable");
    else
        return m;
    return QStringLiteral("%1: %2").arg(what, m);
}

DatabaseInspection inspectDatabase(Database &db)
{
    DatabaseInspection inspection;
    inspection.description = db.description();
    inspection.dialect = db.dialect();
    if (db.dialect() == Dialect::Postgres)
        inspection.lint = lintPostgres(db);
    inspection.migrations = migrationStatus(db);
    inspection.tables = db.dialect() == Dialect::Postgres ? postgresTableSizes(db) : sqliteTableSizes(db);
    return inspection;
}

Result<DatabaseInspection> inspectDatabase(const QString &dsn)
{
    auto url = DatabaseUrl::parse(dsn);
    if (!url.ok())
        return url.error(); // its messages describe the form expected, never the text given
    // A DSN that is not a URL parses as a SQLite path; its text may hold a password, so it is never echoed.
    if (url->dialect() == Dialect::Sqlite && !QFileInfo(url->sqlitePath()).isFile())
        return Error::badRequest(QStringLiteral("no such SQLite file; a PostgreSQL DSN starts with postgres://"));
    auto db = Database::openReadOnly(*url);
    if (!db.ok())
        return Error{db.error().code, connectionFailureText(db.error()), {}, 0};
    return inspectDatabase(**db);
}

} // namespace twinops
