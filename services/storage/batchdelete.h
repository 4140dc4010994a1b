#pragma once

#include "core/result.h"
#include "storage/database.h"

#include <chrono>
#include <functional>

namespace twinops {

// Called after each full batch with the time its statement took; false stops the delete there (the rest is left
// for a later call). The job pruner sleeps in it, so that a long backlog leaves the write lock free most of the time.
using AfterBatch = std::function<bool(std::chrono::nanoseconds took)>;

// Deletes the rows of `table` (keyed by id) that match `condition`, batchSize rows per statement, until none is
// left or afterBatch says stop: a long backlog never holds the write lock (on SQLite the only one) for long, so the
// queue keeps working meanwhile. `condition` takes params as $1..$n; it is checked again outside the subquery so that
// PostgreSQL leaves a row alone that a concurrent transaction has just changed. `source` may name an index (SQLite's
// INDEXED BY).
Result<qint64> deleteInBatches(Database &db, const QString &table, const QString &condition, QVariantList params,
                               int batchSize, const QString &source = {}, const AfterBatch &afterBatch = {});

} // namespace twinops
