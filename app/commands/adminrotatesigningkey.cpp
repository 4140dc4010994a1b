#include "auth/signingkeys.h"
#include "command.h"
#include "core/ids.h"
#include "servicecore.h"
#include "storage/auditlog.h"

namespace twinops::app::commands {

namespace {

Outcome run(const Invocation &invocation)
{
    TWINOPS_TRY_ASSIGN(const DatabaseUrl url, invocation.database());
    TWINOPS_TRY_ASSIGN(const std::unique_ptr<ServiceCore> core, ServiceCore::start(CoreOptions{url}));
    Database &db = core->database();
    TWINOPS_TRY_ASSIGN(const SigningKeyId key, SigningKeyRepository(db).rotate(nowUtc()));
    TWINOPS_TRY(writeAudit(db,
                           {{},
                            QStringLiteral("cli"),
                            {},
                            QStringLiteral("signing_key.rotate"),
                            QStringLiteral("signing_key"),
                            key.id,
                            {},
                            {},
                            {}}));
    standardOutput() << key.id << '\n';
    return 0;
}

} // namespace

Command adminRotateSigningKey()
{
    return {
        .name = QStringLiteral("admin rotate-signing-key"),
        .summary = QStringLiteral("Make a new access-token signing key current; prints its id (the tokens' kid)."),
        .description = QStringLiteral(
            "Every instance on the database signs with the new key within 10 seconds. Tokens signed by the previous "
            "key stay valid until they expire; the previous key is dropped once they all have. The keys are derived "
            "from each instance's signing secret: the database holds only their ids. The rotation is audit-logged "
            "(actor \"cli\")."),
        .run = run,
    };
}

} // namespace twinops::app::commands
