#include "admin/adminapi.h"

#include "admin/httpadminapi.h"
#include "admin/inprocessadminapi.h"
#include "auth/crypto.h"
#include "http/apicontext.h"
#include "servicecore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

namespace twinops {

namespace {

AdminReply replyFrom(int status, const QByteArray &body)
{
    AdminReply reply;
    reply.status = status;
    reply.raw = body;
    reply.body = QJsonDocument::fromJson(body).object();
    return reply;
}

} // namespace

QString AdminReply::errorText() const
{
    if (!transportError.isEmpty())
        return transportError;
    const QString message = body.value(QLatin1String("error")).toObject().value(QLatin1String("message")).toString();
    return message.isEmpty() ? QStringLiteral("HTTP %1").arg(status) : message;
}

InProcessAdminApi::InProcessAdminApi(ServiceCore &core)
{
    ApiSettings settings;
    // The core's name: the Dashboards ask /health which instance's rollups are the console's own.
    settings.instance = core.instance();
    // No token is ever issued or checked here (the console is trusted in process), so the signing secret is a
    // throwaway; the metrics are the core's, so the dashboards and /admin/metrics show the real process.
    m_shared = std::make_unique<ApiShared>(core.databaseUrl(), crypto::randomBytes(32), core.passwordCost(),
                                           core.metrics(), settings);
    m_context = std::make_unique<ApiContext>(*m_shared);
    m_console.kind = Principal::Kind::PlatformAdmin;
    m_console.apiKeyId = QStringLiteral("console");
}

InProcessAdminApi::~InProcessAdminApi() = default;

AdminReply InProcessAdminApi::call(const QByteArray &method, const QString &path, const QJsonValue &body,
                                   const QString &actingTenant)
{
    HttpRequest request;
    request.method = method;
    const qsizetype question = path.indexOf(u'?');
    request.path = path.left(question);
    if (question >= 0)
        request.query = QUrlQuery(path.mid(question + 1));
    request.peer = QStringLiteral("console");
    request.client = request.peer;
    request.requestId = QStringLiteral("console");
    if (!actingTenant.isEmpty())
        request.headers.append({QByteArrayLiteral("x-twinops-tenant"), actingTenant.toLatin1()});
    if (!body.isUndefined()) {
        request.headers.append({QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json")});
        request.body = body.isArray() ? QJsonDocument(body.toArray()).toJson(QJsonDocument::Compact)
                                      : QJsonDocument(body.toObject()).toJson(QJsonDocument::Compact);
    }
    const HttpResponse response = m_context->handleAs(request, m_console);
    return replyFrom(response.status, response.body);
}

HttpAdminApi::HttpAdminApi(QUrl baseUrl, QString adminKey, int timeoutMs)
    : m_client(std::move(baseUrl), timeoutMs)
    , m_adminKey(std::move(adminKey))
{ }

AdminReply HttpAdminApi::call(const QByteArray &method, const QString &path, const QJsonValue &body,
                              const QString &actingTenant)
{
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!actingTenant.isEmpty())
        headers.append({QByteArrayLiteral("X-Twinops-Tenant"), actingTenant.toLatin1()});
    const ApiReply reply = m_client.send(method, path, body, m_adminKey, headers);
    AdminReply result = replyFrom(reply.status, reply.body);
    result.transportError = reply.transportError;
    return result;
}

} // namespace twinops
