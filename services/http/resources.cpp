#include "http/resources.h"

namespace twinops {

// Fields are written in alphabetical order: the order QJsonObject gave them before JsonObjectWriter, so that the
// bodies stayed byte for byte the same.

namespace {
std::optional<QString> timeOrNull(const QDateTime &time)
{
    return time.isValid() ? std::optional<QString>(isoTime(time)) : std::nullopt;
}
std::optional<QString> textOrNull(const QString &text)
{
    return text.isEmpty() ? std::nullopt : std::optional<QString>(text);
}
} // namespace

JsonObjectWriter tenantJson(const Tenant &tenant)
{
    return JsonObjectWriter()
        .insert("created_at", isoTime(tenant.createdAt))
        .insert("id", tenant.id)
        .insert("name", tenant.name)
        .insert("status", tenantStatusName(tenant.status))
        .insert("updated_at", isoTime(tenant.updatedAt));
}

JsonObjectWriter userJson(const User &user)
{
    return JsonObjectWriter()
        .insert("created_at", isoTime(user.createdAt))
        .insert("email", user.email)
        .insert("id", user.id)
        .insert("is_active", user.isActive)
        .insert("last_login_at", timeOrNull(user.lastLoginAt))
        .insert("must_change_password", user.mustChangePassword)
        .insert("revoked_at", timeOrNull(user.revokedAt))
        .insert("role", roleName(user.role))
        .insert("tenant_id", user.tenantId)
        .insert("updated_at", isoTime(user.updatedAt));
}

JsonObjectWriter twinJson(const Twin &twin)
{
    return JsonObjectWriter()
        .insert("created_at", isoTime(twin.createdAt))
        .insert("description", twin.description)
        .insert("id", twin.id)
        .insert("name", twin.name)
        .insert("settings", twin.settings)
        .insert("status", twinStatusName(twin.status))
        .insert("tenant_id", twin.tenantId)
        .insert("updated_at", isoTime(twin.updatedAt));
}

JsonObjectWriter sourceJson(const Source &source)
{
    return JsonObjectWriter()
        .insert("approved_at", timeOrNull(source.approvedAt))
        .insert("chunk_count", source.chunkCount)
        .insert("content_hash", source.contentHash)
        .insert("content_type", source.mimeType)
        .insert("created_at", isoTime(source.createdAt))
        .insert("filename", source.filename)
        .insert("health", source.health)
        .insert("id", source.id)
        .insert("indexed_at", timeOrNull(source.indexedAt))
        .insert("last_error", textOrNull(source.lastError))
        .insert("size_bytes", source.sizeBytes)
        .insert("status", sourceStatusName(source.status))
        .insert("twin_id", source.twinId)
        .insert("updated_at", isoTime(source.updatedAt));
}

JsonObjectWriter sourceHealthJson(const Source &source)
{
    return JsonObjectWriter()
        .insert("checks", source.healthChecks)
        .insert("chunk_count", source.chunkCount)
        .insert("health", source.health)
        .insert("last_error", textOrNull(source.lastError))
        .insert("source_id", source.id)
        .insert("status", sourceStatusName(source.status));
}

JsonObjectWriter apiKeyJson(const ApiKey &key)
{
    JsonObjectWriter json;
    auto textOrNull = [](const QString &text) { return text.isEmpty() ? std::nullopt : std::optional<QString>(text); };
    json.insert("created_at", isoTime(key.createdAt))
        .insert("created_by", textOrNull(key.createdBy))
        .insert("created_by_email", textOrNull(key.createdByEmail))
        .insert("expires_at", timeOrNull(key.expiresAt))
        .insert("id", key.id)
        .insert("last_used_at", timeOrNull(key.lastUsedAt))
        .insert("name", key.name)
        .insert("prefix", QString(QStringLiteral("twk_") + key.prefix))
        .insert("revoked_at", timeOrNull(key.revokedAt))
        .insert("revoked_reason", textOrNull(key.revokedReason))
        .insert("scopes", key.scopes);
    if (key.twinIds)
        json.insert("twin_ids", *key.twinIds);
    else
        json.insert("twin_ids", nullptr);
    return json;
}

JsonObjectWriter shareLinkJson(const ShareLink &link)
{
    return JsonObjectWriter()
        .insert("created_at", isoTime(link.createdAt))
        .insert("expires_at", timeOrNull(link.expiresAt))
        .insert("id", link.id)
        .insert("last_used_at", timeOrNull(link.lastUsedAt))
        .insert("revoked_at", timeOrNull(link.revokedAt))
        .insert("token_prefix", link.tokenPrefix)
        .insert("twin_id", link.twinId);
}

JsonObjectWriter jobJson(const Job &job)
{
    return JsonObjectWriter()
        .insert("attempt", job.attempt)
        .insert("cancel_requested", job.cancelRequested)
        .insert("created_at", isoTime(job.createdAt))
        .insert("finished_at", timeOrNull(job.finishedAt))
        .insert("id", job.id)
        .insert("last_error", textOrNull(job.lastError))
        .insert("max_attempts", job.maxAttempts)
        .insert("payload", job.payload)
        .insert("priority", job.priority)
        .insert("run_at", isoTime(job.runAt))
        .insert("started_at", timeOrNull(job.startedAt))
        .insert("state", jobStateName(job.state))
        .insert("tenant_id", textOrNull(job.tenantId))
        .insert("twin_id", textOrNull(job.twinId))
        .insert("type", job.type)
        .insert("updated_at", isoTime(job.updatedAt));
}

} // namespace twinops
