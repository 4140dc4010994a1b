#pragma once

#include "core/result.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QThread>
#include <QVariant>

#include <chrono>
#include <memory>

namespace twinops {

enum class Dialect { Sqlite, Postgres };

class DatabaseUrl;

// One row of a result set. Values are normalised by the drivers: NULL is an invalid QVariant, integers are
// qint64, PostgreSQL timestamps are QDateTime and SQLite times are integers (ms since the epoch, UTC), so the
// typed getters below are the one place that knows both representations.
class Row
{
public:
    explicit Row(const QVariantList *values)
        : m_values(values)
    { }

    int size() const { return int(m_values->size()); }
    const QVariant &value(int column) const { return m_values->at(column); }
    bool isNull(int column) const { return value(column).isNull(); }
    QString text(int column) const { return value(column).toString(); }
    qint64 integer(int column) const { return value(column).toLongLong(); }
    double real(int column) const { return value(column).toDouble(); }
    bool boolean(int column) const;
    QDateTime time(int column) const; // invalid QDateTime for NULL
    QByteArray bytes(int column) const { return value(column).toByteArray(); }
    // A JSON column (written by compactJson): empty when NULL or not an object / array.
    QJsonObject jsonObject(int column) const;
    QJsonArray jsonArray(int column) const;

private:
    const QVariantList *m_values;
};

class Rows
{
public:
    Rows() = default;
    Rows(QList<QVariantList> rows, qint64 rowsAffected)
        : m_rows(std::move(rows))
        , m_rowsAffected(rowsAffected)
    { }

    int size() const { return int(m_rows.size()); }
    bool isEmpty() const { return m_rows.isEmpty(); }
    Row at(int row) const { return Row(&m_rows.at(row)); }
    Row first() const { return at(0); }
    qint64 rowsAffected() const { return m_rowsAffected; }

    class const_iterator
    {
    public:
        const_iterator(const QList<QVariantList> *rows, qsizetype index)
            : m_rows(rows)
            , m_index(index)
        { }
        Row operator*() const { return Row(&m_rows->at(m_index)); }
        const_iterator &operator++()
        {
            ++m_index;
            return *this;
        }
        bool operator!=(const const_iterator &other) const { return m_index != other.m_index; }

    private:
        const QList<QVariantList> *m_rows;
        qsizetype m_index;
    };
    const_iterator begin() const { return {&m_rows, 0}; }
    const_iterator end() const { return {&m_rows, m_rows.size()}; }

private:
    QList<QVariantList> m_rows;
    qint64 m_rowsAffected = 0;
};

// For statements whose rows do not matter: keeps only success or the error.
inline Status discardRows(const Result<Rows> &result)
{
    if (!result.ok())
        return result.error();
    return {};
}

// Appends each value to the statement's parameters and answers their placeholders for an IN list ("$3, $4").
// Empty for no values: the caller decides what an empty list means (`IN ()` is not SQL).
inline QString appendInList(QVariantList &params, const QStringList &values)
{
    QStringList placeholders;
    for (const QString &value : values) {
        params << value;
        placeholders << QStringLiteral("$%1").arg(params.size());
    }
    return placeholders.join(QStringLiteral(", "));
}

// One connection to one database. Not thread-safe: every thread that touches the database opens its own
// (docs/decisions.md, "Storage"). Statements use PostgreSQL's $1..$n placeholders on both drivers and
// are prepared once per connection. Parameters may be QString, integers, double, bool, QByteArray, QDateTime
// (UTC) or an invalid QVariant for NULL (a null QString is an empty string, not NULL).
class Database
{
public:
    virtual ~Database() = default;
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    // Opens (and for SQLite creates) the database the URL names. Fails with Unavailable when it cannot be
    // reached and with Internal when the file is not a database; a failed open never modifies anything.
    static Result<std::unique_ptr<Database>> open(const DatabaseUrl &url);
    // Opens an existing database for reading only, for looking at a database this process does not own (a remote
    // environment's): PostgreSQL sessions get default_transaction_read_only (set again on every reconnect) and a
    // statement timeout; a SQLite file is opened with SQLITE_OPEN_READONLY and never created or configured.
    static Result<std::unique_ptr<Database>> openReadOnly(const DatabaseUrl &url);

    virtual Dialect dialect() const = 0;
    // Where this connection points, without credentials: safe for logs and the UI.
    virtual QString description() const = 0;

    virtual Result<Rows> query(const QString &sql, const QVariantList &params = {}) = 0;
    // Several statements without parameters, as in a migration file.
    virtual Status executeScript(const QString &sql) = 0;
    // Waits up to `timeout` for notifications on the channels this connection LISTENs to and consumes them all;
    // true if any arrived. Fails with Unavailable when the connection is lost. PostgreSQL only: SQLite has no
    // notifications and fails at once.
    virtual Result<bool> waitForNotification(std::chrono::milliseconds timeout) = 0;
    // A round trip that proves the connection works, re-establishing it if it was lost.
    Status ping() { return discardRows(query(QStringLiteral("SELECT 1"))); }

    int transactionDepth() const { return m_transactionDepth; }

protected:
    Database() = default;
    friend class Transaction;
    // Debug builds: fails when a second thread uses this connection (neither driver locks a connection: libpq never
    // does, QSQLITE opens SQLite's with SQLITE_OPEN_NOMUTEX). The first thread to run a statement owns it.
    void assertOneThread()
    {
#ifndef QT_NO_DEBUG
        const QThread *current = QThread::currentThread();
        if (!m_owningThread)
            m_owningThread = current;
        Q_ASSERT_X(m_owningThread == current, "Database", "a connection is used by more than one thread");
#endif
    }
    virtual QString beginStatement() const = 0; // outermost level only; nested levels are savepoints
    int m_transactionDepth = 0;
#ifndef QT_NO_DEBUG
    const QThread *m_owningThread = nullptr;
#endif
};

// RAII transaction: rolls back unless commit() succeeded. Nested transactions become savepoints, so a
// repository method can open one whether or not its caller already did.
class Transaction
{
public:
    static Result<Transaction> begin(Database &db);
    Transaction(Transaction &&other) noexcept;
    Transaction &operator=(Transaction &&) = delete;
    ~Transaction();

    Status commit();

private:
    Transaction(Database *db, int level)
        : m_db(db)
        , m_level(level)
    { }
    void rollback();

    Database *m_db;
    int m_level;
    bool m_done = false;
};

} // namespace twinops
