#include "http/clientaddress.h"

#include <cctype>
#include <optional>

namespace twinops {

namespace {

QHostAddress unmapped(const QHostAddress &address)
{
    bool mapped = false;
    const quint32 ipv4 = address.toIPv4Address(&mapped);
    return mapped && address.protocol() == QAbstractSocket::IPv6Protocol ? QHostAddress(ipv4) : address;
}

// An address written out in full: QHostAddress also reads inet_aton's short forms ("10" is 0.0.0.10).
QHostAddress fullAddress(const QString &text)
{
    const QHostAddress address(text);
    if (address.protocol() == QAbstractSocket::IPv4Protocol && text.count(u'.') != 3)
        return {};
    return address;
}

// Every value of a header, in the order received, as one list: RFC 9110 lets a proxy add a line of its own
// instead of extending the last one.
QByteArray joinedHeader(const HttpHeaders &headers, const QByteArray &lowerCaseName)
{
    QByteArray joined;
    bool first = true;
    for (const auto &[name, value] : headers) {
        if (name != lowerCaseName)
            continue;
        if (!first)
            joined += ',';
        joined += value;
        first = false;
    }
    return joined;
}

// One hop: "192.0.2.1", "192.0.2.1:4711", "2001:db8::1", "[2001:db8::1]" or "[2001:db8::1]:4711". Null for
// anything else, "unknown" and obfuscated nodes ("_proxy1") included: they name no address.
QHostAddress nodeAddress(QByteArray node)
{
    node = node.trimmed();
    QByteArray host = node;
    QByteArray port;
    if (node.startsWith('[')) {
        const qsizetype close = node.indexOf(']');
        if (close < 0)
            return {};
        host = node.mid(1, close - 1);
        const QByteArray rest = node.mid(close + 1);
        if (!rest.isEmpty()) {
            if (!rest.startsWith(':'))
                return {};
            port = rest.mid(1);
            if (port.isEmpty())
                return {};
        }
        if (!host.contains(':'))
            return {}; // brackets are for IPv6
    } else if (node.count(':') == 1) {
        const qsizetype colon = node.indexOf(':');
        host = node.left(colon);
        port = node.mid(colon + 1);
        if (port.isEmpty())
            return {};
    }
    for (const char c : port) {
        // RFC 7239's node-port: digits, or an obfuscated port ("_" and letters, digits, ".", "_", "-").
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
            return {};
    }
    if (host.isEmpty() || host.contains('%'))
        return {}; // a scope id belongs to a link, not to a client elsewhere
    const QHostAddress address = fullAddress(QString::fromLatin1(host));
    return address.isNull() ? QHostAddress() : unmapped(address);
}

// Splits at `separator` outside quoted strings, from the right: how the left part (the part a client may have
// written) is quoted cannot change how the right part (what the trusted proxies appended) is split.
QList<QByteArray> splitFromTheRight(const QByteArray &text, char separator)
{
    QList<QByteArray> parts; // right-most first
    bool quoted = false;
    qsizetype end = text.size();
    for (qsizetype i = text.size() - 1; i >= 0; --i) {
        const char c = text.at(i);
        if (c == '"') {
            qsizetype backslashes = 0;
            while (i - 1 - backslashes >= 0 && text.at(i - 1 - backslashes) == '\\')
                ++backslashes;
            if (backslashes % 2 == 0)
                quoted = !quoted;
        } else if (c == separator && !quoted) {
            parts.append(text.mid(i + 1, end - i - 1));
            end = i;
        }
    }
    parts.append(text.left(end));
    return parts;
}

// The for= node of one Forwarded element ("for=192.0.2.60;proto=http;by=203.0.113.43"), unquoted; nullopt when
// the element has none, more than one, or cannot be read.
std::optional<QByteArray> forwardedFor(const QByteArray &element)
{
    std::optional<QByteArray> node;
    for (const QByteArray &pair : splitFromTheRight(element, ';')) {
        const qsizetype equals = pair.indexOf('=');
        if (equals < 0)
            return std::nullopt;
        if (pair.left(equals).trimmed().toLower() != "for")
            continue;
        if (node)
            return std::nullopt;
        QByteArray value = pair.mid(equals + 1).trimmed();
        if (value.startsWith('"')) {
            if (value.size() < 2 || !value.endsWith('"'))
                return std::nullopt;
            QByteArray unquoted;
            for (qsizetype i = 1; i < value.size() - 1; ++i) {
                if (value.at(i) == '\\' && i + 1 < value.size() - 1)
                    ++i;
                unquoted += value.at(i);
            }
            value = unquoted;
        }
        node = value;
    }
    return node;
}

} // namespace

Result<TrustedProxies> TrustedProxies::parse(const QStringList &cidrs)
{
    TrustedProxies proxies;
    for (const QString &cidr : cidrs) {
        const Error invalid = Error::badRequest(
            QStringLiteral("--trusted-proxy expects an address or CIDR such as 10.0.0.0/8 or fd00::/8, not \"%1\"")
                .arg(cidr.left(100)));
        const QString text = cidr.trimmed();
        const qsizetype slash = text.indexOf(u'/');
        const QHostAddress address = fullAddress(slash < 0 ? text : text.left(slash));
        if (address.isNull() || address.scopeId() != QString())
            return invalid;
        const bool v6 = address.protocol() == QAbstractSocket::IPv6Protocol;
        QString prefix = slash < 0 ? QString::number(v6 ? 128 : 32) : text.mid(slash + 1);
        bool numeric = !prefix.isEmpty() && prefix.size() <= 3;
        for (const QChar c : prefix)
            numeric = numeric && c.isDigit();
        if (!numeric)
            return invalid;
        QPair<QHostAddress, int> subnet = QHostAddress::parseSubnet(address.toString() + u'/' + prefix);
        if (subnet.second < 0)
            return invalid;
        // ::ffff:10.0.0.0/104 is 10.0.0.0/8: peers are compared as IPv4 (contains()).
        if (bool mapped = false; v6 && subnet.second >= 96) {
            const quint32 ipv4 = subnet.first.toIPv4Address(&mapped);
            if (mapped)
                subnet = {QHostAddress(ipv4), subnet.second - 96};
        }
        proxies.m_subnets.append(subnet);
        proxies.m_cidrs.append(text);
    }
    return proxies;
}

bool TrustedProxies::contains(const QHostAddress &address) const
{
    const QHostAddress plain = unmapped(address);
    for (const auto &subnet : m_subnets) {
        if (plain.isInSubnet(subnet))
            return true;
    }
    return false;
}

QString TrustedProxies::clientAddress(const QHostAddress &peer, const HttpHeaders &headers) const
{
    const QHostAddress socketPeer = unmapped(peer);
    if (!contains(socketPeer))
        return socketPeer.toString();

    // X-Forwarded-For first: nearly every proxy writes it, and most pass a client's own Forwarded header on
    // untouched, which must then not count (docs/decisions.md, "Issue #13: proxies and shared limits").
    QList<QByteArray> hops; // right-most first: the entry the nearest proxy appended
    if (const QByteArray xForwardedFor = joinedHeader(headers, "x-forwarded-for"); !xForwardedFor.trimmed().isEmpty()) {
        const QList<QByteArray> entries = xForwardedFor.split(',');
        hops = QList<QByteArray>(entries.rbegin(), entries.rend());
    } else {
        const QByteArray forwarded = joinedHeader(headers, "forwarded");
        if (forwarded.trimmed().isEmpty())
            return socketPeer.toString();
        for (const QByteArray &element : splitFromTheRight(forwarded, ',')) {
            const std::optional<QByteArray> node = forwardedFor(element);
            hops.append(node.value_or(QByteArray()));
            if (!node)
                break; // unreadable: the walk cannot pass it
        }
    }
    QHostAddress client = socketPeer;
    for (const QByteArray &hop : hops) {
        const QHostAddress address = nodeAddress(hop);
        if (address.isNull())
            return socketPeer.toString(); // a trusted proxy sent something we cannot read: believe none of it
        client = address;
        if (!contains(address))
            break;
    }
    return client.toString();
}

} // namespace twinops
