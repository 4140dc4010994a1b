#include "conversationsmodel.h"

#include <QDateTime>
#include <QJsonObject>
#include <QLocale>

namespace twinops {

namespace {

QVariant shownTime(const QJsonObject &item, QLatin1String field, int role)
{
    const QDateTime time = QDateTime::fromString(item.value(field).toString(), Qt::ISODateWithMs);
    if (role == PagedAdminModel::SortRole)
        return time;
    return time.isValid() ? QLocale().toString(time.toLocalTime(), QLocale::ShortFormat) : QString();
}

} // namespace

ConversationsModel::ConversationsModel(AdminClient &client, QObject *parent)
    : TenantScopedModel(client, ColumnCount, parent)
{ }

QVariant ConversationsModel::cellData(const QModelIndex &index, int role) const
{
    const QJsonObject conversation = item(index.row());
    switch (index.column()) {
    case Title: {
        const QString title = conversation.value(QLatin1String("title")).toString();
        if (role == SortRole)
            return title.toLower();
        return title.isEmpty() ? tr("(untitled)") : title;
    }
    case Messages: return conversation.value(QLatin1String("message_count")).toInteger();
    case Started: return shownTime(conversation, QLatin1String("created_at"), role);
    case LastActive: return shownTime(conversation, QLatin1String("updated_at"), role);
    case Via:
        // A share-link visitor's conversation, or one of the tenant's members (or keys).
        return conversation.value(QLatin1String("share_link_id")).isString() ? tr("share link") : tr("member");
    default: return {};
    }
}

QVariant ConversationsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Title: return tr("Conversation");
    case Messages: return tr("Messages");
    case Started: return tr("Started");
    case LastActive: return tr("Last active");
    case Via: return tr("Via");
    default: return {};
    }
}

QString ConversationsModel::listPath() const
{
    return tenantId().isEmpty() || twinId().isEmpty()
        ? QString()
        : QStringLiteral("/api/v1/twins/%1/conversations").arg(encoded(twinId()));
}

} // namespace twinops
