#pragma once

#include "core/result.h"
#include "graph/extractor.h"
#include "storage/database.h"
#include "storage/paging.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace twinops {

struct GraphNode
{
    QString id;
    QString name;
    QString normalizedName;
    QString type;
    QString description;
    qint64 mentionCount = 0;
    QDateTime createdAt;
    QDateTime updatedAt;
};

struct GraphEdge
{
    QString id;
    QString fromNodeId;
    QString toNodeId;
    QString type;
    double weight = 0; // the number of messages that stated the fact
    QDateTime createdAt;
    QDateTime updatedAt;
};

// One message that stated an edge's fact (graph_edge_evidence), with the conversation it belongs to.
struct GraphEvidence
{
    QString id; // a bigint identity, as text
    QString messageId;
    QString conversationId;
    std::optional<QString> conversationTitle; // none when the conversation is gone
    QString snippet; // the sentence that stated it
    QDateTime createdAt;
};

struct Graph
{
    QList<GraphNode> nodes; // most mentioned first
    QList<GraphEdge> edges; // heaviest first; only between the nodes listed
};

struct GraphSummary
{
    qint64 nodeCount = 0;
    qint64 edgeCount = 0;
    qint64 evidenceCount = 0;
    QList<GraphNode> topNodes; // the kTopNodes most mentioned
};

// What one record() call did. Re-recording the same message reports zero new rows.
struct GraphRecordStats
{
    int nodes = 0; // entities of the extraction that have a node
    int edges = 0; // relations that have an edge
    int newNodes = 0;
    int newEdges = 0;
    int newEvidence = 0;
};

// The knowledge graph of a tenant's twins: nodes keyed by (twin, normalised name, type), edges by (twin, from, to,
// type), and one evidence row per (edge, message). Recording is idempotent per message: an edge's weight and its
// nodes' mention counts grow only when a new evidence row is inserted, so re-running a job changes nothing while
// the same fact from another message strengthens its edge. Every statement carries tenant_id.
class GraphStore final
{
public:
    explicit GraphStore(Database &db)
        : m_db(db)
    { }

    static constexpr int kDefaultNodeLimit = 500;
    static constexpr int kMaxNodeLimit = 1000;
    static constexpr int kEdgesPerNode = 4; // graph() returns at most nodeLimit × this many edges, heaviest first
    static constexpr int kTopNodes = 10;
    static constexpr int kMaxNameLength = 200;
    static constexpr int kMaxDescriptionLength = 1000;

    // Writes an extraction of one message (the assistant message of an exchange) in one transaction (a savepoint
    // inside the caller's). NotFound for a twin that is missing or not the tenant's; ValidationFailed for ids that
    // are not UUIDs.
    Result<GraphRecordStats> record(const QString &tenantId, const QString &twinId, const QString &messageId,
                                    const QString &conversationId, const Extraction &extraction);

    // The most mentioned nodes (nodeLimit clamped to 1..kMaxNodeLimit) and the heaviest edges between them.
    Result<Graph> graph(const QString &tenantId, const QString &twinId, int nodeLimit = kDefaultNodeLimit);
    Result<GraphSummary> summary(const QString &tenantId, const QString &twinId);
    // The evidence of one edge of the twin, oldest first, paged by (created_at, id) with a serial cursor. NotFound
    // for a twin or an edge that is missing, foreign or another twin's.
    Result<Page<GraphEvidence>> evidence(const QString &tenantId, const QString &twinId, const QString &edgeId,
                                         const PageRequest &page);

private:
    Status requireTwin(const QString &tenantId, const QString &twinId);
    Result<QList<GraphNode>> topNodes(const QString &tenantId, const QString &twinId, int limit);

    Database &m_db;
};

} // namespace twinops
