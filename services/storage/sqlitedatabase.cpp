#include "storage/sqlitedatabase.h"

#include "core/logging.h"
#include "core/privatefiles.h"

#include <QAtomicInteger>
#include <QFileInfo>
#include <QSqlDriver>
#include <QSqlError>
#include <QUuid>

#include <sqlite3.h>

namespace twinops {

namespace {

constexpr int kBusyTimeoutMs = 5000;
constexpr size_t kMaxCachedStatements = 256;

// Only an invalid QVariant is NULL: a null QString or QByteArray is stored as empty, as on PostgreSQL. Times are
// milliseconds since the epoch and booleans 0/1 (docs/decisions.md, Storage).
int bind(sqlite3_stmt *statement, int index, const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::UnknownType: return sqlite3_bind_null(statement, index);
    case QMetaType::Bool: return sqlite3_bind_int64(statement, index, value.toBool() ? 1 : 0);
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong: return sqlite3_bind_int64(statement, index, value.toLongLong());
    case QMetaType::Double: return sqlite3_bind_double(statement, index, value.toDouble());
    case QMetaType::QDateTime: return sqlite3_bind_int64(statement, index, value.toDateTime().toMSecsSinceEpoch());
    case QMetaType::QByteArray: {
        const QByteArray bytes = value.toByteArray(); // constData() is never null, so an empty array is not NULL
        return sqlite3_bind_blob64(statement, index, bytes.constData(), sqlite3_uint64(bytes.size()), SQLITE_TRANSIENT);
    }
    case QMetaType::QUuid:
        return sqlite3_bind_text(statement, index, value.toUuid().toByteArray(QUuid::WithoutBraces).constData(), 36,
                                 SQLITE_TRANSIENT);
    default: {
        const QByteArray text = value.toString().toUtf8();
        return sqlite3_bind_text64(statement, index, text.constData(), sqlite3_uint64(text.size()), SQLITE_TRANSIENT,
                                   SQLITE_UTF8);
    }
    }
}

QVariant column(sqlite3_stmt *statement, int index)
{
    switch (sqlite3_column_type(statement, index)) {
    case SQLITE_NULL: return {};
    case SQLITE_INTEGER: return QVariant(qint64(sqlite3_column_int64(statement, index)));
    case SQLITE_FLOAT: return QVariant(sqlite3_column_double(statement, index));
    case SQLITE_BLOB: {
        const auto *data = static_cast<const char *>(sqlite3_column_blob(statement, index));
        return QVariant(QByteArray(data, sqlite3_column_bytes(statement, index)));
    }
    default: {
        const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(statement, index));
        return QVariant(QString::fromUtf8(text, sqlite3_column_bytes(statement, index)));
    }
    }
}

ErrorCode classify(int extendedCode)
{
    switch (extendedCode) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_FOREIGNKEY: return ErrorCode::Conflict;
    default: break;
    }
    switch (extendedCode & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL: return ErrorCode::Unavailable;
    default: return ErrorCode::Internal;
    }
}

} // namespace

SqliteStatementText sqlitePlaceholders(const QString &sql)
{
    SqliteStatementText result;
    QString &out = result.sql;
    out.reserve(sql.size());
    QChar quote;
    for (qsizetype i = 0; i < sql.size(); ++i) {
        const QChar c = sql.at(i);
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
        } else if (c == u'\'' || c == u'"') {
            quote = c;
        } else if (c == u'$' && i + 1 < sql.size() && sql.at(i + 1).isDigit()) {
            int number = 0;
            while (i + 1 < sql.size() && sql.at(i + 1).isDigit())
                number = number * 10 + sql.at(++i).digitValue();
            out += u'?';
            result.order.append(number - 1);
            continue;
        }
        out += c;
    }
    return result;
}

void SqliteDatabase::Finalizer::operator()(sqlite3_stmt *statement) const
{
    sqlite3_finalize(statement);
}

SqliteDatabase::SqliteDatabase(QString path)
    : m_path(std::move(path))
{
    static QAtomicInteger<quint64> counter;
    m_connectionName = QStringLiteral("twinops-sqlite-%1").arg(counter.fetchAndAddRelaxed(1));
}

SqliteDatabase::~SqliteDatabase()
{
    m_statements.clear(); // finalized before the connection closes
    m_connection.close();
    m_connection = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

Result<std::unique_ptr<Database>> SqliteDatabase::open(const QString &path, Access access)
{
    const QFileInfo info(path);
    if (info.exists() && !info.isFile())
        return Error::unavailable(QStringLiteral("%1 is not a file").arg(path));
    if (access == Access::ReadOnly) {
        if (!info.exists())
            return Error::unavailable(QStringLiteral("%1 does not exist").arg(path));
    } else {
        // The database holds every tenant's data: created readable by its owner only (folders 0700, file 0600), and
        // SQLite gives the WAL and shared-memory files the database file's mode. What exists keeps its owner's mode.
        TWINOPS_TRY(makePrivateDirectory(info.absolutePath()));
        TWINOPS_TRY(createPrivateFileIfMissing(path));
    }

    std::unique_ptr<SqliteDatabase> db(new SqliteDatabase(path));
    db->m_connection = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), db->m_connectionName);
    if (!db->m_connection.isValid())
        return Error::internal(QStringLiteral("the Qt SQLite driver (QSQLITE) is not installed"));
    db->m_connection.setDatabaseName(path);
    QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kBusyTimeoutMs);
    if (access == Access::ReadOnly)
        options += QStringLiteral(";QSQLITE_OPEN_READONLY");
    db->m_connection.setConnectOptions(options);
    if (!db->m_connection.open())
        return Error::unavailable(QStringLiteral("cannot open %1: %2").arg(path, db->m_connection.lastError().text()));
    const QVariant handle = db->m_connection.driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return Error::internal(QStringLiteral("unexpected SQLite driver handle"));
    db->m_handle = *static_cast<sqlite3 *const *>(handle.constData());
    sqlite3_extended_result_codes(db->m_handle, 1);
    TWINOPS_TRY(db->configure(access));
    return std::unique_ptr<Database>(std::move(db));
}

