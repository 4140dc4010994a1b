#include "knowledge/chatservice.h"

#include "core/ids.h"
#include "jobs/jobqueue.h"
#include "knowledge/conversationrepository.h"
#include "knowledge/retriever.h"
#include "metrics/metricfamilies.h"
#include "metrics/metricsregistry.h"
#include "tenancy/twinrepository.h"

#include <QRegularExpression>
#include <QSet>

namespace twinops {

namespace {

constexpr int kSnippetLength = 200;

int elapsedMs(const QElapsedTimer &timer)
{
    return int(timer.elapsed());
}

// Finds citation markers ("[2]", "[1, 3]") as the answer grows token by token. Each scan starts a little
// before the end of the previous one, because a marker can arrive split over tokens ("[", "2", "]").
class CitationScanner
{
public:
    explicit CitationScanner(const QList<Passage> &passages)
        : m_passages(passages)
    { }

    // The citations that became complete in `text` since the last call, in order of appearance.
    QList<QJsonObject> scan(const QString &text)
    {
        static const QRegularExpression marker(QStringLiteral("\\[(\\d{1,2}(?:\\s*,\\s*\\d{1,2})*)\\]"));
        static const QRegularExpression separator(QStringLiteral("\\s*,\\s*"));
        QList<QJsonObject> found;
        qsizetype lastEnd = m_from;
        for (auto it = marker.globalMatch(text, m_from); it.hasNext();) {
            const QRegularExpressionMatch match = it.next();
            lastEnd = match.capturedEnd();
            for (const QString &number : match.captured(1).split(separator)) {
                const int n = number.toInt();
                if (n < 1 || n > m_passages.size() || m_cited.contains(n))
                    continue;
                m_cited.insert(n);
                const Passage &passage = m_passages.at(n - 1);
                QString snippet = passage.text.simplified();
                if (snippet.size() > kSnippetLength)
                    snippet = snippet.left(kSnippetLength - 1) + QStringLiteral("…");
                QJsonObject citation{{QStringLiteral("n"), n},
                                     {QStringLiteral("source_id"), passage.sourceId},
                                     {QStringLiteral("filename"), passage.filename},
                                     {QStringLiteral("chunk_id"), passage.chunkId},
                                     {QStringLiteral("snippet"), snippet}};
                found.append(citation);
                m_all.append(citation);
            }
        }
        m_from = std::max(lastEnd, text.size() - 12); // the longest unfinished marker we match is shorter
        return found;
    }

