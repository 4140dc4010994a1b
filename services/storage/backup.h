#pragma once

#include "core/result.h"
#include "storage/databaseurl.h"

#include <QString>
#include <QStringList>

namespace twinops {

// What a backup wrote, or a restore read.
struct BackupSummary
{
    QString file;
    qint64 bytes = 0;
    int schemaVersion = 0; // the highest migration applied (0 when none)
};

// A consistent snapshot of a live database in `file` (SQLite: the online backup API, a single file; PostgreSQL:
// `pg_dump --format=custom`). Written next to `file` under a temporary name and renamed, so `file` is either absent,
// the old one or the whole new one. An existing `file` is refused unless `overwrite`.
Result<BackupSummary> backupDatabase(const DatabaseUrl &url, const QString &file, bool overwrite);

// Loads a backup made by backupDatabase into the database `url` names. The file is validated first (SQLite: its
// header, PRAGMA integrity_check and its schema_migrations; PostgreSQL: `pg_restore --list`) and its schema checked
// against this build's migrations (at most one ahead, checksums equal). A database holding tables of ours is refused
// unless `replace`; a SQLite backup into PostgreSQL and the reverse are refused (that is `twinopsd copy`).
Result<BackupSummary> restoreDatabase(const DatabaseUrl &url, const QString &file, bool replace);

// The snapshots a migration leaves next to a SQLite database: "<file>.<UTC yyyyMMddTHHmmss.zzzZ>.v<NNNN>.bak".
constexpr int kKeptSnapshots = 5;
// Takes one of the database at `path` (whose schema is at `schemaVersion`) and deletes that database's older ones
// beyond kKeptSnapshots. Returns the new snapshot's path.
Result<QString> snapshotBeforeMigrating(const QString &path, int schemaVersion);
// The database's snapshots, oldest first.
QStringList snapshotsOf(const QString &path);

} // namespace twinops
