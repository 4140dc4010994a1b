#include "apikeysmodel.h"

#include "admin/adminclient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>

namespace twinops {

namespace {

QDateTime timeField(const QJsonObject &key, QLatin1String field)
{
    const QJsonValue value = key.value(field);
    return value.isString() ? QDateTime::fromString(value.toString(), Qt::ISODateWithMs) : QDateTime();
}

QStringList stringList(const QJsonValue &value)
{
    QStringList list;
    for (const QJsonValue &item : value.toArray())
        list.append(item.toString());
    return list;
}

// The words of the create dialog for the fields a 422 names, so that the message points at what to change.
QString fieldLabel(const QString &field)
{
    if (field == QLatin1String("name"))
        return ApiKeysModel::tr("Name");
    if (field == QLatin1String("scopes"))
        return ApiKeysModel::tr("Scopes");
    if (field == QLatin1String("twin_ids"))
        return ApiKeysModel::tr("Twins");
    if (field == QLatin1String("expires_in_days"))
        return ApiKeysModel::tr("Expiry");
    return field;
}

// The error body's message, followed by the problem of each field a validation error names.
QString describe(const AdminReply &reply)
{
    QString text = reply.errorText();
    const QJsonObject details
        = reply.body.value(QLatin1String("error")).toObject().value(QLatin1String("details")).toObject();
    QStringList problems;
    for (auto it = details.begin(); it != details.end(); ++it)
        problems << ApiKeysModel::tr("%1: %2").arg(fieldLabel(it.key()), it.value().toString());
    if (!problems.isEmpty())
        text += QStringLiteral(" (") + problems.join(QStringLiteral("; ")) + u')';
    return text;
}

// A key ends with its creator's access (docs/decisions.md): the state says when that is why it was revoked.
QString revocationText(const QString &reason)
{
    if (reason == QLatin1String("creator_revoked"))
        return ApiKeysModel::tr("revoked (creator revoked)");
    if (reason == QLatin1String("creator_deactivated"))
        return ApiKeysModel::tr("revoked (creator deactivated)");
    if (reason == QLatin1String("creator_deleted"))
        return ApiKeysModel::tr("revoked (creator deleted)");
    return ApiKeysModel::tr("revoked");
}

QVariant shownTime(const QDateTime &time, int role, const QString &whenNone)
{
    if (role == PagedAdminModel::SortRole)
        return time;
    return time.isValid() ? QLocale().toString(time.toLocalTime(), QLocale::ShortFormat) : whenNone;
}

} // namespace

ApiKeysModel::ApiKeysModel(AdminClient &client, QObject *parent)
    : TenantScopedModel(client, ColumnCount, parent)
{ }

QVariant ApiKeysModel::cellData(const QModelIndex &index, int role) const
{
    const QJsonObject key = item(index.row());
    switch (index.column()) {
    case Name: {
        const QString name = key.value(QLatin1String("name")).toString();
        return role == SortRole ? QVariant(name.toLower()) : QVariant(name);
    }
    case Prefix: return key.value(QLatin1String("prefix")).toString();
    case Scopes: return stringList(key.value(QLatin1String("scopes"))).join(QStringLiteral(", "));
    case Twins: {
        const QJsonValue twins = key.value(QLatin1String("twin_ids"));
        if (!twins.isArray())
            return role == SortRole ? QVariant(-1) : QVariant(tr("all"));
        const QStringList ids = stringList(twins);
        if (role == SortRole)
            return int(ids.size());
        if (role == Qt::ToolTipRole)
            return ids.isEmpty() ? tr("no twins") : ids.join(u'\n');
        return ids.size() == 1 ? tr("1 twin") : tr("%1 twins").arg(ids.size());
    }
    case CreatedBy: {
        const QString email = key.value(QLatin1String("created_by_email")).toString();
        const QString id = key.value(QLatin1String("created_by")).toString();
        if (role == Qt::ToolTipRole)
            return id;
        if (!email.isEmpty())
            return email;
        if (!id.isEmpty())
            return id;
        // No creator: made by a platform admin (or the console), or the creator was deleted.
        return key.value(QLatin1String("revoked_reason")).toString() == QLatin1String("creator_deleted")
            ? tr("deleted user")
            : tr("platform admin");
    }
    case Created: return shownTime(timeField(key, QLatin1String("created_at")), role, QString());
    case Expires: return shownTime(timeField(key, QLatin1String("expires_at")), role, tr("never"));
    case LastUsed: return shownTime(timeField(key, QLatin1String("last_used_at")), role, tr("never"));
    case State: {
        if (isRevoked(index.row()))
            return revocationText(key.value(QLatin1String("revoked_reason")).toString());
        const QDateTime expires = timeField(key, QLatin1String("expires_at"));
        return expires.isValid() && expires <= QDateTime::currentDateTimeUtc() ? tr("expired") : tr("active");
    }
    default: return {};
    }
}

QVariant ApiKeysModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name: return tr("Name");
    case Prefix: return tr("Key prefix");
    case Scopes: return tr("Scopes");
    case Twins: return tr("Twins");
    case CreatedBy: return tr("Created by");
    case Created: return tr("Created");
    case Expires: return tr("Expires");
    case LastUsed: return tr("Last used");
    case State: return tr("State");
    default: return {};
    }
}

void ApiKeysModel::createKey(const NewKey &key)
{
    if (tenantId().isEmpty())
        return;
    QJsonObject body{{QStringLiteral("name"), key.name},
                     {QStringLiteral("scopes"), QJsonArray::fromStringList(key.scopes)}};
    if (key.twinIds)
        body.insert(QStringLiteral("twin_ids"), QJsonArray::fromStringList(*key.twinIds));
    if (key.expiresInDays)
        body.insert(QStringLiteral("expires_in_days"), *key.expiresInDays);
    client().call(
        "POST", QStringLiteral("/api/v1/api-keys"), body, this,
        [this, tenant = tenantId()](const AdminReply &reply) {
            if (!reply.ok()) {
                emit errorOccurred(tr("The API key was not created: %1").arg(describe(reply)));
                return;
            }
            QJsonObject row = reply.body;
            const QString secret = row.take(QLatin1String("key")).toString();
            // The answer of another tenant's request (the selection moved on) belongs to no row here; its secret
            // is still handed on, since it can never be read again.
            if (tenant == tenantId())
                upsert(row, true);
            emit keyCreated(tenant, row, secret);
        },
        tenantId());
}

void ApiKeysModel::revokeKey(const QString &keyId)
{
    if (tenantId().isEmpty() || keyId.isEmpty())
        return;
    client().call(
        "DELETE", QStringLiteral("/api/v1/api-keys/") + encoded(keyId), QJsonValue(QJsonValue::Undefined), this,
        [this, keyId, tenant = tenantId()](const AdminReply &reply) {
            if (!reply.ok()) {
                emit errorOccurred(tr("The API key was not revoked: %1").arg(describe(reply)));
                return;
            }
            // 204 has no body: the row takes this moment as its revocation time (the server's differs by the trip).
            if (tenant == tenantId()) {
                upsert(QJsonObject{{QStringLiteral("id"), keyId},
                                   {QStringLiteral("revoked_at"),
                                    QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                                   {QStringLiteral("revoked_reason"), QStringLiteral("manual")}},
                       false);
            }
            emit keyRevoked(keyId);
        },
        tenantId());
}

QString ApiKeysModel::listPath() const
{
    return tenantId().isEmpty() ? QString() : QStringLiteral("/api/v1/api-keys");
}

} // namespace twinops
