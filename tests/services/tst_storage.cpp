// The Database interface on both drivers: value round trips, placeholders, transactions, error mapping,
// lost and unreachable servers, corrupt files.
#include "core/ids.h"
#include "storage/database.h"
#include "storage/databaseurl.h"
#include "storage/sqlitedatabase.h"
#include "testdatabase.h"
#include "testfiles.h"

#include <QCryptographicHash>
#include <QFile>
#include <QScopeGuard>
#include <QTest>

#include <sys/stat.h>

using namespace twinops;
using namespace twinops::test;

class TestStorage final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }

    void roundTripsEveryValueType();
    void reusesPlaceholdersAndPreparedStatements();
    void commitsAndRollsBack();
    void nestedTransactionsAreSavepoints();
    void uniqueViolationIsConflict();
    void syntaxErrorIsInternalAndConnectionSurvives();
    void scriptRunsEveryStatement();
    void lostConnectionIsUnavailableThenRecovers();
    void textWithNulIsStoredWholeOrRefused();

    // Driver-specific cases run once.
    void sqlitePlaceholderRewriting();
    void unreachablePostgresIsUnavailable();
    void corruptSqliteFileIsLeftAlone();
    void sqliteFilesAreCreatedOwnerOnly();
    void databaseUrlParsing();
};

namespace {

const QString kCreateTable
    = QStringLiteral("CREATE TABLE t (id TEXT PRIMARY KEY, n BIGINT, label TEXT, flag BOOLEAN, at %1, data %2)");

QString createTable(Dialect dialect)
{
    return dialect == Dialect::Postgres ? kCreateTable.arg(QStringLiteral("timestamptz"), QStringLiteral("bytea"))
                                        : kCreateTable.arg(QStringLiteral("INTEGER"), QStringLiteral("BLOB"));
}

} // namespace

