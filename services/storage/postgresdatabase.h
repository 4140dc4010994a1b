#pragma once

#include "storage/database.h"

#include <QByteArray>
#include <QHash>

struct pg_conn;
struct pg_result;

namespace twinops {

// PostgreSQL through libpq: parameterised statements only, prepared once per connection, results normalised by
// column type. A lost connection fails the statement with Unavailable and is re-established on the next use.
class PostgresDatabase final : public Database
{
public:
    enum class Access { ReadWrite, ReadOnly };
    static Result<std::unique_ptr<Database>> open(const QString &uri, const QString &description,
                                                  Access access = Access::ReadWrite);
    ~PostgresDatabase() override;

    Dialect dialect() const override { return Dialect::Postgres; }
    QString description() const override { return m_description; }
    Result<Rows> query(const QString &sql, const QVariantList &params = {}) override;
    Status executeScript(const QString &sql) override;
    Result<bool> waitForNotification(std::chrono::milliseconds timeout) override;

private:
    PostgresDatabase(QString uri, QString description, Access access);
    QString beginStatement() const override { return QStringLiteral("BEGIN"); }
    Status ensureConnected();
    Status connect();
    Error resultError(pg_result *result, const char *context);
    void connectionLost();

    QString m_uri;
    QString m_description;
    Access m_access;
    pg_conn *m_conn = nullptr;
    QHash<QString, QByteArray> m_statements; // SQL text -> prepared statement name
    quint64 m_nextStatement = 0;
};

} // namespace twinops
