#pragma once

#include "core/result.h"
#include "http/clientaddress.h"

#include <QHostAddress>
#include <QList>
#include <QStringList>

#include <memory>

namespace twinops {

class ApiShared;
class EndpointThread;
struct EndpointPools;

struct EndpointOptions
{
    QHostAddress address = QHostAddress::LocalHost; // loopback unless the operator asks otherwise
    quint16 port = 8710; // 0 = any free port (tests)
    int threads = 2;
    // Host header values accepted besides the bound address (DNS-rebinding defence). On a loopback bind the
    // loopback names are always accepted; on another bind an empty list accepts any Host.
    QStringList allowedHosts;
    // HTTPS: a PEM certificate (chain) and its PEM private key, both or neither; read once at start.
    QString tlsCertificateFile{};
    QString tlsKeyFile{};
    // Whose X-Forwarded-For / Forwarded headers name the client, from start() on (ApiShared::setTrustedProxies
    // replaces the list while serving).
    TrustedProxies trustedProxies{};
};

// The HTTP API over Qt HttpServer: one listening socket, owned by this process alone (a second process asked to
// listen on the address fails), accepted from by every HTTP thread, each with its own database connection.
class HttpEndpoint
{
public:
    HttpEndpoint(ApiShared &shared, EndpointOptions options);
    ~HttpEndpoint();

    Status start();
    void stop();
    quint16 port() const { return m_port; }
    QString baseUrl() const; // https://… when TLS is on

private:
    ApiShared &m_shared;
    EndpointOptions m_options;
    quint16 m_port = 0;
    std::unique_ptr<EndpointPools> m_pools;
    std::vector<std::unique_ptr<EndpointThread>> m_threads;
};

} // namespace twinops
