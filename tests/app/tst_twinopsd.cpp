// The real twinopsd binary, as an operator runs it: migrate twice, edited migrations, unreachable servers,
// corrupt files, usage errors.
#include "core/ids.h"
#include "daemon.h"
#include "testdatabase.h"
#include "testfiles.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace twinops;
using namespace twinops::test;

namespace {

using Run = TwinopsdRun;

// A home of its own (secrets, config) and a cheap password hash for the smoke tests' sign-ups.
QProcessEnvironment checkEnvironment(const QString &home)
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/data"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
    env.insert(QStringLiteral("TWINOPS_PASSWORD_COST"), QStringLiteral("minimal"));
    return env;
}

QStringList nonEmptyLines(const QString &text)
{
    return text.split(u'\n', Qt::SkipEmptyParts);
}

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

// Everything that describes the database's schema and migration history, to prove "unchanged".
QString schemaFingerprint(Database &db)
{
    auto rows = db.dialect() == Dialect::Postgres
        ? db.query(QStringLiteral("SELECT table_name || '.' || column_name FROM information_schema.columns "
                                  "WHERE table_schema = 'public' ORDER BY 1"))
        : db.query(QStringLiteral("SELECT name || ':' || sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY 1"));
    QString fingerprint;
    for (const Row row : *rows)
        fingerprint += row.text(0) + u'\n';
    auto applied = db.query(QStringLiteral("SELECT version, checksum FROM schema_migrations ORDER BY version"));
    for (const Row row : *applied)
        fingerprint += row.text(0) + u' ' + row.text(1) + u'\n';
    return fingerprint;
}

void writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(content);
}

} // namespace

class TestTwinopsd final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void initTestCase() { QVERIFY2(QFile::exists(qEnvironmentVariable("TWINOPSD")), "TWINOPSD must name the binary"); }

    void migrateTwiceAppliesNothingTheSecondTime();
    void editedMigrationIsAOneLineErrorAndChangesNothing();
    void statusListsAppliedAndPending();
    void migrateDownRefusesToDeleteDataUnlessForced();

    void unreachablePostgresIsAOneLineError();
    void corruptSqliteFileIsAClearErrorAndUntouched();
    void usageErrors();
    void checkRunsTheStagingChecklistAndRecordsIt();
    void checkOfADeadTargetFails();
    void adminKeysAreListedRevokedAndExpire();
    void defaultDataFolderIsOwnerOnly();
};

void TestTwinopsd::migrateTwiceAppliesNothingTheSecondTime()
{
    TWINOPS_FRESH_DATABASE(testDb);
    const QString url = currentDialect() == Dialect::Sqlite ? testDb->url().sqlitePath() : testDb->url().postgresUri();
    const Run first = twinopsd({QStringLiteral("--database"), url, QStringLiteral("migrate")});
    QCOMPARE(first.exitCode, 0);
    QVERIFY2(first.out.contains(QLatin1String("applied 0001 initial")), qPrintable(first.out));
    const Run second = twinopsd({QStringLiteral("migrate"), QStringLiteral("--database"), url});
    QCOMPARE(second.exitCode, 0);
    QVERIFY2(second.out.startsWith(QLatin1String("0 step(s)")), qPrintable(second.out));
    QVERIFY2(second.err.isEmpty(), qPrintable(second.err));
}

