#pragma once

#include "core/result.h"
#include "storage/database.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <atomic>
#include <functional>

namespace twinops {

// How a column's values are compared and converted between the dialects (SQLite keeps times as integer
// milliseconds and booleans as 0/1, PostgreSQL as timestamptz and boolean; jsonb rewrites JSON text).
enum class ColumnKind { Integer, Real, Boolean, Time, Text, Json, Bytes };

struct CopyColumn
{
    QString name;
    ColumnKind kind = ColumnKind::Text;
};

// One table as the copy sees it: read from the catalogs of both databases (the columns a program writes, not the
// generated ones), in the order the copy inserts them.
struct CopyTable
{
    QString name;
    QList<CopyColumn> columns;
    QStringList primaryKey;
    QStringList references; // the tables its foreign keys point to
    bool hasSequence = false; // an id the database counts up (SQLite AUTOINCREMENT, PostgreSQL identity)
};

struct TableVerification
{
    QString table;
    qint64 sourceRows = 0;
    qint64 targetRows = 0;
    QByteArray sourceChecksum; // SHA-256, hex, of the rows in primary-key order in a dialect-neutral form
    QByteArray targetChecksum;
    bool matches() const { return sourceRows == targetRows && sourceChecksum == targetChecksum; }
};

struct CopyReport
{
    int schemaVersion = 0;
    QList<TableVerification> tables; // in copy order
    bool verified() const;
    qint64 rows() const;
};

struct CopyProgress
{
    enum class Phase { Copying, Verifying };
    Phase phase = Phase::Copying;
    QString table;
    int tableIndex = 0; // 0-based, of tableCount
    int tableCount = 0;
    qint64 rowsDone = 0;
    qint64 rowsTotal = 0;
};

// Copies every table of a TwinOps database into an empty one of either dialect (SQLite → PostgreSQL, back, or the
// same dialect): the source must be at this build's schema version, the target empty (no migration applied). The
// target is migrated to the same version, then each table is copied in foreign-key order, in keyset batches of one
// transaction each, keeping every value (ids, times to the millisecond, hashes, job states); counters behind ids
// (AUTOINCREMENT, identity) continue after the highest copied one; finally every table's row count and checksum
// are compared. The source is read in one read-only snapshot, so a running server may keep writing to it (what it
// writes after the copy started is not copied).
//
// A copy that fails or is cancelled reverts the target to empty (all migrations down), so it can be retried; if
// even that fails (the target unreachable), the error says the target is partial and must be dropped, and a
// second copy refuses it as not empty.
class DatabaseCopy final
{
public:
    using ProgressCallback = std::function<void(const CopyProgress &)>;
    static constexpr int kDefaultBatchRows = 2000;

    DatabaseCopy(Database &source, Database &target);

    void setProgressCallback(ProgressCallback callback) { m_progress = std::move(callback); }
    // Checked between batches; when it turns true, run() stops, empties the target and fails with Cancelled.
    void setCancelFlag(const std::atomic<bool> *cancelled) { m_cancelled = cancelled; }
    void setBatchRows(int rows) { m_batchRows = std::max(1, rows); }

    // Copies and verifies. A report whose verified() is false means the copy completed but differs.
    Result<CopyReport> run();
    // Compares the two databases table by table as run() does at its end (for an existing copy).
    Result<CopyReport> verify();
    // The tables in copy order, read from both catalogs (fails when the two schemas differ).
    Result<QList<CopyTable>> tables();

private:
    Status checkSource(int *version);
    Status checkTargetEmpty();
    Result<CopyReport> copyAll(int version);
    Status copyTable(const CopyTable &table, int index, int count, TableVerification *verification);
    Status continueSequence(const CopyTable &table);
    // The row count and checksum of one table of db.
    Status checksum(Database &db, const CopyTable &table, int index, int count, qint64 *rows, QByteArray *sum);
    Error emptyTargetAfter(const Error &failure);
    bool cancelled() const { return m_cancelled && m_cancelled->load(); }
    void report(CopyProgress::Phase phase, const QString &table, int index, int count, qint64 done, qint64 total);

    Database &m_source;
    Database &m_target;
    ProgressCallback m_progress;
    const std::atomic<bool> *m_cancelled = nullptr;
    int m_batchRows = kDefaultBatchRows;
};

} // namespace twinops
