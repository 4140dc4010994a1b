#pragma once

#include <QDateTime>
#include <QJsonArray>
#include <QString>

#include <optional>

namespace twinops {

enum class SourceStatus { Pending, Approved, Indexed, Rejected, Failed };
QString sourceStatusName(SourceStatus status);
std::optional<SourceStatus> sourceStatusFromString(const QString &text);

struct Source
{
    QString id;
    QString tenantId;
    QString twinId;
    QString filename;
    QString mimeType;
    QString contentHash;
    qint64 sizeBytes = 0;
    SourceStatus status = SourceStatus::Pending;
    QString health; // unknown | healthy | needs_attention | failed
    QJsonArray healthChecks; // [{name, status, message}]
    int chunkCount = 0;
    QString lastError;
    QString createdBy;
    QDateTime approvedAt;
    QDateTime indexedAt;
    QDateTime createdAt;
    QDateTime updatedAt;
};

struct NewSource
{
    QString filename;
    QString content;
    QString mimeType; // text/plain or text/markdown; empty = from the file name
    QString createdBy;
};

} // namespace twinops
