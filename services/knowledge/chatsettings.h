#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QLoggingCategory>
#include <QString>

Q_DECLARE_LOGGING_CATEGORY(lcChat)

namespace twinops {

class SecretStore;

// How chat answers: which provider, where it lives, how long we wait for it, and how many answers at once (the
// share-link chat budgets are AuthLimits').
// The API key is a secret: it is never logged, never part of a response and never written to a config file.
struct ChatSettings
{
    enum class Provider { Grounded, OpenAi };

    Provider provider = Provider::Grounded;
    QString baseUrl; // OpenAI-compatible root, e.g. https://api.openai.com/v1 (…/chat/completions is appended)
    QString model;
    QByteArray apiKey; // empty: no Authorization header (local servers)
    // Until the provider's response starts (connect, TLS, status line): a dead endpoint is noticed quickly.
    int firstByteTimeoutMs = 10'000;
    // The whole answer; a stream that is still running then is cut and kept as a partial answer.
    int totalTimeoutMs = 120'000;

    int passageLimit = 5; // passages retrieved per question
    int historyMessages = 6; // earlier messages of the conversation handed to the provider

    // Answers being generated at once (each holds a thread of the chat pool until it ends): in all, per tenant
    // (members and share-link visitors together) and per share link. Beyond the total 503, beyond the others 429,
    // both with Retry-After.
    int maxStreams = 32;
    int maxStreamsPerTenant = 8;
    int maxStreamsPerShareLink = 2;

    static constexpr int kMaxMessageLength = 8000;
    // What an openai provider uses when no base URL or model is given.
    static const QString kDefaultBaseUrl;
    static const QString kDefaultModel;
    // The secret store key of the provider's API key.
    static const QString kApiKeySecret;
    // Whether `text` is what a provider base URL must be: an http or https URL with a host.
    static bool isHttpUrl(const QString &text);

    // TWINOPS_LLM_PROVIDER (grounded|openai; default openai when TWINOPS_LLM_BASE_URL is set, else grounded),
    // TWINOPS_LLM_BASE_URL (default https://api.openai.com/v1 for openai), TWINOPS_LLM_MODEL (default
    // gpt-4o-mini), TWINOPS_LLM_API_KEY (else the secret store's
    // "llm-api-key", when a store is given), TWINOPS_LLM_FIRST_BYTE_TIMEOUT and TWINOPS_LLM_TIMEOUT (seconds);
    // TWINOPS_CHAT_MAX_STREAMS, TWINOPS_CHAT_MAX_STREAMS_PER_TENANT and TWINOPS_CHAT_MAX_STREAMS_PER_LINK.
    // BadRequest names the variable that is wrong; the key's value never appears in a message.
    static Result<ChatSettings> fromEnvironment(SecretStore *secrets = nullptr);
    // The settings of `provider` at `baseUrl` with `model` (empty: the defaults; the URL is not checked here), with
    // the API key and timeouts read as fromEnvironment() reads them. Shared with ConsoleSettings::chatSettings(), so
    // that the console's file and the environment give one provider the same key, defaults and timeouts.
    static Result<ChatSettings> forProvider(Provider provider, const QString &baseUrl, const QString &model,
                                            SecretStore *secrets);

    // For logs and status lines: provider, model and endpoint, never the key.
    QString description() const;
};

QString chatProviderName(ChatSettings::Provider provider);

} // namespace twinops