void TestStorage::roundTripsEveryValueType()
{
    TWINOPS_FRESH_DATABASE(testDb);
    auto db = testDb->connect();
    QVERIFY(db);
    QVERIFY(db->query(createTable(db->dialect())).ok());

    const QDateTime at = utcFromMSecs(1'790'000'000'123);
    const QByteArray blob("\x00\x01\xff binary \x7f", 13);
    const QString label = QStringLiteral("naïve ✓ 'quoted' $1");
    auto inserted
        = db->query(QStringLiteral("INSERT INTO t (id, n, label, flag, at, data) VALUES ($1, $2, $3, $4, $5, $6)"),
                    {QStringLiteral("a"), qint64(9'007'199'254'740'993), label, true, at, blob});
    TWINOPS_VERIFY_OK(inserted);
    QCOMPARE(inserted->rowsAffected(), 1);
    TWINOPS_VERIFY_OK(
        db->query(QStringLiteral("INSERT INTO t (id, n, label, flag, at, data) VALUES ($1, $2, $3, $4, $5, $6)"),
                  {QStringLiteral("b"), QVariant(), QVariant(), false, QVariant(), QVariant()}));

    auto rows = db->query(QStringLiteral("SELECT id, n, label, flag, at, data FROM t ORDER BY id"));
    TWINOPS_VERIFY_OK(rows);
    QCOMPARE(rows->size(), 2);
    const Row a = rows->at(0);
    QCOMPARE(a.text(0), QStringLiteral("a"));
    QCOMPARE(a.integer(1), qint64(9'007'199'254'740'993));
    QCOMPARE(a.text(2), label);
    QCOMPARE(a.boolean(3), true);
    QCOMPARE(a.time(4), at);
    QCOMPARE(a.time(4).timeSpec(), Qt::UTC);
    QCOMPARE(a.bytes(5), blob);
    const Row b = rows->at(1);
    QVERIFY(b.isNull(1));
    QVERIFY(b.isNull(2));
    QCOMPARE(b.boolean(3), false);
    QVERIFY(!b.time(4).isValid());
    QVERIFY(b.isNull(5));
}

void TestStorage::reusesPlaceholdersAndPreparedStatements()
{
    TWINOPS_FRESH_DATABASE(testDb);
    auto db = testDb->connect();
    QVERIFY(db);
    QVERIFY(db->query(createTable(db->dialect())).ok());
    // Out of order and repeated, as UPDATE … SET x = $3 WHERE id = $1 statements are.
    const QString insert = QStringLiteral("INSERT INTO t (n, id, label) VALUES ($2, $1, $1)");
    for (int i = 0; i < 50; ++i)
        QVERIFY(db->query(insert, {QStringLiteral("id-%1").arg(i), i}).ok());
    auto rows = db->query(QStringLiteral("SELECT count(*), sum(n) FROM t WHERE label = id AND n >= $1"), {10});
    QVERIFY(rows.ok());
    QCOMPARE(rows->first().integer(0), 40);
    QCOMPARE(rows->first().integer(1), (10 + 49) * 40 / 2);
}

void TestStorage::commitsAndRollsBack()
{
    TWINOPS_FRESH_DATABASE(testDb);
    auto db = testDb->connect();
    auto other = testDb->connect();
    QVERIFY(db && other);
    QVERIFY(db->query(createTable(db->dialect())).ok());
    {
        auto tx = Transaction::begin(*db);
        QVERIFY(tx.ok());
        QVERIFY(db->query(QStringLiteral("INSERT INTO t (id) VALUES ('rolled-back')")).ok());
        QCOMPARE(db->transactionDepth(), 1);
    } // destructor rolls back
    QCOMPARE(db->transactionDepth(), 0);
    {
        auto tx = Transaction::begin(*db);
        QVERIFY(tx.ok());
        QVERIFY(db->query(QStringLiteral("INSERT INTO t (id) VALUES ('committed')")).ok());
        QVERIFY(tx->commit().ok());
    }
    auto rows = other->query(QStringLiteral("SELECT id FROM t"));
    QVERIFY(rows.ok());
    QCOMPARE(rows->size(), 1);
    QCOMPARE(rows->first().text(0), QStringLiteral("committed"));
}

void TestStorage::nestedTransactionsAreSavepoints()
{
    TWINOPS_FRESH_DATABASE(testDb);
    auto db = testDb->connect();
    QVERIFY(db);
    QVERIFY(db->query(createTable(db->dialect())).ok());
    auto outer = Transaction::begin(*db);
    QVERIFY(outer.ok());
    QVERIFY(db->query(QStringLiteral("INSERT INTO t (id) VALUES ('outer')")).ok());
    {
        auto inner = Transaction::begin(*db);
        QVERIFY(inner.ok());
        QCOMPARE(db->transactionDepth(), 2);
        QVERIFY(db->query(QStringLiteral("INSERT INTO t (id) VALUES ('inner')")).ok());
        // A failing statement inside the savepoint must not poison the outer transaction.
        QVERIFY(!db->query(QStringLiteral("INSERT INTO t (id) VALUES ('outer')")).ok());
    }
    QCOMPARE(db->transactionDepth(), 1);
    QVERIFY(outer->commit().ok());
    auto rows = db->query(QStringLiteral("SELECT id FROM t ORDER BY id"));
    QVERIFY(rows.ok());
    QCOMPARE(rows->size(), 1);
    QCOMPARE(rows->first().text(0), QStringLiteral("outer"));
}

void TestStorage::uniqueViolationIsConflict()
{
    TWINOPS_FRESH_DATABASE(testDb);
    auto db = testDb->connect();
    QVERIFY(db);
    QVERIFY(db->query(createTable(db->dialect())).ok());
    QVERIFY(db->query(QStringLiteral("INSERT INTO t (id) VALUES ($1)"), {QStringLiteral("x")}).ok());
    auto duplicate = db->query(QStringLiteral("INSERT INTO t (id) VALUES ($1)"), {QStringLiteral("x")});
    QVERIFY(!duplicate.ok());
    QCOMPARE(duplicate.error().code, ErrorCode::Conflict);
}

void TestStorage::syntaxErrorIsInternalAndConnectionSurvives()
{
    TWINOPS_FRESH_DATABASE(testDb);
    auto db = testDb->connect();
    QVERIFY(db);
    auto bad = db->query(QStringLiteral("SELEC nothing"));
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error().code, ErrorCode::Internal);
    QVERIFY(db->ping().ok());
}

void TestStorage::scriptRunsEveryStatement()
{
    TWINOPS_FRESH_DATABASE(testDb);
    auto db = testDb->connect();
    QVERIFY(db);
    QVERIFY(db->executeScript(QStringLiteral("CREATE TABLE a (x INTEGER); CREATE TABLE b (y INTEGER);\n"
                                             "-- a comment; with a semicolon\nINSERT INTO b VALUES (7);")));
    auto rows = db->query(QStringLiteral("SELECT y FROM b"));
    QVERIFY(rows.ok());
    QCOMPARE(rows->first().integer(0), 7);
    QVERIFY(!db->executeScript(QStringLiteral("CREATE TABLE c (z INTEGER); THIS IS NOT SQL;")).ok());
}

void TestStorage::lostConnectionIsUnavailableThenRecovers()
{
    if (currentDialect() != Dialect::Postgres)
        QSKIP("a SQLite file has no connection to lose");
    TWINOPS_FRESH_DATABASE(testDb);
    auto db = testDb->connect();
    auto killer = testDb->connect();
    QVERIFY(db && killer);
    auto pid = db->query(QStringLiteral("SELECT pg_backend_pid()"));
    QVERIFY(pid.ok());
    QVERIFY(killer->query(QStringLiteral("SELECT pg_terminate_backend($1)"), {pid->first().integer(0)}).ok());

    auto lost = db->query(QStringLiteral("SELECT 1"));
    QVERIFY(!lost.ok());
    QCOMPARE(lost.error().code, ErrorCode::Unavailable);
    // The next use reconnects by itself.
    auto again = db->query(QStringLiteral("SELECT pg_backend_pid()"));
    QVERIFY2(again.ok(), again.ok() ? "" : qPrintable(again.error().message));
    QVERIFY(again->first().integer(0) != pid->first().integer(0));

    // Inside a transaction the loss is reported and the transaction is over, not silently restarted.
    auto tx = Transaction::begin(*db);
    QVERIFY(tx.ok());
    auto pid2 = db->query(QStringLiteral("SELECT pg_backend_pid()"));
    QVERIFY(killer->query(QStringLiteral("SELECT pg_terminate_backend($1)"), {pid2->first().integer(0)}).ok());
    QCOMPARE(db->query(QStringLiteral("SELECT 1")).error().code, ErrorCode::Unavailable);
    QCOMPARE(tx->commit().error().code, ErrorCode::Unavailable);
    QVERIFY(db->ping().ok());
}

void TestStorage::textWithNulIsStoredWholeOrRefused()
{
    // libpq reads a text parameter up to its first NUL, so PostgreSQL stored "before" for "before\0after": the
    // driver must refuse such a value rather than lose its end. SQLite stores it whole.
    TWINOPS_FRESH_DATABASE(testDb);
    auto db = testDb->connect();
    QVERIFY(db);
    QVERIFY(db->query(createTable(db->dialect())).ok());
    const QString text = QStringLiteral("before") + QChar(0) + QStringLiteral("after");
    auto inserted = db->query(QStringLiteral("INSERT INTO t (id, label) VALUES ($1, $2)"), {QStringLiteral("a"), text});
    auto rows = db->query(QStringLiteral("SELECT label FROM t"));
    TWINOPS_VERIFY_OK(rows);
    if (db->dialect() == Dialect::Postgres) {
        QVERIFY(!inserted.ok());
        QVERIFY2(inserted.error().message.contains(QLatin1String("U+0000")), qPrintable(inserted.error().message));
        QCOMPARE(rows->size(), 0);
    } else {
        TWINOPS_VERIFY_OK(inserted);
        QCOMPARE(rows->size(), 1);
        QCOMPARE(rows->first().text(0), text);
    }
}

void TestStorage::sqlitePlaceholderRewriting()
{
    if (currentDialect() != Dialect::Sqlite)
        QSKIP("driver-specific; runs once");
    const auto text = sqlitePlaceholders(QStringLiteral("SELECT $2, '$2', \"$3\", $10 FROM x WHERE a = $2 AND b = $1"));
    QCOMPARE(text.sql, QStringLiteral("SELECT ?, '$2', \"$3\", ? FROM x WHERE a = ? AND b = ?"));
    QCOMPARE(text.order, (QList<int>{1, 9, 1, 0}));
    const auto quoted = sqlitePlaceholders(QStringLiteral("SELECT 'it''s $1', $1"));
    QCOMPARE(quoted.sql, QStringLiteral("SELECT 'it''s $1', ?"));
    QCOMPARE(quoted.order, QList<int>{0});
}

void TestStorage::unreachablePostgresIsUnavailable()
{
    if (currentDialect() != Dialect::Postgres)
        QSKIP("driver-specific; runs once");
    const quint16 port = closedLoopbackPort();
    auto url = DatabaseUrl::parse(QStringLiteral("postgres://nobody:secret-password@127.0.0.1:%1/nothing").arg(port));
    QVERIFY(url.ok());
    auto db = Database::open(*url);
    QVERIFY(!db.ok());
    QCOMPARE(db.error().code, ErrorCode::Unavailable);
    QVERIFY(!db.error().message.contains(QLatin1String("secret-password")));
    QVERIFY(!db.error().message.contains(u'\n'));
}

void TestStorage::corruptSqliteFileIsLeftAlone()
{
    if (currentDialect() != Dialect::Sqlite)
        QSKIP("driver-specific; runs once");
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("corrupt.db"));
    QByteArray garbage;
    for (int i = 0; i < 8192; ++i)
        garbage.append(char((i * 7919) % 251));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(garbage);
    }
    auto db = Database::open(DatabaseUrl::sqliteFile(path));
    QVERIFY(!db.ok());
    QVERIFY2(db.error().message.contains(QLatin1String("not a usable SQLite database")),
             qPrintable(db.error().message));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), garbage);
    QVERIFY(!QFile::exists(path + QStringLiteral("-wal")));
}

