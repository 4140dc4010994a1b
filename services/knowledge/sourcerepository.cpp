#include "knowledge/sourcerepository.h"

#include "auth/crypto.h"
#include "core/ids.h"
#include "jobs/jobqueue.h"

#include <QFileInfo>
#include <QSet>

namespace twinops {

namespace {

const QString kColumns = QStringLiteral(
    "id, tenant_id, twin_id, filename, mime_type, content_hash, size_bytes, status, health, health_checks, "
    "chunk_count, last_error, created_by, approved_at, indexed_at, created_at, updated_at");

Source sourceFromRow(const Row &row)
{
    Source s;
    s.id = row.text(0);
    s.tenantId = row.text(1);
    s.twinId = row.text(2);
    s.filename = row.text(3);
    s.mimeType = row.text(4);
    s.contentHash = row.text(5);
    s.sizeBytes = row.integer(6);
    s.status = sourceStatusFromString(row.text(7)).value_or(SourceStatus::Failed);
    s.health = row.text(8);
    s.healthChecks = row.jsonArray(9);
    s.chunkCount = int(row.integer(10));
    s.lastError = row.text(11);
    s.createdBy = row.text(12);
    s.approvedAt = row.time(13);
    s.indexedAt = row.time(14);
    s.createdAt = row.time(15);
    s.updatedAt = row.time(16);
    return s;
}

Error sourceNotFound()
{
    return Error::notFound(QStringLiteral("source not found"));
}

Result<QString> mimeTypeFor(const QString &filename, const QString &requested)
{
    if (!requested.isEmpty()) {
        if (requested == QLatin1String("text/plain") || requested == QLatin1String("text/markdown"))
            return requested;
        return Error::validation(QStringLiteral("content_type"), QStringLiteral("must be text/plain or text/markdown"));
    }
    const QString suffix = QFileInfo(filename).suffix().toLower();
    if (suffix == QLatin1String("md") || suffix == QLatin1String("markdown"))
        return QStringLiteral("text/markdown");
    return QStringLiteral("text/plain");
}

} // namespace

QString sourceStatusName(SourceStatus status)
{
    switch (status) {
    case SourceStatus::Pending: return QStringLiteral("pending");
    case SourceStatus::Approved: return QStringLiteral("approved");
    case SourceStatus::Indexed: return QStringLiteral("indexed");
    case SourceStatus::Rejected: return QStringLiteral("rejected");
    case SourceStatus::Failed: return QStringLiteral("failed");
    }
    return QStringLiteral("failed");
}

std::optional<SourceStatus> sourceStatusFromString(const QString &text)
{
    for (SourceStatus status : {SourceStatus::Pending, SourceStatus::Approved, SourceStatus::Indexed,
                                SourceStatus::Rejected, SourceStatus::Failed}) {
        if (sourceStatusName(status) == text)
            return status;
    }
    return std::nullopt;
}

Result<Source> SourceRepository::create(const QString &tenantId, const QString &twinId, const NewSource &request)
{
    QHash<QString, QString> problems;
    const QString filename = request.filename.trimmed();
    if (filename.isEmpty() || filename.size() > kMaxFilenameLength || filename.contains(u'/')
        || filename.contains(u'\\'))
        problems.insert(
            QStringLiteral("filename"),
            QStringLiteral("must be a file name of 1 to %1 characters without slashes").arg(kMaxFilenameLength));
    auto mimeType = mimeTypeFor(filename, request.mimeType);
    if (!mimeType.ok())
        problems.insert(mimeType.error().details);
    if (request.content.trimmed().isEmpty())
        problems.insert(QStringLiteral("content"), QStringLiteral("must not be empty"));
    if (!problems.isEmpty())
        return Error::validation(problems);

    const QDateTime now = nowUtc();
    const QByteArray utf8 = request.content.toUtf8();
    Source source;
    source.id = newId();
    source.tenantId = tenantId;
    source.twinId = twinId;
    source.filename = filename;
    source.mimeType = *mimeType;
    source.contentHash = crypto::sha256Hex(utf8);
    source.sizeBytes = utf8.size();
    source.health = QStringLiteral("unknown");
    source.createdBy = request.createdBy;
    source.createdAt = source.updatedAt = now;
    // The twin must be the tenant's own: the INSERT … SELECT inserts nothing for a foreign or missing twin.
    TWINOPS_TRY_ASSIGN(
        const auto inserted,
        m_db.query(QStringLiteral(
                       "INSERT INTO sources (id, tenant_id, twin_id, filename, mime_type, content, content_hash, "
                       "size_bytes, status, health, health_checks, chunk_count, created_by, created_at, updated_at) "
                       "SELECT $1, $2, $3, $4, $5, $6, $7, $8, 'pending', 'unknown', '[]', 0, $9, $10, $10 "
                       "WHERE EXISTS (SELECT 1 FROM twins WHERE tenant_id = $2 AND id = $3)"),
                   {source.id, tenantId, twinId, filename, source.mimeType, request.content, source.contentHash,
                    source.sizeBytes, request.createdBy.isEmpty() ? QVariant() : QVariant(request.createdBy), now}));
    if (inserted.rowsAffected() == 0)
        return Error::notFound(QStringLiteral("twin not found"));
    return source;
}

Result<Source> SourceRepository::get(const QString &tenantId, const QString &id)
{
    if (!isUuid(id) || !isUuid(tenantId))
        return sourceNotFound();
    TWINOPS_TRY_ASSIGN(const auto rows,
                       m_db.query(QStringLiteral("SELECT ") + kColumns
                                      + QStringLiteral(" FROM sources WHERE tenant_id = $1 AND id = $2"),
                                  {tenantId, id}));
    if (rows.isEmpty())
        return sourceNotFound();
    return sourceFromRow(rows.first());
}

Result<Page<Source>> SourceRepository::list(const QString &tenantId, const QString &twinId, const PageRequest &page)
{
    return fetchPage(m_db,
                     QStringLiteral("SELECT ") + kColumns
                         + QStringLiteral(" FROM sources WHERE tenant_id = $1 AND twin_id = $2"),
                     {tenantId, twinId}, page, sourceFromRow);
}

Status SourceRepository::remove(const QString &tenantId, const QString &id)
{
    if (!isUuid(id) || !isUuid(tenantId))
        return sourceNotFound();
    TWINOPS_TRY_ASSIGN(
        const auto result,
        m_db.query(QStringLiteral("DELETE FROM sources WHERE tenant_id = $1 AND id = $2"), {tenantId, id}));
    if (result.rowsAffected() == 0)
        return sourceNotFound();
    return {};
}

Result<SourceRepository::Approval> SourceRepository::approveInTransaction(const QString &tenantId, const QString &id)
{
    TWINOPS_TRY_ASSIGN(auto source, get(tenantId, id));
    if (source.status != SourceStatus::Pending)
        return Error::conflict(QStringLiteral("source %1 is %2; only a pending source can be approved")
                                   .arg(id, sourceStatusName(source.status)));
    const QDateTime now = nowUtc();
    TWINOPS_TRY(m_db.query(QStringLiteral("UPDATE sources SET status = 'approved', approved_at = $3, updated_at = $3 "
                                          "WHERE tenant_id = $1 AND id = $2"),
                           {tenantId, id, now}));
    NewJob job;
    job.type = jobtypes::sourceIndex;
    job.tenantId = tenantId;
    job.twinId = source.twinId;
    job.payload = QJsonObject{{QStringLiteral("source_id"), id}, {QStringLiteral("content_hash"), source.contentHash}};
    job.idempotencyKey = id + u':' + source.contentHash;
    TWINOPS_TRY_ASSIGN(const auto enqueued, JobQueue(m_db).enqueue(job));
    source.status = SourceStatus::Approved;
    source.approvedAt = source.updatedAt = now;
    return Approval{source, enqueued};
}

Result<SourceRepository::Approval> SourceRepository::approve(const QString &tenantId, const QString &id)
{
    TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(m_db));
    TWINOPS_TRY_ASSIGN(auto approval, approveInTransaction(tenantId, id));
    TWINOPS_TRY(tx.commit());
    return approval;
}

