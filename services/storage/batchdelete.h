#pragma once

#include "core/result.h"
#include "storage/database.h"

namespace twinops {

// Deletes the rows of `table` (keyed by id) that match `condition`, batchSize rows per statement, until none is
// left: a long backlog never holds the write lock (on SQLite the only one) for long, so the queue keeps working
// meanwhile. `condition` takes params as $1..$n; it is checked again outside the subquery so that PostgreSQL leaves
// a row alone that a concurrent transaction has just changed. `source` may name an index (SQLite's INDEXED BY).
Result<qint64> deleteInBatches(Database &db, const QString &table, const QString &condition, QVariantList params,
                               int batchSize, const QString &source = {});

} // namespace twinops