void TestTwinopsd::editedMigrationIsAOneLineErrorAndChangesNothing()
{
    TWINOPS_FRESH_DATABASE(testDb);
    const QString url = currentDialect() == Dialect::Sqlite ? testDb->url().sqlitePath() : testDb->url().postgresUri();
    // A copy of the shipped migrations in a directory we can edit, as a developer would.
    QTemporaryDir dir;
    const QString shipped = QStringLiteral(TWINOPS_SOURCE_DIR "/migrations/")
        + (currentDialect() == Dialect::Sqlite ? QStringLiteral("sqlite") : QStringLiteral("postgres"));
    for (const QString &name : QDir(shipped).entryList({QStringLiteral("*.sql")}))
        QVERIFY(QFile::copy(QDir(shipped).filePath(name), dir.filePath(name)));
    QCOMPARE(twinopsd({QStringLiteral("--database"), url, QStringLiteral("migrate"), QStringLiteral("--migrations"),
                       dir.path()})
                 .exitCode,
             0);

    auto db = testDb->connect();
    QVERIFY(db);
    const QString before = schemaFingerprint(*db);
    QFile first(dir.filePath(QStringLiteral("0001_initial.sql")));
    QVERIFY(first.open(QIODevice::Append));
    first.write("\nCREATE TABLE sneaked_in (x INTEGER);\n");
    first.close();
    const QString later
        = QStringLiteral("%1_later")
              .arg(QDir(dir.path()).entryList({QStringLiteral("*.down.sql")}).size() + 1, 4, 10, QLatin1Char('0'));
    writeFile(dir.filePath(later + QStringLiteral(".sql")), "CREATE TABLE later_table (x INTEGER);");
    writeFile(dir.filePath(later + QStringLiteral(".down.sql")), "DROP TABLE later_table;");

    const Run edited = twinopsd(
        {QStringLiteral("--database"), url, QStringLiteral("migrate"), QStringLiteral("--migrations"), dir.path()});
    QCOMPARE(edited.exitCode, 1);
    QCOMPARE(nonEmptyLines(edited.err).size(), 1);
    QVERIFY2(edited.err.contains(QLatin1String("was changed after it was applied")), qPrintable(edited.err));
    QCOMPARE(schemaFingerprint(*db), before);
}

void TestTwinopsd::statusListsAppliedAndPending()
{
    TWINOPS_FRESH_DATABASE(testDb);
    const QString url = currentDialect() == Dialect::Sqlite ? testDb->url().sqlitePath() : testDb->url().postgresUri();
    const Run pending
        = twinopsd({QStringLiteral("--database"), url, QStringLiteral("migrate"), QStringLiteral("--status")});
    QCOMPARE(pending.exitCode, 0);
    QVERIFY2(pending.out.contains(QLatin1String("0001  initial")) && pending.out.contains(QLatin1String("pending")),
             qPrintable(pending.out));
    QVERIFY(pending.out.contains(QLatin1String("0 applied")));
    QCOMPARE(twinopsd({QStringLiteral("--database"), url, QStringLiteral("migrate")}).exitCode, 0);
    const Run applied
        = twinopsd({QStringLiteral("--database"), url, QStringLiteral("migrate"), QStringLiteral("--status")});
    QVERIFY2(applied.out.contains(QLatin1String(" 0 pending")), qPrintable(applied.out));
}

void TestTwinopsd::migrateDownRefusesToDeleteDataUnlessForced()
{
    TWINOPS_FRESH_DATABASE(testDb);
    const QString url = currentDialect() == Dialect::Sqlite ? testDb->url().sqlitePath() : testDb->url().postgresUri();
    QCOMPARE(twinopsd({QStringLiteral("--database"), url, QStringLiteral("migrate")}).exitCode, 0);
    {
        auto db = testDb->connect();
        QVERIFY(db);
        TWINOPS_VERIFY_OK(
            db->query(QStringLiteral("INSERT INTO job_probes (job_id, runs, last_run_at) VALUES ($1, 1, $2)"),
                      {newId(), nowUtc()}));
    }
    const QStringList down{QStringLiteral("--database"), url, QStringLiteral("migrate"), QStringLiteral("--to"),
                           QStringLiteral("1")};
    const Run refused = twinopsd(down);
    QCOMPARE(refused.exitCode, 1);
    QCOMPARE(nonEmptyLines(refused.err).size(), 1);
    QVERIFY2(refused.err.contains(QLatin1String("table job_probes (1 by reverting 2)")), qPrintable(refused.err));
    QVERIFY2(refused.err.contains(QLatin1String("--force")), qPrintable(refused.err));

    const Run forced = twinopsd(down + QStringList{QStringLiteral("--force")});
    QCOMPARE(forced.exitCode, 0);
    QVERIFY2(forced.out.contains(QLatin1String("reverted 0002 job_probes")), qPrintable(forced.out));
    QVERIFY2(forced.out.contains(QLatin1String("is at version 1")), qPrintable(forced.out));
    const Run up = twinopsd({QStringLiteral("--database"), url, QStringLiteral("migrate")});
    QCOMPARE(up.exitCode, 0);
    QVERIFY2(up.out.contains(QLatin1String("applied 0002 job_probes")), qPrintable(up.out));

    const Run tooHigh = twinopsd(
        {QStringLiteral("--database"), url, QStringLiteral("migrate"), QStringLiteral("--to"), QStringLiteral("9999")});
    QCOMPARE(tooHigh.exitCode, 1);
    QVERIFY2(tooHigh.err.contains(QLatin1String("--to expects a whole number from 0 to")), qPrintable(tooHigh.err));
}

