#pragma once

#include <QHash>
#include <QString>

namespace twinops {

// The one closed set of failure kinds. Services return them as values; the HTTP layer maps each to exactly one
// status code in one place, and the command line maps them to exit codes.
enum class ErrorCode {
    BadRequest, // malformed input (JSON, ids, query parameters)
    Unauthorized, // missing/invalid/expired/revoked credentials
    Forbidden, // authenticated, but role/scope/tenant status does not allow it
    PasswordChangeRequired, // authenticated, but the user must first replace a password an admin generated (403)
    NotFound, // missing, or belonging to another tenant: never tell which
    MethodNotAllowed, // the path exists, the method does not
    Conflict, // unique constraint, invalid state transition
    PayloadTooLarge, // request body over the limit
    ValidationFailed, // well-formed but breaks a rule; details name the fields
    RateLimited, // throttled; retryAfterSeconds says when to come back
    Unavailable, // a dependency (the database) is down; retrying later may succeed
    Internal, // a bug or an unexpected state; details are logged, never shown
    Cancelled, // a job's handler honoured a cancel request (jobCancelled()); to a client it reads as Conflict
};

struct Error
{
    ErrorCode code = ErrorCode::Internal;
    QString message; // human text, safe to show to the caller
    QHash<QString, QString> details; // field name -> problem, for ValidationFailed
    int retryAfterSeconds = 0; // for RateLimited, and Unavailable when the server knows when to come back

    static Error badRequest(QString message) { return {ErrorCode::BadRequest, std::move(message), {}, 0}; }
    static Error unauthorized(QString message = QStringLiteral("Invalid or missing credentials"))
    {
        return {ErrorCode::Unauthorized, std::move(message), {}, 0};
    }
    static Error forbidden(QString message) { return {ErrorCode::Forbidden, std::move(message), {}, 0}; }
    static Error notFound(QString message = QStringLiteral("Not found"))
    {
        return {ErrorCode::NotFound, std::move(message), {}, 0};
    }
    static Error conflict(QString message) { return {ErrorCode::Conflict, std::move(message), {}, 0}; }
    static Error validation(QHash<QString, QString> fieldProblems)
    {
        return {ErrorCode::ValidationFailed, QStringLiteral("Validation failed"), std::move(fieldProblems), 0};
    }
    static Error validation(const QString &field, const QString &problem) { return validation({{field, problem}}); }
    static Error unavailable(QString message) { return {ErrorCode::Unavailable, std::move(message), {}, 0}; }
    static Error internal(QString message) { return {ErrorCode::Internal, std::move(message), {}, 0}; }

    // The message with the field problems, for logs and stored errors: "Validation failed (type: no handler…)".
    QString describe() const;
};

QString errorCodeName(ErrorCode code); // snake_case, as in resources/api/openapi.json

} // namespace twinops
