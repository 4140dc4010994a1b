#include "auth/apikeyrepository.h"
#include "cliaudit.h"
#include "command.h"
#include "servicecore.h"

namespace twinops::app::commands {

namespace {

Outcome run(const Invocation &invocation)
{
    TWINOPS_TRY_ASSIGN(const DatabaseUrl url, invocation.database());
    if (invocation.arguments().isEmpty())
        return Outcome::usage(QStringLiteral("admin revoke-key needs the key's ID (see admin list-keys)"));
    TWINOPS_TRY_ASSIGN(const std::unique_ptr<ServiceCore> core, ServiceCore::start(CoreOptions{url}));
    Database &db = core->database();
    TWINOPS_TRY_ASSIGN(Transaction tx, Transaction::begin(db));
    TWINOPS_TRY_ASSIGN(const ApiKey revoked, ApiKeyRepository(db).revokePlatformAdmin(invocation.arguments().first()));
    TWINOPS_TRY(auditCli(db, QStringLiteral("admin_key.revoke"), revoked.id));
    TWINOPS_TRY(tx.commit());
    return 0;
}

} // namespace

Command adminRevokeKey()
{
    return {
        .name = QStringLiteral("admin revoke-key"),
        .arguments = {QStringLiteral("ID")},
        .summary = QStringLiteral("Revoke a platform-admin API key: from then on it is refused (401)."),
        .description = QStringLiteral("ID is the first column of admin list-keys. The revocation is audit-logged "
                                      "(actor \"cli\")."),
        .run = run,
    };
}

} // namespace twinops::app::commands