Status SqliteDatabase::configure(Access access)
{
    // Read the header before anything writes: a file that is not a database fails here and stays untouched.
    if (auto header = query(QStringLiteral("PRAGMA schema_version")); !header.ok())
        return Error::internal(
            QStringLiteral("%1 is not a usable SQLite database: %2").arg(m_path, header.error().message));
    if (access == Access::ReadOnly)
        return {};
    // wal_autocheckpoint: a checkpoint every ~32 MB of WAL rather than SQLite's 4 MB. The job queue rewrites the
    // same pages over and over, and each checkpoint (with its fsync) copies them back; a longer interval copies a
    // page once for many commits (SQLite job processing: 19k → 24k jobs/s, docs/benchmarks.md).
    for (const char *pragma : {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON",
                               "PRAGMA temp_store = MEMORY", "PRAGMA wal_autocheckpoint = 8000"}) {
        TWINOPS_TRY(query(QLatin1String(pragma)));
    }
    return {};
}

QString SqliteDatabase::description() const
{
    return QStringLiteral("sqlite://") + m_path;
}

Error SqliteDatabase::lastError(const QString &context) const
{
    const int code = sqlite3_extended_errcode(m_handle);
    Error error{
        classify(code), QStringLiteral("%1: %2").arg(context, QString::fromUtf8(sqlite3_errmsg(m_handle))), {}, 0};
    return error;
}

SqliteDatabase::Statement *SqliteDatabase::prepared(const QString &sql, Error *error)
{
    if (auto it = m_statements.find(sql); it != m_statements.end())
        return &it->second;
    if (m_statements.size() >= kMaxCachedStatements)
        m_statements.clear();
    SqliteStatementText text = sqlitePlaceholders(sql);
    const QByteArray utf8 = text.sql.toUtf8();
    sqlite3_stmt *handle = nullptr;
    if (sqlite3_prepare_v3(m_handle, utf8.constData(), int(utf8.size()), SQLITE_PREPARE_PERSISTENT, &handle, nullptr)
        != SQLITE_OK) {
        *error = lastError(QStringLiteral("prepare"));
        return nullptr;
    }
    if (!handle) { // only whitespace or a comment
        *error = Error::internal(QStringLiteral("prepare: no statement in \"%1\"").arg(sql.left(80)));
        return nullptr;
    }
    Statement statement{std::unique_ptr<sqlite3_stmt, Finalizer>(handle), std::move(text.order)};
    return &m_statements.emplace(sql, std::move(statement)).first->second;
}

Result<Rows> SqliteDatabase::query(const QString &sql, const QVariantList &params)
{
    assertOneThread();
    Error error;
    Statement *cached = prepared(sql, &error);
    if (!cached)
        return error;
    sqlite3_stmt *statement = cached->handle.get();
    // Resets the statement whatever happens below, so that it holds no read lock between queries.
    const std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_reset)> reset(statement, &sqlite3_reset);
    for (qsizetype i = 0; i < cached->order.size(); ++i) {
        const int parameter = cached->order.at(i);
        if (parameter < 0 || parameter >= params.size())
            return Error::internal(QStringLiteral("query: no value for parameter $%1").arg(parameter + 1));
        if (bind(statement, int(i) + 1, params.at(parameter)) != SQLITE_OK)
            return lastError(QStringLiteral("bind"));
    }
    QList<QVariantList> rows;
    const int columns = sqlite3_column_count(statement);
    int rc;
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
        QVariantList row;
        row.reserve(columns);
        for (int c = 0; c < columns; ++c)
            row.append(column(statement, c));
        rows.append(std::move(row));
    }
    if (rc != SQLITE_DONE) {
        Error failure = lastError(QStringLiteral("query"));
        qCDebug(lcStorage) << "query failed:" << failure.message;
        return failure;
    }
    return Rows(std::move(rows), sqlite3_changes64(m_handle));
}

Result<bool> SqliteDatabase::waitForNotification(std::chrono::milliseconds)
{
    return Error::internal(QStringLiteral("SQLite has no notifications"));
}

Status SqliteDatabase::executeScript(const QString &sql)
{
    char *message = nullptr;
    const QByteArray utf8 = sql.toUtf8();
    if (sqlite3_exec(m_handle, utf8.constData(), nullptr, nullptr, &message) != SQLITE_OK) {
        Error error = lastError(QStringLiteral("script"));
        if (message) {
            error.message = QStringLiteral("script: ") + QString::fromUtf8(message);
            sqlite3_free(message);
        }
        return error;
    }
    return {};
}

} // namespace twinops
