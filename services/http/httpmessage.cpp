#include "http/httpmessage.h"

#include "http/jsonio.h"

#include <QJsonObject>

namespace twinops {

QByteArray HttpRequest::header(const QByteArray &lowerCaseName) const
{
    for (const auto &[name, value] : headers) {
        if (name == lowerCaseName)
            return value;
    }
    return {};
}

HttpResponse HttpResponse::json(int status, const QJsonDocument &document)
{
    return {
        status, QByteArrayLiteral("application/json; charset=utf-8"), document.toJson(QJsonDocument::Compact), {}, {}};
}

HttpResponse HttpResponse::json(int status, const JsonObjectWriter &object)
{
    return {status, QByteArrayLiteral("application/json; charset=utf-8"), object.toJson(), {}, {}};
}

HttpResponse HttpResponse::noContent()
{
    return {204, {}, {}, {}, {}};
}

HttpResponse HttpResponse::eventStream(std::function<void(EventSink &)> producer)
{
    return {200, QByteArrayLiteral("text/event-stream; charset=utf-8"), {}, {}, std::move(producer)};
}

HttpResponse HttpResponse::text(int status, QByteArray body, QByteArray contentType)
{
    return {status, std::move(contentType), std::move(body), {}, {}};
}

int httpStatus(ErrorCode code)
{
    switch (code) {
    case ErrorCode::BadRequest: return 400;
    case ErrorCode::Unauthorized: return 401;
    case ErrorCode::Forbidden:
    case ErrorCode::PasswordChangeRequired: return 403;
    case ErrorCode::NotFound: return 404;
    case ErrorCode::MethodNotAllowed: return 405;
    case ErrorCode::Conflict:
    case ErrorCode::Cancelled: return 409;
    case ErrorCode::PayloadTooLarge: return 413;
    case ErrorCode::ValidationFailed: return 422;
    case ErrorCode::RateLimited: return 429;
    case ErrorCode::Unavailable: return 503;
    case ErrorCode::Internal: return 500;
    }
    return 500;
}

HttpResponse HttpResponse::error(const Error &error)
{
    QJsonObject body{{QStringLiteral("code"), errorCodeName(error.code)}};
    // Internal errors may carry SQL or driver text: callers log them, the client gets a generic sentence.
    body.insert(QStringLiteral("message"),
                error.code == ErrorCode::Internal ? QStringLiteral("internal error") : error.message);
    if (!error.details.isEmpty()) {
        QJsonObject details;
        for (auto it = error.details.cbegin(); it != error.details.cend(); ++it)
            details.insert(it.key(), it.value());
        body.insert(QStringLiteral("details"), details);
    }
    HttpResponse response = json(httpStatus(error.code), QJsonObject{{QStringLiteral("error"), body}});
    if (error.code == ErrorCode::Unauthorized)
        response.headers.append({QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer")});
    if (error.code == ErrorCode::RateLimited || error.retryAfterSeconds > 0)
        response.headers.append(
            {QByteArrayLiteral("Retry-After"), QByteArray::number(std::max(1, error.retryAfterSeconds))});
    return response;
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
    }
}

} // namespace twinops
