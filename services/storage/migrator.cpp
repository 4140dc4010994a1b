#include "storage/migrator.h"

#include "core/ids.h"
#include "core/logging.h"

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

Result<QList<Migration>> parseFiles(const QString &directory)
{
    static const QRegularExpression pattern(QStringLiteral("^(\\d{4})_([a-z0-9_]+)\\.sql$"));
    const QDir dir(directory);
    if (!dir.exists())
        return Error::internal(QStringLiteral("migration directory %1 does not exist").arg(directory));
    QList<Migration> migrations;
    for (const QString &file : dir.entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name)) {
        const auto match = pattern.match(file);
        if (!match.hasMatch())
            return Error::internal(QStringLiteral("migration file %1 is not named NNNN_name.sql").arg(file));
        QFile f(dir.filePath(file));
        if (!f.open(QIODevice::ReadOnly))
            return Error::internal(QStringLiteral("cannot read migration %1").arg(file));
        const QByteArray bytes = f.readAll();
        migrations.append({match.captured(1).toInt(), match.captured(2), QString::fromUtf8(bytes),
                           QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex())});
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

Result<MigrationStatus> Migrator::validate(const QList<AppliedMigration> &applied) const
{
    MigrationStatus status{m_shipped, applied, {}};
    int highestApplied = 0;
    for (const AppliedMigration &a : applied) {
        if (a.version < 1 || a.version > m_shipped.size())
            return Error::internal(QStringLiteral("the database has migration %1 (%2), which this build does not know: "
                                                  "it was migrated by a newer TwinOps")
                                       .arg(a.version)
                                       .arg(a.name));
        const Migration &shipped = m_shipped.at(a.version - 1);
        if (shipped.checksum != a.checksum)
            return Error::internal(QStringLiteral("migration %1 (%2) was changed after it was applied (checksum %3, "
                                                  "applied %4): add a new migration instead of editing an applied one")
                                       .arg(a.version)
                                       .arg(shipped.name, shipped.checksum.left(12), a.checksum.left(12)));
        highestApplied = std::max(highestApplied, a.version);
    }
    for (const Migration &m : m_shipped) {
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
    return validate(applied);
}

Result<QList<Migration>> Migrator::migrate()
{
    const bool postgres = m_db.dialect() == Dialect::Postgres;
    if (postgres)
        TWINOPS_TRY(m_db.query(QStringLiteral("SELECT pg_advisory_lock($1)"), {kMigrationLockKey}));
    auto unlock = qScopeGuard([&] {
        if (postgres)
            (void)m_db.query(QStringLiteral("SELECT pg_advisory_unlock($1)"), {kMigrationLockKey});
    });

    TWINOPS_TRY_ASSIGN(const auto current, status());
    if (current.pending.isEmpty())
        return QList<Migration>{};
    TWINOPS_TRY(m_db.query(createBookkeeping(m_db.dialect())));
    QList<Migration> applied;
    for (const Migration &migration : current.pending) {
        TWINOPS_TRY(apply(migration));
        qCInfo(lcMigrations).noquote() << "applied migration" << migration.version << migration.name << "to"
                                       << m_db.description();
        applied.append(migration);
    }
    return applied;
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
