#include "core/error.h"

namespace twinops {

QString errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::BadRequest:
        return QStringLiteral("bad_request");
    case ErrorCode::Unauthorized:
        return QStringLiteral("unauthorized");
    case ErrorCode::Forbidden:
        return QStringLiteral("forbidden");
    case ErrorCode::NotFound:
        return QStringLiteral("not_found");
    case ErrorCode::MethodNotAllowed:
        return QStringLiteral("method_not_allowed");
    case ErrorCode::Conflict:
        return QStringLiteral("conflict");
    case ErrorCode::PayloadTooLarge:
        return QStringLiteral("payload_too_large");
    case ErrorCode::ValidationFailed:
        return QStringLiteral("validation_failed");
    case ErrorCode::RateLimited:
        return QStringLiteral("rate_limited");
    case ErrorCode::Unavailable:
        return QStringLiteral("unavailable");
    case ErrorCode::Internal:
        return QStringLiteral("internal");
    }
    return QStringLiteral("internal");
}

} // namespace twinops
