#include "http/resources.h"

#include "http/jsonio.h"

#include <QJsonArray>

namespace twinops {

namespace {
QJsonValue timeOrNull(const QDateTime &time) { return time.isValid() ? QJsonValue(isoTime(time)) : QJsonValue(); }
QJsonValue textOrNull(const QString &text) { return text.isEmpty() ? QJsonValue() : QJsonValue(text); }
} // namespace

QJsonObject tenantJson(const Tenant &tenant)
{
    return {{QStringLiteral("id"), tenant.id},
            {QStringLiteral("name"), tenant.name},
            {QStringLiteral("status"), tenantStatusName(tenant.status)},
            {QStringLiteral("created_at"), isoTime(tenant.createdAt)},
            {QStringLiteral("updated_at"), isoTime(tenant.updatedAt)}};
}

QJsonObject userJson(const User &user)
{
    return {{QStringLiteral("id"), user.id},
            {QStringLiteral("tenant_id"), user.tenantId},
            {QStringLiteral("email"), user.email},
            {QStringLiteral("role"), roleName(user.role)},
            {QStringLiteral("is_active"), user.isActive},
            {QStringLiteral("revoked_at"), timeOrNull(user.revokedAt)},
            {QStringLiteral("last_login_at"), timeOrNull(user.lastLoginAt)},
            {QStringLiteral("created_at"), isoTime(user.createdAt)},
            {QStringLiteral("updated_at"), isoTime(user.updatedAt)}};
}

QJsonObject twinJson(const Twin &twin)
{
    return {{QStringLiteral("id"), twin.id},
            {QStringLiteral("tenant_id"), twin.tenantId},
            {QStringLiteral("name"), twin.name},
            {QStringLiteral("description"), twin.description},
            {QStringLiteral("settings"), twin.settings},
            {QStringLiteral("status"), twinStatusName(twin.status)},
            {QStringLiteral("created_at"), isoTime(twin.createdAt)},
            {QStringLiteral("updated_at"), isoTime(twin.updatedAt)}};
}

QJsonObject sourceJson(const Source &source)
{
    return {{QStringLiteral("id"), source.id},
            {QStringLiteral("twin_id"), source.twinId},
            {QStringLiteral("filename"), source.filename},
            {QStringLiteral("content_type"), source.mimeType},
            {QStringLiteral("size_bytes"), source.sizeBytes},
            {QStringLiteral("content_hash"), source.contentHash},
            {QStringLiteral("status"), sourceStatusName(source.status)},
            {QStringLiteral("health"), source.health},
            {QStringLiteral("chunk_count"), source.chunkCount},
            {QStringLiteral("last_error"), textOrNull(source.lastError)},
            {QStringLiteral("approved_at"), timeOrNull(source.approvedAt)},
            {QStringLiteral("indexed_at"), timeOrNull(source.indexedAt)},
            {QStringLiteral("created_at"), isoTime(source.createdAt)},
            {QStringLiteral("updated_at"), isoTime(source.updatedAt)}};
}

QJsonObject sourceHealthJson(const Source &source)
{
    return {{QStringLiteral("source_id"), source.id},
            {QStringLiteral("status"), sourceStatusName(source.status)},
            {QStringLiteral("health"), source.health},
            {QStringLiteral("chunk_count"), source.chunkCount},
            {QStringLiteral("checks"), source.healthChecks},
            {QStringLiteral("last_error"), textOrNull(source.lastError)}};
}

QJsonObject apiKeyJson(const ApiKey &key)
{
    return {{QStringLiteral("id"), key.id},
            {QStringLiteral("name"), key.name},
            {QStringLiteral("prefix"), QString(QStringLiteral("twk_") + key.prefix)},
            {QStringLiteral("scopes"), QJsonArray::fromStringList(key.scopes)},
            {QStringLiteral("twin_ids"), key.twinIds ? QJsonValue(QJsonArray::fromStringList(*key.twinIds)) : QJsonValue()},
            {QStringLiteral("expires_at"), timeOrNull(key.expiresAt)},
            {QStringLiteral("revoked_at"), timeOrNull(key.revokedAt)},
            {QStringLiteral("last_used_at"), timeOrNull(key.lastUsedAt)},
            {QStringLiteral("created_at"), isoTime(key.createdAt)}};
}

QJsonObject shareLinkJson(const ShareLink &link)
{
    return {{QStringLiteral("id"), link.id},
            {QStringLiteral("twin_id"), link.twinId},
            {QStringLiteral("token_prefix"), link.tokenPrefix},
            {QStringLiteral("expires_at"), timeOrNull(link.expiresAt)},
            {QStringLiteral("revoked_at"), timeOrNull(link.revokedAt)},
            {QStringLiteral("last_used_at"), timeOrNull(link.lastUsedAt)},
            {QStringLiteral("created_at"), isoTime(link.createdAt)}};
}

QJsonObject jobJson(const Job &job)
{
    return {{QStringLiteral("id"), job.id},
            {QStringLiteral("tenant_id"), textOrNull(job.tenantId)},
            {QStringLiteral("twin_id"), textOrNull(job.twinId)},
            {QStringLiteral("type"), job.type},
            {QStringLiteral("state"), jobStateName(job.state)},
            {QStringLiteral("payload"), job.payload},
            {QStringLiteral("priority"), job.priority},
            {QStringLiteral("attempt"), job.attempt},
            {QStringLiteral("max_attempts"), job.maxAttempts},
            {QStringLiteral("run_at"), isoTime(job.runAt)},
            {QStringLiteral("last_error"), textOrNull(job.lastError)},
            {QStringLiteral("cancel_requested"), job.cancelRequested},
            {QStringLiteral("created_at"), isoTime(job.createdAt)},
            {QStringLiteral("updated_at"), isoTime(job.updatedAt)},
            {QStringLiteral("started_at"), timeOrNull(job.startedAt)},
            {QStringLiteral("finished_at"), timeOrNull(job.finishedAt)}};
}

} // namespace twinops
