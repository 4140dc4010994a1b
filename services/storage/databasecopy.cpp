#include "storage/databasecopy.h"

#include "core/logging.h"
#include "storage/migrator.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QSet>
#include <QtEndian>

#include <array>

namespace twinops {

namespace {

// What one database's catalog says about a table.
struct CatalogTable
{
    QList<CopyColumn> columns;
    QStringList primaryKey;
    QStringList references;
    bool hasSequence = false;
};

using Catalog = QMap<QString, CatalogTable>;

// Rows per INSERT statement: one round trip for many rows (PostgreSQL answers each statement), within both
// dialects' limit on parameters (SQLite 32766, PostgreSQL 65535).
constexpr int kRowsPerInsert = 100;
constexpr int kMaxParameters = 30000;

QString quoted(const QString &name)
{
    return u'"' + QString(name).replace(u'"', QStringLiteral("\"\"")) + u'"';
}

// A PostgreSQL table name as pg_get_serial_sequence() reads it.
QString qualified(const QString &table)
{
    return QStringLiteral("public.") + quoted(table);
}

// SQLite's type affinity rules (https://sqlite.org/datatype3.html, 3.1), as far as our schema needs them.
ColumnKind sqliteKind(const QString &declared)
{
    const QString type = declared.toUpper();
    if (type.contains(QLatin1String("INT")))
        return ColumnKind::Integer;
    if (type.contains(QLatin1String("REAL")) || type.contains(QLatin1String("FLOA"))
        || type.contains(QLatin1String("DOUB")))
        return ColumnKind::Real;
    if (type.isEmpty() || type.contains(QLatin1String("BLOB")))
        return ColumnKind::Bytes;
    return ColumnKind::Text;
}

Result<ColumnKind> postgresKind(const QString &table, const QString &column, const QString &type)
{
    static const QHash<QString, ColumnKind> kinds{
        {QStringLiteral("smallint"), ColumnKind::Integer},
        {QStringLiteral("integer"), ColumnKind::Integer},
        {QStringLiteral("bigint"), ColumnKind::Integer},
        {QStringLiteral("real"), ColumnKind::Real},
        {QStringLiteral("double precision"), ColumnKind::Real},
        {QStringLiteral("boolean"), ColumnKind::Boolean},
        {QStringLiteral("timestamp with time zone"), ColumnKind::Time},
        {QStringLiteral("timestamp without time zone"), ColumnKind::Time},
        {QStringLiteral("json"), ColumnKind::Json},
        {QStringLiteral("jsonb"), ColumnKind::Json},
        {QStringLiteral("bytea"), ColumnKind::Bytes},
        {QStringLiteral("text"), ColumnKind::Text},
        {QStringLiteral("character varying"), ColumnKind::Text},
        {QStringLiteral("uuid"), ColumnKind::Text},
    };
    const auto it = kinds.constFind(type);
    if (it == kinds.constEnd())
        return Error::internal(QStringLiteral("cannot copy %1.%2: PostgreSQL type %3 is not supported by the copy")
                                   .arg(table, column, type));
    return *it;
}

Result<Catalog> readSqliteCatalog(Database &db)
{
    TWINOPS_TRY_ASSIGN(
        const Rows tables,
        db.query(QStringLiteral(
            "SELECT l.name, coalesce(m.sql, '') FROM pragma_table_list AS l JOIN sqlite_schema AS m ON m.name = l.name "
            "WHERE l.schema = 'main' AND l.type = 'table' AND l.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "AND l.name <> 'schema_migrations'")));
    Catalog catalog;
    for (const Row table : tables) {
        const QString name = table.text(0);
        CatalogTable &entry = catalog[name];
        entry.hasSequence = table.text(1).contains(QLatin1String("AUTOINCREMENT"), Qt::CaseInsensitive);
        // hidden = 0: neither the hidden columns of virtual tables nor generated ones.
        TWINOPS_TRY_ASSIGN(
            const Rows columns,
            db.query(QStringLiteral("SELECT name, type, pk FROM pragma_table_xinfo($1) WHERE hidden = 0 ORDER BY cid"),
                     {name}));
        QMap<qint64, QString> key;
        for (const Row column : columns) {
            entry.columns.append({column.text(0), sqliteKind(column.text(1))});
            if (column.integer(2) > 0)
                key.insert(column.integer(2), column.text(0));
        }
        entry.primaryKey = key.values();
        TWINOPS_TRY_ASSIGN(
            const Rows references,
            db.query(QStringLiteral("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list($1)"), {name}));
        for (const Row reference : references)
            entry.references.append(reference.text(0));
    }
    return catalog;
}

Result<Catalog> readPostgresCatalog(Database &db)
{
    TWINOPS_TRY_ASSIGN(
        const Rows tables,
        db.query(QStringLiteral("SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace "
                                "n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind "
                                "IN ('r', 'p') AND c.relname <> 'schema_migrations'")));
    Catalog catalog;
    for (const Row table : tables) {
        const QString name = table.text(0);
        CatalogTable &entry = catalog[name];
        TWINOPS_TRY_ASSIGN(
            const Rows columns,
            db.query(QStringLiteral("SELECT column_name, data_type, is_identity = 'YES' OR "
                                    "coalesce(column_default, '') LIKE 'nextval(%' "
                                    "FROM information_schema.columns WHERE table_schema = 'public' AND "
                                    "table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position"),
                     {name}));
        for (const Row column : columns) {
            TWINOPS_TRY_ASSIGN(const ColumnKind kind, postgresKind(name, column.text(0), column.text(1)));
            entry.columns.append({column.text(0), kind});
            entry.hasSequence = entry.hasSequence || column.boolean(2);
        }
        TWINOPS_TRY_ASSIGN(const Rows key,
                           db.query(QStringLiteral("SELECT a.attname FROM pg_catalog.pg_index i JOIN "
                                                   "pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum "
                                                   "= ANY (i.indkey) WHERE i.indrelid = ('public.' || "
                                                   "pg_catalog.quote_ident($1))::regclass AND i.indisprimary "
                                                   "ORDER BY pg_catalog.array_position(i.indkey::int2[], a.attnum)"),
                                    {name}));
        for (const Row column : key)
            entry.primaryKey.append(column.text(0));
        TWINOPS_TRY_ASSIGN(
            const Rows references,
            db.query(QStringLiteral("SELECT DISTINCT r.relname FROM pg_catalog.pg_constraint c JOIN "
                                    "pg_catalog.pg_class r ON r.oid = c.confrelid WHERE c.contype = 'f' "
                                    "AND c.conrelid = ('public.' || pg_catalog.quote_ident($1))::regclass"),
                     {name}));
        for (const Row reference : references)
            entry.references.append(reference.text(0));
    }
    return catalog;
}

Result<Catalog> readCatalog(Database &db)
{
    return db.dialect() == Dialect::Postgres ? readPostgresCatalog(db) : readSqliteCatalog(db);
}

QStringList quotedNames(const QList<CopyColumn> &columns)
{
    QStringList names;
    for (const CopyColumn &column : columns)
        names.append(quoted(column.name));
    return names;
}

QStringList columnNames(const QList<CopyColumn> &columns)
{
    QStringList names;
    for (const CopyColumn &column : columns)
        names.append(column.name);
    return names;
}

// Foreign keys first: a table comes after every table it references (Kahn's algorithm, ties by name so that the
// order is the same on every run).
Result<QStringList> dependencyOrder(const Catalog &catalog)
{
    QStringList ordered;
    QSet<QString> placed;
    while (ordered.size() < catalog.size()) {
        bool progressed = false;
        for (auto it = catalog.constBegin(); it != catalog.constEnd(); ++it) {
            if (placed.contains(it.key()))
                continue;
            const bool ready = std::all_of(it->references.cbegin(), it->references.cend(), [&](const QString &ref) {
                return ref == it.key() || placed.contains(ref) || !catalog.contains(ref);
            });
            if (!ready)
                continue;
            ordered.append(it.key());
            placed.insert(it.key());
            progressed = true;
            break;
        }
        if (!progressed) {
            QStringList rest;
            for (auto it = catalog.constBegin(); it != catalog.constEnd(); ++it)
                if (!placed.contains(it.key()))
                    rest.append(it.key());
            return Error::internal(
                QStringLiteral("cannot order the tables %1: their foreign keys form a cycle").arg(rest.join(u", ")));
        }
    }
    return ordered;
}

// A JSON value (object, array or scalar) in compact form with sorted keys: what the application writes and what
// jsonb's rewritten text comes back to.
QByteArray canonicalJson(const QString &text)
{
    const QJsonDocument wrapped = QJsonDocument::fromJson(QByteArray("[") + text.toUtf8() + ']');
    if (!wrapped.isArray() || wrapped.array().size() != 1)
        return text.toUtf8(); // not JSON: compared as written
    const QByteArray compact = QJsonDocument(wrapped.array()).toJson(QJsonDocument::Compact);
    return compact.mid(1, compact.size() - 2);
}

// The value to insert into the target: what the target's driver binds as the column's type.
QVariant parameter(const Row &row, int column, ColumnKind kind, Dialect target)
{
    if (row.isNull(column))
        return {};
    switch (kind) {
    case ColumnKind::Integer: return row.integer(column);
    case ColumnKind::Real: return row.real(column);
    case ColumnKind::Boolean: return row.boolean(column);
    case ColumnKind::Time: return row.time(column);
    case ColumnKind::Json:
        // jsonb keeps its own text form; SQLite gets the compact text the application writes.
        return target == Dialect::Sqlite ? QVariant(QString::fromUtf8(canonicalJson(row.text(column))))
                                         : QVariant(row.text(column));
    case ColumnKind::Bytes: return row.bytes(column);
    case ColumnKind::Text: return row.text(column);
    }
    return row.value(column);
}

// One value in a form that does not depend on the dialect: a tag, then the length of what follows, then the value.
void addCanonical(QCryptographicHash &hash, const Row &row, int column, ColumnKind kind)
{
    if (row.isNull(column)) {
        hash.addData(QByteArrayView("N;"));
        return;
    }
    QByteArray value;
    char tag = 'S';
    switch (kind) {
    case ColumnKind::Integer:
        tag = 'I';
        value = QByteArray::number(row.integer(column));
        break;
    case ColumnKind::Real:
        tag = 'R';
        value = QByteArray::number(row.real(column), 'g', 17);
        break;
    case ColumnKind::Boolean:
        tag = 'B';
        value = row.boolean(column) ? "1" : "0";
        break;
    case ColumnKind::Time:
        tag = 'T';
        value = QByteArray::number(row.time(column).toMSecsSinceEpoch());
        break;
    case ColumnKind::Json:
        tag = 'J';
        value = canonicalJson(row.text(column));
        break;
    case ColumnKind::Bytes:
        tag = 'X';
        value = row.bytes(column);
        break;
    case ColumnKind::Text: value = row.text(column).toUtf8(); break;
    }
    hash.addData(QByteArray(QByteArray(1, tag) + QByteArray::number(value.size()) + ':'));
    hash.addData(value);
}

// The checksum of a table: the SHA-256 of each row's canonical form, added up lane by lane (four 64-bit lanes,
// modulo 2^64). A sum does not depend on the order of the rows, so each database reads in its own primary-key
// index order: PostgreSQL orders text by its collation, SQLite by bytes.
class TableDigest
{
public:
    void add(const Row &row, const QList<CopyColumn> &columns)
    {
        QCryptographicHash hash(QCryptographicHash::Sha256);
        for (int c = 0; c < columns.size(); ++c)
            addCanonical(hash, row, c, columns.at(c).kind);
        const QByteArray digest = hash.result();
        for (size_t lane = 0; lane < m_lanes.size(); ++lane)
            m_lanes[lane] += qFromBigEndian<quint64>(digest.constData() + 8 * lane);
        ++m_rows;
    }
    qint64 rows() const { return m_rows; }
    QByteArray hex() const
    {
        QByteArray bytes(32, Qt::Uninitialized);
        for (size_t lane = 0; lane < m_lanes.size(); ++lane)
            qToBigEndian(m_lanes[lane], bytes.data() + 8 * lane);
        return bytes.toHex();
    }

private:
    std::array<quint64, 4> m_lanes{};
    qint64 m_rows = 0;
};

// Reads a table in primary-key order, `batchRows` rows per query (keyset: after the last key seen), and hands each
// batch to `consume`, which may stop the scan with an error.
Status scan(Database &db, const CopyTable &table, int batchRows, const std::function<Status(const Rows &)> &consume)
{
    QStringList key, placeholders;
    QList<int> keyColumns;
    for (const QString &name : table.primaryKey) {
        key.append(quoted(name));
        placeholders.append(u'$' + QString::number(placeholders.size() + 1));
        keyColumns.append(int(columnNames(table.columns).indexOf(name)));
    }
    const QString select
        = QStringLiteral("SELECT %1 FROM %2").arg(quotedNames(table.columns).join(u", "), quoted(table.name));
    const QString order = QStringLiteral(" ORDER BY %1 LIMIT %2").arg(key.join(u", ")).arg(batchRows);
    const QString first = select + order;
    const QString next
        = select + QStringLiteral(" WHERE (%1) > (%2)").arg(key.join(u", "), placeholders.join(u", ")) + order;
    QVariantList after;
    while (true) {
        TWINOPS_TRY_ASSIGN(const Rows rows, db.query(after.isEmpty() ? first : next, after));
        if (rows.isEmpty())
            return {};
        TWINOPS_TRY(consume(rows));
        if (rows.size() < batchRows)
            return {};
        const Row last = rows.at(rows.size() - 1);
        after.clear();
        for (int column : keyColumns)
            after.append(last.value(column));
    }
}

// The source's consistent view: one read-only transaction for the whole copy. SQLite's deferred BEGIN takes no
// write lock (the WAL lets the server keep writing); PostgreSQL's repeatable read is one snapshot.
class ReadSnapshot
{
public:
    explicit ReadSnapshot(Database &db)
        : m_db(db)
    { }
    ~ReadSnapshot()
    {
        if (m_open)
            (void)m_db.query(QStringLiteral("ROLLBACK"));
    }
    Status begin()
    {
        TWINOPS_TRY(m_db.query(m_db.dialect() == Dialect::Postgres
                                   ? QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                                   : QStringLiteral("BEGIN DEFERRED")));
        m_open = true;
        return {};
    }

private:
    Database &m_db;
    bool m_open = false;
};

// The highest value the table's id counter handed out (0 when none).
Result<qint64> sequencePosition(Database &db, const CopyTable &table)
{
    if (db.dialect() == Dialect::Sqlite) {
        // sqlite_sequence exists once any table with AUTOINCREMENT does.
        TWINOPS_TRY_ASSIGN(
            const Rows exists,
            db.query(QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_sequence'")));
        if (exists.first().integer(0) == 0)
            return 0;
        TWINOPS_TRY_ASSIGN(const Rows rows,
                           db.query(QStringLiteral("SELECT seq FROM sqlite_sequence WHERE name = $1"), {table.name}));
        return rows.isEmpty() ? 0 : rows.first().integer(0);
    }
    TWINOPS_TRY_ASSIGN(const Rows rows,
                       db.query(QStringLiteral("SELECT pg_catalog.pg_sequence_last_value("
                                               "pg_catalog.pg_get_serial_sequence($1, $2)::regclass)"),
                                {qualified(table.name), table.primaryKey.first()}));
    return rows.isEmpty() ? 0 : rows.first().integer(0);
}

} // namespace

bool CopyReport::verified() const
{
    return std::all_of(tables.cbegin(), tables.cend(), [](const TableVerification &t) { return t.matches(); });
}

qint64 CopyReport::rows() const
{
    qint64 total = 0;
    for (const TableVerification &t : tables)
        total += t.targetRows;
    return total;
}

DatabaseCopy::DatabaseCopy(Database &source, Database &target)
    : m_source(source)
    , m_target(target)
{ }

void DatabaseCopy::report(CopyProgress::Phase phase, const QString &table, int index, int count, qint64 done,
                          qint64 total)
{
    if (m_progress)
        m_progress({phase, table, index, count, done, total});
}

Result<QList<CopyTable>> DatabaseCopy::tables()
{
    TWINOPS_TRY_ASSIGN(const Catalog source, readCatalog(m_source));
    TWINOPS_TRY_ASSIGN(const Catalog target, readCatalog(m_target));
    const QStringList sourceNames = source.keys(), targetNames = target.keys();
    if (sourceNames != targetNames)
        return Error::internal(QStringLiteral("the schemas differ: the source has the tables %1, the target %2")
                                   .arg(sourceNames.join(u", "), targetNames.join(u", ")));
    // The kinds come from PostgreSQL's catalog when either side is PostgreSQL: SQLite's types do not tell times
    // and booleans from integers, nor JSON from text.
    const Catalog &typed = m_target.dialect() == Dialect::Postgres ? target : source;
    TWINOPS_TRY_ASSIGN(const QStringList order, dependencyOrder(source));
    QList<CopyTable> tables;
    for (const QString &name : order) {
        const CatalogTable &from = source[name];
        const CatalogTable &to = target[name];
        QStringList fromColumns = columnNames(from.columns), toColumns = columnNames(to.columns);
        fromColumns.sort();
        toColumns.sort();
        if (fromColumns != toColumns)
            return Error::internal(QStringLiteral("the schemas differ: %1 has the columns %2 in the source, %3 in the "
                                                  "target")
                                       .arg(name, fromColumns.join(u", "), toColumns.join(u", ")));
        if (from.primaryKey.isEmpty())
            return Error::internal(QStringLiteral("cannot copy %1: it has no primary key").arg(name));
        CopyTable table{name, {}, from.primaryKey, from.references, from.hasSequence || to.hasSequence};
        const QStringList typedColumns = columnNames(typed[name].columns);
        for (const CopyColumn &column : from.columns)
            table.columns.append({column.name, typed[name].columns.at(typedColumns.indexOf(column.name)).kind});
        tables.append(std::move(table));
    }
    return tables;
}

Status DatabaseCopy::checkSource(int *version)
{
    TWINOPS_TRY_ASSIGN(QList<Migration> shipped, Migrator::embedded(m_source.dialect()));
    const int latest = int(shipped.size());
    Migrator migrator(m_source, std::move(shipped));
    TWINOPS_TRY_ASSIGN(const MigrationStatus status, migrator.status());
    if (status.applied.isEmpty())
        return Error::conflict(QStringLiteral("the source %1 is not a TwinOps database (no migration applied)")
                                   .arg(m_source.description()));
    if (!status.newer.isEmpty())
        return Error::conflict(QStringLiteral("the source %1 is at schema version %2, newer than this build's %3: copy "
                                              "with the release that migrated it, or run its twinopsd migrate --to %3 "
                                              "first")
                                   .arg(m_source.description())
                                   .arg(status.newer.last().version)
                                   .arg(latest));
    if (!status.pending.isEmpty())
        return Error::conflict(QStringLiteral("the source %1 is at schema version %2, older than this build's %3: run "
                                              "twinopsd migrate on it first")
                                   .arg(m_source.description())
                                   .arg(status.applied.last().version)
                                   .arg(latest));
    *version = latest;
    return {};
}

Status DatabaseCopy::checkTargetEmpty()
{
    TWINOPS_TRY_ASSIGN(QList<Migration> shipped, Migrator::embedded(m_target.dialect()));
    Migrator migrator(m_target, std::move(shipped));
    // A database that is not ours fails here too (a changed migration, or a newer one): not empty either way.
    auto status = migrator.status();
    if (!status.ok() || !status->applied.isEmpty() || !status->newer.isEmpty())
        return Error::conflict(QStringLiteral("the target %1 is not empty (it has TwinOps migrations applied): copy "
                                              "into a new, empty database")
                                   .arg(m_target.description()));
    return {};
}

Result<CopyReport> DatabaseCopy::run()
{
    int version = 0;
    TWINOPS_TRY(checkSource(&version));
    TWINOPS_TRY(checkTargetEmpty());
    TWINOPS_TRY_ASSIGN(QList<Migration> shipped, Migrator::embedded(m_target.dialect()));
    Migrator migrator(m_target, std::move(shipped));
    if (auto migrated = migrator.migrate(); !migrated.ok())
        return emptyTargetAfter(migrated.error());
    auto report = copyAll(version);
    if (!report.ok())
        return emptyTargetAfter(report.error());
    return report;
}

Error DatabaseCopy::emptyTargetAfter(const Error &failure)
{
    TWINOPS_TRY_ASSIGN(QList<Migration> shipped, Migrator::embedded(m_target.dialect()));
    Migrator migrator(m_target, std::move(shipped));
    if (auto emptied = migrator.migrateTo(0, true); !emptied.ok()) {
        qCWarning(lcStorage).noquote() << "emptying the target after a failed copy failed:" << emptied.error().message;
        return Error{failure.code,
                     QStringLiteral("%1; the target %2 holds a partial copy: drop it (or delete the file) before "
                                    "copying again")
                         .arg(failure.message, m_target.description()),
                     {},
                     0};
    }
    return Error{failure.code, QStringLiteral("%1; the target was emptied again").arg(failure.message), {}, 0};
}

Result<CopyReport> DatabaseCopy::copyAll(int version)
{
    TWINOPS_TRY_ASSIGN(const QList<CopyTable> tables, this->tables());
    ReadSnapshot snapshot(m_source);
    TWINOPS_TRY(snapshot.begin());
    CopyReport report;
    report.schemaVersion = version;
    const int count = int(tables.size());
    for (int i = 0; i < count; ++i) {
        TableVerification verification;
        TWINOPS_TRY(copyTable(tables.at(i), i, count, &verification));
        report.tables.append(verification);
    }
    for (int i = 0; i < count; ++i)
        TWINOPS_TRY(
            checksum(m_target, tables.at(i), i, count, &report.tables[i].targetRows, &report.tables[i].targetChecksum));
    return report;
}

Status DatabaseCopy::copyTable(const CopyTable &table, int index, int count, TableVerification *verification)
{
    TWINOPS_TRY_ASSIGN(const Rows total, m_source.query(QStringLiteral("SELECT count(*) FROM ") + quoted(table.name)));
    const qint64 rowsTotal = total.first().integer(0);
    report(CopyProgress::Phase::Copying, table.name, index, count, 0, rowsTotal);
    const auto columnCount = int(table.columns.size());
    const int rowsPerInsert = std::max(1, std::min(kRowsPerInsert, kMaxParameters / columnCount));
    const QString insertHead
        = QStringLiteral("INSERT INTO %1 (%2) VALUES ").arg(quoted(table.name), quotedNames(table.columns).join(u", "));
    QHash<int, QString> inserts; // by row count: the full size, and the last statement's of the table
    const auto insertOf = [&](int rows) -> const QString & {
        auto it = inserts.find(rows);
        if (it == inserts.end()) {
            QStringList tuples;
            for (int r = 0; r < rows; ++r) {
                QStringList placeholders;
                for (int c = 1; c <= columnCount; ++c)
                    placeholders.append(u'$' + QString::number(r * columnCount + c));
                tuples.append(u'(' + placeholders.join(u", ") + u')');
            }
            it = inserts.insert(rows, insertHead + tuples.join(u", "));
        }
        return *it;
    };
    const Dialect target = m_target.dialect();
    TableDigest digest;
    const Status copied = scan(m_source, table, m_batchRows, [&](const Rows &rows) -> Status {
        if (cancelled())
            return Error{ErrorCode::Cancelled, QStringLiteral("the copy was cancelled"), {}, 0};
        TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(m_target));
        for (int first = 0; first < rows.size(); first += rowsPerInsert) {
            const int n = std::min(rowsPerInsert, rows.size() - first);
            QVariantList values;
            values.reserve(n * columnCount);
            for (int r = first; r < first + n; ++r) {
                const Row row = rows.at(r);
                for (int c = 0; c < columnCount; ++c)
                    values.append(parameter(row, c, table.columns.at(c).kind, target));
                digest.add(row, table.columns);
            }
            if (auto inserted = m_target.query(insertOf(n), values); !inserted.ok())
                return Error{inserted.error().code,
                             QStringLiteral("copying %1: %2").arg(table.name, inserted.error().message),
                             {},
                             0};
        }
        TWINOPS_TRY(tx.commit());
        report(CopyProgress::Phase::Copying, table.name, index, count, digest.rows(), rowsTotal);
        return {};
    });
    if (!copied.ok())
        return copied.error();
    if (table.hasSequence)
        TWINOPS_TRY(continueSequence(table));
    verification->table = table.name;
    verification->sourceRows = digest.rows();
    verification->sourceChecksum = digest.hex();
    return {};
}

// New ids continue after both the highest one copied and the highest one the source ever handed out (a deleted
// row's id is not given out again, as in the source).
Status DatabaseCopy::continueSequence(const CopyTable &table)
{
    if (table.primaryKey.size() != 1)
        return Error::internal(
            QStringLiteral("%1 has a counted id but a primary key of several columns").arg(table.name));
    TWINOPS_TRY_ASSIGN(qint64 position, sequencePosition(m_source, table));
    TWINOPS_TRY_ASSIGN(
        const Rows highest,
        m_target.query(
            QStringLiteral("SELECT max(%1) FROM %2").arg(quoted(table.primaryKey.first()), quoted(table.name))));
    position = std::max(position, highest.first().integer(0));
    if (m_target.dialect() == Dialect::Postgres) {
        const QString sequence = QStringLiteral("pg_catalog.pg_get_serial_sequence($1, $2)::regclass");
        const QVariantList params{qualified(table.name), table.primaryKey.first()};
        return discardRows(
            position > 0
                ? m_target.query(QStringLiteral("SELECT pg_catalog.setval(%1, $3, true)").arg(sequence),
                                 params + QVariantList{position})
                : m_target.query(QStringLiteral("SELECT pg_catalog.setval(%1, 1, false)").arg(sequence), params));
    }
    TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(m_target));
    TWINOPS_TRY(m_target.query(QStringLiteral("DELETE FROM sqlite_sequence WHERE name = $1"), {table.name}));
    if (position > 0)
        TWINOPS_TRY(m_target.query(QStringLiteral("INSERT INTO sqlite_sequence (name, seq) VALUES ($1, $2)"),
                                   {table.name, position}));
    return tx.commit();
}

Status DatabaseCopy::checksum(Database &db, const CopyTable &table, int index, int count, qint64 *rows, QByteArray *sum)
{
    TableDigest digest;
    report(CopyProgress::Phase::Verifying, table.name, index, count, 0, 0);
    TWINOPS_TRY(scan(db, table, m_batchRows, [&](const Rows &batch) -> Status {
        if (cancelled())
            return Error{ErrorCode::Cancelled, QStringLiteral("the copy was cancelled"), {}, 0};
        for (const Row row : batch)
            digest.add(row, table.columns);
        report(CopyProgress::Phase::Verifying, table.name, index, count, digest.rows(), 0);
        return {};
    }));
    *rows = digest.rows();
    *sum = digest.hex();
    return {};
}

Result<CopyReport> DatabaseCopy::verify()
{
    TWINOPS_TRY_ASSIGN(const QList<CopyTable> tables, this->tables());
    CopyReport report;
    const int count = int(tables.size());
    for (int i = 0; i < count; ++i) {
        TableVerification verification;
        verification.table = tables.at(i).name;
        TWINOPS_TRY(checksum(m_source, tables.at(i), i, count, &verification.sourceRows, &verification.sourceChecksum));
        TWINOPS_TRY(checksum(m_target, tables.at(i), i, count, &verification.targetRows, &verification.targetChecksum));
        report.tables.append(verification);
    }
    return report;
}

} // namespace twinops
