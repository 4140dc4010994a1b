#pragma once

#include "core/result.h"
#include "knowledge/chatprovider.h"
#include "knowledge/chatsettings.h"
#include "knowledge/conversation.h"
#include "knowledge/groundedprovider.h"
#include "storage/database.h"
#include "tenancy/tenancy.h"

#include <QElapsedTimer>
#include <QJsonObject>

#include <functional>
#include <memory>
#include <optional>

namespace twinops {

class Counter;
class Histogram;
class MetricsRegistry;

// Where a chat reports progress: "meta", "token", "citation", "done" (the SSE events of resources/api/openapi.json).
// Returns false once the client has gone; the chat then stops generating and stores what it has as a partial answer.
using ChatEventSink = std::function<bool(const QByteArray &event, const QJsonObject &data)>;

// A checked request, ready to run: everything that can be refused with an ordinary error response has been.
struct PreparedChat
{
    Twin twin;
    std::optional<Conversation> conversation; // none: the chat starts a new one
    QString message;
    QString shareLinkId; // set for share-link visitors
};

struct ChatTurn
{
    Conversation conversation;
    Message userMessage;
    Message assistantMessage;
    QString jobId; // the graph_extraction job of this exchange
    QString provider; // who answered in the end
    bool fallback = false; // the configured provider failed before its first token; the grounded one answered
    bool partial = false; // the provider failed or the client left mid-answer: the message holds what was generated
    bool clientGone = false; // generation stopped because the client left; no answer is stored if none had begun
};

// One chat turn: store the question, retrieve passages, stream the provider's answer, store it with its
// citations, enqueue the graph extraction of the exchange, and measure it.
//
// The user message commits before generation starts, so it survives whatever happens next; the assistant
// message and its job commit together afterwards, whether or not the client is still there. No transaction is
// open while the provider generates, so a slow provider never holds a database lock.
class ChatService
{
public:
    // provider: the configured provider, shared by every thread (see makeChatProvider); null means the one
    // the settings name (a private OpenAiProvider for "openai", the grounded provider otherwise).
    ChatService(Database &db, const ChatSettings &settings, MetricsRegistry &metrics, ChatProvider *provider = nullptr);

    // 422 for an empty or too long message or a conversation_id that is not a UUID; 404 for a missing or
    // foreign twin or conversation, or a conversation of another twin or another share link; 409 for an
    // archived twin.
    Result<PreparedChat> prepare(const QString &tenantId, const QString &twinId, const QString &message,
                                 const QString &conversationId, const QString &shareLinkId = {});
    // started: when the request began (time to first token counts from there); invalid = now.
    Result<ChatTurn> run(const PreparedChat &chat, const ChatEventSink &onEvent, QElapsedTimer started = {});

    Result<ChatTurn> chat(const QString &tenantId, const QString &twinId, const QString &message,
                          const QString &conversationId, const ChatEventSink &onEvent, const QString &shareLinkId = {});

private:
    void count(const QString &outcome);

    Database &m_db;
    const ChatSettings &m_settings;
    MetricsRegistry &m_metrics;
    std::shared_ptr<ChatProvider> m_owned;
    ChatProvider *m_provider;
    GroundedProvider m_grounded;
    Histogram &m_ttft;
    Histogram &m_duration;
    Counter &m_fallbacks;
};

} // namespace twinops
