#include "testdatabase.h"

#include "core/ids.h"
#include "storage/migrator.h"

#include <QFile>
#include <QTcpServer>
#include <QUrl>

namespace twinops::test {

void addBackendRows()
{
    QTest::addColumn<Dialect>("dialect");
    QTest::newRow("sqlite") << Dialect::Sqlite;
    QTest::newRow("postgres") << Dialect::Postgres;
}

Dialect currentDialect()
{
    QFETCH_GLOBAL(Dialect, dialect);
    return dialect;
}

quint16 closedLoopbackPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost))
        return 1;
    return probe.serverPort();
}

QString postgresAdminDsn()
{
    const QString explicitDsn = qEnvironmentVariable("TWINOPS_TEST_PG_DSN");
    if (!explicitDsn.isEmpty())
        return explicitDsn;
    QFile file(qEnvironmentVariable("TWINOPS_TEST_PG_STATE_DIR") + QStringLiteral("/dsn"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).trimmed();
}

namespace {

std::unique_ptr<Database> adminConnection(QString *error)
{
    const QString dsn = postgresAdminDsn();
    if (dsn.isEmpty()) {
        *error = QStringLiteral("no PostgreSQL test server: run through ctest (the pg fixture starts one) or set "
                                "TWINOPS_TEST_PG_DSN");
        return nullptr;
    }
    auto url = DatabaseUrl::parse(dsn);
    if (!url.ok()) {
        *error = url.error().message;
        return nullptr;
    }
    auto db = Database::open(*url);
    if (!db.ok()) {
        *error = db.error().message;
        return nullptr;
    }
    return std::move(db).value();
}

} // namespace

std::unique_ptr<TestDatabase> TestDatabase::create(Dialect dialect)
{
    std::unique_ptr<TestDatabase> test(new TestDatabase);
    if (dialect == Dialect::Sqlite) {
        test->m_url = DatabaseUrl::sqliteFile(test->m_dir.filePath(QStringLiteral("test.db")));
        return test;
    }
    if (qEnvironmentVariable("TWINOPS_TEST_SKIP_PG") == QLatin1String("1")) {
        QTest::qSkip("PostgreSQL skipped by TWINOPS_TEST_SKIP_PG=1", __FILE__, __LINE__);
        return nullptr;
    }
    QString error;
    auto admin = adminConnection(&error);
    if (!admin) {
        QTest::qFail(qPrintable(error), __FILE__, __LINE__);
        return nullptr;
    }
    test->m_postgresName = QStringLiteral("t_") + newId().remove(u'-');
    if (auto created = admin->executeScript(QStringLiteral("CREATE DATABASE ") + test->m_postgresName); !created.ok()) {
        QTest::qFail(qPrintable(created.error().message), __FILE__, __LINE__);
        return nullptr;
    }
    QUrl url(postgresAdminDsn());
    url.setPath(u'/' + test->m_postgresName);
    test->m_url = *DatabaseUrl::parse(url.toString());
    return test;
}

TestDatabase::~TestDatabase()
{
    if (m_postgresName.isEmpty())
        return;
    QString error;
    if (auto admin = adminConnection(&error))
        (void)admin->executeScript(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_postgresName));
}

std::unique_ptr<Database> TestDatabase::connect() const
{
    auto db = Database::open(*m_url);
    if (!db.ok()) {
        QTest::qFail(qPrintable(db.error().message), __FILE__, __LINE__);
        return nullptr;
    }
    return std::move(db).value();
}

std::unique_ptr<Database> TestDatabase::connectMigrated() const
{
    auto db = connect();
    if (!db)
        return nullptr;
    auto shipped = Migrator::embedded(db->dialect());
    if (!shipped.ok()) {
        QTest::qFail(qPrintable(shipped.error().message), __FILE__, __LINE__);
        return nullptr;
    }
    auto applied = Migrator(*db, *shipped).migrate();
    if (!applied.ok()) {
        QTest::qFail(qPrintable(applied.error().message), __FILE__, __LINE__);
        return nullptr;
    }
    return db;
}

} // namespace twinops::test
