// /api/v1/twins/{id}/graph
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
}

} // namespace twinops
