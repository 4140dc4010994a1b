#pragma once

#include "knowledge/chatprovider.h"
#include "knowledge/chatsettings.h"

#include <QThread>
#include <QUrl>

namespace twinops {

// An OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, llama.cpp, Ollama …), streamed:
// POST {base}/chat/completions with "stream": true, answered with server-sent `data: {chunk}` lines and a final
// `data: [DONE]`.
//
// generate() is called on HTTP threads that must not run a nested event loop, so the network I/O happens on a
// thread of its own (QNetworkAccessManagers, enough for ChatSettings::maxStreams answers at once, which also keep
// connections to the provider alive between chats); the caller blocks on a queue of tokens with the two timeouts of
// ChatSettings and never touches an event loop. Errors are Unavailable and carry no secret.
class OpenAiProvider final : public ChatProvider
{
public:
    explicit OpenAiProvider(const ChatSettings &settings);
    ~OpenAiProvider() override;
    Q_DISABLE_COPY_MOVE(OpenAiProvider)

    QString name() const override { return QStringLiteral("openai"); }
    QString model() const override { return m_model; }
    Status generate(const ChatRequest &request, const TokenSink &onToken) override;

    // The request body: the instructions and numbered passages as the system message, the recent history, then
    // the question.
    static QJsonObject requestBody(const ChatRequest &request, const QString &model);

private:
    class Worker;
    struct Exchange;
    void cancel(const std::shared_ptr<Exchange> &exchange);

    const QUrl m_url;
    const QString m_model;
    const QByteArray m_apiKey;
    const int m_firstByteTimeoutMs;
    const int m_totalTimeoutMs;
    QThread m_thread;
    Worker *m_worker; // lives on m_thread, deleted when it finishes
};

} // namespace twinops
