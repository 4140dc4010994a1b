#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace twinops {

// One answer of the admin API: the HTTP status and JSON body of the API, or a transport failure (status 0).
struct AdminReply
{
    int status = 0;
    QJsonObject body;
    QByteArray raw; // the body as sent (Markdown exports are not JSON)
    QString transportError;

    bool ok() const { return status >= 200 && status < 300; }
    // For the window: the error body's message, or what went wrong on the way.
    QString errorText() const;
};

// The console's view of an environment: the platform-admin API (resources/api/openapi.json), whoever serves it. Local
// is the embedded core in this process; a remote environment is a twinopsd reached over HTTP with an admin key. Panels
// are written once against this interface. Blocking: an AdminClient runs it on a worker thread.
class AdminApi
{
public:
    virtual ~AdminApi() = default;
    // `path` may carry a query ("/api/v1/admin/jobs?state=failed"); an undefined body sends none. With
    // `actingTenant` (a tenant id) the call is made inside that tenant as its owner (the X-Twinops-Tenant header of
    // resources/api/openapi.json), which is how the console reaches tenant routes such as /api/v1/twins.
    virtual AdminReply call(const QByteArray &method, const QString &path,
                            const QJsonValue &body = QJsonValue(QJsonValue::Undefined),
                            const QString &actingTenant = {})
        = 0;
    AdminReply get(const QString &path, const QString &actingTenant = {})
    {
        return call("GET", path, QJsonValue(QJsonValue::Undefined), actingTenant);
    }
};

} // namespace twinops
