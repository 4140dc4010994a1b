#include "knowledge/sourceindexhandler.h"

#include "core/ids.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace twinops {

namespace {

const QString kPass = QStringLiteral("pass");
const QString kWarn = QStringLiteral("warn");
const QString kFail = QStringLiteral("fail");

QJsonObject check(const QString &name, const QString &status, const QString &message)
{
    return {{QStringLiteral("name"), name}, {QStringLiteral("status"), status}, {QStringLiteral("message"), message}};
}

QJsonObject skipped(const QString &reason)
{
    return {{QStringLiteral("skipped"), true}, {QStringLiteral("reason"), reason}};
}

// "0, 3, 7 and 2 more": enough to find the chunks without making the message unbounded.
QString ordinalList(const QList<int> &ordinals)
{
    constexpr int kShown = 5;
    QStringList shown;
    for (qsizetype i = 0; i < ordinals.size() && i < kShown; ++i)
        shown << QString::number(ordinals.at(i));
    QString text = shown.join(QStringLiteral(", "));
    if (ordinals.size() > kShown)
        text += QStringLiteral(" and %1 more").arg(ordinals.size() - kShown);
    return text;
}

QString plural(qsizetype count, const char *one, const char *many)
{
    return QStringLiteral("%1 %2").arg(count).arg(QLatin1String(count == 1 ? one : many));
}

QJsonObject anomaliesCheck(const QList<Chunk> &chunks, const ChunkerConfig &config)
{
    QList<int> forced;
    QList<int> tiny;
    QList<int> noisy;
    for (const Chunk &chunk : chunks) {
        if (chunk.forcedSplit)
            forced << chunk.ordinal;
        if (chunk.text.size() < config.minChars)
            tiny << chunk.ordinal;
        if (SourceIndexHandler::nonTextShare(chunk.text) > SourceIndexHandler::kMaxNonTextShare)
            noisy << chunk.ordinal;
    }
    QStringList problems;
    if (!forced.isEmpty())
        problems << QStringLiteral("%1 cut at the maximum of %2 characters because no word boundary was found "
                                   "(chunk %3)")
                        .arg(plural(forced.size(), "chunk was", "chunks were"))
                        .arg(config.maxChars)
                        .arg(ordinalList(forced));
    if (!tiny.isEmpty())
        problems << QStringLiteral("%1 shorter than %2 characters (chunk %3)")
                        .arg(plural(tiny.size(), "chunk is", "chunks are"))
                        .arg(config.minChars)
                        .arg(ordinalList(tiny));
    if (!noisy.isEmpty())
        problems << QStringLiteral("%1 mostly symbols or other non-text characters (chunk %2)")
                        .arg(plural(noisy.size(), "chunk is", "chunks are"))
                        .arg(ordinalList(noisy));
    if (chunks.size() > SourceIndexHandler::kManyChunks)
        problems << QStringLiteral("%1 chunks is unusually many for one source (more than %2)")
                        .arg(chunks.size())
                        .arg(SourceIndexHandler::kManyChunks);
    const QString name = QStringLiteral("chunk_anomalies");
    if (problems.isEmpty())
        return check(name, kPass, QStringLiteral("no anomalies in %1").arg(plural(chunks.size(), "chunk", "chunks")));
    return check(name, kWarn, problems.join(QStringLiteral("; ")));
}

} // namespace

double SourceIndexHandler::nonTextShare(const QString &text)
{
    qsizetype counted = 0;
    qsizetype nonText = 0;
    for (const char32_t ucs : text.toUcs4()) {
        switch (QChar::category(ucs)) {
        case QChar::Separator_Space:
        case QChar::Separator_Line:
        case QChar::Separator_Paragraph: continue;
        case QChar::Letter_Uppercase:
        case QChar::Letter_Lowercase:
        case QChar::Letter_Titlecase:
        case QChar::Letter_Modifier:
        case QChar::Letter_Other:
        case QChar::Number_DecimalDigit:
        case QChar::Number_Letter:
        case QChar::Number_Other:
        case QChar::Mark_NonSpacing:
        case QChar::Mark_SpacingCombining:
        case QChar::Mark_Enclosing:
        case QChar::Punctuation_Connector:
        case QChar::Punctuation_Dash:
        case QChar::Punctuation_Open:
        case QChar::Punctuation_Close:
        case QChar::Punctuation_InitialQuote:
        case QChar::Punctuation_FinalQuote:
        case QChar::Punctuation_Other: ++counted; break;
        default:
            if (ucs == U'\n')
                continue;
            ++counted;
            ++nonText;
        }
    }
    return counted == 0 ? 0.0 : double(nonText) / double(counted);
}

