// /api/v1/twins/{id}/graph and the evidence of its edges
#include "graph/graphstore.h"
#include "http/apicontext.h"
#include "http/jsonio.h"
#include "http/routes.h"

#include <QJsonArray>

namespace twinops {

namespace {

QJsonObject graphNodeJson(const GraphNode &node)
{
    return {{QStringLiteral("id"), node.id},
            {QStringLiteral("name"), node.name},
            {QStringLiteral("type"), node.type},
            {QStringLiteral("description"), node.description},
            {QStringLiteral("mention_count"), node.mentionCount}};
}

QJsonObject graphEdgeJson(const GraphEdge &edge)
{
    return {{QStringLiteral("id"), edge.id},
            {QStringLiteral("from_node_id"), edge.fromNodeId},
            {QStringLiteral("to_node_id"), edge.toNodeId},
            {QStringLiteral("type"), edge.type},
            {QStringLiteral("weight"), edge.weight}};
}

// Fields in alphabetical order, as in resources.cpp.
JsonObjectWriter graphEvidenceJson(const GraphEvidence &evidence)
{
    return JsonObjectWriter()
        .insert("conversation_id", evidence.conversationId)
        .insert("conversation_title", evidence.conversationTitle)
        .insert("created_at", isoTime(evidence.createdAt))
        .insert("id", evidence.id)
        .insert("message_id", evidence.messageId)
        .insert("snippet", evidence.snippet);
}

} // namespace

void registerGraphRoutes(Router &router)
{
    const Access read = Access::tenant(Role::Viewer, scopes::twinsRead);

    router.add(
        RouteSpec{"GET", QStringLiteral("/api/v1/twins/{id}/graph"), read}.on(Lane::Work),
        [](RequestContext &c) -> Result<HttpResponse> {
            TWINOPS_TRY_ASSIGN(const auto twin, visibleTwin(c, c.param(QStringLiteral("id"))));
            // ?limit= caps the nodes (most mentioned first); edges are those between the nodes returned.
            int limit = GraphStore::kDefaultNodeLimit;
            if (const QString text = c.request.queryValue(QStringLiteral("limit")); !text.isEmpty()) {
                bool ok = false;
                limit = text.toInt(&ok);
                if (!ok || limit < 1 || limit > GraphStore::kMaxNodeLimit)
                    return Error::badRequest(QStringLiteral("limit must be 1..%1").arg(GraphStore::kMaxNodeLimit));
            }
            TWINOPS_TRY_ASSIGN(const auto graph, GraphStore(c.api.db()).graph(c.principal.tenantId, twin.id, limit));
            QJsonArray nodes;
            for (const GraphNode &node : std::as_const(graph.nodes))
                nodes.append(graphNodeJson(node));
            QJsonArray edges;
            for (const GraphEdge &edge : std::as_const(graph.edges))
                edges.append(graphEdgeJson(edge));
            return HttpResponse::json(200,
                                      QJsonObject{{QStringLiteral("nodes"), nodes}, {QStringLiteral("edges"), edges}});
        });

    router.add(
        RouteSpec{"GET", QStringLiteral("/api/v1/twins/{id}/graph/edges/{edge_id}/evidence"), read}.on(Lane::Work),
        [](RequestContext &c) -> Result<HttpResponse> {
            TWINOPS_TRY_ASSIGN(const auto twin, visibleTwin(c, c.param(QStringLiteral("id"))));
            TWINOPS_TRY_ASSIGN(const auto edgeId, uuidParam(c.param(QStringLiteral("edge_id"))));
            TWINOPS_TRY_ASSIGN(const auto page, pageRequest(c.request, CursorId::Serial));
            TWINOPS_TRY_ASSIGN(const auto evidence,
                               GraphStore(c.api.db()).evidence(c.principal.tenantId, twin.id, edgeId, page));
            return HttpResponse::json(200, pageJson(evidence, graphEvidenceJson));
        });
}

} // namespace twinops
