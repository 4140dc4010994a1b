#pragma once

#include "core/result.h"
#include "storage/database.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace twinops {

struct Migration
{
    int version = 0;
    QString name; // from the file name: 0001_initial.sql -> "initial"
    QString sql;
    QString downSql; // from NNNN_name.down.sql: undoes sql
    QString checksum; // SHA-256 of the up file, hex (the down script can be fixed after release without a new version)
};

// What reverting a migration would delete: the rows of a table it drops, the non-null values of a column it drops.
struct DataLoss
{
    int version = 0;
    QString what; // "table job_probes" or "column messages.partial"
    qint64 count = 0;
};

struct AppliedMigration
{
    int version = 0;
    QString name;
    QString checksum;
    QDateTime appliedAt;
};

struct MigrationStatus
{
    QList<Migration> shipped;
    QList<AppliedMigration> applied;
    QList<Migration> pending;
    // Applied by the next release (expand/contract: this build still runs on that schema); at most one.
    QList<AppliedMigration> newer;
};

struct MigrationStep
{
    Migration migration;
    bool down = false;
};

// Applies numbered SQL files in order, each in one transaction together with its row in schema_migrations, and
// reverts them with their down scripts the same way (deleting the row). Everything is validated before anything is
// written: a gap in the numbering, an applied file whose checksum changed, or a database more than one migration ahead
// of this build are errors that change nothing. One migration ahead is the previous release's binary running on the
// next release's schema, which the expand/contract rule makes safe: it is a warning.
class Migrator
{
public:
    Migrator(Database &db, QList<Migration> shipped);

    // The migrations embedded in the binary for the database's dialect.
    static Result<QList<Migration>> embedded(Dialect dialect);
    // The *.sql files of a directory (for developers iterating on a migration).
    static Result<QList<Migration>> fromDirectory(const QString &directory);

    Result<MigrationStatus> status();
    // The rows of schema_migrations, oldest first (none when the table does not exist); validates nothing.
    Result<QList<AppliedMigration>> readApplied();
    // The status of a database whose schema_migrations holds `applied` (a backup's, before it is restored), with the
    // same rules as status(): an error when a migration changed or the schema is more than one migration ahead.
    static Result<MigrationStatus> validate(const QList<Migration> &shipped, const QList<AppliedMigration> &applied);
    // Returns the migrations it applied (empty when the database was up to date).
    Result<QList<Migration>> migrate();
    // Moves the schema up or down to version target (0 = empty), one transaction per step. Going down refuses, listing
    // dataLoss(), when a step would drop data that exists, unless force. Before it changes a SQLite file at a version
    // above 0, it takes a snapshot next to it (snapshotBeforeMigrating, storage/backup.h) and fails if it cannot.
    Result<QList<MigrationStep>> migrateTo(int target, bool force);
    // The snapshot the last migrateTo() or migrate() took; empty when it took none.
    const QString &snapshot() const { return m_snapshot; }
    // What going down to target would delete (empty when nothing or when target is not below the current version).
    Result<QList<DataLoss>> dataLoss(int target);

private:
    Result<QList<DataLoss>> dataLoss(const MigrationStatus &status, int target);
    Status apply(const Migration &migration);
    Status revert(const Migration &migration);
    Status takeSnapshot(int version);

    Database &m_db;
    QList<Migration> m_shipped;
    QString m_snapshot;
};

} // namespace twinops
