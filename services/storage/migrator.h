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
    QString checksum; // SHA-256 of the file, hex
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
};

// Applies numbered SQL files in order, each in one transaction together with its row in schema_migrations.
// Everything is validated before anything is written: a gap in the numbering, an applied file whose checksum
// changed, or a database that has a migration this build does not know are errors that change nothing.
class Migrator
{
public:
    Migrator(Database &db, QList<Migration> shipped);

    // The migrations embedded in the binary for the database's dialect.
    static Result<QList<Migration>> embedded(Dialect dialect);
    // The *.sql files of a directory (for developers iterating on a migration).
    static Result<QList<Migration>> fromDirectory(const QString &directory);

    Result<MigrationStatus> status();
    // Returns the migrations it applied (empty when the database was up to date).
    Result<QList<Migration>> migrate();

private:
    Result<QList<AppliedMigration>> readApplied();
    Result<MigrationStatus> validate(const QList<AppliedMigration> &applied) const;
    Status apply(const Migration &migration);

    Database &m_db;
    QList<Migration> m_shipped;
};

} // namespace twinops
