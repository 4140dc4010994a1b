// Issue #14, backup and restore, with real twinopsd processes on both backends: a backup taken while a server and a
// writer insert rows is one consistent snapshot; a restore into an empty database serves the same data; a non-empty
// database, a backup of the other backend, an existing backup file and a missing pg_dump are refused with one line;
// and migrating a SQLite file leaves a snapshot next to it (the last five kept, none when nothing is pending).
#include "checks/apiclient.h"
#include "daemon.h"
#include "jobs/jobqueue.h"
#include "jobs/probehandler.h"
#include "storage/backup.h"
#include "storage/migrator.h"
#include "testdatabase.h"

#include <QAtomicInt>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUrl>

using namespace twinops;
using namespace twinops::test;

namespace {

const QByteArray kSecret = "twinops-backup-test-secret-0123456789abcdef";
const QString kEmail = QStringLiteral("owner@example.com");
const QString kPassword = QStringLiteral("correct horse battery");
constexpr int kPrefilledProbes = 20'000;
constexpr int kWriterBatch = 10;

qint64 count(Database &db, const QString &sql)
{
    const auto rows = db.query(sql);
    if (!rows.ok()) {
        QTest::qFail(qPrintable(rows.error().message), __FILE__, __LINE__);
        return -1;
    }
    return rows->first().integer(0);
}

int highestVersion()
{
    const auto shipped = Migrator::embedded(Dialect::Sqlite);
    return shipped.ok() ? int(shipped->size()) : -1;
}

// The newest shipped migration that creates a table, and that table: a database past it holds a table an older
// backup lacks (migrations that only add columns or indexes leave nothing behind a forced restore).
struct TableMigration
{
    int version = -1;
    QString table;
};

TableMigration newestTableMigration()
{
    static const QRegularExpression createTable(QStringLiteral("CREATE TABLE (?:IF NOT EXISTS )?(?:public\\.)?(\\w+)"),
                                                QRegularExpression::CaseInsensitiveOption);
    const auto shipped = Migrator::embedded(currentDialect());
    if (!shipped.ok())
        return {};
    for (auto it = shipped->crbegin(); it != shipped->crend(); ++it) {
        if (const auto match = createTable.match(it->sql); match.hasMatch())
            return {it->version, match.captured(1)};
    }
    return {};
}

// Enqueues batches of probe jobs, each batch in one transaction, until stopped: rows written while a backup runs.
class Writer final : public QThread
{
public:
    explicit Writer(DatabaseUrl url)
        : m_url(std::move(url))
    { }
    void stop()
    {
        m_stop.storeRelaxed(1);
        wait();
    }
    int committed() const { return m_committed.loadAcquire(); }
    const QString &error() const { return m_error; } // read after stop()

protected:
    void run() override
    {
        auto db = Database::open(m_url);
        if (!db.ok()) {
            m_error = db.error().message;
            return;
        }
        JobQueue queue(**db);
        while (!m_stop.loadRelaxed()) {
            QList<NewJob> batch;
            for (int i = 0; i < kWriterBatch; ++i) {
                NewJob job;
                job.type = jobtypes::probe;
                batch << job;
            }
            auto tx = Transaction::begin(**db);
            if (!tx.ok()) {
                m_error = tx.error().message;
                return;
            }
            if (auto added = queue.enqueueBatch(batch); !added.ok()) {
                m_error = added.error().message;
                return;
            }
            if (auto done = tx->commit(); !done.ok()) {
                m_error = done.error().message;
                return;
            }
            m_committed.fetchAndAddRelease(1);
        }
    }

private:
    DatabaseUrl m_url;
    QAtomicInt m_stop;
    QAtomicInt m_committed;
    QString m_error;
};

} // namespace

class TestBackup final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void initTestCase() { QVERIFY2(QFile::exists(qEnvironmentVariable("TWINOPSD")), "TWINOPSD must name the binary"); }
    void init() { m_home = std::make_unique<QTemporaryDir>(); }
    void cleanup() { m_home.reset(); }

    void backupWhileTheServerWritesIsOneSnapshot();
    void restoreIntoAnEmptyDatabaseServesTheData();
    void forcedRestoreOfAnOlderBackupCanBeMigrated();
    void backupOfTheOtherBackendOrNoBackupIsRefused();
    void existingBackupFileIsKeptUnlessForced();
    void missingPostgresClientIsAOneLineError();
    void passwordReachesPgDumpThroughTheEnvironmentOnly();
    void migratingTakesASnapshotAndKeepsTheLastFive();
    void serveTakesASnapshotOnlyWhenMigrating();

