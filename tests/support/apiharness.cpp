#include "apiharness.h"

#include "auth/apikeyrepository.h"
#include "core/ids.h"

#include <QHostAddress>
#include <QUrl>

namespace twinops::test {

QByteArray ApiHarness::Reply::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

std::unique_ptr<ApiHarness> ApiHarness::create(Dialect dialect, ApiSettings settings)
{
    std::unique_ptr<ApiHarness> harness(new ApiHarness);
    harness->m_testDb = TestDatabase::create(dialect);
    if (!harness->m_testDb)
        return nullptr;
    if (!harness->m_testDb->connectMigrated())
        return nullptr;
    settings.instance = QStringLiteral("test");
    harness->m_shared = std::make_unique<ApiShared>(harness->m_testDb->url(), QByteArray(kJwtSecret),
                                                    PasswordHasher::Cost::Minimal, harness->m_metrics, settings);
    harness->m_context = std::make_unique<ApiContext>(*harness->m_shared);
    if (!harness->m_context->ensureDatabase().ok()) {
        QTest::qFail("cannot connect the API to the test database", __FILE__, __LINE__);
        return nullptr;
    }
    return harness;
}

ApiHarness::Reply ApiHarness::callRaw(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body,
                                      const QByteArray &contentType, const QByteArray &authorization)
{
    const QUrl url(QStringLiteral("http://localhost") + pathAndQuery);
    HttpRequest request;
    request.method = method;
    request.path = url.path(QUrl::FullyDecoded);
    request.query = QUrlQuery(url.query());
    if (!contentType.isEmpty())
        request.headers.append({"content-type", contentType});
    if (!authorization.isEmpty())
        request.headers.append({"authorization", authorization});
    request.headers.append(headers);
    request.body = body;
    request.peer = peer;
    request.client = m_shared->clientAddress(QHostAddress(peer), request.headers); // as the transport does
    request.requestId = newId();
    const HttpResponse response = m_context->handle(request);
    Reply reply{response.status, QJsonDocument::fromJson(response.body).object(), response.body, response.headers,
                response.stream};
    return reply;
}

ApiHarness::Reply ApiHarness::call(const QByteArray &method, const QString &pathAndQuery, const QJsonObject &body,
                                   const QByteArray &authorization)
{
    const bool hasBody = method != "GET" && method != "DELETE";
    return callRaw(method, pathAndQuery, hasBody ? QJsonDocument(body).toJson(QJsonDocument::Compact) : QByteArray(),
                   hasBody ? QByteArray("application/json") : QByteArray(), authorization);
}

QJsonObject ApiHarness::signup(const QString &email, const QString &tenantName)
{
    const Reply reply = call("POST", QStringLiteral("/api/v1/auth/signup"),
                             {{QStringLiteral("email"), email},
                              {QStringLiteral("password"), QStringLiteral("correct horse battery")},
                              {QStringLiteral("tenant_name"), tenantName}});
    if (reply.status != 201)
        QTest::qFail(
            qPrintable(QStringLiteral("signup failed: %1 %2").arg(reply.status).arg(QString::fromUtf8(reply.body))),
            __FILE__, __LINE__);
    return reply.json;
}

QByteArray ApiHarness::platformAdmin(const QString &name)
{
    auto issued = ApiKeyRepository(db()).createPlatformAdmin(name);
    if (!issued.ok()) {
        QTest::qFail(qPrintable(QStringLiteral("no platform-admin key: %1").arg(issued.error().message)), __FILE__,
                     __LINE__);
        return {};
    }
    return bearer(issued->secret);
}

} // namespace twinops::test
