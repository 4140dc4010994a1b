#include "storage/postgresdatabase.h"

#include "core/ids.h"
#include "core/logging.h"

#include <QUuid>

#include <libpq-fe.h>
#include <poll.h>
#include <vector>

namespace twinops {

namespace {

// Type OIDs from pg_type.h (stable across server versions).
enum : Oid {
    kBoolOid = 16,
    kByteaOid = 17,
    kInt8Oid = 20,
    kInt2Oid = 21,
    kInt4Oid = 23,
    kOidOid = 26,
    kFloat4Oid = 700,
    kFloat8Oid = 701,
    kTimestampOid = 1114,
    kTimestampTzOid = 1184,
    kNumericOid = 1700,
};

int digits(const char *p, int count)
{
    int value = 0;
    for (int i = 0; i < count; ++i) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        value = value * 10 + (p[i] - '0');
    }
    return value;
}

// "2026-11-26 03:36:23.123456+00" (DateStyle ISO, TimeZone UTC; the offset is honoured anyway).
QDateTime parseTimestamp(const char *text, int length)
{
    if (length < 19 || text[4] != '-' || text[7] != '-' || text[13] != ':' || text[16] != ':')
        return {};
    const QDate date(digits(text, 4), digits(text + 5, 2), digits(text + 8, 2));
    int pos = 19, msec = 0;
    if (pos < length && text[pos] == '.') {
        int scale = 100;
        for (++pos; pos < length && text[pos] >= '0' && text[pos] <= '9'; ++pos, scale /= 10)
            msec += (text[pos] - '0') * scale;
    }
    const QTime time(digits(text + 11, 2), digits(text + 14, 2), digits(text + 17, 2), msec);
    if (!date.isValid() || !time.isValid())
        return {};
    qint64 offsetSeconds = 0;
    if (pos < length && (text[pos] == '+' || text[pos] == '-')) {
        const int sign = text[pos] == '-' ? -1 : 1;
        offsetSeconds = digits(text + pos + 1, 2) * 3600;
        if (pos + 6 <= length && text[pos + 3] == ':')
            offsetSeconds += digits(text + pos + 4, 2) * 60;
        offsetSeconds *= sign;
    }
    constexpr qint64 kUnixEpochJulianDay = 2440588;
    const qint64 msecs = (date.toJulianDay() - kUnixEpochJulianDay) * 86400000 + time.msecsSinceStartOfDay();
    return utcFromMSecs(msecs - offsetSeconds * 1000);
}

QVariant fromText(Oid type, const char *text, int length)
{
    switch (type) {
    case kBoolOid: return QVariant(length > 0 && text[0] == 't');
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kOidOid: return QVariant(QByteArray::fromRawData(text, length).toLongLong());
    case kFloat4Oid:
    case kFloat8Oid:
    case kNumericOid: return QVariant(QByteArray::fromRawData(text, length).toDouble());
    case kTimestampOid:
    case kTimestampTzOid: return QVariant(parseTimestamp(text, length));
    case kByteaOid:
        if (length >= 2 && text[0] == '\\' && text[1] == 'x')
            return QVariant(QByteArray::fromHex(QByteArray::fromRawData(text + 2, length - 2)));
        return QVariant(QByteArray(text, length));
    default: return QVariant(QString::fromUtf8(text, length));
    }
}

ErrorCode classify(const char *sqlState)
{
    const QByteArray state(sqlState ? sqlState : "");
    if (state == "23505" || state == "23503")
        return ErrorCode::Conflict; // unique / foreign key violation
    if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57") || state == "40001"
        || state == "40P01")
        return ErrorCode::Unavailable; // connection, resources, shutdown, serialization, deadlock: retry later
    return ErrorCode::Internal;
}

void forwardNotice(void *, const char *message)
{
    qCDebug(lcStorage) << "postgres:" << QByteArray(message).trimmed();
}

} // namespace

PostgresDatabase::PostgresDatabase(QString uri, QString description, Access access)
    : m_uri(std::move(uri))
    , m_description(std::move(description))
    , m_access(access)
{ }

PostgresDatabase::~PostgresDatabase()
{
    if (m_conn)
        PQfinish(m_conn);
}

