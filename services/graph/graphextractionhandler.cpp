#include "graph/graphextractionhandler.h"

#include "core/ids.h"
#include "graph/graphstore.h"

#include <QRegularExpression>

namespace twinops {

namespace {

struct StoredMessage
{
    QString role;
    QString content;
};

Result<StoredMessage> loadMessage(Database &db, const QString &tenantId, const QString &conversationId,
                                  const QString &messageId)
{
    TWINOPS_TRY_ASSIGN(const Rows rows,
                       db.query(QStringLiteral("SELECT role, content FROM messages WHERE tenant_id = $1 "
                                               "AND conversation_id = $2 AND id = $3"),
                                {tenantId, conversationId, messageId}));
    if (rows.isEmpty())
        return Error::notFound(QStringLiteral("message %1 not found").arg(messageId));
    return StoredMessage{rows.first().text(0), rows.first().text(1)};
}

} // namespace

QString GraphExtractionHandler::stripCitations(const QString &text)
{
    // [1], [12], [1, 2], [1-3], [^1]; the space before a marker goes with it.
    static const QRegularExpression marker(QStringLiteral("\\s*\\[\\^?\\d+(?:\\s*[,;\\x{2013}-]\\s*\\d+)*\\]"));
    QString stripped = text;
    stripped.replace(marker, QString());
    return stripped;
}

Result<QJsonObject> GraphExtractionHandler::run(JobContext &context)
{
    const Job &job = context.job();
    const QString tenantId = job.tenantId;
    const QString conversationId = job.payload.value(QStringLiteral("conversation_id")).toString();
    const QString messageId = job.payload.value(QStringLiteral("message_id")).toString();
    const QString userMessageId = job.payload.value(QStringLiteral("user_message_id")).toString();
    QHash<QString, QString> problems;
    if (!isUuid(tenantId))
        problems.insert(QStringLiteral("tenant_id"), QStringLiteral("a graph job belongs to a tenant"));
    if (!isUuid(conversationId))
        problems.insert(QStringLiteral("conversation_id"), QStringLiteral("must be a UUID"));
    if (!isUuid(messageId))
        problems.insert(QStringLiteral("message_id"), QStringLiteral("must be a UUID"));
    if (job.payload.contains(QStringLiteral("user_message_id")) && !isUuid(userMessageId))
        problems.insert(QStringLiteral("user_message_id"), QStringLiteral("must be a UUID"));
    if (!problems.isEmpty())
        return Error::validation(problems);

    Database &db = context.db();
    TWINOPS_TRY_ASSIGN(const Rows conversation,
                       db.query(QStringLiteral("SELECT twin_id FROM conversations WHERE tenant_id = $1 AND id = $2"),
                                {tenantId, conversationId}));
    if (conversation.isEmpty())
        return Error::notFound(QStringLiteral("conversation %1 not found").arg(conversationId));
    const QString twinId = conversation.first().text(0);
    if (!job.twinId.isEmpty() && job.twinId != twinId)
        return Error::validation(QStringLiteral("twin_id"), QStringLiteral("is not the conversation's twin"));

    TWINOPS_TRY_ASSIGN(const StoredMessage assistant, loadMessage(db, tenantId, conversationId, messageId));
    if (assistant.role != QLatin1String("assistant"))
        return Error::validation(QStringLiteral("message_id"), QStringLiteral("must name an assistant message"));
    QString text = stripCitations(assistant.content);
    if (!userMessageId.isEmpty()) {
        TWINOPS_TRY_ASSIGN(const StoredMessage user, loadMessage(db, tenantId, conversationId, userMessageId));
        if (user.role != QLatin1String("user"))
            return Error::validation(QStringLiteral("user_message_id"), QStringLiteral("must name a user message"));
        // A blank line keeps the two texts in separate sentences.
        text = stripCitations(user.content) + QStringLiteral("\n\n") + text;
    }

    const Extraction extraction = m_extractor.extract(text);
    TWINOPS_TRY_ASSIGN(const GraphRecordStats stats,
                       GraphStore(db).record(tenantId, twinId, messageId, conversationId, extraction));
    context.log(JobLogLevel::Info,
                QStringLiteral("%1 entities, %2 relations extracted; %3 new nodes, %4 new edges, %5 new evidence rows")
                    .arg(extraction.entities.size())
                    .arg(extraction.relations.size())
                    .arg(stats.newNodes)
                    .arg(stats.newEdges)
                    .arg(stats.newEvidence));
    return QJsonObject{{QStringLiteral("nodes"), stats.nodes},
                       {QStringLiteral("edges"), stats.edges},
                       {QStringLiteral("new_nodes"), stats.newNodes},
                       {QStringLiteral("new_edges"), stats.newEdges},
                       {QStringLiteral("new_evidence"), stats.newEvidence}};
}

} // namespace twinops
