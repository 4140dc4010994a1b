#include "storage/batchdelete.h"

#include <QElapsedTimer>

namespace twinops {

Result<qint64> deleteInBatches(Database &db, const QString &table, const QString &condition, QVariantList params,
                               int batchSize, const QString &source, const AfterBatch &afterBatch)
{
    const QString sql = QStringLiteral("DELETE FROM %1 WHERE id IN (SELECT id FROM %2 WHERE %3 LIMIT $%4) AND %3")
                            .arg(table, source.isEmpty() ? table : source, condition)
                            .arg(params.size() + 1);
    params.append(batchSize);
    qint64 removed = 0;
    for (;;) {
        QElapsedTimer took;
        took.start();
        TWINOPS_TRY_ASSIGN(const auto deleted, db.query(sql, params));
        removed += deleted.rowsAffected();
        if (deleted.rowsAffected() < batchSize)
            return removed;
        if (afterBatch && !afterBatch(std::chrono::nanoseconds(took.nsecsElapsed())))
            return removed;
    }
}

} // namespace twinops
