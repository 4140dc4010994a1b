// Chat with a twin (members and share-link visitors), conversations and their messages.
#include "auth/concurrencylimiter.h"
#include "auth/sharelinkrepository.h"
#include "core/ids.h"
#include "http/apicontext.h"
#include "http/jsonio.h"
#include "http/routes.h"
#include "knowledge/chatprovider.h"
#include "knowledge/chatservice.h"
#include "knowledge/conversationrepository.h"

#include <QElapsedTimer>

namespace twinops {

namespace {

// Fields in alphabetical order, as in resources.cpp.
JsonObjectWriter conversationJson(const Conversation &conversation)
{
    return JsonObjectWriter()
        .insert("created_at", isoTime(conversation.createdAt))
        .insert("id", conversation.id)
        .insert("message_count", conversation.lastSeq)
        .insert("share_link_id",
                conversation.shareLinkId.isEmpty() ? std::nullopt : std::optional<QString>(conversation.shareLinkId))
        .insert("title", conversation.title)
        .insert("twin_id", conversation.twinId)
        .insert("updated_at", isoTime(conversation.updatedAt));
}

// graphJobId: an assistant message's graph_extraction job, none once it was pruned.
JsonObjectWriter messageJson(const Message &message, const std::optional<QString> &graphJobId = std::nullopt)
{
    const bool assistant = message.role == messageroles::assistant;
    JsonObjectWriter json;
    json.insert("citations", message.citations)
        .insert("content", message.content)
        .insert("conversation_id", message.conversationId)
        .insert("created_at", isoTime(message.createdAt));
    if (assistant)
        json.insert("fallback", message.fallback).insert("graph_job_id", graphJobId);
    json.insert("id", message.id);
    if (message.latencyMs)
        json.insert("latency_ms", *message.latencyMs);
    if (!message.model.isEmpty())
        json.insert("model", message.model);
    if (assistant)
        json.insert("partial", message.partial);
    if (!message.provider.isEmpty())
        json.insert("provider", message.provider);
    json.insert("role", message.role);
    if (message.ttftMs)
        json.insert("ttft_ms", *message.ttftMs);
    return json;
}

JsonObjectWriter turnJson(const ChatTurn &turn)
{
    const Message &assistant = turn.assistantMessage;
    return JsonObjectWriter()
        .insert("citations", assistant.citations)
        .insert("conversation_id", turn.conversation.id)
        .insert("fallback", turn.fallback)
        .insert("graph_job_id", turn.jobId)
        .insert("latency_ms", std::optional<qint64>(assistant.latencyMs))
        .insert("message", messageJson(assistant, turn.jobId))
        .insert("partial", turn.partial)
        .insert("provider", turn.provider)
        .insert("ttft_ms", std::optional<qint64>(assistant.ttftMs))
        .insert("user_message", messageJson(turn.userMessage));
}

struct ChatBody
{
    QString message;
    QString conversationId;
};

Result<ChatBody> chatBody(const HttpRequest &request)
{
    TWINOPS_TRY_ASSIGN(const auto body, jsonBody(request));
    JsonFields fields(body);
    ChatBody chat;
    chat.message = fields.requiredString(QStringLiteral("message"), ChatSettings::kMaxMessageLength);
    chat.conversationId = fields.optionalString(QStringLiteral("conversation_id"), 64).value_or(QString());
    TWINOPS_TRY(fields.status());
    return chat;
}

// The places an answer holds while it is generated: one of its tenant's and, for a share-link visitor, one of its
// link's (ChatSettings' limits). The chat pool's size bounds the total.
struct ChatPlaces
{
    std::unique_ptr<ConcurrencyLimiter::Slot> tenant;
    std::unique_ptr<ConcurrencyLimiter::Slot> shareLink;
};

Result<std::shared_ptr<ChatPlaces>> acquireChatPlaces(ApiShared &shared, const QString &tenantId,
                                                      const QString &shareLinkId)
{
    // An answer takes seconds, so a client refused here may well get a place a few seconds later.
    auto refused = [](const QString &what) {
        return Error{ErrorCode::RateLimited,
                     QStringLiteral("too many answers are being generated at once for this %1; retry later").arg(what),
                     {},
                     5};
    };
    auto places = std::make_shared<ChatPlaces>();
    places->tenant = shared.tenantChats.tryAcquire(tenantId);
    if (!places->tenant)
        return refused(QStringLiteral("tenant"));
    if (!shareLinkId.isEmpty()) {
        places->shareLink = shared.shareLinkChats.tryAcquire(shareLinkId);
        if (!places->shareLink)
            return refused(QStringLiteral("share link"));
    }
    return places;
}

// Checks everything first, so that a refusal is an ordinary error response; then answers as server-sent events
// when the client accepts them, otherwise with one JSON object once the answer is stored. Either way a client that
// disconnects stops the generation (what was generated is stored as a partial answer).
Result<HttpResponse> answer(RequestContext &c, const QString &tenantId, const QString &twinId, const ChatBody &body,
                            const QString &shareLinkId, const QElapsedTimer &started)
{
    ApiShared &shared = c.api.shared();
    TWINOPS_TRY_ASSIGN(const auto places, acquireChatPlaces(shared, tenantId, shareLinkId));
    ChatService service(c.api.db(), shared.settings.chat, shared.metrics, shared.chatProvider.get());
    TWINOPS_TRY_ASSIGN(auto prepared,
                       service.prepare(tenantId, twinId, body.message, body.conversationId, shareLinkId));
    if (!c.request.header("accept").contains("text/event-stream")) {
        ChatEventSink stillThere;
        if (c.request.clientGone)
            stillThere = [gone = c.request.clientGone](const QByteArray &, const QJsonObject &) { return !gone(); };
        TWINOPS_TRY_ASSIGN(const auto turn, service.run(prepared, stillThere, started));
        return HttpResponse::json(200, turnJson(turn));
    }
    // The producer runs on this thread right after the handler returned, with the same ApiContext; the
    // RequestContext is gone by then, so it takes what it needs by value (its places too: held until the end).
    ApiContext *api = &c.api;
    const QString requestId = c.request.requestId;
    return HttpResponse::eventStream(
        [api, chat = std::move(prepared), started, requestId, held = places](EventSink &sink) {
            ApiShared &state = api->shared();
            ChatService streaming(api->db(), state.settings.chat, state.metrics, state.chatProvider.get());
            auto turn = streaming.run(
                chat,
                [&sink](const QByteArray &event, const QJsonObject &data) {
                    return sink.send(event, QJsonDocument(data).toJson(QJsonDocument::Compact));
                },
                started);
            if (!turn.ok()) {
                qCWarning(lcChat).noquote() << requestId << "chat failed:" << turn.error().message;
                sink.send("error", HttpResponse::error(turn.error()).body);
            }
        });
}

} // namespace

void registerChatRoutes(Router &router)
{
    const Access chat = Access::tenant(Role::Viewer, scopes::chat);
    const Access read = Access::tenant(Role::Viewer, scopes::twinsRead);

    router.add(RouteSpec{"POST", QStringLiteral("/api/v1/twins/{id}/chat"), chat}.on(Lane::Chat),
               [](RequestContext &c) -> Result<HttpResponse> {
                   QElapsedTimer started;
                   started.start();
                   TWINOPS_TRY_ASSIGN(const auto twin, visibleTwin(c, c.param(QStringLiteral("id"))));
                   TWINOPS_TRY_ASSIGN(const auto body, chatBody(c.request));
                   return answer(c, c.principal.tenantId, twin.id, body, {}, started);
               });

    router.add({"GET", QStringLiteral("/api/v1/twins/{id}/conversations"), read}, [](RequestContext &c) {
        return twinItems(
            c,
            [&](const QString &twinId, const PageRequest &page) {
                return ConversationRepository(c.api.db()).list(c.principal.tenantId, twinId, page);
            },
            conversationJson);
    });

    router.add({"GET", QStringLiteral("/api/v1/conversations/{id}/messages"), read},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto id, uuidParam(c.param(QStringLiteral("id"))));
                   ConversationRepository conversations(c.api.db());
                   TWINOPS_TRY_ASSIGN(const auto conversation, conversations.get(c.principal.tenantId, id));
                   if (!c.principal.canSeeTwin(conversation.twinId))
                       return Error::notFound(QStringLiteral("conversation not found"));
                   TWINOPS_TRY_ASSIGN(const auto page, pageRequest(c.request));
                   TWINOPS_TRY_ASSIGN(const auto messages,
                                      conversations.messages(c.principal.tenantId, conversation.id, page));
                   TWINOPS_TRY_ASSIGN(const auto graphJobs,
                                      conversations.graphJobIds(c.principal.tenantId, messages.items));
                   return HttpResponse::json(
                       200, pageJson(messages, [&](const Message &message) {
                           const auto job = graphJobs.constFind(message.id);
                           return messageJson(
                               message, job == graphJobs.constEnd() ? std::nullopt : std::optional<QString>(*job));
                       }));
               });

    router.add(
        RouteSpec{"POST", QStringLiteral("/api/v1/public/share/{token}/chat"), Access::publicRoute()}.on(Lane::Chat),
        [](RequestContext &c) -> Result<HttpResponse> {
            QElapsedTimer started;
            started.start();
            TWINOPS_TRY(c.api.auth().takeShareChat(c.request.client));
            TWINOPS_TRY_ASSIGN(const auto link,
                               ShareLinkRepository(c.api.db()).resolve(c.param(QStringLiteral("token"))));
            TWINOPS_TRY(c.api.auth().takeShareChatOnLink(link.id));
            TWINOPS_TRY_ASSIGN(const auto body, chatBody(c.request));
            // last_used_at at most once a minute: a busy link does not rewrite its row on every message.
            const QDateTime now = nowUtc();
            (void)c.api.db().query(QStringLiteral("UPDATE share_links SET last_used_at = $2 WHERE id = $1 "
                                                  "AND (last_used_at IS NULL OR last_used_at < $3)"),
                                   {link.id, now, now.addSecs(-60)});
            return answer(c, link.tenantId, link.twinId, body, link.id, started);
        });
}

} // namespace twinops
