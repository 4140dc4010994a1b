#pragma once

#include "tenantscopedmodel.h"

namespace twinops {

// The messages of one conversation (/api/v1/conversations/{id}/messages, reached inside its tenant), oldest first:
// who said it, what, the citations, and for an answer who gave it, how fast (time to first token, latency), whether
// it fell back to the grounded provider or was cut short, and the graph_extraction job it enqueued.
class MessagesModel final : public TenantScopedModel
{
    Q_OBJECT
public:
    enum Column { Speaker, Content, Citations, Provider, FirstToken, Latency, Outcome, GraphJob, ColumnCount };

    explicit MessagesModel(AdminClient &client, QObject *parent = nullptr);

    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const QString &conversationId() const { return ownerId(); }
    // Lists the messages of `conversationId` of `tenantId` (none when either is empty); reloads when it changed.
    void setConversation(const QString &tenantId, const QString &conversationId) { setOwner(tenantId, conversationId); }

    // The id of the graph_extraction job the answer of `row` enqueued; empty for a question, or once it was pruned.
    QString graphJobId(int row) const;
    // "fell back to grounded", "cut short", both, or empty (a question, or an answer that went as planned).
    static QString outcomeText(const QJsonObject &message);
    // "[1] manual.md; [2] …" for the citations of a message, empty when it has none.
    static QString citationsText(const QJsonObject &message);

protected:
    QString listPath() const override;
    QString actingTenant() const override { return tenantId(); }
    QVariant cellData(const QModelIndex &index, int role) const override;
};

} // namespace twinops
