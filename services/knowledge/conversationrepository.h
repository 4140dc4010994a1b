#pragma once

#include "core/result.h"
#include "knowledge/conversation.h"
#include "storage/database.h"
#include "storage/paging.h"

#include <QHash>
#include <QList>

namespace twinops {

// Conversations and their messages. Every statement carries tenant_id = $1, so a foreign id is NotFound like a
// missing one.
class ConversationRepository
{
public:
    explicit ConversationRepository(Database &db)
        : m_db(db)
    { }

    static constexpr int kMaxTitleLength = 80;

    Result<Conversation> create(const QString &tenantId, const QString &twinId, const QString &firstMessage,
                                const QString &shareLinkId = {});
    Result<Conversation> get(const QString &tenantId, const QString &id);
    // Most recently active first: keyset over (updated_at, id) descending, with the usual opaque cursor.
    Result<Page<Conversation>> list(const QString &tenantId, const QString &twinId, const PageRequest &page);

    // Takes the next seq with  UPDATE … SET last_seq = last_seq + 1 … RETURNING  (which also locks the
    // conversation until the caller commits, so concurrent appends cannot take the same seq).
    Result<Message> append(const QString &tenantId, const QString &conversationId, const NewMessage &message);
    // Oldest first, by seq; the cursor names the last message of the previous page.
    Result<Page<Message>> messages(const QString &tenantId, const QString &conversationId, const PageRequest &page);
    // The newest `count` messages before seq `beforeSeq`, oldest first: the history a provider sees.
    Result<QList<Message>> recent(const QString &tenantId, const QString &conversationId, int count, qint64 beforeSeq);

    // The idempotency key of the graph_extraction job an assistant message enqueues: jobs' unique
    // (type, idempotency_key) finds the job of a message without reading payloads.
    static QString graphJobKey(const QString &conversationId, const QString &messageId);
    // Message id → the id of the graph_extraction job it enqueued, for the assistant messages of a page, in one query
    // on that key; a message whose job was since pruned has none.
    Result<QHash<QString, QString>> graphJobIds(const QString &tenantId, const QList<Message> &messages);

    // The first message on one line, at most kMaxTitleLength characters.
    static QString titleFrom(const QString &message);

private:
    Database &m_db;
};

} // namespace twinops
