#include "auth/apikeyrepository.h"
#include "cliaudit.h"
#include "command.h"
#include "servicecore.h"

namespace twinops::app::commands {

namespace {

Outcome run(const Invocation &invocation)
{
    TWINOPS_TRY_ASSIGN(const DatabaseUrl url, invocation.database());
    std::optional<int> expiresInDays;
    if (invocation.isSet(QStringLiteral("expires-in"))) {
        const Result<int> days = invocation.integer(QStringLiteral("expires-in"), 1, 3650);
        if (!days.ok())
            return Outcome::usage(days.error().message);
        expiresInDays = *days;
    }
    const QString name = invocation.value(QStringLiteral("name"));
    if (name.trimmed().isEmpty())
        return Outcome::usage(QStringLiteral("admin create-key needs --name NAME"));

    TWINOPS_TRY_ASSIGN(const std::unique_ptr<ServiceCore> core, ServiceCore::start(CoreOptions{url}));
    Database &db = core->database();
    TWINOPS_TRY_ASSIGN(Transaction tx, Transaction::begin(db));
    TWINOPS_TRY_ASSIGN(const ApiKeyRepository::Issued issued,
                       ApiKeyRepository(db).createPlatformAdmin(name, expiresInDays));
    TWINOPS_TRY(
        auditCli(db, QStringLiteral("admin_key.create"), issued.key.id, {{QStringLiteral("name"), issued.key.name}}));
    TWINOPS_TRY(tx.commit());
    standardOutput() << issued.secret << Qt::endl;
    return 0;
}

} // namespace

Command adminCreateKey()
{
    return {
        .name = QStringLiteral("admin create-key"),
        .synopsis = QStringLiteral("--name NAME [--expires-in DAYS]"),
        .summary = QStringLiteral("Create a platform-admin API key and print it (once, and nothing else); it expires "
                                  "after DAYS (1 to 3650) when given, else never."),
        .description = QStringLiteral("The key reaches /api/v1/admin/* only. The creation is audit-logged (actor "
                                      "\"cli\")."),
        .options = {
            QCommandLineOption(QStringLiteral("name"), QStringLiteral("What the key is for (required)."),
                               QStringLiteral("NAME")),
            QCommandLineOption(QStringLiteral("expires-in"),
                               QStringLiteral("Days until the key expires (1 to 3650); without it, never."),
                               QStringLiteral("DAYS")),
        },
        .run = run,
    };
}

} // namespace twinops::app::commands
