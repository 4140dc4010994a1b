#include "auth/apikeyrepository.h"
#include "command.h"
#include "servicecore.h"

namespace twinops::app::commands {

namespace {

QString state(const ApiKey &key, const QDateTime &now)
{
    if (key.revokedAt.isValid())
        return QStringLiteral("revoked");
    if (key.expiresAt.isValid() && key.expiresAt <= now)
        return QStringLiteral("expired");
    return QStringLiteral("active");
}

Outcome run(const Invocation &invocation)
{
    TWINOPS_TRY_ASSIGN(const DatabaseUrl url, invocation.database());
    TWINOPS_TRY_ASSIGN(const std::unique_ptr<ServiceCore> core, ServiceCore::start(CoreOptions{url}));
    ApiKeyRepository keys(core->database());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QTextStream &out = standardOutput();
    PageRequest page{PageRequest::kMaxLimit, {}};
    do {
        TWINOPS_TRY_ASSIGN(const Page<ApiKey> listed, keys.listPlatformAdmin(page));
        for (const ApiKey &key : listed.items) {
            out << QStringLiteral("%1  twk_%2  %3  expires %4  %5\n")
                       .arg(key.id, key.prefix, state(key, now).leftJustified(7),
                            key.expiresAt.isValid() ? key.expiresAt.toString(Qt::ISODate) : QStringLiteral("never"),
                            key.name);
        }
        page.cursor = listed.nextCursor;
    } while (!page.cursor.isEmpty());
    out << Qt::flush;
    return 0;
}

} // namespace

Command adminListKeys()
{
    return {
        .name = QStringLiteral("admin list-keys"),
        .summary = QStringLiteral("List the platform-admin API keys: id, prefix, state, expiry, name (never the "
                                  "secret)."),
        .description = QStringLiteral("One line per key; the state is active, revoked or expired."),
        .run = run,
    };
}

} // namespace twinops::app::commands