private:
    TwinopsdRun run(const QStringList &arguments, const QProcessEnvironment &extra = {}) const;
    bool serve(Daemon &daemon, const TestDatabase &db, const QString &name, int workers = 0) const;
    QString file(const QString &name) const { return m_home->filePath(name); }

    std::unique_ptr<QTemporaryDir> m_home;
};

TwinopsdRun TestBackup::run(const QStringList &arguments, const QProcessEnvironment &extra) const
{
    QProcessEnvironment environment = daemonEnvironment(m_home->path(), kSecret);
    environment.insert(extra);
    return twinopsd(arguments, environment);
}

bool TestBackup::serve(Daemon &daemon, const TestDatabase &db, const QString &name, int workers) const
{
    return daemon.serve(databaseArgument(db), daemonEnvironment(m_home->path(), kSecret),
                        file(name + QStringLiteral(".log")), {}, workers);
}

void TestBackup::backupWhileTheServerWritesIsOneSnapshot()
{
    TWINOPS_FRESH_DATABASE(source);
    QVERIFY(source->connectMigrated());
    const TwinopsdRun enqueued
        = run({QStringLiteral("--database"), databaseArgument(*source), QStringLiteral("admin"),
               QStringLiteral("enqueue-probes"), QStringLiteral("--count"), QString::number(kPrefilledProbes)});
    QVERIFY2(enqueued.exitCode == 0, qPrintable(enqueued.err));

    // The server completes probes (each with its job_probes row, in one transaction) while a writer adds batches.
    Daemon daemon;
    QVERIFY2(serve(daemon, *source, QStringLiteral("serve"), 2), qPrintable(daemon.describe()));
    Writer writer(source->url());
    writer.start();
    auto stopWriter = qScopeGuard([&writer] { writer.stop(); }); // also when a check below returns early
    auto watch = source->connect();
    const QDeadlineTimer busy(30'000);
    while ((writer.committed() == 0 || count(*watch, QStringLiteral("SELECT count(*) FROM job_probes")) == 0)
           && !busy.hasExpired() && writer.isRunning())
        QThread::msleep(10);
    QVERIFY2(writer.committed() > 0, qPrintable(writer.error()));
    const qint64 processedBefore = count(*watch, QStringLiteral("SELECT count(*) FROM job_probes"));
    QVERIFY(processedBefore > 0);

    // The writer commits every few milliseconds and a backup process lives far longer, but a loaded machine may
    // starve the writer for that long: a backup during which it committed nothing proves nothing and is taken again.
    const QString backupFile = file(QStringLiteral("live.backup"));
    int batchesBefore = 0;
    int batchesAfter = 0;
    for (int attempt = 0; attempt < 5 && batchesAfter == batchesBefore; ++attempt) {
        batchesBefore = writer.committed();
        const TwinopsdRun backup = run({QStringLiteral("--database"), databaseArgument(*source),
                                        QStringLiteral("backup"), backupFile, QStringLiteral("--force")});
        batchesAfter = writer.committed();
        QVERIFY2(backup.exitCode == 0, qPrintable(backup.err));
        QVERIFY2(backup.out.contains(QStringLiteral("at schema version %1").arg(highestVersion())),
                 qPrintable(backup.out));
    }
    stopWriter.dismiss();
    writer.stop();
    QVERIFY2(writer.error().isEmpty(), qPrintable(writer.error()));
    QVERIFY2(daemon.stop(), qPrintable(daemon.describe()));
    QVERIFY2(batchesAfter > batchesBefore, "the writer committed nothing while any of five backups ran");
    QCOMPARE(QFile::permissions(backupFile) & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());
    QVERIFY(QDir(m_home->path()).entryList({QStringLiteral("*.tmp")}, QDir::Files).isEmpty());

    // Restoring validates the file (SQLite: integrity check); what it holds is one moment of the database.
    TWINOPS_FRESH_DATABASE(copy);
    const TwinopsdRun restore
        = run({QStringLiteral("--database"), databaseArgument(*copy), QStringLiteral("restore"), backupFile});
    QVERIFY2(restore.exitCode == 0, qPrintable(restore.err));
    auto restored = copy->connect();
    if (currentDialect() == Dialect::Sqlite) {
        const auto integrity = restored->query(QStringLiteral("PRAGMA integrity_check"));
        TWINOPS_VERIFY_OK(integrity);
        QCOMPARE(integrity->first().text(0), QStringLiteral("ok"));
    }
    const qint64 written
        = count(*restored, QStringLiteral("SELECT count(*) FROM jobs WHERE type = 'probe'")) - kPrefilledProbes;
    QCOMPARE(written % kWriterBatch, 0); // whole transactions only
    QVERIFY(written >= qint64(batchesBefore) * kWriterBatch);
    QVERIFY(written <= qint64(batchesAfter) * kWriterBatch);
    // A probe's row and its job's completion commit together: the snapshot has both or neither.
    const qint64 completed
        = count(*restored, QStringLiteral("SELECT count(*) FROM jobs WHERE type = 'probe' AND state = 'completed'"));
    QVERIFY(completed >= processedBefore);
    QCOMPARE(count(*restored, QStringLiteral("SELECT count(*) FROM job_probes")), completed);
    QCOMPARE(count(*restored,
                   QStringLiteral("SELECT count(*) FROM job_probes p JOIN jobs j ON j.id = p.job_id "
                                  "WHERE j.state = 'completed' AND p.runs = 1")),
             completed);
}

void TestBackup::restoreIntoAnEmptyDatabaseServesTheData()
{
    TWINOPS_FRESH_DATABASE(source);
    const QString backupFile = file(QStringLiteral("tenant.backup"));
    {
        Daemon daemon;
        QVERIFY2(serve(daemon, *source, QStringLiteral("source")), qPrintable(daemon.describe()));
        ApiClient client(QUrl(daemon.baseUrl()));
        const ApiReply signup = client.post(QStringLiteral("/api/v1/auth/signup"),
                                            QJsonObject{{QStringLiteral("email"), kEmail},
                                                        {QStringLiteral("password"), kPassword},
                                                        {QStringLiteral("tenant_name"), QStringLiteral("Backed")}});
        QCOMPARE(signup.status, 201);
        const QString token = signup.object().value(QStringLiteral("access_token")).toString();
        QCOMPARE(client
                     .post(QStringLiteral("/api/v1/twins"),
                           QJsonObject{{QStringLiteral("name"), QStringLiteral("Twin in the backup")}}, token)
                     .status,
                 201);
        const TwinopsdRun backup
            = run({QStringLiteral("--database"), databaseArgument(*source), QStringLiteral("backup"), backupFile});
        QVERIFY2(backup.exitCode == 0, qPrintable(backup.err));
        QVERIFY(daemon.stop());
    }

    // The target is empty: never migrated (a PostgreSQL database just created, a SQLite file not yet there).
    TWINOPS_FRESH_DATABASE(target);
    const QStringList restore{QStringLiteral("--database"), databaseArgument(*target), QStringLiteral("restore"),
                              backupFile};
    const TwinopsdRun restored = run(restore);
    QVERIFY2(restored.exitCode == 0, qPrintable(restored.err));
    QVERIFY2(restored.out.contains(QStringLiteral("schema version %1").arg(highestVersion())),
             qPrintable(restored.out));

    const auto twinsSeenBy = [&](const QString &name) {
        Daemon daemon;
        if (!serve(daemon, *target, name)) {
            QTest::qFail(qPrintable(daemon.describe()), __FILE__, __LINE__);
            return QByteArray();
        }
        ApiClient client(QUrl(daemon.baseUrl()));
        const ApiReply login
            = client.post(QStringLiteral("/api/v1/auth/login"),
                          QJsonObject{{QStringLiteral("email"), kEmail}, {QStringLiteral("password"), kPassword}});
        const QString token = login.object().value(QStringLiteral("access_token")).toString();
        const ApiReply added = client.post(QStringLiteral("/api/v1/twins"),
                                           QJsonObject{{QStringLiteral("name"), QStringLiteral("Added later")}}, token);
        const ApiReply twins = client.get(QStringLiteral("/api/v1/twins"), token);
        daemon.stop();
        if (login.status != 200 || added.status != 201 || twins.status != 200) {
            QTest::qFail(qPrintable(login.describe() + u' ' + added.describe()), __FILE__, __LINE__);
            return QByteArray();
        }
        return twins.body;
    };
    const QByteArray first = twinsSeenBy(QStringLiteral("target"));
    QVERIFY2(first.contains("Twin in the backup"), first.constData());
    QVERIFY(first.contains("Added later"));

    // Now it holds data: refused, and left as it was.
    const TwinopsdRun refused = run(restore);
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains(QLatin1String("is not empty")) && refused.err.contains(QLatin1String("--force")),
             qPrintable(refused.err));
    QCOMPARE(refused.err.count(u'\n'), 1);
    // --force replaces it: the backup's twin is back, the later one gone (the twinsSeenBy call adds it again).
    const TwinopsdRun forced = run(QStringList(restore) << QStringLiteral("--force"));
    QVERIFY2(forced.exitCode == 0, qPrintable(forced.err));
    auto db = target->connect();
    QCOMPARE(count(*db, QStringLiteral("SELECT count(*) FROM twins WHERE name = 'Added later'")), 0);
    QCOMPARE(count(*db, QStringLiteral("SELECT count(*) FROM twins WHERE name = 'Twin in the backup'")), 1);
    db.reset();
    QVERIFY(twinsSeenBy(QStringLiteral("forced")).contains("Twin in the backup"));
}

