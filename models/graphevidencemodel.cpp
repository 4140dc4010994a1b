#include "graphevidencemodel.h"

#include <QDateTime>
#include <QJsonObject>
#include <QLocale>

namespace twinops {

GraphEvidenceModel::GraphEvidenceModel(AdminClient &client, QObject *parent)
    : TenantScopedModel(client, ColumnCount, parent)
{ }

QVariant GraphEvidenceModel::cellData(const QModelIndex &index, int role) const
{
    const QJsonObject evidence = item(index.row());
    switch (index.column()) {
    case Snippet: {
        const QString snippet = evidence.value(QLatin1String("snippet")).toString();
        return role == SortRole ? QVariant(snippet.toLower()) : QVariant(snippet);
    }
    case Conversation: {
        const QJsonValue title = evidence.value(QLatin1String("conversation_title"));
        if (role == Qt::ToolTipRole)
            return tr("Conversation %1, message %2")
                .arg(evidence.value(QLatin1String("conversation_id")).toString(),
                     evidence.value(QLatin1String("message_id")).toString());
        if (!title.isString())
            return tr("(deleted conversation)");
        return role == SortRole ? QVariant(title.toString().toLower()) : QVariant(title.toString());
    }
    case Recorded: {
        const QDateTime time
            = QDateTime::fromString(evidence.value(QLatin1String("created_at")).toString(), Qt::ISODateWithMs);
        if (role == SortRole)
            return time;
        return time.isValid() ? QLocale().toString(time.toLocalTime(), QLocale::ShortFormat) : QString();
    }
    default: return {};
    }
}

QVariant GraphEvidenceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Snippet: return tr("Evidence");
    case Conversation: return tr("Conversation");
    case Recorded: return tr("Recorded");
    default: return {};
    }
}

void GraphEvidenceModel::setEdge(const QString &tenantId, const QString &twinId, const QString &edgeId)
{
    m_twinId = twinId; // an edge belongs to one twin: a new twin always comes with a new edge
    setOwner(tenantId, edgeId);
}

QString GraphEvidenceModel::conversationId(int row) const
{
    return item(row).value(QLatin1String("conversation_id")).toString();
}

QString GraphEvidenceModel::listPath() const
{
    return tenantId().isEmpty() || m_twinId.isEmpty() || edgeId().isEmpty()
        ? QString()
        : QStringLiteral("/api/v1/twins/%1/graph/edges/%2/evidence").arg(encoded(m_twinId), encoded(edgeId()));
}

} // namespace twinops
