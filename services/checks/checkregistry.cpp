#include "checks/checkregistry.h"

#include "checks/dblint.h"
#include "checks/smoketests.h"
#include "core/environment.h"
#include "knowledge/chatsettings.h"
#include "storage/database.h"
#include "storage/databaseurl.h"
#include "storage/migrator.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QSettings>
#include <QStandardPaths>

namespace twinops {

namespace {

// The database the migration and lint checks read: the DSN given for the target, else the local instance's.
Result<std::unique_ptr<Database>> targetDatabase(const TargetEnvironment &target)
{
    if (target.postgresDsn.isEmpty())
        return Database::open(*target.localDatabase);
    TWINOPS_TRY_ASSIGN(const auto url, DatabaseUrl::parse(target.postgresDsn));
    if (url.dialect() != Dialect::Postgres)
        return Error::badRequest(QStringLiteral("--dsn expects a postgres:// URL"));
    return Database::open(url);
}

CheckResult migrationsApplied(CheckContext &context)
{
    const TargetEnvironment &target = context.target();
    if (target.postgresDsn.isEmpty() && !target.localDatabase)
        return CheckResult::skipped(QStringLiteral("no database given for the target (--dsn)"));
    auto db = targetDatabase(target);
    if (!db.ok())
        return CheckResult::fail(QStringLiteral("cannot open the database: %1").arg(db.error().message));
    auto shipped = Migrator::embedded((*db)->dialect());
    if (!shipped.ok())
        return CheckResult::fail(shipped.error().message);
    Migrator migrator(**db, *shipped);
    auto status = migrator.status(); // validates checksums and numbering; reads only
    if (!status.ok())
        return CheckResult::fail(status.error().message);
    QJsonArray pending;
    for (const Migration &migration : status->pending)
        pending.append(QStringLiteral("%1_%2").arg(migration.version, 4, 10, QLatin1Char('0')).arg(migration.name));
    const QJsonObject evidence{{QStringLiteral("database"), (*db)->description()},
                               {QStringLiteral("shipped"), status->shipped.size()},
                               {QStringLiteral("applied"), status->applied.size()},
                               {QStringLiteral("pending"), pending}};
    if (!pending.isEmpty())
        return CheckResult::fail(QStringLiteral("%1 of %2 shipped migrations are not applied")
                                     .arg(pending.size())
                                     .arg(status->shipped.size()),
                                 evidence);
    return CheckResult::pass(
        QStringLiteral("all %1 shipped migrations applied, checksums match").arg(status->shipped.size()), evidence);
}

CheckResult databaseLint(CheckContext &context)
{
    const TargetEnvironment &target = context.target();
    if (target.postgresDsn.isEmpty() && (!target.localDatabase || target.localDatabase->dialect() != Dialect::Postgres))
        return CheckResult::skipped(QStringLiteral("the lint reads PostgreSQL catalogs: give --dsn"));
    auto db = targetDatabase(target);
    if (!db.ok())
        return CheckResult::fail(QStringLiteral("cannot open the database: %1").arg(db.error().message));
    return lintCheckResult(lintPostgres(**db));
}

// Keys that hold credentials: their values belong in the keychain or the secrets directory, not in a config file.
bool looksSecret(const QString &key)
{
    const QString lower = key.toLower();
    for (const char *word : {"secret", "password", "passwd", "token", "api_key", "apikey", "private_key"}) {
        if (lower.contains(QLatin1String(word)))
            return true;
    }
    return false;
}

CheckResult environmentSettings(CheckContext &context)
{
    const TargetEnvironment &target = context.target();
    if (!target.local)
        return CheckResult::skipped(QStringLiteral(
            "a remote target's settings are not visible from here: run `twinopsd check` on that server"));
    QStringList problems;
    QStringList warnings;
    QJsonObject evidence;

    // The JWT signing secret.
    const QByteArray jwtFromEnvironment = environmentValue("TWINOPS_JWT_SECRET").toUtf8();
    if (!jwtFromEnvironment.isEmpty()) {
        evidence.insert(QStringLiteral("jwt_secret"), QStringLiteral("environment"));
        if (jwtFromEnvironment.size() < 32)
            problems << QStringLiteral("TWINOPS_JWT_SECRET is shorter than 32 bytes");
    } else if (!target.secretsDirectory.isEmpty()) {
        evidence.insert(QStringLiteral("jwt_secret"), QStringLiteral("secrets directory"));
        const QFileInfo directory(target.secretsDirectory);
        if (!directory.isDir()) {
            problems << QStringLiteral("no JWT secret: neither TWINOPS_JWT_SECRET nor %1").arg(target.secretsDirectory);
        } else {
            const auto foreign = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup
                | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;
            if (directory.permissions() & foreign)
                problems << QStringLiteral("%1 is open to other users (must be 0700)").arg(target.secretsDirectory);
            for (const QFileInfo &file : QDir(target.secretsDirectory).entryInfoList(QDir::Files | QDir::Hidden)) {
                if (file.permissions() & foreign)
                    problems << QStringLiteral("%1 is readable by other users (must be 0600)").arg(file.fileName());
            }
        }
    } else {
        evidence.insert(QStringLiteral("jwt_secret"), QStringLiteral("keychain"));
    }

    // The database.
    if (!target.localDatabase)
        problems << QStringLiteral("no database configured");
    else
        evidence.insert(QStringLiteral("database"), target.localDatabase->redacted());
    if (const QString fromEnvironment = qEnvironmentVariable("TWINOPS_DATABASE_URL");
        fromEnvironment.contains(QLatin1String("password=")) || QUrl(fromEnvironment).password().size() > 0)
        warnings << QStringLiteral("TWINOPS_DATABASE_URL carries a password: prefer ~/.pgpass or PGPASSFILE");

    // The chat provider (optional).
    auto chat = ChatSettings::fromEnvironment();
    if (!chat.ok())
        problems << chat.error().message;
    else if (!chat->baseUrl.isEmpty() && chat->apiKey.isEmpty())
        warnings << QStringLiteral("TWINOPS_LLM_BASE_URL is set without TWINOPS_LLM_API_KEY (fine for a local server)");
    evidence.insert(QStringLiteral("chat_provider"),
                    chat.ok() && !chat->baseUrl.isEmpty() ? QStringLiteral("openai-compatible")
                                                          : QStringLiteral("grounded"));

    // Plain configuration files must hold no secret values (their keys are named, never their values).
    QStringList configFiles;
    for (const QString &location : QStandardPaths::standardLocations(QStandardPaths::ConfigLocation)) {
        for (const QFileInfo &file :
             QDir(location + QStringLiteral("/TwinOps")).entryInfoList({QStringLiteral("*.conf")}, QDir::Files))
            configFiles << file.absoluteFilePath();
        if (QFileInfo::exists(location + QStringLiteral("/TwinOps.conf")))
            configFiles << location + QStringLiteral("/TwinOps.conf");
    }
    for (const QString &path : configFiles) {
        const QSettings settings(path, QSettings::IniFormat);
        for (const QString &key : settings.allKeys()) {
            if (looksSecret(key) && !settings.value(key).toString().isEmpty())
                problems << QStringLiteral("%1 holds a secret in plain text (key %2)").arg(path, key);
        }
    }
    evidence.insert(QStringLiteral("config_files"), QJsonArray::fromStringList(configFiles));

    if (!problems.isEmpty())
        return CheckResult::fail((problems + warnings).join(QStringLiteral("; ")), evidence);
    if (!warnings.isEmpty())
        return CheckResult::warn(warnings.join(QStringLiteral("; ")), evidence);
    return CheckResult::pass(
        QStringLiteral("JWT secret, database and chat provider configured; no secret in plain config"), evidence);
}

CheckRegistry::Function monitoring(CheckResult (*compute)(const MetricsWindow &, const Thresholds &))
{
    return [compute](CheckContext &context) {
        const Result<MetricsWindow> &window = context.metricsWindow();
        if (!window.ok())
            return CheckResult::fail(window.error().message);
        return compute(*window, context.target().thresholds);
    };
}

CheckRegistry::Function targetCheck(CheckResult (*check)(const TargetEnvironment &))
{
    return [check](CheckContext &context) { return check(context.target()); };
}

} // namespace

const Result<MetricsWindow> &CheckContext::metricsWindow()
{
    if (!m_window)
        m_window = scrapeMetricsWindow(m_target, m_stopRequested);
    return *m_window;
}

const CheckRegistry &CheckRegistry::builtIn()
{
    static const CheckRegistry registry = [] {
        CheckRegistry r;
        r.add(QStringLiteral("environment.settings"), QStringLiteral("Environment settings"), environmentSettings);
        r.add(QStringLiteral("migrations.applied"), QStringLiteral("Migrations applied"), migrationsApplied);
        r.add(QStringLiteral("database.lint"), QStringLiteral("Database security lint"), databaseLint);
        r.add(QStringLiteral("health"), QStringLiteral("Health endpoint"), targetCheck(checkHealth));
        r.add(QStringLiteral("smoke.auth"), QStringLiteral("Smoke: auth flow"), targetCheck(smokeAuth));
        r.add(QStringLiteral("smoke.twins"), QStringLiteral("Smoke: twins"), targetCheck(smokeTwins));
        r.add(QStringLiteral("smoke.sources"), QStringLiteral("Smoke: sources"), targetCheck(smokeSources));
        r.add(QStringLiteral("smoke.chat_graph"), QStringLiteral("Smoke: chat and graph"),
              [](CheckContext &context) { return smokeChatGraph(context.target()); });
        r.add(QStringLiteral("smoke.conversations"), QStringLiteral("Smoke: conversations"),
              targetCheck(smokeConversations));
        r.add(QStringLiteral("monitoring.error_rate"), QStringLiteral("Error rate"), monitoring(errorRateCheck));
        r.add(QStringLiteral("monitoring.ttft_p95"), QStringLiteral("Time to first token"), monitoring(ttftCheck));
        r.add(QStringLiteral("monitoring.job_success"), QStringLiteral("Graph job success"),
              monitoring(jobSuccessCheck));
        r.add(QStringLiteral("monitoring.auth_failures"), QStringLiteral("401/403 rate"), monitoring(authFailureCheck));
        r.add(QStringLiteral("monitoring.database_errors"), QStringLiteral("Database errors"),
              monitoring(databaseErrorCheck));
        return r;
    }();
    return registry;
}

void CheckRegistry::add(QString id, QString title, Function run)
{
    m_checks.push_back({std::move(id), std::move(title), std::move(run)});
}

const CheckRegistry::Check *CheckRegistry::find(const QString &id) const
{
    for (const Check &check : m_checks) {
        if (check.id == id)
            return &check;
    }
    return nullptr;
}

QStringList CheckRegistry::ids() const
{
    QStringList ids;
    for (const Check &check : m_checks)
        ids << check.id;
    return ids;
}

CheckResult CheckRegistry::run(const QString &id, CheckContext &context) const
{
    const Check *check = find(id);
    if (!check)
        return CheckResult::fail(QStringLiteral("unknown check %1").arg(id));
    QElapsedTimer timer;
    timer.start();
    CheckResult result = check->run(context);
    result.durationMs = timer.elapsed();
    return result;
}

} // namespace twinops
