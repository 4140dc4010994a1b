#include "storage/databaseurl.h"

#include <QDir>
#include <QUrl>

namespace twinops {

Result<DatabaseUrl> DatabaseUrl::parse(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return Error::badRequest(QStringLiteral("empty database URL"));
    if (trimmed.startsWith(QLatin1String("postgres://")) || trimmed.startsWith(QLatin1String("postgresql://"))) {
        const QUrl url(trimmed, QUrl::StrictMode);
        if (!url.isValid() || url.path().size() < 2)
            return Error::badRequest(
                QStringLiteral("invalid PostgreSQL URL (expected postgres://user@host:port/database)"));
        return DatabaseUrl(Dialect::Postgres, trimmed);
    }
    if (trimmed.startsWith(QLatin1String("sqlite:"))) {
        const QUrl url(trimmed);
        const QString path = url.toLocalFile().isEmpty() ? url.path() : url.toLocalFile();
        if (path.isEmpty())
            return Error::badRequest(QStringLiteral("invalid SQLite URL (expected sqlite:///path/to/file.db)"));
        return sqliteFile(path);
    }
    if (trimmed.contains(QLatin1String("://")))
        return Error::badRequest(
            QStringLiteral("unsupported database URL scheme (use sqlite:///path or postgres://…)"));
    return sqliteFile(trimmed);
}

DatabaseUrl DatabaseUrl::sqliteFile(const QString &path)
{
    return DatabaseUrl(Dialect::Sqlite, QDir::cleanPath(QDir::current().absoluteFilePath(path)));
}

QString DatabaseUrl::redacted() const
{
    if (m_dialect == Dialect::Sqlite)
        return QStringLiteral("sqlite://") + m_value;
    QUrl url(m_value);
    url.setPassword(QString());
    url.setQuery(QString()); // may carry password=… as well
    return url.toString();
}

} // namespace twinops
