#include "storage/sqlitedatabase.h"

#include "core/logging.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QUuid>

#include <sqlite3.h>

namespace twinops {

namespace {

constexpr int kBusyTimeoutMs = 5000;
constexpr qsizetype kMaxCachedStatements = 256;

// Only an invalid QVariant is NULL; Qt's driver would also bind a null QString or QByteArray as NULL, which
// PostgreSQL's driver (and Qt 6's QVariant::isNull) treats as empty.
QVariant toSqliteValue(const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::QString:
        return value.toString().isNull() ? QVariant(QStringLiteral("")) : value;
    case QMetaType::QByteArray:
        return value.toByteArray().isNull() ? QVariant(QByteArray("", 0)) : value;
    case QMetaType::QDateTime:
        return value.toDateTime().toMSecsSinceEpoch();
    case QMetaType::Bool:
        return qint64(value.toBool() ? 1 : 0);
    case QMetaType::QUuid:
        return value.toUuid().toString(QUuid::WithoutBraces);
    default:
        return value;
    }
}

ErrorCode classify(int extendedCode)
{
    switch (extendedCode) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return ErrorCode::Conflict;
    default:
        break;
    }
    switch (extendedCode & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
        return ErrorCode::Unavailable;
    default:
        return ErrorCode::Internal;
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

SqliteDatabase::SqliteDatabase(QString path)
    : m_path(std::move(path))
{
    static QAtomicInteger<quint64> counter;
    m_connectionName = QStringLiteral("twinops-sqlite-%1").arg(counter.fetchAndAddRelaxed(1));
}

SqliteDatabase::~SqliteDatabase()
{
    m_statements.clear();
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

Result<std::unique_ptr<Database>> SqliteDatabase::open(const QString &path)
{
    const QFileInfo info(path);
    if (info.exists() && !info.isFile())
        return Error::unavailable(QStringLiteral("%1 is not a file").arg(path));
    if (!QDir().mkpath(info.absolutePath()))
        return Error::unavailable(QStringLiteral("cannot create the directory %1").arg(info.absolutePath()));

    std::unique_ptr<SqliteDatabase> db(new SqliteDatabase(path));
    db->m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), db->m_connectionName);
    if (!db->m_db.isValid())
        return Error::internal(QStringLiteral("the Qt SQLite driver (QSQLITE) is not installed"));
    db->m_db.setDatabaseName(path);
    db->m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kBusyTimeoutMs));
    if (!db->m_db.open())
        return Error::unavailable(QStringLiteral("cannot open %1: %2").arg(path, db->m_db.lastError().text()));
    const QVariant handle = db->m_db.driver()->handle();
    if (qstrcmp(handle.typeName(), "sqlite3*") != 0 || !handle.isValid())
        return Error::internal(QStringLiteral("unexpected SQLite driver handle"));
    db->m_handle = *static_cast<sqlite3 *const *>(handle.constData());
    sqlite3_extended_result_codes(db->m_handle, 1);
    TWINOPS_TRY(db->configure());
    return std::unique_ptr<Database>(std::move(db));
}

Status SqliteDatabase::configure()
{
    // Read the header before anything writes: a file that is not a database fails here and stays untouched.
    if (auto header = query(QStringLiteral("PRAGMA schema_version")); !header.ok())
        return Error::internal(
            QStringLiteral("%1 is not a usable SQLite database: %2").arg(m_path, header.error().message));
    for (const char *pragma : {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON",
                               "PRAGMA temp_store = MEMORY"}) {
        if (auto result = query(QLatin1String(pragma)); !result.ok())
            return result.error();
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
    Error error {
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
    Statement statement {std::make_unique<QSqlQuery>(m_db), std::move(text.order)};
    statement.query->setForwardOnly(true);
    if (!statement.query->prepare(text.sql)) {
        *error = lastError(QStringLiteral("prepare"));
        return nullptr;
    }
    return &m_statements.emplace(sql, std::move(statement)).first->second;
}

Result<Rows> SqliteDatabase::query(const QString &sql, const QVariantList &params)
{
    Error error;
    Statement *cached = prepared(sql, &error);
    if (!cached)
        return error;
    QSqlQuery *statement = cached->query.get();
    for (qsizetype i = 0; i < cached->order.size(); ++i) {
        const int parameter = cached->order.at(i);
        if (parameter < 0 || parameter >= params.size())
            return Error::internal(QStringLiteral("query: no value for parameter $%1").arg(parameter + 1));
        statement->bindValue(int(i), toSqliteValue(params.at(parameter)));
    }
    if (!statement->exec()) {
        Error failure = lastError(QStringLiteral("query"));
        if (failure.code == ErrorCode::Internal && failure.message.endsWith(QLatin1String("not an error")))
            failure.message = statement->lastError().text();
        statement->finish();
        qCDebug(lcStorage) << "query failed:" << failure.message;
        return failure;
    }
    QList<QVariantList> rows;
    if (statement->isSelect()) {
        const int columns = statement->record().count();
        while (statement->next()) {
            QVariantList row;
            row.reserve(columns);
            for (int c = 0; c < columns; ++c)
                row.append(statement->value(c));
            rows.append(std::move(row));
        }
    }
    const qint64 affected = statement->numRowsAffected();
    statement->finish(); // resets the statement so that it holds no read lock
    return Rows(std::move(rows), affected);
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
