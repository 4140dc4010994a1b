#pragma once

#include "auth/principal.h"
#include "core/result.h"
#include "http/httpmessage.h"

#include <QHash>
#include <QList>
#include <QString>

#include <chrono>
#include <functional>
#include <memory>
#include <variant>

namespace twinops {

class ApiContext;

// Who may call a route. Tenant routes accept a user's JWT or a tenant API key: users need at least
// `minimumRole`, keys need `scope` (an empty scope means API keys are refused, e.g. user management).
struct Access
{
    enum class Kind { Public, Tenant, PlatformAdmin };
    Kind kind = Kind::Public;
    Role minimumRole = Role::Viewer;
    QString scope;
    // Open to a user who must change a generated password first (Principal::mustChangePassword), and to the API
    // keys that user created: the password change itself and /auth/me. Every other route refuses them.
    bool beforePasswordChange = false;

    static Access publicRoute() { return {}; }
    static Access platformAdmin() { return {Kind::PlatformAdmin, Role::Owner, {}}; }
    static Access tenant(Role minimumRole, QString scope) { return {Kind::Tenant, minimumRole, std::move(scope)}; }
    Access openBeforePasswordChange() &&
    {
        beforePasswordChange = true;
        return std::move(*this);
    }
};

// Where the transport runs a route's handler. The HTTP threads only parse, route, authorise and write; a handler
// that can take more than a millisecond or two runs on a bounded pool instead (see docs/decisions.md).
enum class Lane {
    Inline, // on the HTTP thread: indexed reads and small writes
    Work, // the work pool: password hashing, large uploads, scans over many rows
    Chat, // the chat pool: generation, one thread per concurrent answer
};

class ApiContext;
// A check the router makes on the HTTP thread before a request is handed to its lane's pool: cheap (an indexed read
// at most), it refuses at once what the handler would refuse anyway, e.g. a login from an address whose budget is
// spent, so that a flood is answered 429 rather than filling the pool.
using Admission = std::function<Status(const HttpRequest &, ApiContext &)>;

struct RouteSpec
{
    QByteArray method;
    QString pattern; // "/api/v1/twins/{id}/sources": {name} matches one segment
    Access access;
    bool usesDatabase = true; // false for /health (which reports the database itself) and /metrics
    Lane lane = Lane::Inline;
    Admission admit = {};

    RouteSpec on(Lane where, Admission admission = {}) &&
    {
        lane = where;
        admit = std::move(admission);
        return std::move(*this);
    }
};

// What a handler gets: the request, its path parameters, the caller, and the thread's services.
class RequestContext
{
public:
    RequestContext(const HttpRequest &incoming, QHash<QString, QString> pathParams, Principal caller,
                   ApiContext &thread)
        : request(incoming)
        , params(std::move(pathParams))
        , principal(std::move(caller))
        , api(thread)
    { }
    const HttpRequest &request;
    const QHash<QString, QString> params;
    const Principal principal;
    ApiContext &api;

    QString param(const QString &name) const { return params.value(name); }
};

using Handler = std::function<Result<HttpResponse>(RequestContext &)>;

// Transport-free dispatch: matches the path, authenticates, authorises, runs the handler, maps errors to the
// error body of resources/api/openapi.json, and records per-route metrics. Built once, then used read-only by every
// HTTP thread.
class Router
{
    struct Route;

public:
    // A request that was matched, authenticated and authorised, ready for its handler: the transport makes one on
    // the HTTP thread and may run it on another thread, with that thread's ApiContext.
    class Call
    {
    public:
        Lane lane() const;
        const QString &pattern() const;

    private:
        friend class Router;
        const Route *route = nullptr;
        QHash<QString, QString> params;
        Principal principal;
        std::chrono::steady_clock::time_point started; // when routing began, so the latency includes any wait
        bool counted = true; // false for dispatchAs: in-process calls are not HTTP traffic
    };
    // Either the answer (no such route, bad credentials, not allowed …) or the call to make.
    using Routed = std::variant<HttpResponse, Call>;

    void add(RouteSpec spec, Handler handler);
    // dispatch() = route() + execute() on one thread.
    HttpResponse dispatch(const HttpRequest &request, ApiContext &api) const;
    Routed route(const HttpRequest &request, ApiContext &api) const;
    // Runs the handler on the calling thread with its `api`, maps errors and records the request's metrics.
    HttpResponse execute(Call &call, const HttpRequest &request, ApiContext &api) const;
    // Records a call's request under its route's metrics (also one answered without its handler: "busy").
    void record(const Call &call, const HttpRequest &request, ApiContext &api, int status) const;
    // The same for a caller inside this process that is already trusted as `principal` (the console's local
    // environment): no credentials are read, and the call is not counted as HTTP traffic in the metrics. Never
    // reachable from a socket: the transport only calls dispatch().
    HttpResponse dispatchAs(const HttpRequest &request, ApiContext &api, const Principal &principal) const;
    QList<RouteSpec> routes() const;

private:
    Routed route(const HttpRequest &request, ApiContext &api, const Principal *trusted) const;
    HttpResponse finish(Result<HttpResponse> result, const Call &call, const HttpRequest &request,
                        ApiContext &api) const;
    struct Route
    {
        RouteSpec spec;
        QStringList segments;
        Handler handler;
    };
    const Route *match(const HttpRequest &request, QHash<QString, QString> *params, bool *pathExists) const;
    // A platform admin that sends `X-Twinops-Tenant: <uuid>` to a tenant route acts as that tenant's owner (see
    // docs/decisions.md); the header is ignored for every other principal. The one place this rule lives.
    Status enterTenant(const Route &route, const HttpRequest &request, ApiContext &api, Principal &principal) const;
    Status authorise(const Route &route, const Principal &principal) const;

    QList<Route> m_routes;
};

QStringList splitPath(const QString &path);

} // namespace twinops
