#include "storage/database.h"

#include "core/ids.h"
#include "core/logging.h"
#include "storage/databaseurl.h"
#include "storage/postgresdatabase.h"
#include "storage/sqlitedatabase.h"

#include <QJsonDocument>

namespace twinops {

bool Row::boolean(int column) const
{
    const QVariant &v = value(column);
    if (v.typeId() == QMetaType::Bool)
        return v.toBool();
    return v.toLongLong() != 0;
}

QDateTime Row::time(int column) const
{
    const QVariant &v = value(column);
    if (v.isNull())
        return {};
    if (v.typeId() == QMetaType::QDateTime)
        return v.toDateTime();
    return utcFromMSecs(v.toLongLong());
}

// Most JSON columns hold "{}" or "[]" (no settings, no citations): those skip the parser, which costs about
// 100 ns each, and a list of twins has one per row.
QJsonObject Row::jsonObject(int column) const
{
    const QString text = this->text(column);
    if (text.size() <= 2)
        return {};
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

QJsonArray Row::jsonArray(int column) const
{
    const QString text = this->text(column);
    if (text.size() <= 2)
        return {};
    return QJsonDocument::fromJson(text.toUtf8()).array();
}

Result<std::unique_ptr<Database>> Database::open(const DatabaseUrl &url)
{
    switch (url.dialect()) {
    case Dialect::Sqlite: return SqliteDatabase::open(url.sqlitePath());
    case Dialect::Postgres: return PostgresDatabase::open(url.postgresUri(), url.redacted());
    }
    return Error::internal(QStringLiteral("unknown database dialect"));
}

Result<std::unique_ptr<Database>> Database::openReadOnly(const DatabaseUrl &url)
{
    switch (url.dialect()) {
    case Dialect::Sqlite: return SqliteDatabase::open(url.sqlitePath(), SqliteDatabase::Access::ReadOnly);
    case Dialect::Postgres:
        return PostgresDatabase::open(url.postgresUri(), url.redacted(), PostgresDatabase::Access::ReadOnly);
    }
    return Error::internal(QStringLiteral("unknown database dialect"));
}

static QString savepointName(int level)
{
    return QStringLiteral("twinops_sp_%1").arg(level);
}

Result<Transaction> Transaction::begin(Database &db)
{
    const int level = db.m_transactionDepth;
    if (level == 0) {
        TWINOPS_TRY(db.query(db.beginStatement()));
    } else {
        TWINOPS_TRY(db.query(QStringLiteral("SAVEPOINT ") + savepointName(level)));
    }
    ++db.m_transactionDepth;
    return Transaction(&db, level);
}

Transaction::Transaction(Transaction &&other) noexcept
    : m_db(other.m_db)
    , m_level(other.m_level)
    , m_done(other.m_done)
{
    other.m_done = true;
}

Transaction::~Transaction()
{
    if (!m_done)
        rollback();
}

Status Transaction::commit()
{
    Q_ASSERT(!m_done);
    m_done = true;
    // A lost connection resets the depth to 0: the transaction is gone, and so is anything to commit.
    if (m_db->m_transactionDepth != m_level + 1)
        return Error::unavailable(QStringLiteral("the database connection was lost during the transaction"));
    --m_db->m_transactionDepth;
    auto result = m_db->query(m_level == 0 ? QStringLiteral("COMMIT")
                                           : QStringLiteral("RELEASE SAVEPOINT ") + savepointName(m_level));
    if (!result.ok()) {
        // A failed COMMIT (e.g. a deferred constraint) leaves PostgreSQL in an aborted transaction.
        if (m_level == 0)
            (void)m_db->query(QStringLiteral("ROLLBACK"));
        return result.error();
    }
    return {};
}

void Transaction::rollback()
{
    m_done = true;
    if (m_db->m_transactionDepth != m_level + 1)
        return;
    --m_db->m_transactionDepth;
    Result<Rows> result = m_level == 0 ? m_db->query(QStringLiteral("ROLLBACK"))
                                       : m_db->query(QStringLiteral("ROLLBACK TO SAVEPOINT ") + savepointName(m_level));
    if (result.ok() && m_level > 0)
        result = m_db->query(QStringLiteral("RELEASE SAVEPOINT ") + savepointName(m_level));
    if (!result.ok())
        qCWarning(lcStorage) << "rollback failed:" << result.error().message;
}

} // namespace twinops
