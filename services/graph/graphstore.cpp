#include "graph/graphstore.h"

#include "core/ids.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <tuple>
#include <utility>

namespace twinops {

namespace {

const QString kNodeColumns
    = QStringLiteral("id, name, normalized_name, type, description, mention_count, created_at, updated_at");

// The order of graph() and summary(): most mentioned first, then by name so that ties are stable.
const QString kNodeOrder = QStringLiteral(" ORDER BY mention_count DESC, normalized_name, type, id");

GraphNode nodeFromRow(const Row &row)
{
    GraphNode node;
    node.id = row.text(0);
    node.name = row.text(1);
    node.normalizedName = row.text(2);
    node.type = row.text(3);
    node.description = row.text(4);
    node.mentionCount = row.integer(5);
    node.createdAt = row.time(6);
    node.updatedAt = row.time(7);
    return node;
}

GraphEdge edgeFromRow(const Row &row)
{
    GraphEdge edge;
    edge.id = row.text(0);
    edge.fromNodeId = row.text(1);
    edge.toNodeId = row.text(2);
    edge.type = row.text(3);
    edge.weight = row.real(4);
    edge.createdAt = row.time(5);
    edge.updatedAt = row.time(6);
    return edge;
}

Error twinNotFound()
{
    return Error::notFound(QStringLiteral("twin not found"));
}

} // namespace

Status GraphStore::requireTwin(const QString &tenantId, const QString &twinId)
{
    if (!isUuid(tenantId) || !isUuid(twinId))
        return twinNotFound();
    TWINOPS_TRY_ASSIGN(
        const Rows rows,
        m_db.query(QStringLiteral("SELECT 1 FROM twins WHERE tenant_id = $1 AND id = $2"), {tenantId, twinId}));
    if (rows.isEmpty())
        return twinNotFound();
    return {};
}

Result<GraphRecordStats> GraphStore::record(const QString &tenantId, const QString &twinId, const QString &messageId,
                                            const QString &conversationId, const Extraction &extraction)
{
    QHash<QString, QString> problems;
    if (!isUuid(messageId))
        problems.insert(QStringLiteral("message_id"), QStringLiteral("must be a UUID"));
    if (!isUuid(conversationId))
        problems.insert(QStringLiteral("conversation_id"), QStringLiteral("must be a UUID"));
    if (!problems.isEmpty())
        return Error::validation(problems);

    TWINOPS_TRY_ASSIGN(Transaction tx, Transaction::begin(m_db));
    TWINOPS_TRY(requireTwin(tenantId, twinId));

    const QDateTime now = nowUtc();
    GraphRecordStats stats;
    QHash<QString, QString> nodeIds; // normalised name -> node id
    // Nodes whose mention of this message is already counted: a node counts a message once, when the node is
    // created by it or when it gains a new evidence row from it. A message that names a node without adding
    // evidence (no relation) is not counted, because evidence is the only per-message record that makes
    // counting idempotent.
    QSet<QString> counted;

    // Rows are written in a fixed order (nodes by name, edges by endpoints, counts last), so that two jobs of one
    // twin running at once on PostgreSQL take their locks in the same order instead of deadlocking.
    QList<const Entity *> entities;
    for (const Entity &entity : extraction.entities)
        entities.append(&entity);
    std::sort(entities.begin(), entities.end(), [](const Entity *a, const Entity *b) {
        return std::pair(GraphExtractor::normalise(a->name), a->type)
            < std::pair(GraphExtractor::normalise(b->name), b->type);
    });
    for (const Entity *entityPointer : std::as_const(entities)) {
        const Entity &entity = *entityPointer;
        const QString normalized = GraphExtractor::normalise(entity.name);
        if (normalized.isEmpty() || entity.type.isEmpty() || nodeIds.contains(normalized))
            continue;
        const QString name = entity.name.simplified().left(kMaxNameLength);
        const QString description = entity.description.left(kMaxDescriptionLength);
        const QString id = newId();
        TWINOPS_TRY_ASSIGN(
            const Rows inserted,
            m_db.query(QStringLiteral(
                           "INSERT INTO graph_nodes (id, tenant_id, twin_id, name, normalized_name, type, description, "
                           "mention_count, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) "
                           "ON CONFLICT (twin_id, normalized_name, type) DO NOTHING"),
                       {id, tenantId, twinId, name, normalized, entity.type, description, now}));
        if (inserted.rowsAffected() == 1) {
            nodeIds.insert(normalized, id);
            counted.insert(id);
            ++stats.newNodes;
            ++stats.nodes;
            continue;
        }
        TWINOPS_TRY_ASSIGN(const Rows existing,
                           m_db.query(QStringLiteral("SELECT id, description FROM graph_nodes WHERE tenant_id = $1 AND "
                                                     "twin_id = $2 AND normalized_name = $3 AND type = $4"),
                                      {tenantId, twinId, normalized, entity.type}));
        if (existing.isEmpty())
            return Error::internal(QStringLiteral("graph node conflict without a node of the tenant"));
        const QString existingId = existing.first().text(0);
        // The first description wins; a later message only fills one that is still empty, so re-running changes
        // nothing.
        if (!description.isEmpty() && existing.first().text(1).isEmpty()) {
            TWINOPS_TRY(m_db.query(QStringLiteral("UPDATE graph_nodes SET description = $3, updated_at = $4 "
                                                  "WHERE tenant_id = $1 AND id = $2 AND description = ''"),
                                   {tenantId, existingId, description, now}));
        }
        nodeIds.insert(normalized, existingId);
        ++stats.nodes;
    }

    struct Resolved
    {
        QString from;
        QString to;
        const Relation *relation;
    };
    QList<Resolved> relations;
    for (const Relation &relation : extraction.relations) {
        const QString from = nodeIds.value(GraphExtractor::normalise(relation.from));
        const QString to = nodeIds.value(GraphExtractor::normalise(relation.to));
        if (!from.isEmpty() && !to.isEmpty() && from != to && !relation.type.isEmpty())
            relations.append({from, to, &relation});
    }
    std::sort(relations.begin(), relations.end(), [](const Resolved &a, const Resolved &b) {
        return std::tie(a.from, a.to, a.relation->type) < std::tie(b.from, b.to, b.relation->type);
    });
    QSet<QString> evidenced; // nodes with a new evidence row from this message
    for (const Resolved &resolved : std::as_const(relations)) {
        const QString &from = resolved.from;
        const QString &to = resolved.to;
        const Relation &relation = *resolved.relation;
        QString edgeId = newId();
        TWINOPS_TRY_ASSIGN(
            const Rows inserted,
            m_db.query(QStringLiteral(
                           "INSERT INTO graph_edges (id, tenant_id, twin_id, from_node_id, to_node_id, type, weight, "
                           "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) "
                           "ON CONFLICT (twin_id, from_node_id, to_node_id, type) DO NOTHING"),
                       {edgeId, tenantId, twinId, from, to, relation.type, now}));
        const bool newEdge = inserted.rowsAffected() == 1;
        if (!newEdge) {
            TWINOPS_TRY_ASSIGN(
                const Rows existing,
                m_db.query(QStringLiteral("SELECT id FROM graph_edges WHERE tenant_id = $1 AND twin_id = $2 "
                                          "AND from_node_id = $3 AND to_node_id = $4 AND type = $5"),
                           {tenantId, twinId, from, to, relation.type}));
            if (existing.isEmpty())
                return Error::internal(QStringLiteral("graph edge conflict without an edge of the tenant"));
            edgeId = existing.first().text(0);
        }
        ++stats.edges;
        stats.newEdges += newEdge ? 1 : 0;

        TWINOPS_TRY_ASSIGN(
            const Rows evidence,
            m_db.query(QStringLiteral(
                           "INSERT INTO graph_edge_evidence (tenant_id, edge_id, message_id, conversation_id, snippet, "
                           "created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (edge_id, message_id) DO NOTHING"),
                       {tenantId, edgeId, messageId, conversationId,
                        relation.snippet.left(GraphExtractor::kMaxSnippetLength), now}));
        if (evidence.rowsAffected() != 1)
            continue; // this message is already evidence for the edge: re-running changes nothing
        ++stats.newEvidence;
        // A new edge starts at weight 1; an existing one is strengthened by each message that states it again.
        if (!newEdge) {
            TWINOPS_TRY(m_db.query(QStringLiteral("UPDATE graph_edges SET weight = weight + 1, updated_at = $3 "
                                                  "WHERE tenant_id = $1 AND id = $2"),
                                   {tenantId, edgeId, now}));
        }
        evidenced.insert(from);
        evidenced.insert(to);
    }

    QStringList mentioned;
    for (const QString &node : std::as_const(evidenced)) {
        if (!counted.contains(node))
            mentioned.append(node);
    }
    mentioned.sort();
    for (const QString &node : std::as_const(mentioned)) {
        TWINOPS_TRY(
            m_db.query(QStringLiteral("UPDATE graph_nodes SET mention_count = mention_count + 1, updated_at = $3 "
                                      "WHERE tenant_id = $1 AND id = $2"),
                       {tenantId, node, now}));
    }

    TWINOPS_TRY(tx.commit());
    return stats;
}

Result<QList<GraphNode>> GraphStore::topNodes(const QString &tenantId, const QString &twinId, int limit)
{
    TWINOPS_TRY_ASSIGN(const Rows rows,
                       m_db.query(QStringLiteral("SELECT ") + kNodeColumns
                                      + QStringLiteral(" FROM graph_nodes WHERE tenant_id = $1 AND twin_id = $2")
                                      + kNodeOrder + QStringLiteral(" LIMIT $3"),
                                  {tenantId, twinId, limit}));
    QList<GraphNode> nodes;
    nodes.reserve(rows.size());
    for (const Row row : rows)
        nodes.append(nodeFromRow(row));
    return nodes;
}

Result<Graph> GraphStore::graph(const QString &tenantId, const QString &twinId, int nodeLimit)
{
    TWINOPS_TRY(requireTwin(tenantId, twinId));
    const int limit = std::clamp(nodeLimit, 1, kMaxNodeLimit);
    Graph graph;
    TWINOPS_TRY_ASSIGN(graph.nodes, topNodes(tenantId, twinId, limit));

    // The same node selection as above, so that only edges between listed nodes are fetched.
    TWINOPS_TRY_ASSIGN(
        const Rows rows,
        m_db.query(QStringLiteral("WITH shown AS (SELECT id FROM graph_nodes WHERE tenant_id = $1 AND twin_id = $2")
                       + kNodeOrder
                       + QStringLiteral(
                           " LIMIT $3) SELECT e.id, e.from_node_id, e.to_node_id, e.type, e.weight, e.created_at, "
                           "e.updated_at FROM graph_edges e WHERE e.tenant_id = $1 AND e.twin_id = $2 "
                           "AND e.from_node_id IN (SELECT id FROM shown) AND e.to_node_id IN (SELECT id FROM shown) "
                           "ORDER BY e.weight DESC, e.type, e.id LIMIT $4"),
                   {tenantId, twinId, limit, limit * kEdgesPerNode}));
    // On PostgreSQL the two statements may see different commits; an edge must never name a node not listed.
    QSet<QString> listed;
    for (const GraphNode &node : std::as_const(graph.nodes))
        listed.insert(node.id);
    for (const Row row : rows) {
        GraphEdge edge = edgeFromRow(row);
        if (listed.contains(edge.fromNodeId) && listed.contains(edge.toNodeId))
            graph.edges.append(std::move(edge));
    }
    return graph;
}

Result<GraphSummary> GraphStore::summary(const QString &tenantId, const QString &twinId)
{
    TWINOPS_TRY(requireTwin(tenantId, twinId));
    TWINOPS_TRY_ASSIGN(
        const Rows counts,
        m_db.query(QStringLiteral("SELECT (SELECT count(*) FROM graph_nodes WHERE tenant_id = $1 AND twin_id = $2), "
                                  "(SELECT count(*) FROM graph_edges WHERE tenant_id = $1 AND twin_id = $2), "
                                  "(SELECT count(*) FROM graph_edge_evidence v JOIN graph_edges e ON e.id = v.edge_id "
                                  "WHERE v.tenant_id = $1 AND e.tenant_id = $1 AND e.twin_id = $2)"),
                   {tenantId, twinId}));
    GraphSummary summary;
    summary.nodeCount = counts.first().integer(0);
    summary.edgeCount = counts.first().integer(1);
    summary.evidenceCount = counts.first().integer(2);
    TWINOPS_TRY_ASSIGN(summary.topNodes, topNodes(tenantId, twinId, kTopNodes));
    return summary;
}

Result<Page<GraphEvidence>> GraphStore::evidence(const QString &tenantId, const QString &twinId, const QString &edgeId,
                                                 const PageRequest &page)
{
    TWINOPS_TRY(requireTwin(tenantId, twinId));
    if (!isUuid(edgeId))
        return Error::notFound(QStringLiteral("edge not found"));
    TWINOPS_TRY_ASSIGN(const Rows edge,
                       m_db.query(QStringLiteral("SELECT 1 FROM graph_edges WHERE tenant_id = $1 AND twin_id = $2 "
                                                 "AND id = $3"),
                                  {tenantId, twinId, edgeId}));
    if (edge.isEmpty())
        return Error::notFound(QStringLiteral("edge not found"));
    // One edge's rows through the (edge_id, message_id) key: as many as messages stated the fact, so sorting them
    // for the page is cheap. The conversation's title is read by its primary key.
    return fetchPage(
        m_db,
        QStringLiteral("SELECT v.id, v.message_id, v.conversation_id, c.title, v.snippet, v.created_at "
                       "FROM graph_edge_evidence v LEFT JOIN conversations c ON c.id = v.conversation_id "
                       "AND c.tenant_id = v.tenant_id WHERE v.tenant_id = $1 AND v.edge_id = $2"),
        {tenantId, edgeId}, page,
        [](const Row &row) {
            GraphEvidence evidence;
            evidence.id = row.text(0);
            evidence.messageId = row.text(1);
            evidence.conversationId = row.text(2);
            if (!row.isNull(3))
                evidence.conversationTitle = row.text(3);
            evidence.snippet = row.text(4);
            evidence.createdAt = row.time(5);
            return evidence;
        },
        QStringLiteral("v"), CursorId::Serial);
}

} // namespace twinops
