#include "core/error.h"

#include <QStringList>

namespace twinops {

QString Error::describe() const
{
    if (details.isEmpty())
        return message;
    QStringList fields = details.keys();
    fields.sort();
    QStringList problems;
    for (const QString &field : std::as_const(fields))
        problems << field + QStringLiteral(": ") + details.value(field);
    return message + QStringLiteral(" (") + problems.join(QStringLiteral("; ")) + u')';
}

QString errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::BadRequest: return QStringLiteral("bad_request");
    case ErrorCode::Unauthorized: return QStringLiteral("unauthorized");
    case ErrorCode::Forbidden: return QStringLiteral("forbidden");
    case ErrorCode::PasswordChangeRequired: return QStringLiteral("password_change_required");
    case ErrorCode::NotFound: return QStringLiteral("not_found");
    case ErrorCode::MethodNotAllowed: return QStringLiteral("method_not_allowed");
    case ErrorCode::Conflict:
    case ErrorCode::Cancelled: // before it had its own code it was a conflict; the API's list of codes stays as is
        return QStringLiteral("conflict");
    case ErrorCode::PayloadTooLarge: return QStringLiteral("payload_too_large");
    case ErrorCode::ValidationFailed: return QStringLiteral("validation_failed");
    case ErrorCode::RateLimited: return QStringLiteral("rate_limited");
    case ErrorCode::Unavailable: return QStringLiteral("unavailable");
    case ErrorCode::Internal: return QStringLiteral("internal");
    }
    return QStringLiteral("internal");
}

} // namespace twinops
