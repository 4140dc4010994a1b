#include "sharelinksmodel.h"

#include "admin/adminclient.h"

#include <QDateTime>
#include <QJsonObject>
#include <QLocale>

namespace twinops {

namespace {

QDateTime timeField(const QJsonObject &link, QLatin1String field)
{
    const QJsonValue value = link.value(field);
    return value.isString() ? QDateTime::fromString(value.toString(), Qt::ISODateWithMs) : QDateTime();
}

QVariant shownTime(const QDateTime &time, int role, const QString &whenNone)
{
    if (role == PagedAdminModel::SortRole)
        return time;
    return time.isValid() ? QLocale().toString(time.toLocalTime(), QLocale::ShortFormat) : whenNone;
}

} // namespace

ShareLinksModel::ShareLinksModel(AdminClient &client, QObject *parent)
    : TenantScopedModel(client, ColumnCount, parent)
{ }

QVariant ShareLinksModel::cellData(const QModelIndex &index, int role) const
{
    const QJsonObject link = item(index.row());
    switch (index.column()) {
    case Prefix: {
        const QString prefix = link.value(QLatin1String("token_prefix")).toString();
        return role == Qt::DisplayRole ? QVariant(prefix + QStringLiteral("…")) : QVariant(prefix);
    }
    case Created: return shownTime(timeField(link, QLatin1String("created_at")), role, QString());
    case Expires: return shownTime(timeField(link, QLatin1String("expires_at")), role, tr("never"));
    case LastUsed: return shownTime(timeField(link, QLatin1String("last_used_at")), role, tr("never"));
    case State: {
        if (isRevoked(index.row()))
            return tr("revoked");
        const QDateTime expires = timeField(link, QLatin1String("expires_at"));
        return expires.isValid() && expires <= QDateTime::currentDateTimeUtc() ? tr("expired") : tr("active");
    }
    default: return {};
    }
}

QVariant ShareLinksModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Prefix: return tr("Token");
    case Created: return tr("Created");
    case Expires: return tr("Expires");
    case LastUsed: return tr("Last used");
    case State: return tr("State");
    default: return {};
    }
}

void ShareLinksModel::createLink(std::optional<int> expiresInDays)
{
    if (listPath().isEmpty())
        return;
    QJsonObject body;
    if (expiresInDays)
        body.insert(QStringLiteral("expires_in_days"), *expiresInDays);
    client().call(
        "POST", QStringLiteral("/api/v1/twins/%1/share-links").arg(encoded(twinId())), body, this,
        [this, twin = twinId()](const AdminReply &reply) {
            if (!reply.ok()) {
                emit errorOccurred(tr("The share link was not created: %1").arg(reply.errorText()));
                return;
            }
            QJsonObject row = reply.body;
            const QString token = row.take(QLatin1String("token")).toString();
            // The answer for a twin no longer shown belongs to no row here; its token is still handed on, since
            // it can never be read again.
            if (twin == twinId())
                upsert(row, true);
            emit linkCreated(twin, row, token);
        },
        tenantId());
}

void ShareLinksModel::revokeLink(const QString &linkId)
{
    if (listPath().isEmpty() || linkId.isEmpty())
        return;
    client().call(
        "DELETE", QStringLiteral("/api/v1/share-links/") + encoded(linkId), QJsonValue(QJsonValue::Undefined), this,
        [this, linkId, twin = twinId()](const AdminReply &reply) {
            if (!reply.ok()) {
                emit errorOccurred(tr("The share link was not revoked: %1").arg(reply.errorText()));
                return;
            }
            // 204 has no body: the row takes this moment as its revocation time (the server's differs by the trip).
            if (twin == twinId()) {
                upsert(QJsonObject{{QStringLiteral("id"), linkId},
                                   {QStringLiteral("revoked_at"),
                                    QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)}},
                       false);
            }
        },
        tenantId());
}

QString ShareLinksModel::listPath() const
{
    return tenantId().isEmpty() || twinId().isEmpty()
        ? QString()
        : QStringLiteral("/api/v1/twins/%1/share-links").arg(encoded(twinId()));
}

} // namespace twinops