// Rolling back an upgrade: the backup from before it (one migration behind) replaces the upgraded database, and the
// result migrates again. PostgreSQL's --clean would leave the newer migration's table behind: it says so first.
void TestBackup::forcedRestoreOfAnOlderBackupCanBeMigrated()
{
    const TableMigration newest = newestTableMigration();
    QVERIFY2(newest.version > 1, "no shipped migration creates a table");
    const QString previous = QString::number(newest.version - 1);
    TWINOPS_FRESH_DATABASE(source);
    const QStringList atSource{QStringLiteral("--database"), databaseArgument(*source)};
    QCOMPARE(run(atSource + QStringList{QStringLiteral("migrate"), QStringLiteral("--to"), previous}).exitCode, 0);
    const QString backupFile = file(QStringLiteral("before-upgrade.backup"));
    QCOMPARE(run(atSource + QStringList{QStringLiteral("backup"), backupFile}).exitCode, 0);

    TWINOPS_FRESH_DATABASE(target);
    QVERIFY(target->connectMigrated());
    const QStringList atTarget{QStringLiteral("--database"), databaseArgument(*target)};
    const QStringList restore
        = atTarget + QStringList{QStringLiteral("restore"), backupFile, QStringLiteral("--force")};
    if (currentDialect() == Dialect::Postgres) {
        const TwinopsdRun refused = run(restore);
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains(newest.table)
                     && refused.err.contains(QStringLiteral("twinopsd migrate --to %1").arg(previous)),
                 qPrintable(refused.err));
        QCOMPARE(run(atTarget + QStringList{QStringLiteral("migrate"), QStringLiteral("--to"), previous}).exitCode, 0);
    }
    const TwinopsdRun restored = run(restore);
    QVERIFY2(restored.exitCode == 0, qPrintable(restored.err));
    const TwinopsdRun migrate = run(atTarget + QStringList{QStringLiteral("migrate")});
    QVERIFY2(migrate.exitCode == 0, qPrintable(migrate.err));
    QVERIFY2(migrate.out.contains(QStringLiteral("is at version %1").arg(highestVersion())), qPrintable(migrate.out));
}