Result<QJsonObject> SourceIndexHandler::run(JobContext &context)
{
    const Job &job = context.job();
    const QString sourceId = job.payload.value(QStringLiteral("source_id")).toString();
    const QString contentHash = job.payload.value(QStringLiteral("content_hash")).toString();
    if (sourceId.isEmpty() || contentHash.isEmpty())
        return Error::validation(QStringLiteral("payload"), QStringLiteral("needs source_id and content_hash"));
    if (!isUuid(sourceId) || !isUuid(job.tenantId))
        return Error::notFound(QStringLiteral("source not found"));

    Database &db = context.db();
    TWINOPS_TRY_ASSIGN(const auto rows,
                       db.query(QStringLiteral("SELECT twin_id, filename, mime_type, content, content_hash, status "
                                               "FROM sources WHERE tenant_id = $1 AND id = $2"),
                                {job.tenantId, sourceId}));
    if (rows.isEmpty())
        return Error::notFound(QStringLiteral("source not found"));
    const Row row = rows.first();
    const QString twinId = row.text(0);
    const QString filename = row.text(1);
    const QString mimeType = row.text(2);
    const QString content = row.text(3);
    const QString status = row.text(5);
    if (row.text(4) != contentHash) {
        context.log(JobLogLevel::Info,
                    QStringLiteral("skipped: source %1 no longer has content %2").arg(sourceId, contentHash));
        return skipped(QStringLiteral("content changed since the job was enqueued"));
    }
    if (status != QLatin1String("approved") && status != QLatin1String("indexed")
        && status != QLatin1String("failed")) {
        context.log(JobLogLevel::Info, QStringLiteral("skipped: source %1 is %2").arg(sourceId, status));
        return skipped(QStringLiteral("source is %1").arg(status));
    }
    context.log(JobLogLevel::Info,
                QStringLiteral("indexing source %1 \"%2\" (%3, %4 characters)")
                    .arg(sourceId, filename, mimeType)
                    .arg(content.size()));

    const QList<Chunk> chunks = m_chunker.split(content, mimeType);
    qint64 words = 0;
    for (const Chunk &chunk : chunks)
        words += chunk.tokenCount;
    context.log(JobLogLevel::Info,
                QStringLiteral("split into %1 (%2 words)").arg(plural(chunks.size(), "chunk", "chunks")).arg(words));

    QJsonArray checks;
    QString lastError;
    if (chunks.isEmpty()) {
        lastError
            = QStringLiteral("no text could be extracted: the content is empty after removing whitespace and markup");
        checks.append(check(QStringLiteral("extraction"), kFail, lastError));
    } else {
        checks.append(check(QStringLiteral("extraction"), kPass,
                            QStringLiteral("%1, %2 words").arg(plural(chunks.size(), "chunk", "chunks")).arg(words)));
    }

    // Rejected sources are out of the knowledge base, so their copies are no duplicates.
    TWINOPS_TRY_ASSIGN(const auto duplicates,
                       db.query(QStringLiteral("SELECT id, filename FROM sources WHERE tenant_id = $1 AND twin_id = $2 "
                                               "AND content_hash = $3 AND id <> $4 AND status <> 'rejected' "
                                               "ORDER BY created_at, id LIMIT 6"),
                                {job.tenantId, twinId, contentHash, sourceId}));
    if (duplicates.isEmpty()) {
        checks.append(check(QStringLiteral("duplicate_content"), kPass,
                            QStringLiteral("no other source of this twin has the same content")));
    } else {
        QStringList names;
        for (const Row duplicate : duplicates)
            names << QStringLiteral("\"%1\" (%2)").arg(duplicate.text(1), duplicate.text(0));
        if (names.size() > 5)
            names.last() = QStringLiteral("more");
        checks.append(
            check(QStringLiteral("duplicate_content"), kWarn,
                  QStringLiteral("same content as %1 %2")
                      .arg(QLatin1String(names.size() == 1 ? "source" : "sources"), names.join(QStringLiteral(", ")))));
    }
    checks.append(anomaliesCheck(chunks, m_chunker.config()));

    QString health = QStringLiteral("healthy");
    for (const QJsonValue &value : std::as_const(checks)) {
        const QString result = value.toObject().value(QStringLiteral("status")).toString();
        if (result == kFail)
            health = QStringLiteral("failed");
        else if (result == kWarn && health == QLatin1String("healthy"))
            health = QStringLiteral("needs_attention");
    }
    for (const QJsonValue &value : std::as_const(checks)) {
        const QJsonObject object = value.toObject();
        if (object.value(QStringLiteral("status")).toString() != kPass)
            context.log(JobLogLevel::Warning,
                        QStringLiteral("%1: %2").arg(object.value(QStringLiteral("name")).toString(),
                                                     object.value(QStringLiteral("message")).toString()));
    }

    if (context.cancelRequested())
        return jobCancelled();

    // The conditional update is the first write: it takes the source's row lock on PostgreSQL, so a second
    // indexer of the same source waits for this one, and a source rejected meanwhile is left alone.
    const bool extracted = !chunks.isEmpty();
    const QDateTime now = nowUtc();
    TWINOPS_TRY_ASSIGN(
        const auto updated,
        db.query(QStringLiteral("UPDATE sources SET status = $4, health = $5, health_checks = $6, chunk_count = $7, "
                                "last_error = $8, indexed_at = $9, updated_at = $10 "
                                "WHERE tenant_id = $1 AND id = $2 AND content_hash = $3 "
                                "AND status IN ('approved', 'indexed', 'failed')"),
                 {job.tenantId, sourceId, contentHash, extracted ? QStringLiteral("indexed") : QStringLiteral("failed"),
                  health, QString::fromUtf8(QJsonDocument(checks).toJson(QJsonDocument::Compact)), int(chunks.size()),
                  extracted ? QVariant() : QVariant(lastError), extracted ? QVariant(now) : QVariant(), now}));
    if (updated.rowsAffected() == 0) {
        context.log(JobLogLevel::Info,
                    QStringLiteral("skipped: source %1 changed while it was being indexed").arg(sourceId));
        return skipped(QStringLiteral("source changed while it was being indexed"));
    }

    // Replace rather than add, so a re-run or a re-index leaves exactly one set of chunks.
    TWINOPS_TRY_ASSIGN(const auto removed,
                       db.query(QStringLiteral("DELETE FROM chunks WHERE tenant_id = $1 AND source_id = $2"),
                                {job.tenantId, sourceId}));
    if (removed.rowsAffected() > 0)
        context.log(JobLogLevel::Info, QStringLiteral("removed %1 previous chunks").arg(removed.rowsAffected()));
    const QString insert = QStringLiteral("INSERT INTO chunks (id, tenant_id, twin_id, source_id, ordinal, content, "
                                          "token_count, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    for (const Chunk &chunk : chunks)
        TWINOPS_TRY(db.query(
            insert, {newId(), job.tenantId, twinId, sourceId, chunk.ordinal, chunk.text, chunk.tokenCount, now}));
    context.log(extracted ? JobLogLevel::Info : JobLogLevel::Error,
                extracted ? QStringLiteral("stored %1; health %2").arg(plural(chunks.size(), "chunk", "chunks"), health)
                          : QStringLiteral("source failed: %1").arg(lastError));
    return QJsonObject{{QStringLiteral("chunks"), int(chunks.size())}, {QStringLiteral("health"), health}};
}

} // namespace twinops
