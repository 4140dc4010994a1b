// Sources of a twin: upload, list, get, delete, approve (enqueues indexing), reject, bulk approve, health.
#include "core/ids.h"
#include "http/apicontext.h"
#include "http/jsonio.h"
#include "http/resources.h"
#include "http/routes.h"
#include "knowledge/sourcerepository.h"

#include <QStringDecoder>

namespace twinops {

namespace {

// The source a tenant principal may see: as visibleTwin, through the source's twin.
Result<Source> visibleSource(RequestContext &c)
{
    TWINOPS_TRY_ASSIGN(const auto id, uuidParam(c.param(QStringLiteral("id"))));
    TWINOPS_TRY_ASSIGN(auto source, SourceRepository(c.api.db()).get(c.principal.tenantId, id));
    if (!c.principal.canSeeTwin(source.twinId))
        return Error::notFound(QStringLiteral("source not found"));
    return source;
}

Result<NewSource> uploadedSource(const HttpRequest &request)
{
    const QByteArray contentType = request.header("content-type").split(';').first().trimmed().toLower();
    if (contentType == "text/plain" || contentType == "text/markdown") {
        QStringDecoder decoder(QStringDecoder::Utf8);
        const QString content = decoder(request.body);
        if (decoder.hasError())
            return Error::badRequest(QStringLiteral("the body is not valid UTF-8"));
        if (auto problem = unstorableText(content))
            return Error::validation(QStringLiteral("content"), *problem);
        const QString filename = request.queryValue(QStringLiteral("filename"));
        if (filename.isEmpty())
            return Error::validation(QStringLiteral("filename"), QStringLiteral("is required (?filename=)"));
        return NewSource{filename, content, QString::fromLatin1(contentType), {}};
    }
    auto body = jsonBody(request);
    if (!body.ok())
        return Error::badRequest(QStringLiteral("expected application/json, text/plain or text/markdown"));
    JsonFields fields(*body);
    NewSource source;
    source.filename = fields.requiredString(QStringLiteral("filename"), SourceRepository::kMaxFilenameLength);
    source.content = fields.requiredString(QStringLiteral("content"), std::numeric_limits<int>::max());
    source.mimeType = fields.optionalString(QStringLiteral("content_type"), 40).value_or(QString());
    TWINOPS_TRY(fields.status());
    return source;
}

JsonObjectWriter approvalJson(const SourceRepository::Approval &approval)
{
    return JsonObjectWriter().insert("job_id", approval.job.id).insert("source", sourceJson(approval.source));
}

} // namespace

void registerSourceRoutes(Router &router)
{
    const Access read = Access::tenant(Role::Viewer, scopes::twinsRead);
    const Access write = Access::tenant(Role::Admin, scopes::sourcesWrite);

    router.add({"GET", QStringLiteral("/api/v1/twins/{id}/sources"), read}, [](RequestContext &c) {
        return twinItems(
            c,
            [&](const QString &twinId, const PageRequest &page) {
                return SourceRepository(c.api.db()).list(c.principal.tenantId, twinId, page);
            },
            sourceJson);
    });

    router.add(RouteSpec{"POST", QStringLiteral("/api/v1/twins/{id}/sources"), write}.on(Lane::Work),
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto twin, visibleTwin(c, c.param(QStringLiteral("id"))));
                   TWINOPS_TRY_ASSIGN(auto upload, uploadedSource(c.request));
                   // The console's trusted principal has no key id that is a UUID (created_by is a uuid column).
                   if (const QString actor = c.principal.actorId(); isUuid(actor))
                       upload.createdBy = actor;
                   TWINOPS_TRY_ASSIGN(const auto source,
                                      SourceRepository(c.api.db()).create(c.principal.tenantId, twin.id, upload));
                   return HttpResponse::json(201, sourceJson(source));
               });

    router.add({"GET", QStringLiteral("/api/v1/sources/{id}"), read}, [](RequestContext &c) -> Result<HttpResponse> {
        TWINOPS_TRY_ASSIGN(const auto source, visibleSource(c));
        return HttpResponse::json(200, sourceJson(source));
    });

    router.add(RouteSpec{"DELETE", QStringLiteral("/api/v1/sources/{id}"), write}.on(Lane::Work),
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto source, visibleSource(c));
                   TWINOPS_TRY(SourceRepository(c.api.db()).remove(c.principal.tenantId, source.id));
                   return HttpResponse::noContent();
               });

    router.add({"GET", QStringLiteral("/api/v1/sources/{id}/health"), read},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto source, visibleSource(c));
                   return HttpResponse::json(200, sourceHealthJson(source));
               });

    router.add({"POST", QStringLiteral("/api/v1/sources/{id}/approve"), write},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto source, visibleSource(c));
                   TWINOPS_TRY_ASSIGN(const auto approval,
                                      SourceRepository(c.api.db()).approve(c.principal.tenantId, source.id));
                   return HttpResponse::json(202, approvalJson(approval));
               });

    router.add({"POST", QStringLiteral("/api/v1/sources/{id}/reject"), write},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto source, visibleSource(c));
                   TWINOPS_TRY_ASSIGN(const auto rejected,
                                      SourceRepository(c.api.db()).reject(c.principal.tenantId, source.id));
                   return HttpResponse::json(200, sourceJson(rejected));
               });

    router.add(RouteSpec{"POST", QStringLiteral("/api/v1/sources/bulk-approve"), write}.on(Lane::Work),
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto body, jsonBody(c.request));
                   JsonFields fields(body);
                   const QStringList ids = fields.requiredStringList(QStringLiteral("source_ids"), 500);
                   if (fields.status().ok() && ids.isEmpty())
                       fields.problem(QStringLiteral("source_ids"), QStringLiteral("must name at least one source"));
                   TWINOPS_TRY(fields.status());
                   SourceRepository sources(c.api.db());
                   for (const QString &id : ids) {
                       TWINOPS_TRY(uuidParam(id));
                       // A source of a twin outside an API key's allow-list counts as missing, and then nothing
                       // changes.
                       TWINOPS_TRY_ASSIGN(const auto source, sources.get(c.principal.tenantId, id.toLower()));
                       if (!c.principal.canSeeTwin(source.twinId))
                           return Error::notFound(QStringLiteral("source not found"));
                   }
                   QStringList normalised;
                   for (const QString &id : ids)
                       normalised.append(id.toLower());
                   TWINOPS_TRY_ASSIGN(const auto approvals, sources.approveAll(c.principal.tenantId, normalised));
                   QList<JsonObjectWriter> items;
                   for (const auto &approval : approvals)
                       items.append(approvalJson(approval));
                   return HttpResponse::json(202, JsonObjectWriter().insert("items", items));
               });
}

} // namespace twinops
