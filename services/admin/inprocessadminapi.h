#pragma once

#include "admin/adminapi.h"
#include "auth/principal.h"

#include <memory>

namespace twinops {

class ApiContext;
class ApiShared;
class ServiceCore;

// The local environment: the same routes as over HTTP, dispatched in process as the platform admin (the console
// is trusted; nothing here is reachable from a socket). Its own database connection, opened on the thread that
// first calls; use it from one thread. Console calls are not counted as HTTP traffic.
class InProcessAdminApi final : public AdminApi
{
public:
    explicit InProcessAdminApi(ServiceCore &core);
    ~InProcessAdminApi() override;

    AdminReply call(const QByteArray &method, const QString &path,
                    const QJsonValue &body = QJsonValue(QJsonValue::Undefined),
                    const QString &actingTenant = {}) override;

private:
    std::unique_ptr<ApiShared> m_shared;
    std::unique_ptr<ApiContext> m_context;
    Principal m_console;
};

} // namespace twinops
