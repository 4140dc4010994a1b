#pragma once

#include "storage/database.h"

#include <QStringList>

namespace twinops::test {

// Jobs that really failed: enqueued, claimed and failed through the queue as a worker does (`permanent`: discarded,
// otherwise retryable), one per message, so they carry the error signature the error groups are made of. Returns
// their ids, or an empty list when the queue refused a step.
QStringList failJobs(Database &db, const QString &tenantId, const QStringList &messages, bool permanent);

} // namespace twinops::test