    const QJsonArray &all() const { return m_all; }

private:
    const QList<Passage> &m_passages;
    QSet<int> m_cited;
    QJsonArray m_all;
    qsizetype m_from = 0;
};

QJsonValue optionalJson(const std::optional<int> &value)
{
    return value ? QJsonValue(*value) : QJsonValue();
}

} // namespace

ChatService::ChatService(Database &db, const ChatSettings &settings, MetricsRegistry &metrics, ChatProvider *provider)
    : m_db(db)
    , m_settings(settings)
    , m_metrics(metrics)
    , m_owned(provider ? nullptr : makeChatProvider(settings))
    , m_provider(provider      ? provider
                     : m_owned ? m_owned.get()
                               : &m_grounded)
    , m_ttft(metrics.histogram(
          metricfamily::chatTtft(),
          QStringLiteral("Chat time to first token: request start to the first token handed to the client")))
    , m_duration(metrics.histogram(QStringLiteral("twinops_chat_duration_seconds"),
                                   QStringLiteral("Chat duration: request start to the stored answer")))
    , m_fallbacks(metrics.counter(
          QStringLiteral("twinops_chat_provider_fallbacks_total"),
          QStringLiteral("Chats the grounded provider answered because the configured provider failed")))
{ }

void ChatService::count(const QString &outcome)
{
    m_metrics
        .counter(QStringLiteral("twinops_chat_requests_total"), QStringLiteral("Chat turns by outcome"),
                 {{QStringLiteral("outcome"), outcome}})
        .inc();
}

Result<PreparedChat> ChatService::prepare(const QString &tenantId, const QString &twinId, const QString &message,
                                          const QString &conversationId, const QString &shareLinkId)
{
    PreparedChat chat;
    chat.message = message.trimmed();
    chat.shareLinkId = shareLinkId;
    QHash<QString, QString> problems;
    if (chat.message.isEmpty())
        problems.insert(QStringLiteral("message"), QStringLiteral("must not be empty"));
    else if (chat.message.size() > ChatSettings::kMaxMessageLength)
        problems.insert(QStringLiteral("message"),
                        QStringLiteral("must be at most %1 characters").arg(ChatSettings::kMaxMessageLength));
    if (!conversationId.isEmpty() && !isUuid(conversationId))
        problems.insert(QStringLiteral("conversation_id"), QStringLiteral("must be a UUID"));
    if (!problems.isEmpty()) {
        count(QStringLiteral("invalid"));
        return Error::validation(problems);
    }
    TWINOPS_TRY_ASSIGN(auto twin, TwinRepository(m_db).get(tenantId, twinId));
    if (twin.status != TwinStatus::Active)
        return Error::conflict(QStringLiteral("the twin is archived"));
    chat.twin = std::move(twin);
    if (!conversationId.isEmpty()) {
        TWINOPS_TRY_ASSIGN(auto conversation, ConversationRepository(m_db).get(tenantId, conversationId.toLower()));
        // A share-link visitor continues only the conversations of its own link: their history reaches the
        // provider, and through the answer, the visitor.
        if (conversation.twinId != chat.twin.id || (!shareLinkId.isEmpty() && conversation.shareLinkId != shareLinkId))
            return Error::notFound(QStringLiteral("conversation not found"));
        chat.conversation = std::move(conversation);
    }
    return chat;
}

Result<ChatTurn> ChatService::chat(const QString &tenantId, const QString &twinId, const QString &message,
                                   const QString &conversationId, const ChatEventSink &onEvent,
                                   const QString &shareLinkId)
{
    QElapsedTimer started;
    started.start();
    TWINOPS_TRY_ASSIGN(const auto prepared, prepare(tenantId, twinId, message, conversationId, shareLinkId));
    return run(prepared, onEvent, started);
}

Result<ChatTurn> ChatService::run(const PreparedChat &chat, const ChatEventSink &onEvent, QElapsedTimer started)
{
    if (!started.isValid())
        started.start();
    const QString &tenantId = chat.twin.tenantId;
    ChatTurn turn;
    auto send = [&](const QByteArray &event, const QJsonObject &data) {
        if (turn.clientGone)
            return false;
        if (onEvent && !onEvent(event, data))
            turn.clientGone = true;
        return !turn.clientGone;
    };
    auto failed = [&](const Error &error) -> Result<ChatTurn> {
        count(QStringLiteral("error"));
        return error;
    };

    // The question is stored (and the conversation created) before anything can go wrong with the answer.
    ConversationRepository conversations(m_db);
    {
        auto transaction = Transaction::begin(m_db);
        if (!transaction.ok())
            return failed(transaction.error());
        if (chat.conversation) {
            turn.conversation = *chat.conversation;
        } else {
            auto created = conversations.create(tenantId, chat.twin.id, chat.message, chat.shareLinkId);
            if (!created.ok())
                return failed(created.error());
            turn.conversation = std::move(created).value();
        }
        auto user = conversations.append(tenantId, turn.conversation.id,
                                         {{}, messageroles::user, chat.message, {}, {}, {}, {}, {}});
        if (!user.ok())
            return failed(user.error());
        turn.userMessage = std::move(user).value();
        if (auto committed = transaction->commit(); !committed.ok())
            return failed(committed.error());
    }
    const QString assistantId = newId();
    send("meta",
         {{QStringLiteral("conversation_id"), turn.conversation.id},
          {QStringLiteral("message_id"), assistantId},
          {QStringLiteral("user_message_id"), turn.userMessage.id}});

    ChatRequest request;
    request.question = chat.message;
    request.twinName = chat.twin.name;
    request.twinDescription = chat.twin.description;
    request.twinSettings = chat.twin.settings;
    auto history
        = conversations.recent(tenantId, turn.conversation.id, m_settings.historyMessages, turn.userMessage.seq);
    if (!history.ok())
        return failed(history.error());
    for (const Message &message : std::as_const(*history))
        request.history.append({message.role, message.content});
    auto passages = Retriever(m_db).search(tenantId, chat.twin.id, chat.message, m_settings.passageLimit);
    if (!passages.ok())
        return failed(passages.error());
    request.passages = std::move(passages).value();

    // Tokens go to the client as they come. A client that leaves stops the generation (a provider's tokens cost
    // money and a chat thread): what was generated is stored as a partial answer.
    QString answer;
    std::optional<int> ttftMs;
    CitationScanner citations(request.passages);
    const ChatProvider::TokenSink onToken = [&](const QString &token) {
        answer += token;
        if (!turn.clientGone) {
            send("token", {{QStringLiteral("text"), token}});
            if (!ttftMs) {
                ttftMs = elapsedMs(started);
                m_ttft.observe(double(started.nsecsElapsed()) / 1e9);
            }
        }
        for (const QJsonObject &citation : citations.scan(answer))
            send("citation", citation);
        return !turn.clientGone;
    };

    ChatProvider *provider = m_provider;
    Status generated = provider->generate(request, onToken);
    if (turn.clientGone) {
        turn.partial = true;
        if (answer.trimmed().isEmpty()) { // nothing to keep: the question stays, unanswered
            count(QStringLiteral("client_gone"));
            return turn;
        }
    } else if (answer.trimmed().isEmpty() && provider != &m_grounded) {
        // Nothing usable arrived: answer from the sources rather than not at all, and say so.
        qCWarning(lcChat).noquote() << "provider" << provider->name() << "failed before its first token, answering"
                                    << "with the grounded provider:"
                                    << (generated.ok() ? QStringLiteral("empty answer") : generated.error().message);
        m_fallbacks.inc();
        turn.fallback = true;
        provider = &m_grounded;
        generated = provider->generate(request, onToken);
    } else if (!generated.ok()) {
        qCWarning(lcChat).noquote() << "provider" << provider->name() << "failed mid-answer, keeping" << answer.size()
                                    << "characters:" << generated.error().message;
        turn.partial = true;
    }
    if (answer.trimmed().isEmpty()) // cannot happen with the grounded provider; an empty answer is never stored
        onToken(GroundedProvider::compose(ChatRequest{request.question, {}, request.twinName, {}, {}, {}}));
    turn.provider = provider->name();

    const int latencyMs = elapsedMs(started);
    {
        auto transaction = Transaction::begin(m_db);
        if (!transaction.ok())
            return failed(transaction.error());
        NewMessage assistant{assistantId,      messageroles::assistant,
                             answer.trimmed(), citations.all(),
                             turn.provider,    provider->model(),
                             ttftMs,           latencyMs,
                             turn.partial,     turn.fallback};
        auto stored = conversations.append(tenantId, turn.conversation.id, assistant);
        if (!stored.ok())
            return failed(stored.error());
        turn.assistantMessage = std::move(stored).value();
        NewJob job;
        job.type = jobtypes::graphExtraction;
        job.tenantId = tenantId;
        job.twinId = chat.twin.id;
        job.payload = {{QStringLiteral("conversation_id"), turn.conversation.id},
                       {QStringLiteral("message_id"), assistantId},
                       {QStringLiteral("user_message_id"), turn.userMessage.id}};
        job.idempotencyKey = ConversationRepository::graphJobKey(turn.conversation.id, assistantId);
        auto enqueued = JobQueue(m_db).enqueue(job);
        if (!enqueued.ok())
            return failed(enqueued.error());
        turn.jobId = enqueued->id;
        if (auto committed = transaction->commit(); !committed.ok())
            return failed(committed.error());
    }
    turn.conversation.lastSeq = turn.assistantMessage.seq;
    turn.conversation.updatedAt = turn.assistantMessage.createdAt;
    m_duration.observe(double(started.nsecsElapsed()) / 1e9);
    count(turn.clientGone     ? QStringLiteral("client_gone")
              : turn.partial  ? QStringLiteral("partial")
              : turn.fallback ? QStringLiteral("fallback")
                              : QStringLiteral("ok"));

    send("done",
         {{QStringLiteral("conversation_id"), turn.conversation.id},
          {QStringLiteral("message_id"), assistantId},
          {QStringLiteral("user_message_id"), turn.userMessage.id},
          {QStringLiteral("job_id"), turn.jobId},
          {QStringLiteral("ttft_ms"), optionalJson(ttftMs)},
          {QStringLiteral("latency_ms"), latencyMs},
          {QStringLiteral("provider"), turn.provider},
          {QStringLiteral("fallback"), turn.fallback},
          {QStringLiteral("partial"), turn.partial}});
    return turn;
}

} // namespace twinops