Result<std::unique_ptr<Database>> PostgresDatabase::open(const QString &uri, const QString &description, Access access)
{
    std::unique_ptr<PostgresDatabase> db(new PostgresDatabase(uri, description, access));
    TWINOPS_TRY(db->connect());
    return std::unique_ptr<Database>(std::move(db));
}

Status PostgresDatabase::connect()
{
    if (m_conn) {
        PQfinish(m_conn);
        m_conn = nullptr;
    }
    m_statements.clear();
    m_transactionDepth = 0;
    const QByteArray uri = m_uri.toUtf8();
    // Defaults first: values in the URI (expanded from dbname) override them.
    const char *keywords[] = {"connect_timeout", "application_name", "options", "dbname", nullptr};
    const char *values[] = {"5", "twinops", "-c TimeZone=UTC -c DateStyle=ISO", uri.constData(), nullptr};
    m_conn = PQconnectdbParams(keywords, values, 1);
    if (!m_conn || PQstatus(m_conn) != CONNECTION_OK) {
        const QString reason
            = m_conn ? QString::fromUtf8(PQerrorMessage(m_conn)).trimmed() : QStringLiteral("out of memory");
        if (m_conn) {
            PQfinish(m_conn);
            m_conn = nullptr;
        }
        // libpq's message names host and port but never the password.
        return Error::unavailable(
            QStringLiteral("cannot connect to %1: %2").arg(m_description, reason.section(u'\n', 0, 0)));
    }
    PQsetNoticeProcessor(m_conn, forwardNotice, nullptr);
    if (m_access == Access::ReadOnly) {
        // Set here rather than in the options keyword, which an `options` in the URI would replace. A read-only
        // look at someone else's database must not hold their server either: statements end after 15 s.
        PGresult *set = PQexec(m_conn, "SET default_transaction_read_only = on; SET statement_timeout = '15s'");
        const bool ok = set && PQresultStatus(set) == PGRES_COMMAND_OK;
        PQclear(set);
        if (!ok) {
            const QString reason = QString::fromUtf8(PQerrorMessage(m_conn)).trimmed().section(u'\n', 0, 0);
            PQfinish(m_conn);
            m_conn = nullptr;
            return Error::unavailable(
                QStringLiteral("cannot make the session on %1 read-only: %2").arg(m_description, reason));
        }
    }
    return {};
}

Status PostgresDatabase::ensureConnected()
{
    if (m_conn && PQstatus(m_conn) == CONNECTION_OK)
        return {};
    qCInfo(lcStorage) << "reconnecting to" << m_description;
    return connect();
}

void PostgresDatabase::connectionLost()
{
    qCWarning(lcStorage) << "connection to" << m_description << "lost";
    m_statements.clear();
    m_transactionDepth = 0;
}

Error PostgresDatabase::resultError(pg_result *result, const char *context)
{
    if (!m_conn || PQstatus(m_conn) != CONNECTION_OK) {
        connectionLost();
        return Error::unavailable(QStringLiteral("the database connection was lost"));
    }
    const char *state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    const QString message = result ? QString::fromUtf8(PQresultErrorMessage(result)).trimmed()
                                   : QString::fromUtf8(PQerrorMessage(m_conn)).trimmed();
    return Error{
        classify(state), QStringLiteral("%1: %2").arg(QLatin1String(context), message.section(u'\n', 0, 0)), {}, 0};
}