void TestTwinopsd::unreachablePostgresIsAOneLineError()
{
    if (currentDialect() != Dialect::Postgres)
        QSKIP("runs once");
    const quint16 port = closedLoopbackPort();
    for (const QString &command : {QStringLiteral("migrate"), QStringLiteral("serve")}) {
        const Run run
            = twinopsd({QStringLiteral("--database"),
                        QStringLiteral("postgres://twinops:hunter2@127.0.0.1:%1/twinops").arg(port), command});
        QCOMPARE(run.exitCode, 1);
        QCOMPARE(nonEmptyLines(run.err).size(), 1);
        QVERIFY2(run.err.startsWith(QLatin1String("twinopsd: error:")), qPrintable(run.err));
        QVERIFY(!run.err.contains(QLatin1String("hunter2")));
    }
}

void TestTwinopsd::corruptSqliteFileIsAClearErrorAndUntouched()
{
    if (currentDialect() != Dialect::Sqlite)
        QSKIP("runs once");
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("corrupt.db"));
    writeFile(path, QByteArray(4096, 'Z') + "this is not a database");
    const QByteArray before = fileHash(path);
    const Run run = twinopsd({QStringLiteral("--database"), path, QStringLiteral("migrate")});
    QCOMPARE(run.exitCode, 1);
    QCOMPARE(nonEmptyLines(run.err).size(), 1);
    QVERIFY2(run.err.contains(QLatin1String("not a usable SQLite database")), qPrintable(run.err));
    QCOMPARE(fileHash(path), before);
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("corrupt.db")});
}

void TestTwinopsd::usageErrors()
{
    if (currentDialect() != Dialect::Sqlite)
        QSKIP("runs once");
    QCOMPARE(twinopsd({QStringLiteral("frobnicate")}).exitCode, 2);
    QCOMPARE(twinopsd({}).exitCode, 2);
    QCOMPARE(twinopsd({QStringLiteral("--no-such-option"), QStringLiteral("migrate")}).exitCode, 2);
    QCOMPARE(
        twinopsd({QStringLiteral("--database"), QStringLiteral("mysql://x/y"), QStringLiteral("migrate")}).exitCode, 1);
    // A bad retention stops `serve` before it listens, with the variable's rule.
    QTemporaryDir home;
    QProcessEnvironment badRetention = checkEnvironment(home.path());
    badRetention.insert(QStringLiteral("TWINOPS_METRICS_RETENTION_DAYS"), QStringLiteral("a month"));
    const Run retention = twinopsd({QStringLiteral("--database"), home.filePath(QStringLiteral("t.db")),
                                    QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")},
                                   badRetention);
    QCOMPARE(retention.exitCode, 1);
    QVERIFY2(retention.err.contains(QLatin1String("TWINOPS_METRICS_RETENTION_DAYS must be a whole number")),
             qPrintable(retention.err));
    const Run help = twinopsd({QStringLiteral("--help")});
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.contains(QLatin1String("migrate")));
    const Run version = twinopsd({QStringLiteral("version")});
    QCOMPARE(version.exitCode, 0);
    QCOMPARE(version.out.trimmed(), QStringLiteral("twinopsd " TWINOPS_VERSION));
}

