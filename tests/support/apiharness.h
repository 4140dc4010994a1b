#pragma once

#include "http/apicontext.h"
#include "metrics/metricsregistry.h"
#include "testdatabase.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <memory>

namespace twinops::test {

// The API without sockets: a fresh migrated database of the current backend, the real router and services,
// and helpers to call a route the way the transport does. Argon2id runs at its minimal cost here.
class ApiHarness
{
public:
    static constexpr const char *kJwtSecret = "test-secret-test-secret-test-secret-0123456789";

    // Fails the current test (and returns null) when the database cannot be created. `settings.instance` is "test".
    static std::unique_ptr<ApiHarness> create(Dialect dialect, ApiSettings settings = {});

    struct Reply
    {
        int status = 0;
        QJsonObject json;
        QByteArray body;
        HttpHeaders headers;
        // Set for text/event-stream responses: run it with an EventSink to receive the events.
        std::function<void(EventSink &)> stream;
        QByteArray header(const QByteArray &name) const;
        QString errorCode() const
        {
            return json.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
        }
    };

    Reply call(const QByteArray &method, const QString &pathAndQuery, const QJsonObject &body = {},
               const QByteArray &authorization = {});
    Reply callRaw(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body,
                  const QByteArray &contentType, const QByteArray &authorization = {});

    // Signs up a tenant with its owner; returns the signup reply's JSON (user, tenant, tokens).
    QJsonObject signup(const QString &email, const QString &tenantName);
    static QByteArray bearer(const QString &token) { return "Bearer " + token.toLatin1(); }
    // The tenant id of a signup reply.
    static QString tenantIdOf(const QJsonObject &signup)
    {
        return signup.value(QLatin1String("tenant")).toObject().value(QLatin1String("id")).toString();
    }
    // The bearer header of a new platform-admin API key; empty (and the test failed) when it could not be made.
    QByteArray platformAdmin(const QString &name);

    Database &db() { return m_context->db(); }
    QString peer = QStringLiteral("127.0.0.1"); // the client address requests come from
    HttpHeaders headers; // sent with every request besides Content-Type and Authorization (names lower case)
    ApiShared &shared() { return *m_shared; }
    ApiContext &context() { return *m_context; }
    const DatabaseUrl &url() const { return m_testDb->url(); }

private:
    std::unique_ptr<TestDatabase> m_testDb;
    MetricsRegistry m_metrics;
    std::unique_ptr<ApiShared> m_shared;
    std::unique_ptr<ApiContext> m_context;
};

} // namespace twinops::test
