#pragma once

#include "core/result.h"
#include "knowledge/retriever.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>
#include <memory>

namespace twinops {

struct ChatSettings;

struct ChatHistoryMessage
{
    QString role; // user | assistant
    QString content;
};

// Everything a provider may use to answer. Passages are numbered from 1 in list order; an answer cites
// passage n with the marker "[n]".
struct ChatRequest
{
    QString question;
    QList<Passage> passages;
    QString twinName;
    QString twinDescription;
    QJsonObject twinSettings;
    QList<ChatHistoryMessage> history; // the conversation's recent messages, oldest first
};

// Answers a question, token by token. generate() runs synchronously on the calling thread, which is an HTTP
// thread: it must not spin that thread's event loop (Qt HttpServer would dispatch another request on the same
// database connection in the middle of this one). Thread-safe: one instance serves every HTTP thread.
class ChatProvider
{
public:
    using TokenSink = std::function<bool(const QString &token)>;

    virtual ~ChatProvider() = default;
    virtual QString name() const = 0; // stored with the message: "grounded", "openai"
    virtual QString model() const { return {}; }
    // Calls onToken for each piece of the answer in order; when it returns false, stops and succeeds. An error
    // after some tokens means the answer was cut: the caller keeps what it got.
    virtual Status generate(const ChatRequest &request, const TokenSink &onToken) = 0;
};

// The provider the settings ask for; null for the built-in grounded provider (every chat has one anyway,
// as the fallback).
std::shared_ptr<ChatProvider> makeChatProvider(const ChatSettings &settings);

} // namespace twinops