void TestBackup::backupOfTheOtherBackendOrNoBackupIsRefused()
{
    TWINOPS_FRESH_DATABASE(source);
    QVERIFY(source->connectMigrated());
    const QString backupFile = file(QStringLiteral("kind.backup"));
    const TwinopsdRun backup
        = run({QStringLiteral("--database"), databaseArgument(*source), QStringLiteral("backup"), backupFile});
    QVERIFY2(backup.exitCode == 0, qPrintable(backup.err));

    const Dialect other = currentDialect() == Dialect::Sqlite ? Dialect::Postgres : Dialect::Sqlite;
    auto target = TestDatabase::create(other);
    QVERIFY(target);
    const TwinopsdRun wrongKind
        = run({QStringLiteral("--database"), databaseArgument(*target), QStringLiteral("restore"), backupFile});
    QCOMPARE(wrongKind.exitCode, 1);
    QVERIFY2(wrongKind.err.contains(QLatin1String("twinopsd copy")), qPrintable(wrongKind.err));
    QCOMPARE(wrongKind.err.count(u'\n'), 1);

    // Neither kind at all, and (SQLite) a database that is not ours.
    const QString notABackup = file(QStringLiteral("notes.txt"));
    QFile text(notABackup);
    QVERIFY(text.open(QIODevice::WriteOnly));
    text.write("not a backup\n");
    text.close();
    TWINOPS_FRESH_DATABASE(empty);
    const QStringList intoEmpty{QStringLiteral("--database"), databaseArgument(*empty), QStringLiteral("restore")};
    const TwinopsdRun neither = run(QStringList(intoEmpty) << notABackup);
    QCOMPARE(neither.exitCode, 1);
    QVERIFY2(neither.err.contains(QLatin1String("neither a SQLite backup nor a pg_dump")), qPrintable(neither.err));
    if (currentDialect() == Dialect::Sqlite) {
        const QString foreign = file(QStringLiteral("foreign.db"));
        {
            auto db = Database::open(DatabaseUrl::sqliteFile(foreign));
            TWINOPS_VERIFY_OK(db);
            TWINOPS_VERIFY_OK((*db)->query(QStringLiteral("CREATE TABLE t (x INTEGER)")));
        }
        const TwinopsdRun notOurs = run(QStringList(intoEmpty) << foreign);
        QCOMPARE(notOurs.exitCode, 1);
        QVERIFY2(notOurs.err.contains(QLatin1String("not a TwinOps backup")), qPrintable(notOurs.err));
    }
    // Nothing was written into the target by the refusals.
    auto db = empty->connect();
    QCOMPARE(count(*db,
                   currentDialect() == Dialect::Sqlite
                       ? QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
                       : QStringLiteral("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")),
             0);
}