// `check` against its own embedded instance: every automated item runs, the report is JSON a machine reads, and the
// run is stored in that database.
void TestTwinopsd::checkRunsTheStagingChecklistAndRecordsIt()
{
    TWINOPS_FRESH_DATABASE(testDb);
    const QString url = currentDialect() == Dialect::Sqlite ? testDb->url().sqlitePath() : testDb->url().postgresUri();
    QTemporaryDir home;
    const Run run = twinopsd({QStringLiteral("--database"), url, QStringLiteral("check"), QStringLiteral("--format"),
                              QStringLiteral("json")},
                             checkEnvironment(home.path()));
    QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
    const QJsonObject report = QJsonDocument::fromJson(run.out.toUtf8()).object();
    QCOMPARE(report.value(QLatin1String("status")).toString(), QStringLiteral("passed"));
    QHash<QString, QString> statusByCheck;
    int manual = 0;
    for (const QJsonValue &value : report.value(QLatin1String("results")).toArray()) {
        const QJsonObject result = value.toObject();
        if (result.value(QLatin1String("kind")).toString() == QLatin1String("manual")) {
            QCOMPARE(result.value(QLatin1String("status")).toString(), QStringLiteral("pending"));
            ++manual;
        } else {
            statusByCheck.insert(result.value(QLatin1String("check")).toString(),
                                 result.value(QLatin1String("status")).toString());
        }
    }
    QCOMPARE(manual, 7);
    QCOMPARE(statusByCheck.size(), 14);
    for (const char *check :
         {"environment.settings", "migrations.applied", "health", "smoke.auth", "smoke.twins", "smoke.sources",
          "smoke.chat_graph", "smoke.conversations", "monitoring.error_rate", "monitoring.ttft_p95",
          "monitoring.job_success", "monitoring.auth_failures", "monitoring.database_errors"})
        QVERIFY2(statusByCheck.value(QLatin1String(check)) == QLatin1String("pass"),
                 qPrintable(QLatin1String(check) + u' ' + statusByCheck.value(QLatin1String(check))));
    // The lint reads PostgreSQL catalogs; on SQLite it says it has nothing to read.
    QCOMPARE(statusByCheck.value(QStringLiteral("database.lint")),
             currentDialect() == Dialect::Postgres ? QStringLiteral("pass") : QStringLiteral("skipped"));

    auto db = testDb->connect();
    auto stored = db->query(QStringLiteral("SELECT id, status FROM checklist_runs"));
    QCOMPARE(stored->size(), 1);
    QCOMPARE(stored->first().text(0), report.value(QLatin1String("id")).toString());
    QCOMPARE(stored->first().text(1), QStringLiteral("passed"));
}

void TestTwinopsd::checkOfADeadTargetFails()
{
    if (currentDialect() != Dialect::Sqlite)
        QSKIP("the target is remote; the local database only records the run");
    QTemporaryDir home;
    const QString url = home.filePath(QStringLiteral("record.db"));
    const QString target = QStringLiteral("http://127.0.0.1:%1").arg(closedLoopbackPort());
    const Run run = twinopsd({QStringLiteral("--database"), url, QStringLiteral("check"), QStringLiteral("--target"),
                              target, QStringLiteral("--window"), QStringLiteral("0"), QStringLiteral("--format"),
                              QStringLiteral("markdown")},
                             checkEnvironment(home.path()));
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.out.startsWith(QLatin1String("# Staging deployment: failed")), qPrintable(run.out));
    QVERIFY2(run.out.contains(QLatin1String("| FAIL | GET /health answers 200 with status ok | `health` |")),
             qPrintable(run.out));
    QVERIFY2(run.out.contains(QLatin1String("| SKIP |")), qPrintable(run.out)); // environment: remote, not visible
    QCOMPARE(twinopsd({QStringLiteral("--database"), url, QStringLiteral("check"), QStringLiteral("--format"),
                       QStringLiteral("xml")})
                 .exitCode,
             2);
    QCOMPARE(twinopsd({QStringLiteral("--database"), url, QStringLiteral("check"), QStringLiteral("--threshold"),
                       QStringLiteral("latency=1")})
                 .exitCode,
             2);
}