void TestStorage::sqliteFilesAreCreatedOwnerOnly()
{
    if (currentDialect() != Dialect::Sqlite)
        QSKIP("SQLite's files; runs once");
    // The most permissive umask, so that nothing but the code under test can make the modes private.
    const mode_t umaskBefore = ::umask(0);
    const auto restoreUmask = qScopeGuard([umaskBefore] { ::umask(umaskBefore); });
    QTemporaryDir dir;
    QVERIFY(QFile::setPermissions(dir.path(),
                                  QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup
                                      | QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther));

    // A new database in folders that do not exist yet: 0600 files (the WAL and SHM too) in 0700 folders.
    const QString path = dir.filePath(QStringLiteral("data/twinops/twinops.db"));
    {
        auto db = Database::open(DatabaseUrl::sqliteFile(path));
        TWINOPS_VERIFY_OK(db);
        TWINOPS_VERIFY_OK((*db)->query(QStringLiteral("CREATE TABLE t (n INTEGER)")));
        TWINOPS_VERIFY_OK((*db)->query(QStringLiteral("INSERT INTO t VALUES (1)")));
        QCOMPARE(QString::number(modeOf(path), 8), QStringLiteral("600"));
        QVERIFY(QFile::exists(path + QStringLiteral("-wal")));
        QCOMPARE(QString::number(modeOf(path + QStringLiteral("-wal")), 8), QStringLiteral("600"));
        QVERIFY(QFile::exists(path + QStringLiteral("-shm")));
        QCOMPARE(QString::number(modeOf(path + QStringLiteral("-shm")), 8), QStringLiteral("600"));
    }
    QCOMPARE(QString::number(modeOf(dir.filePath(QStringLiteral("data"))), 8), QStringLiteral("700"));
    QCOMPARE(QString::number(modeOf(dir.filePath(QStringLiteral("data/twinops"))), 8), QStringLiteral("700"));
    QCOMPARE(QString::number(modeOf(dir.path()), 8), QStringLiteral("755")); // it existed: left as it was

    // An existing (empty) file keeps the mode its owner gave it, and SQLite gives its WAL the same.
    const QString shared = dir.filePath(QStringLiteral("shared.db"));
    {
        QFile file(shared);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QVERIFY(file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::WriteGroup));
    }
    {
        auto db = Database::open(DatabaseUrl::sqliteFile(shared));
        TWINOPS_VERIFY_OK(db);
        TWINOPS_VERIFY_OK((*db)->query(QStringLiteral("CREATE TABLE t (n INTEGER)")));
        QCOMPARE(QString::number(modeOf(shared), 8), QStringLiteral("660"));
        QCOMPARE(QString::number(modeOf(shared + QStringLiteral("-wal")), 8), QStringLiteral("660"));
    }

    // A path that names a folder is refused, not replaced.
    QVERIFY(!Database::open(DatabaseUrl::sqliteFile(dir.filePath(QStringLiteral("data")))).ok());
}

void TestStorage::databaseUrlParsing()
{
    if (currentDialect() != Dialect::Sqlite)
        QSKIP("runs once");
    QCOMPARE(DatabaseUrl::parse(QStringLiteral("sqlite:///tmp/x.db"))->sqlitePath(), QStringLiteral("/tmp/x.db"));
    QCOMPARE(DatabaseUrl::parse(QStringLiteral("/tmp/y.db"))->dialect(), Dialect::Sqlite);
    auto pg = DatabaseUrl::parse(QStringLiteral("postgres://u:pw@db.example:5433/app?password=pw2"));
    QVERIFY(pg.ok());
    QCOMPARE(pg->dialect(), Dialect::Postgres);
    QVERIFY(!pg->redacted().contains(QLatin1String("pw")));
    QVERIFY(!DatabaseUrl::parse(QStringLiteral("mysql://x/y")).ok());
    QVERIFY(!DatabaseUrl::parse(QStringLiteral("")).ok());
    QVERIFY(!DatabaseUrl::parse(QStringLiteral("postgres://host")).ok());
}

QTEST_GUILESS_MAIN(TestStorage)
#include "tst_storage.moc"
