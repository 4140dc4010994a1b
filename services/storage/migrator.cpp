#include "storage/migrator.h"

#include "core/ids.h"
#include "core/logging.h"
#include "storage/backup.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QScopeGuard>

namespace twinops {

namespace {

constexpr qint64 kMigrationLockKey = 0x7477696e6f7073; // "twinops": serialises migrating processes on PostgreSQL

QString createBookkeeping(Dialect dialect)
{
    return dialect == Dialect::Postgres
        ? QStringLiteral("CREATE TABLE IF NOT EXISTS public.schema_migrations (version integer PRIMARY KEY, "
                         "name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL)")
        : QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                         "name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL)");
}

QString bookkeepingExists(Dialect dialect)
{
    return dialect == Dialect::Postgres
        ? QStringLiteral("SELECT to_regclass('public.schema_migrations') IS NOT NULL")
        : QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
}

Result<QByteArray> readFile(const QDir &dir, const QString &file)
{
    QFile f(dir.filePath(file));
    if (!f.open(QIODevice::ReadOnly))
        return Error::internal(QStringLiteral("cannot read migration %1").arg(file));
    return f.readAll();
}

Result<QList<Migration>> parseFiles(const QString &directory)
{
    static const QRegularExpression pattern(QStringLiteral("^(\\d{4})_([a-z0-9_]+)(\\.down)?\\.sql$"));
    const QDir dir(directory);
    if (!dir.exists())
        return Error::internal(QStringLiteral("migration directory %1 does not exist").arg(directory));
    QList<Migration> migrations;
    QStringList downFiles;
    for (const QString &file : dir.entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name)) {
        const auto match = pattern.match(file);
        if (!match.hasMatch())
            return Error::internal(
                QStringLiteral("migration file %1 is not named NNNN_name.sql or NNNN_name.down.sql").arg(file));
        if (match.hasCaptured(3)) {
            downFiles.append(file);
            continue;
        }
        TWINOPS_TRY_ASSIGN(const QByteArray up, readFile(dir, file));
        const QString downFile = QStringLiteral("%1_%2.down.sql").arg(match.captured(1), match.captured(2));
        if (!dir.exists(downFile))
            return Error::internal(QStringLiteral("migration %1 has no down script %2").arg(file, downFile));
        TWINOPS_TRY_ASSIGN(const QByteArray down, readFile(dir, downFile));
        migrations.append({match.captured(1).toInt(), match.captured(2), QString::fromUtf8(up), QString::fromUtf8(down),
                           QString::fromLatin1(QCryptographicHash::hash(up, QCryptographicHash::Sha256).toHex())});
    }
    for (const QString &down : std::as_const(downFiles)) {
        const QString up = QString(down).replace(QStringLiteral(".down.sql"), QStringLiteral(".sql"));
        if (!dir.exists(up))
            return Error::internal(QStringLiteral("down script %1 has no migration %2").arg(down, up));
    }
    for (qsizetype i = 0; i < migrations.size(); ++i) {
        if (migrations.at(i).version != int(i) + 1)
            return Error::internal(
                QStringLiteral("migrations are not numbered 1..N without gaps: expected %1, found %2 (%3)")
                    .arg(i + 1)
                    .arg(migrations.at(i).version)
                    .arg(migrations.at(i).name));
    }
    return migrations;
}

