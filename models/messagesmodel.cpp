#include "messagesmodel.h"

#include <QJsonArray>
#include <QJsonObject>

namespace twinops {

namespace {

constexpr int kShownContentLength = 200; // a table cell shows the beginning; the whole text is in the tool tip

QVariant milliseconds(const QJsonObject &message, QLatin1String field, int role)
{
    const QJsonValue value = message.value(field);
    if (!value.isDouble())
        return role == PagedAdminModel::SortRole ? QVariant(-1) : QVariant(QString());
    if (role == PagedAdminModel::SortRole)
        return value.toInteger();
    return MessagesModel::tr("%1 ms").arg(value.toInteger());
}

} // namespace

MessagesModel::MessagesModel(AdminClient &client, QObject *parent)
    : TenantScopedModel(client, ColumnCount, parent)
{
    setPageSize(200); // a conversation is read whole, in as few requests as the API allows
}

QString MessagesModel::graphJobId(int row) const
{
    return item(row).value(QLatin1String("graph_job_id")).toString();
}

QString MessagesModel::outcomeText(const QJsonObject &message)
{
    QStringList words;
    if (message.value(QLatin1String("fallback")).toBool())
        words << tr("fell back to grounded");
    if (message.value(QLatin1String("partial")).toBool())
        words << tr("cut short");
    return words.join(QStringLiteral(", "));
}

QString MessagesModel::citationsText(const QJsonObject &message)
{
    QStringList cited;
    const QJsonArray citations = message.value(QLatin1String("citations")).toArray();
    for (const QJsonValue &value : citations) {
        const QJsonObject citation = value.toObject();
        cited << tr("[%1] %2")
                     .arg(citation.value(QLatin1String("n")).toInt())
                     .arg(citation.value(QLatin1String("filename")).toString());
    }
    return cited.join(QStringLiteral("; "));
}

QVariant MessagesModel::cellData(const QModelIndex &index, int role) const
{
    const QJsonObject message = item(index.row());
    switch (index.column()) {
    case Speaker: return message.value(QLatin1String("role")).toString();
    case Content: {
        const QString content = message.value(QLatin1String("content")).toString();
        if (role == Qt::ToolTipRole)
            return content;
        if (role == SortRole)
            return content.toLower();
        const QString line = content.simplified();
        return line.size() > kShownContentLength ? line.left(kShownContentLength) + QStringLiteral("…") : line;
    }
    case Citations:
        if (role == SortRole)
            return message.value(QLatin1String("citations")).toArray().size();
        return citationsText(message);
    case Provider: {
        const QString provider = message.value(QLatin1String("provider")).toString();
        const QString model = message.value(QLatin1String("model")).toString();
        return model.isEmpty() ? provider : tr("%1 (%2)").arg(provider, model);
    }
    case FirstToken: return milliseconds(message, QLatin1String("ttft_ms"), role);
    case Latency: return milliseconds(message, QLatin1String("latency_ms"), role);
    case Outcome: return outcomeText(message);
    case GraphJob: {
        const QString job = graphJobId(index.row());
        if (role == Qt::DisplayRole && !job.isEmpty())
            return job.left(8);
        if (role == Qt::ToolTipRole && message.value(QLatin1String("role")) == QLatin1String("assistant"))
            return job.isEmpty() ? tr("The graph job is gone (pruned by retention).")
                                 : tr("Graph job %1: double-click or Show graph job to open it").arg(job);
        return job;
    }
    default: return {};
    }
}

QVariant MessagesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Speaker: return tr("Role");
    case Content: return tr("Message");
    case Citations: return tr("Citations");
    case Provider: return tr("Provider");
    case FirstToken: return tr("First token");
    case Latency: return tr("Latency");
    case Outcome: return tr("Outcome");
    case GraphJob: return tr("Graph job");
    default: return {};
    }
}

QString MessagesModel::listPath() const
{
    return tenantId().isEmpty() || conversationId().isEmpty()
        ? QString()
        : QStringLiteral("/api/v1/conversations/%1/messages").arg(encoded(conversationId()));
}

} // namespace twinops