void TestBackup::existingBackupFileIsKeptUnlessForced()
{
    TWINOPS_FRESH_DATABASE(source);
    QVERIFY(source->connectMigrated());
    const QString backupFile = file(QStringLiteral("existing.backup"));
    QFile existing(backupFile);
    QVERIFY(existing.open(QIODevice::WriteOnly));
    existing.write("keep me");
    existing.close();
    const QStringList backup{QStringLiteral("--database"), databaseArgument(*source), QStringLiteral("backup"),
                             backupFile};
    const TwinopsdRun refused = run(backup);
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains(QLatin1String("exists; add --force")), qPrintable(refused.err));
    QVERIFY(existing.open(QIODevice::ReadOnly));
    QCOMPARE(existing.readAll(), QByteArray("keep me"));
    existing.close();

    const TwinopsdRun forced = run(QStringList(backup) << QStringLiteral("--force"));
    QVERIFY2(forced.exitCode == 0, qPrintable(forced.err));
    QVERIFY(existing.open(QIODevice::ReadOnly));
    QVERIFY(existing.read(16).startsWith(currentDialect() == Dialect::Sqlite ? "SQLite format 3" : "PGDMP"));
}

void TestBackup::missingPostgresClientIsAOneLineError()
{
    if (currentDialect() != Dialect::Postgres)
        QSKIP("pg_dump and pg_restore serve PostgreSQL only");
    TWINOPS_FRESH_DATABASE(source);
    QVERIFY(source->connectMigrated());
    QTemporaryDir emptyPath;
    QProcessEnvironment noClient;
    noClient.insert(QStringLiteral("PATH"), emptyPath.path());
    const QString backupFile = file(QStringLiteral("never.backup"));
    const TwinopsdRun backup = run(
        {QStringLiteral("--database"), databaseArgument(*source), QStringLiteral("backup"), backupFile}, noClient);
    QCOMPARE(backup.exitCode, 1);
    QVERIFY2(backup.err.startsWith(QLatin1String("twinopsd: error: pg_dump is not installed")), qPrintable(backup.err));
    QCOMPARE(backup.err.count(u'\n'), 1);
    QVERIFY(!QFile::exists(backupFile));
    QCOMPARE(QDir(m_home->path()).entryList({QStringLiteral("never.*")}, QDir::Files), QStringList());

    const QString dump = file(QStringLiteral("real.backup"));
    QCOMPARE(run({QStringLiteral("--database"), databaseArgument(*source), QStringLiteral("backup"), dump}).exitCode,
             0);
    TWINOPS_FRESH_DATABASE(target);
    const TwinopsdRun restore
        = run({QStringLiteral("--database"), databaseArgument(*target), QStringLiteral("restore"), dump}, noClient);
    QCOMPARE(restore.exitCode, 1);
    QVERIFY2(restore.err.contains(QLatin1String("pg_restore is not installed")), qPrintable(restore.err));
}

