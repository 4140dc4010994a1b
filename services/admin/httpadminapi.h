#pragma once

#include "admin/adminapi.h"
#include "checks/apiclient.h"

namespace twinops {

// A remote environment: twinopsd's admin API over HTTP with a platform-admin key. Create and use it on one
// thread (its network access lives there).
class HttpAdminApi final : public AdminApi
{
public:
    HttpAdminApi(QUrl baseUrl, QString adminKey, int timeoutMs = 15'000);

    AdminReply call(const QByteArray &method, const QString &path,
                    const QJsonValue &body = QJsonValue(QJsonValue::Undefined),
                    const QString &actingTenant = {}) override;

private:
    ApiClient m_client;
    QString m_adminKey;
};

} // namespace twinops
