#include "knowledge/conversationrepository.h"

#include "core/ids.h"
#include "jobs/job.h"

#include <QJsonDocument>

#include <algorithm>

namespace twinops {

namespace {

const QString kConversationColumns
    = QStringLiteral("c.id, c.tenant_id, c.twin_id, c.share_link_id, c.title, c.last_seq, c.created_at, c.updated_at");
const QString kMessageColumns
    = QStringLiteral("m.id, m.tenant_id, m.conversation_id, m.twin_id, m.seq, m.role, m.content, "
                     "m.citations, m.provider, m.model, m.ttft_ms, m.latency_ms, m.created_at, m.partial, m.fallback");

Conversation conversationFromRow(const Row &row)
{
    return {row.text(0), row.text(1), row.text(2), row.text(3), row.text(4), row.integer(5), row.time(6), row.time(7)};
}

std::optional<int> optionalInt(const Row &row, int column)
{
    if (row.isNull(column))
        return std::nullopt;
    return int(row.integer(column));
}

Message messageFromRow(const Row &row)
{
    Message message;
    message.id = row.text(0);
    message.tenantId = row.text(1);
    message.conversationId = row.text(2);
    message.twinId = row.text(3);
    message.seq = row.integer(4);
    message.role = row.text(5);
    message.content = row.text(6);
    message.citations = row.jsonArray(7);
    message.provider = row.text(8);
    message.model = row.text(9);
    message.ttftMs = optionalInt(row, 10);
    message.latencyMs = optionalInt(row, 11);
    message.createdAt = row.time(12);
    message.partial = row.boolean(13);
    message.fallback = row.boolean(14);
    return message;
}

Error conversationNotFound()
{
    return Error::notFound(QStringLiteral("conversation not found"));
}

QVariant nullable(const QString &text)
{
    return text.isEmpty() ? QVariant() : QVariant(text);
}

QVariant nullable(const std::optional<int> &value)
{
    return value ? QVariant(qint64(*value)) : QVariant();
}

} // namespace

QString ConversationRepository::titleFrom(const QString &message)
{
    const QString line = message.simplified();
    if (line.size() <= kMaxTitleLength)
        return line;
    QString cut = line.left(kMaxTitleLength - 1);
    const qsizetype space = cut.lastIndexOf(u' ');
    if (space > kMaxTitleLength / 2)
        cut.truncate(space);
    return cut + QStringLiteral("…");
}

Result<Conversation> ConversationRepository::create(const QString &tenantId, const QString &twinId,
                                                    const QString &firstMessage, const QString &shareLinkId)
{
    const QDateTime now = nowUtc();
    Conversation conversation{newId(), tenantId, twinId, shareLinkId, titleFrom(firstMessage), 0, now, now};
    TWINOPS_TRY(m_db.query(QStringLiteral("INSERT INTO conversations (id, tenant_id, twin_id, share_link_id, title, "
                                          "last_seq, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 0, $6, $6)"),
                           {conversation.id, tenantId, twinId, nullable(shareLinkId), conversation.title, now}));
    return conversation;
}

Result<Conversation> ConversationRepository::get(const QString &tenantId, const QString &id)
{
    if (!isUuid(id) || !isUuid(tenantId))
        return conversationNotFound();
    TWINOPS_TRY_ASSIGN(const auto rows,
                       m_db.query(QStringLiteral("SELECT ") + kConversationColumns
                                      + QStringLiteral(" FROM conversations c WHERE c.tenant_id = $1 AND c.id = $2"),
                                  {tenantId, id}));
    if (rows.isEmpty())
        return conversationNotFound();
    return conversationFromRow(rows.first());
}

Result<Page<Conversation>> ConversationRepository::list(const QString &tenantId, const QString &twinId,
                                                        const PageRequest &request)
{
    if (!isUuid(tenantId) || !isUuid(twinId))
        return Page<Conversation>{};
    // storage/paging.h pages ascending; newest first needs the mirror image: "<" and DESC on both keys.
    QString sql = QStringLiteral("SELECT ") + kConversationColumns
        + QStringLiteral(" FROM conversations c WHERE c.tenant_id = $1 AND c.twin_id = $2");
    QVariantList params{tenantId, twinId};
    if (!request.cursor.isEmpty()) {
        TWINOPS_TRY_ASSIGN(const auto position, decodeCursor(request.cursor));
        sql += QStringLiteral(" AND (c.updated_at, c.id) < ($3, $4)");
        params << position.createdAt << position.id;
    }
    const int limit = std::clamp(request.limit, 1, PageRequest::kMaxLimit);
    sql += QStringLiteral(" ORDER BY c.updated_at DESC, c.id DESC LIMIT $%1").arg(params.size() + 1);
    params << limit + 1;
    TWINOPS_TRY_ASSIGN(const auto rows, m_db.query(sql, params));
    Page<Conversation> page;
    for (const Row row : rows)
        page.items.append(conversationFromRow(row));
    if (page.items.size() > limit) {
        page.items.resize(limit);
        page.nextCursor = encodeCursor(page.items.last().updatedAt, page.items.last().id);
    }
    return page;
}

Result<Message> ConversationRepository::append(const QString &tenantId, const QString &conversationId,
                                               const NewMessage &newMessage)
{
    if (!isUuid(conversationId) || !isUuid(tenantId))
        return conversationNotFound();
    if (newMessage.role != messageroles::user && newMessage.role != messageroles::assistant)
        return Error::internal(QStringLiteral("unknown message role %1").arg(newMessage.role));
    TWINOPS_TRY_ASSIGN(auto transaction, Transaction::begin(m_db));
    const QDateTime now = nowUtc();
    TWINOPS_TRY_ASSIGN(const auto seq,
                       m_db.query(QStringLiteral("UPDATE conversations SET last_seq = last_seq + 1, updated_at = $3 "
                                                 "WHERE tenant_id = $1 AND id = $2 RETURNING last_seq, twin_id"),
                                  {tenantId, conversationId, now}));
    if (seq.isEmpty())
        return conversationNotFound();
    Message message;
    message.id = newMessage.id.isEmpty() ? newId() : newMessage.id;
    message.tenantId = tenantId;
    message.conversationId = conversationId;
    message.twinId = seq.first().text(1);
    message.seq = seq.first().integer(0);
    message.role = newMessage.role;
    message.content = newMessage.content;
    message.citations = newMessage.citations;
    message.provider = newMessage.provider;
    message.model = newMessage.model;
    message.ttftMs = newMessage.ttftMs;
    message.latencyMs = newMessage.latencyMs;
    message.partial = newMessage.partial;
    message.fallback = newMessage.fallback;
    message.createdAt = now;
    TWINOPS_TRY(m_db.query(
        QStringLiteral("INSERT INTO messages (id, tenant_id, conversation_id, twin_id, seq, role, content, citations, "
                       "provider, model, ttft_ms, latency_ms, created_at, partial, fallback) "
                       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"),
        {message.id, tenantId, conversationId, message.twinId, message.seq, message.role, message.content,
         QString::fromUtf8(QJsonDocument(message.citations).toJson(QJsonDocument::Compact)), nullable(message.provider),
         nullable(message.model), nullable(message.ttftMs), nullable(message.latencyMs), now, message.partial,
         message.fallback}));
    TWINOPS_TRY(transaction.commit());
    return message;
}

Result<Page<Message>> ConversationRepository::messages(const QString &tenantId, const QString &conversationId,
                                                       const PageRequest &request)
{
    if (!isUuid(tenantId) || !isUuid(conversationId))
        return conversationNotFound();
    // Messages of one turn can share a millisecond, so the order is seq, not (created_at, id); the cursor keeps
    // the usual format and names the last message seen, whose seq is looked up.
    QString sql = QStringLiteral("SELECT ") + kMessageColumns
        + QStringLiteral(" FROM messages m WHERE m.tenant_id = $1 AND m.conversation_id = $2");
    QVariantList params{tenantId, conversationId};
    if (!request.cursor.isEmpty()) {
        TWINOPS_TRY_ASSIGN(const auto position, decodeCursor(request.cursor));
        TWINOPS_TRY_ASSIGN(
            const auto after,
            m_db.query(
                QStringLiteral("SELECT seq FROM messages WHERE tenant_id = $1 AND conversation_id = $2 AND id = $3"),
                {tenantId, conversationId, position.id}));
        if (after.isEmpty())
            return Error::badRequest(QStringLiteral("invalid cursor"));
        sql += QStringLiteral(" AND m.seq > $3");
        params << after.first().integer(0);
    }
    const int limit = std::clamp(request.limit, 1, PageRequest::kMaxLimit);
    sql += QStringLiteral(" ORDER BY m.seq LIMIT $%1").arg(params.size() + 1);
    params << limit + 1;
    TWINOPS_TRY_ASSIGN(const auto rows, m_db.query(sql, params));
    Page<Message> page;
    for (const Row row : rows)
        page.items.append(messageFromRow(row));
    if (page.items.size() > limit) {
        page.items.resize(limit);
        page.nextCursor = encodeCursor(page.items.last().createdAt, page.items.last().id);
    }
    return page;
}

Result<QList<Message>> ConversationRepository::recent(const QString &tenantId, const QString &conversationId, int count,
                                                      qint64 beforeSeq)
{
    if (!isUuid(tenantId) || !isUuid(conversationId))
        return conversationNotFound();
    if (count <= 0)
        return QList<Message>{};
    TWINOPS_TRY_ASSIGN(
        const auto rows,
        m_db.query(QStringLiteral("SELECT ") + kMessageColumns
                       + QStringLiteral(" FROM messages m WHERE m.tenant_id = $1 AND m.conversation_id = $2 "
                                        "AND m.seq < $3 ORDER BY m.seq DESC LIMIT $4"),
                   {tenantId, conversationId, beforeSeq, count}));
    QList<Message> messages;
    for (const Row row : rows)
        messages.prepend(messageFromRow(row));
    return messages;
}

QString ConversationRepository::graphJobKey(const QString &conversationId, const QString &messageId)
{
    return conversationId + u':' + messageId;
}

Result<QHash<QString, QString>> ConversationRepository::graphJobIds(const QString &tenantId,
                                                                    const QList<Message> &messages)
{
    QHash<QString, QString> messageOfKey;
    QStringList placeholders;
    QVariantList params{tenantId, jobtypes::graphExtraction};
    for (const Message &message : messages) {
        if (message.role != messageroles::assistant)
            continue;
        const QString key = graphJobKey(message.conversationId, message.id);
        messageOfKey.insert(key, message.id);
        params << key;
        placeholders << QStringLiteral("$%1").arg(params.size());
    }
    QHash<QString, QString> jobs;
    if (placeholders.isEmpty())
        return jobs;
    TWINOPS_TRY_ASSIGN(const Rows rows,
                       m_db.query(QStringLiteral("SELECT idempotency_key, id FROM jobs WHERE tenant_id = $1 "
                                                 "AND type = $2 AND idempotency_key IN (%1)")
                                      .arg(placeholders.join(QStringLiteral(", "))),
                                  params));
    for (const Row row : rows)
        jobs.insert(messageOfKey.value(row.text(0)), row.text(1));
    return jobs;
}

} // namespace twinops