// ps shows every process's command line: the password must not be on it. A stand-in pg_dump records what it got.
void TestBackup::passwordReachesPgDumpThroughTheEnvironmentOnly()
{
    if (currentDialect() != Dialect::Postgres)
        QSKIP("pg_dump serves PostgreSQL only");
    TWINOPS_FRESH_DATABASE(source);
    QVERIFY(source->connectMigrated());
    QTemporaryDir tools;
    const QString recorder = tools.filePath(QStringLiteral("pg_dump"));
    QFile script(recorder);
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write(QStringLiteral("#!/bin/sh\nprintf '%s\\n' \"$@\" > '%1/arguments'\nprintf '%s' \"$PGPASSWORD\" > "
                                "'%1/password'\necho 'pg_dump: error: recorded' >&2\nexit 1\n")
                     .arg(tools.path())
                     .toUtf8());
    script.close();
    QVERIFY(script.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    // The test cluster trusts loopback, so the password does not stop the connection that reads the schema version.
    const QString secret = QStringLiteral("s3cret-pa55word");
    QUrl url(source->url().postgresUri());
    url.setPassword(secret);
    QProcessEnvironment path;
    path.insert(QStringLiteral("PATH"), tools.path());
    const TwinopsdRun backup = run(
        {QStringLiteral("--database"), url.toString(), QStringLiteral("backup"), file(QStringLiteral("secret.backup"))},
        path);
    QCOMPARE(backup.exitCode, 1);
    QVERIFY2(backup.err.contains(QLatin1String("pg_dump failed: pg_dump: error: recorded")), qPrintable(backup.err));
    QVERIFY(!backup.err.contains(secret));
    QFile arguments(tools.filePath(QStringLiteral("arguments")));
    QVERIFY(arguments.open(QIODevice::ReadOnly));
    const QString recorded = QString::fromUtf8(arguments.readAll());
    QVERIFY2(recorded.contains(QLatin1String("--format=custom")) && recorded.contains(QLatin1String("--dbname=")),
             qPrintable(recorded));
    QVERIFY2(!recorded.contains(secret), qPrintable(recorded));
    QFile password(tools.filePath(QStringLiteral("password")));
    QVERIFY(password.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(password.readAll()), secret);
}

void TestBackup::migratingTakesASnapshotAndKeepsTheLastFive()
{
    if (currentDialect() != Dialect::Sqlite)
        QSKIP("snapshots are taken of SQLite files only");
    TWINOPS_FRESH_DATABASE(db);
    const QString path = db->url().sqlitePath();
    const QStringList database{QStringLiteral("--database"), databaseArgument(*db)};
    const QString latest = QString::number(highestVersion());
    const QString previous = QString::number(highestVersion() - 1);
    // Another database's snapshot and an unrelated .bak in the same folder are never touched.
    const QString others[] = {QFileInfo(path).dir().filePath(QStringLiteral("other.db.20200101T000000.000Z.v0001.bak")),
                              path + QStringLiteral(".notes.bak")};
    for (const QString &other : others) {
        QFile f(other);
        QVERIFY(f.open(QIODevice::WriteOnly));
    }

    // A new database has nothing to lose, and an up-to-date one is not changed.
    for (int i = 0; i < 2; ++i) {
        const TwinopsdRun migrate = run(QStringList(database) << QStringLiteral("migrate"));
        QVERIFY2(migrate.exitCode == 0, qPrintable(migrate.err));
        QVERIFY2(!migrate.out.contains(QLatin1String("snapshot")), qPrintable(migrate.out));
        QCOMPARE(snapshotsOf(path), QStringList());
    }

    // Down one and up again, six times: twelve snapshots, each before its change, at the version it had.
    static const QRegularExpression printed(QStringLiteral("^snapshot (.+)$"), QRegularExpression::MultilineOption);
    QStringList taken;
    for (int i = 0; i < 6; ++i) {
        for (const QStringList &step : {QStringList{QStringLiteral("migrate"), QStringLiteral("--to"), previous},
                                        QStringList{QStringLiteral("migrate")}}) {
            const TwinopsdRun migrate = run(database + step);
            QVERIFY2(migrate.exitCode == 0, qPrintable(migrate.err));
            const QRegularExpressionMatch match = printed.match(migrate.out);
            QVERIFY2(match.hasMatch(), qPrintable(migrate.out));
            taken << match.captured(1);
        }
    }
    QVERIFY(taken.at(0).endsWith(QStringLiteral(".v%1.bak").arg(latest, 4, u'0')));
    QVERIFY(taken.at(1).endsWith(QStringLiteral(".v%1.bak").arg(previous, 4, u'0')));
    const QRegularExpression name(
        QStringLiteral("^%1\\.\\d{8}T\\d{6}\\.\\d{3}Z\\.v\\d{4}\\.bak$").arg(QRegularExpression::escape(path)));
    for (const QString &snapshot : std::as_const(taken))
        QVERIFY2(name.match(snapshot).hasMatch(), qPrintable(snapshot));
    QCOMPARE(snapshotsOf(path), taken.mid(taken.size() - kKeptSnapshots));
    for (const QString &other : others)
        QVERIFY(QFile::exists(other));

    // A snapshot is a whole database at the version its name says, owner-only like the database.
    const QString last = taken.last();
    QCOMPARE(QFile::permissions(last) & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());
    TWINOPS_FRESH_DATABASE(check);
    const TwinopsdRun restore
        = run({QStringLiteral("--database"), databaseArgument(*check), QStringLiteral("restore"), last});
    QVERIFY2(restore.exitCode == 0, qPrintable(restore.err));
    QVERIFY2(restore.out.contains(QStringLiteral("schema version %1,").arg(previous)), qPrintable(restore.out));
}

void TestBackup::serveTakesASnapshotOnlyWhenMigrating()
{
    if (currentDialect() != Dialect::Sqlite)
        QSKIP("snapshots are taken of SQLite files only");
    TWINOPS_FRESH_DATABASE(db);
    const QString path = db->url().sqlitePath();
    const QString previous = QString::number(highestVersion() - 1);
    QCOMPARE(run({QStringLiteral("--database"), databaseArgument(*db), QStringLiteral("migrate"),
                  QStringLiteral("--to"), previous})
                 .exitCode,
             0);
    QCOMPARE(snapshotsOf(path), QStringList());
    // ServiceCore::start migrates (the console's embedded database goes the same way).
    for (int i = 0; i < 2; ++i) {
        Daemon daemon;
        QVERIFY2(serve(daemon, *db, QStringLiteral("serve%1").arg(i)), qPrintable(daemon.describe()));
        QVERIFY(daemon.stop());
        const QStringList snapshots = snapshotsOf(path);
        QCOMPARE(snapshots.size(), 1); // the second start had nothing to apply
        QVERIFY(snapshots.first().endsWith(QStringLiteral(".v%1.bak").arg(previous, 4, u'0')));
    }
}

QTEST_GUILESS_MAIN(TestBackup)
#include "tst_backup.moc"
