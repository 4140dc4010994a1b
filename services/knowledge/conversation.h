#pragma once

#include <QDateTime>
#include <QJsonArray>
#include <QString>

#include <optional>

namespace twinops {

// One chat thread with a twin. share_link_id is set when a share-link visitor started it.
struct Conversation
{
    QString id;
    QString tenantId;
    QString twinId;
    QString shareLinkId;
    QString title; // from the first message
    qint64 lastSeq = 0; // the seq of the newest message, which is also the number of messages
    QDateTime createdAt;
    QDateTime updatedAt;
};

struct Message
{
    QString id;
    QString tenantId;
    QString conversationId;
    QString twinId;
    qint64 seq = 0; // 1, 2, … in the order the messages were stored
    QString role; // user | assistant
    QString content;
    QJsonArray citations; // [{n, source_id, filename, chunk_id, snippet}]
    QString provider; // assistant messages: who answered
    QString model;
    std::optional<int> ttftMs;
    std::optional<int> latencyMs;
    QDateTime createdAt;
    bool partial = false; // assistant: cut short (the provider failed mid-answer, or the client left)
    bool fallback = false; // assistant: the grounded provider answered because the configured one failed
};

struct NewMessage
{
    QString id; // empty: a new one
    QString role;
    QString content;
    QJsonArray citations;
    QString provider;
    QString model;
    std::optional<int> ttftMs;
    std::optional<int> latencyMs;
    bool partial = false;
    bool fallback = false;
};

namespace messageroles {
inline const QString user = QStringLiteral("user");
inline const QString assistant = QStringLiteral("assistant");
} // namespace messageroles

} // namespace twinops