// The tables and columns a down script drops, read from its statements: DROP TABLE t and ALTER TABLE t DROP COLUMN c
// (SQLite 3.35+ has DROP COLUMN, so both dialects write the same statements and no table rebuild hides a drop).
QList<QPair<QString, QString>> droppedByScript(const QString &sql)
{
    static const QRegularExpression dropTable(
        QStringLiteral("\\bDROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:public\\.)?(\\w+)"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression dropColumn(
        QStringLiteral("\\bALTER\\s+TABLE\\s+(?:public\\.)?(\\w+)\\s+DROP\\s+COLUMN\\s+(?:IF\\s+EXISTS\\s+)?(\\w+)"),
        QRegularExpression::CaseInsensitiveOption);
    QList<QPair<QString, QString>> dropped; // (table, column or empty for the whole table)
    for (auto it = dropTable.globalMatch(sql); it.hasNext();) {
        const auto match = it.next();
        dropped.append({match.captured(1), {}});
    }
    for (auto it = dropColumn.globalMatch(sql); it.hasNext();) {
        const auto match = it.next();
        dropped.append({match.captured(1), match.captured(2)});
    }
    return dropped;
}

int currentVersion(const MigrationStatus &status)
{
    int version = 0;
    for (const AppliedMigration &a : status.applied)
        version = std::max(version, a.version);
    return version;
}

} // namespace

Migrator::Migrator(Database &db, QList<Migration> shipped)
    : m_db(db)
    , m_shipped(std::move(shipped))
{ }

Result<QList<Migration>> Migrator::embedded(Dialect dialect)
{
    return parseFiles(dialect == Dialect::Postgres ? QStringLiteral(":/migrations/postgres")
                                                   : QStringLiteral(":/migrations/sqlite"));
}

Result<QList<Migration>> Migrator::fromDirectory(const QString &directory)
{
    return parseFiles(directory);
}

Result<QList<AppliedMigration>> Migrator::readApplied()
{
    TWINOPS_TRY_ASSIGN(const auto exists, m_db.query(bookkeepingExists(m_db.dialect())));
    if (!exists.first().boolean(0))
        return QList<AppliedMigration>{};
    TWINOPS_TRY_ASSIGN(const auto rows,
                       m_db.query(QStringLiteral(
                           "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version")));
    QList<AppliedMigration> applied;
    for (const Row row : rows)
        applied.append({int(row.integer(0)), row.text(1), row.text(2), row.time(3)});
    return applied;
}

Result<MigrationStatus> Migrator::validate(const QList<Migration> &shipped, const QList<AppliedMigration> &applied)
{
    MigrationStatus status{shipped, applied, {}, {}};
    int highestApplied = 0;
    const int known = int(shipped.size());
    for (const AppliedMigration &a : applied) {
        if (a.version < 1 || a.version > known + 1)
            return Error::internal(QStringLiteral("the database has migration %1 (%2), but this build knows migrations "
                                                  "up to %3 and runs on schemas up to %4: it was migrated by a TwinOps "
                                                  "more than one release newer; run that release's twinopsd migrate "
                                                  "--to %3 first")
                                       .arg(a.version)
                                       .arg(a.name)
                                       .arg(known)
                                       .arg(known + 1));
        if (a.version == known + 1) {
            qCWarning(lcMigrations).noquote()
                << QStringLiteral("the database has migration %1 (%2) of the next release; this build runs on it "
                                  "(expand/contract) but cannot revert it")
                       .arg(a.version)
                       .arg(a.name);
            status.newer.append(a);
            highestApplied = std::max(highestApplied, a.version);
            continue;
        }
        const Migration &expected = shipped.at(a.version - 1);
        if (expected.checksum != a.checksum)
            return Error::internal(QStringLiteral("migration %1 (%2) was changed after it was applied (checksum %3, "
                                                  "applied %4): add a new migration instead of editing an applied one")
                                       .arg(a.version)
                                       .arg(expected.name, expected.checksum.left(12), a.checksum.left(12)));
        highestApplied = std::max(highestApplied, a.version);
    }
    for (const Migration &m : shipped) {
        const bool isApplied = std::any_of(applied.cbegin(), applied.cend(),
                                           [&](const AppliedMigration &a) { return a.version == m.version; });
        if (isApplied)
            continue;
        if (m.version < highestApplied)
            return Error::internal(QStringLiteral("the database skipped migration %1 (%2) but has %3 applied")
                                       .arg(m.version)
                                       .arg(m.name)
                                       .arg(highestApplied));
        status.pending.append(m);
    }
    return status;
}

Result<MigrationStatus> Migrator::status()
{
    TWINOPS_TRY_ASSIGN(const auto applied, readApplied());
    return validate(m_shipped, applied);
}

Result<QList<Migration>> Migrator::migrate()
{
    TWINOPS_TRY_ASSIGN(const auto steps, migrateTo(int(m_shipped.size()), false));
    QList<Migration> applied;
    for (const MigrationStep &step : steps)
        applied.append(step.migration);
    return applied;
}

Result<QList<DataLoss>> Migrator::dataLoss(int target)
{
    TWINOPS_TRY_ASSIGN(const auto current, status());
    return dataLoss(current, target);
}

Result<QList<DataLoss>> Migrator::dataLoss(const MigrationStatus &status, int target)
{
    QList<DataLoss> losses;
    for (int version = std::min(currentVersion(status), int(m_shipped.size())); version > target; --version) {
        for (const auto &[table, column] : droppedByScript(m_shipped.at(version - 1).downSql)) {
            // The names come from our own down scripts and match \w+, so quoting them is enough.
            const QString sql = column.isEmpty()
                ? QStringLiteral("SELECT count(*) FROM \"%1\"").arg(table)
                : QStringLiteral("SELECT count(*) FROM \"%1\" WHERE \"%2\" IS NOT NULL").arg(table, column);
            TWINOPS_TRY_ASSIGN(const auto rows, m_db.query(sql));
            const qint64 count = rows.first().integer(0);
            if (count > 0)
                losses.append({version,
                               column.isEmpty() ? QStringLiteral("table %1").arg(table)
                                                : QStringLiteral("column %1.%2").arg(table, column),
                               count});
        }
    }
    return losses;
}

Result<QList<MigrationStep>> Migrator::migrateTo(int target, bool force)
{
    if (target < 0 || target > m_shipped.size())
        return Error::validation(
            QStringLiteral("to"),
            QStringLiteral("must be a version from 0 to %1, not %2").arg(m_shipped.size()).arg(target));
    const bool postgres = m_db.dialect() == Dialect::Postgres;
    if (postgres)
        TWINOPS_TRY(m_db.query(QStringLiteral("SELECT pg_advisory_lock($1)"), {kMigrationLockKey}));
    auto unlock = qScopeGuard([&] {
        if (postgres)
            (void)m_db.query(QStringLiteral("SELECT pg_advisory_unlock($1)"), {kMigrationLockKey});
    });

    m_snapshot.clear();
    TWINOPS_TRY_ASSIGN(const auto current, status());
    const int version = currentVersion(current);
    QList<MigrationStep> steps;
    if (version > m_shipped.size()) {
        if (target == m_shipped.size() && target + 1 == version)
            return steps; // the next release's schema, which this build runs on
        return Error::conflict(QStringLiteral("the database is at version %1, which this build cannot revert: run "
                                              "twinopsd migrate --to %2 with the release that applied it")
                                   .arg(version)
                                   .arg(target));
    }
    if (target >= version) {
        if (!current.pending.isEmpty() && current.pending.first().version <= target)
            TWINOPS_TRY(takeSnapshot(version));
        TWINOPS_TRY(m_db.query(createBookkeeping(m_db.dialect())));
        for (const Migration &migration : current.pending) {
            if (migration.version > target)
                break;
            TWINOPS_TRY(apply(migration));
            qCInfo(lcMigrations).noquote()
                << "applied migration" << migration.version << migration.name << "to" << m_db.description();
            steps.append({migration, false});
        }
        return steps;
    }
    TWINOPS_TRY_ASSIGN(const auto losses, dataLoss(current, target));
    if (!losses.isEmpty() && !force) {
        QStringList lost;
        for (const DataLoss &loss : losses)
            lost.append(QStringLiteral("%1 (%2 by reverting %3)").arg(loss.what).arg(loss.count).arg(loss.version));
        return Error::conflict(QStringLiteral("going down to version %1 would delete data: %2; back it up and add "
                                              "--force to go ahead")
                                   .arg(target)
                                   .arg(lost.join(QStringLiteral(", "))));
    }
    TWINOPS_TRY(takeSnapshot(version));
    for (int v = version; v > target; --v) {
        const Migration &migration = m_shipped.at(v - 1);
        TWINOPS_TRY(revert(migration));
        qCInfo(lcMigrations).noquote() << "reverted migration" << migration.version << migration.name << "on"
                                       << m_db.description();
        steps.append({migration, true});
    }
    return steps;
}

// Only a SQLite file at a version above 0 has anything to lose; PostgreSQL has its own tools (twinopsd backup).
Status Migrator::takeSnapshot(int version)
{
    if (m_db.dialect() != Dialect::Sqlite || version == 0)
        return {};
    TWINOPS_TRY_ASSIGN(const auto files,
                       m_db.query(QStringLiteral("SELECT file FROM pragma_database_list WHERE name = 'main'")));
    const QString file = files.isEmpty() ? QString() : files.first().text(0);
    if (file.isEmpty()) // in memory
        return {};
    auto snapshot = snapshotBeforeMigrating(file, version);
    if (!snapshot.ok())
        return Error{snapshot.error().code,
                     QStringLiteral("not migrating: the snapshot before it failed: %1").arg(snapshot.error().message),
                     {},
                     0};
    m_snapshot = *snapshot;
    qCInfo(lcMigrations).noquote() << "snapshot of" << m_db.description() << "at version" << version << "in"
                                   << m_snapshot;
    return {};
}

Status Migrator::revert(const Migration &migration)
{
    TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(m_db));
    // Another process may have reverted it since we looked (see apply()).
    TWINOPS_TRY_ASSIGN(
        const auto done,
        m_db.query(QStringLiteral("SELECT count(*) FROM schema_migrations WHERE version = $1"), {migration.version}));
    if (done.first().integer(0) == 0)
        return {};
    if (auto result = m_db.executeScript(migration.downSql); !result.ok())
        return Error{result.error().code,
                     QStringLiteral("reverting migration %1 (%2) failed: %3")
                         .arg(migration.version)
                         .arg(migration.name, result.error().message),
                     {},
                     0};
    TWINOPS_TRY(m_db.query(QStringLiteral("DELETE FROM schema_migrations WHERE version = $1"), {migration.version}));
    return tx.commit();
}

Status Migrator::apply(const Migration &migration)
{
    TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(m_db));
    // Another process may have applied it since we looked (SQLite has no advisory lock; BEGIN IMMEDIATE
    // serialises us behind it).
    TWINOPS_TRY_ASSIGN(
        const auto done,
        m_db.query(QStringLiteral("SELECT count(*) FROM schema_migrations WHERE version = $1"), {migration.version}));
    if (done.first().integer(0) > 0)
        return {};
    if (auto result = m_db.executeScript(migration.sql); !result.ok())
        return Error{result.error().code,
                     QStringLiteral("migration %1 (%2) failed: %3")
                         .arg(migration.version)
                         .arg(migration.name, result.error().message),
                     {},
                     0};
    TWINOPS_TRY(m_db.query(QStringLiteral("INSERT INTO schema_migrations (version, name, checksum, applied_at) "
                                          "VALUES ($1, $2, $3, $4)"),
                           {migration.version, migration.name, migration.checksum, nowUtc()}));
    return tx.commit();
}

} // namespace twinops