Result<QList<SourceRepository::Approval>> SourceRepository::approveAll(const QString &tenantId, const QStringList &ids)
{
    // Verify every id before changing anything; the transaction makes the whole batch atomic besides.
    for (const QString &id : ids) {
        TWINOPS_TRY(get(tenantId, id));
    }
    TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(m_db));
    QList<Approval> approvals;
    for (const QString &id : QSet<QString>(ids.cbegin(), ids.cend())) {
        TWINOPS_TRY_ASSIGN(const auto approval, approveInTransaction(tenantId, id));
        approvals.append(approval);
    }
    TWINOPS_TRY(tx.commit());
    return approvals;
}

Result<Source> SourceRepository::reject(const QString &tenantId, const QString &id)
{
    TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(m_db));
    TWINOPS_TRY_ASSIGN(auto source, get(tenantId, id));
    if (source.status == SourceStatus::Rejected)
        return Error::conflict(QStringLiteral("source is already rejected"));
    const QDateTime now = nowUtc();
    // A rejected source must not answer questions any more.
    TWINOPS_TRY(
        m_db.query(QStringLiteral("DELETE FROM chunks WHERE tenant_id = $1 AND source_id = $2"), {tenantId, id}));
    TWINOPS_TRY(m_db.query(QStringLiteral("UPDATE sources SET status = 'rejected', chunk_count = 0, updated_at = $3 "
                                          "WHERE tenant_id = $1 AND id = $2"),
                           {tenantId, id, now}));
    TWINOPS_TRY(tx.commit());
    source.status = SourceStatus::Rejected;
    source.chunkCount = 0;
    source.updatedAt = now;
    return source;
}

} // namespace twinops