// Platform-admin keys from the command line: create (with an expiry), list, revoke; each change audit-logged.
void TestTwinopsd::adminKeysAreListedRevokedAndExpire()
{
    TWINOPS_FRESH_DATABASE(testDb);
    const QString url = currentDialect() == Dialect::Sqlite ? testDb->url().sqlitePath() : testDb->url().postgresUri();
    QTemporaryDir home;
    const QProcessEnvironment env = checkEnvironment(home.path());
    auto admin = [&](const QStringList &arguments) {
        return twinopsd(QStringList{QStringLiteral("--database"), url, QStringLiteral("admin")} + arguments, env);
    };
    const Run neverExpires = admin({QStringLiteral("create-key"), QStringLiteral("--name"), QStringLiteral("ops")});
    QCOMPARE(neverExpires.exitCode, 0);
    const Run expiring = admin({QStringLiteral("create-key"), QStringLiteral("--name"), QStringLiteral("ci"),
                                QStringLiteral("--expires-in"), QStringLiteral("30")});
    QVERIFY2(expiring.exitCode == 0, qPrintable(expiring.err));
    const QString ciKey = expiring.out.trimmed();
    QVERIFY(ciKey.startsWith(QLatin1String("twk_")));

    // One line per key: id, public prefix, state, expiry, name; never the secret.
    const Run listed = admin({QStringLiteral("list-keys")});
    QVERIFY2(listed.exitCode == 0, qPrintable(listed.err));
    QVERIFY(!listed.out.contains(ciKey));
    const QStringList lines = nonEmptyLines(listed.out);
    QCOMPARE(lines.size(), 2);
    QString ciLine;
    for (const QString &line : lines) {
        if (line.contains(ciKey.left(16)))
            ciLine = line;
    }
    QVERIFY2(ciLine.contains(QLatin1String("active")) && ciLine.endsWith(QLatin1String("ci")), qPrintable(listed.out));
    QVERIFY2(!ciLine.contains(QLatin1String("never")), qPrintable(ciLine));
    const QString ciId = ciLine.section(u' ', 0, 0);

    const Run revoked = admin({QStringLiteral("revoke-key"), ciId});
    QVERIFY2(revoked.exitCode == 0, qPrintable(revoked.err));
    const Run relisted = admin({QStringLiteral("list-keys")});
    for (const QString &line : nonEmptyLines(relisted.out))
        QVERIFY2(line.contains(QLatin1String("revoked")) == line.startsWith(ciId), qPrintable(relisted.out));

    auto db = testDb->connect();
    auto audited = db->query(
        QStringLiteral("SELECT action, actor_type FROM audit_log WHERE target_id = $1 ORDER BY id"), {ciId});
    QCOMPARE(audited->size(), 2);
    QCOMPARE(audited->at(0).text(0), QStringLiteral("admin_key.create"));
    QCOMPARE(audited->at(1).text(0), QStringLiteral("admin_key.revoke"));
    QCOMPARE(audited->at(1).text(1), QStringLiteral("cli"));

    // Mistakes are one-line errors that change nothing.
    const Run unknown = admin({QStringLiteral("revoke-key"), QStringLiteral("00000000-0000-4000-8000-000000000000")});
    QCOMPARE(unknown.exitCode, 1);
    QVERIFY2(unknown.err.contains(QLatin1String("API key not found")), qPrintable(unknown.err));
    QCOMPARE(admin({QStringLiteral("revoke-key")}).exitCode, 2);
    QCOMPARE(admin({QStringLiteral("create-key"), QStringLiteral("--name"), QStringLiteral("x"),
                    QStringLiteral("--expires-in"), QStringLiteral("0")})
                 .exitCode,
             2);
    QCOMPARE(nonEmptyLines(admin({QStringLiteral("list-keys")}).out).size(), 2);
}

QTEST_GUILESS_MAIN(TestTwinopsd)
void TestTwinopsd::defaultDataFolderIsOwnerOnly()
{
    if (currentDialect() != Dialect::Sqlite)
        QSKIP("the default database is SQLite; runs once");
    // twinopsd inherits the most permissive umask, so only its own code can make the modes private.
    const mode_t umaskBefore = ::umask(0);
    const auto restoreUmask = qScopeGuard([umaskBefore] { ::umask(umaskBefore); });
    QTemporaryDir home;
    // `check` without --target starts the embedded service as `serve` does: the signing secret (in
    // <app-data>/secrets) first, then the default database (<app-data>/twinops.db), and runs the checklist on it.
    const Run run = twinopsd({QStringLiteral("check"), QStringLiteral("--format"), QStringLiteral("json")},
                             checkEnvironment(home.path()));
    QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
    const QString appData = home.filePath(QStringLiteral("data/TwinOps/twinops"));
    QVERIFY2(QFile::exists(appData + QStringLiteral("/twinops.db")), qPrintable(run.err));
    const QStringList folders{home.filePath(QStringLiteral("data")), home.filePath(QStringLiteral("data/TwinOps")),
                              appData, appData + QStringLiteral("/secrets")};
    for (const QString &folder : folders)
        QVERIFY2(modeOf(folder) == 0700, qPrintable(folder + u' ' + QString::number(modeOf(folder), 8)));
    const QStringList files
        = QDir(appData).entryList(QDir::Files) + QStringList{QStringLiteral("secrets/jwt-signing-secret")};
    QVERIFY(files.contains(QStringLiteral("twinops.db")));
    for (const QString &file : files) {
        const QString path = appData + u'/' + file;
        QVERIFY2(modeOf(path) == 0600, qPrintable(path + u' ' + QString::number(modeOf(path), 8)));
    }
}

#include "tst_twinopsd.moc"