Result<Rows> PostgresDatabase::query(const QString &sql, const QVariantList &params)
{
    assertOneThread();
    // Reconnecting inside a transaction would silently lose its earlier statements.
    if (m_transactionDepth == 0)
        TWINOPS_TRY(ensureConnected());
    else if (!m_conn || PQstatus(m_conn) != CONNECTION_OK)
        return Error::unavailable(QStringLiteral("the database connection was lost"));

    auto it = m_statements.constFind(sql);
    if (it == m_statements.constEnd()) {
        const QByteArray name = "twinops_" + QByteArray::number(++m_nextStatement);
        PGresult *prepared = PQprepare(m_conn, name.constData(), sql.toUtf8().constData(), 0, nullptr);
        const bool ok = prepared && PQresultStatus(prepared) == PGRES_COMMAND_OK;
        if (!ok) {
            Error error = resultError(prepared, "prepare");
            PQclear(prepared);
            return error;
        }
        PQclear(prepared);
        it = m_statements.insert(sql, name);
    }

    const int count = int(params.size());
    const auto n = static_cast<size_t>(count);
    std::vector<QByteArray> storage(n);
    std::vector<const char *> values(n, nullptr);
    std::vector<int> lengths(n, 0);
    std::vector<int> formats(n, 0);
    for (int i = 0; i < count; ++i) {
        const QVariant &v = params.at(i);
        if (v.isNull())
            continue;
        switch (v.typeId()) {
        case QMetaType::Bool: storage[size_t(i)] = v.toBool() ? "true" : "false"; break;
        case QMetaType::QDateTime:
            storage[size_t(i)] = v.toDateTime().toUTC().toString(Qt::ISODateWithMs).toLatin1();
            break;
        case QMetaType::QByteArray:
            storage[size_t(i)] = v.toByteArray();
            formats[size_t(i)] = 1; // binary: bytea as is
            break;
        case QMetaType::QUuid: storage[size_t(i)] = v.toUuid().toByteArray(QUuid::WithoutBraces); break;
        default:
            storage[size_t(i)] = v.toString().toUtf8();
            // libpq reads a text parameter up to its first NUL: refuse the value rather than store its beginning.
            // (The API refuses U+0000 in every request field; this is for any other way text gets here.)
            if (storage[size_t(i)].contains('\0'))
                return Error::internal(
                    QStringLiteral("query: parameter $%1 contains U+0000, which PostgreSQL cannot store").arg(i + 1));
            break;
        }
        values[size_t(i)] = storage[size_t(i)].constData();
        lengths[size_t(i)] = int(storage[size_t(i)].size());
    }

    PGresult *result = PQexecPrepared(m_conn, it->constData(), count, values.data(), lengths.data(), formats.data(), 0);
    const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        Error error = resultError(result, "query");
        PQclear(result);
        // A failed statement inside a transaction has aborted it; the Transaction object will roll back.
        return error;
    }
    QList<QVariantList> rows;
    const int rowCount = PQntuples(result), columns = PQnfields(result);
    rows.reserve(rowCount);
    std::vector<Oid> types(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c)
        types[size_t(c)] = PQftype(result, c);
    for (int r = 0; r < rowCount; ++r) {
        QVariantList row;
        row.reserve(columns);
        for (int c = 0; c < columns; ++c) {
            if (PQgetisnull(result, r, c))
                row.append(QVariant());
            else
                row.append(fromText(types[size_t(c)], PQgetvalue(result, r, c), PQgetlength(result, r, c)));
        }
        rows.append(std::move(row));
    }
    const char *tuples = PQcmdTuples(result);
    const qint64 affected = tuples && *tuples ? QByteArray(tuples).toLongLong() : 0;
    PQclear(result);
    return Rows(std::move(rows), affected);
}

Status PostgresDatabase::executeScript(const QString &sql)
{
    if (m_transactionDepth == 0)
        TWINOPS_TRY(ensureConnected());
    // The simple-query protocol runs every statement of the script (there are no parameters to inject).
    PGresult *result = PQexec(m_conn, sql.toUtf8().constData());
    const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        Error error = resultError(result, "script");
        PQclear(result);
        return error;
    }
    PQclear(result);
    return {};
}

Result<bool> PostgresDatabase::waitForNotification(std::chrono::milliseconds timeout)
{
    assertOneThread();
    if (!m_conn || PQstatus(m_conn) != CONNECTION_OK)
        return Error::unavailable(QStringLiteral("the database connection was lost"));
    // The socket turns readable when the server sends anything; PQconsumeInput reads it, PQnotifies hands it out.
    pollfd socket{PQsocket(m_conn), POLLIN, 0};
    if (::poll(&socket, 1, int(timeout.count())) < 0 || !PQconsumeInput(m_conn))
        return Error::unavailable(
            QStringLiteral("waiting for notifications: %1").arg(QString::fromUtf8(PQerrorMessage(m_conn)).trimmed()));
    bool notified = false;
    while (PGnotify *notification = PQnotifies(m_conn)) {
        notified = true;
        PQfreemem(notification);
    }
    return notified;
}

} // namespace twinops
