#pragma once

#include "storage/database.h"

#include <QSqlDatabase>

#include <memory>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace twinops {

// SQLite through Qt Sql's QSQLITE driver, which opens and owns the connection; statements run on the sqlite3
// handle the driver exposes (QSqlDriver::handle), prepared once per connection, because on an indexed read
// QSqlQuery's record(), QVariant conversions and rebinding cost more than SQLite's own work. WAL, foreign keys
// on, a busy timeout.
class SqliteDatabase final : public Database
{
public:
    // ReadOnly: the file must exist; it is neither created nor configured (no WAL switch, no pragmas that write).
    enum class Access { ReadWrite, ReadOnly };
    static Result<std::unique_ptr<Database>> open(const QString &path, Access access = Access::ReadWrite);
    ~SqliteDatabase() override;

    Dialect dialect() const override { return Dialect::Sqlite; }
    QString description() const override;
    Result<Rows> query(const QString &sql, const QVariantList &params = {}) override;
    Status executeScript(const QString &sql) override;
    Result<bool> waitForNotification(std::chrono::milliseconds timeout) override;

private:
    explicit SqliteDatabase(QString path);
    // BEGIN DEFERRED upgrades its lock at the first write and fails with SQLITE_BUSY, which the busy timeout
    // cannot help with; IMMEDIATE takes the write lock up front so that concurrent writers queue instead.
    QString beginStatement() const override { return QStringLiteral("BEGIN IMMEDIATE"); }
    Status configure(Access access);
    Error lastError(const QString &context) const;
    struct Finalizer
    {
        void operator()(sqlite3_stmt *statement) const;
    };
    struct Statement
    {
        std::unique_ptr<sqlite3_stmt, Finalizer> handle;
        QList<int> order;
    };
    Statement *prepared(const QString &sql, Error *error);

    QString m_path;
    QString m_connectionName;
    QSqlDatabase m_connection;
    sqlite3 *m_handle = nullptr; // owned by m_connection
    std::unordered_map<QString, Statement> m_statements;
};

// One SQL text serves both drivers: $1..$n become plain "?" outside literals and quoted identifiers, and
// `order` lists which parameter (0-based) each "?" takes.
struct SqliteStatementText
{
    QString sql;
    QList<int> order;
};
SqliteStatementText sqlitePlaceholders(const QString &sql);

} // namespace twinops
