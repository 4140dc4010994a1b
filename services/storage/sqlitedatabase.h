#pragma once

#include "storage/database.h"

#include <QHash>
#include <QSqlDatabase>

#include <memory>
#include <unordered_map>

struct sqlite3;
class QSqlQuery;

namespace twinops {

// SQLite through Qt Sql: WAL, foreign keys on, a busy timeout, statements prepared once per connection.
// Scripts go through the native handle because QSqlQuery runs only the first statement of a string.
class SqliteDatabase final : public Database
{
public:
    static Result<std::unique_ptr<Database>> open(const QString &path);
    ~SqliteDatabase() override;

    Dialect dialect() const override { return Dialect::Sqlite; }
    QString description() const override;
    Result<Rows> query(const QString &sql, const QVariantList &params = {}) override;
    Status executeScript(const QString &sql) override;

private:
    explicit SqliteDatabase(QString path);
    // BEGIN DEFERRED upgrades its lock at the first write and fails with SQLITE_BUSY, which the busy timeout
    // cannot help with; IMMEDIATE takes the write lock up front so that concurrent writers queue instead.
    QString beginStatement() const override { return QStringLiteral("BEGIN IMMEDIATE"); }
    Status configure();
    Error lastError(const QString &context) const;
    struct Statement
    {
        std::unique_ptr<QSqlQuery> query;
        QList<int> order;
    };
    Statement *prepared(const QString &sql, Error *error);

    QString m_path;
    QString m_connectionName;
    QSqlDatabase m_db;
    sqlite3 *m_handle = nullptr;
    std::unordered_map<QString, Statement> m_statements;
};

// One SQL text serves both drivers: $1..$n become plain "?" outside literals and quoted identifiers, and
// `order` lists which parameter (0-based) each "?" takes. Qt's SQLite driver binds by order of appearance, even
// for ?NNN, so the numbering must be resolved here.
struct SqliteStatementText
{
    QString sql;
    QList<int> order;
};
SqliteStatementText sqlitePlaceholders(const QString &sql);

} // namespace twinops
