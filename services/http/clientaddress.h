#pragma once

#include "core/result.h"
#include "http/httpmessage.h"

#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace twinops {

// The reverse proxies whose forwarding headers are believed (`twinopsd serve --trusted-proxy`), and the one rule
// that finds a request's client address from its socket peer and those headers. An immutable value: ApiShared
// holds the current one and replaces it whole.
class TrustedProxies
{
public:
    TrustedProxies() = default; // none: every client is its socket peer

    // Each entry is a CIDR ("10.0.0.0/8", "2001:db8::/32") or one address; BadRequest names the first that is not.
    static Result<TrustedProxies> parse(const QStringList &cidrs);

    bool isEmpty() const { return m_subnets.isEmpty(); }
    // An IPv4-mapped IPv6 address is its IPv4 address here, so IPv4 ranges match a dual-stack socket's peers.
    bool contains(const QHostAddress &address) const;
    // The client of a request from `peer`: the peer itself unless it is trusted; then the right-most address of
    // X-Forwarded-For (or, when the request has none, of Forwarded's for=) that is not a trusted proxy, or the
    // left-most if all are. A header that cannot be read as far as the walk goes (garbage, "unknown", an
    // obfuscated node) leaves the peer. IPv4-mapped addresses are given as IPv4.
    QString clientAddress(const QHostAddress &peer, const HttpHeaders &headers) const;
    // The ranges as given to parse(), for logs.
    QStringList cidrs() const { return m_cidrs; }

private:
    QList<QPair<QHostAddress, int>> m_subnets;
    QStringList m_cidrs;
};

} // namespace twinops
