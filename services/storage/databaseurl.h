#pragma once

#include "core/result.h"
#include "storage/database.h"

#include <QString>

namespace twinops {

// Where the data lives: "sqlite:///abs/path.db", a plain file path, or "postgres://…"/"postgresql://…"
// (any libpq connection URI).
class DatabaseUrl
{
public:
    static Result<DatabaseUrl> parse(const QString &text);
    static DatabaseUrl sqliteFile(const QString &path);

    Dialect dialect() const { return m_dialect; }
    const QString &sqlitePath() const { return m_value; } // for Sqlite
    const QString &postgresUri() const { return m_value; } // for Postgres: contains credentials, never log it
    QString redacted() const; // safe for logs and messages

private:
    DatabaseUrl(Dialect dialect, QString value)
        : m_dialect(dialect)
        , m_value(std::move(value))
    { }
    Dialect m_dialect;
    QString m_value;
};

} // namespace twinops
