#include "core/logging.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcStorage, "twinops.storage", QtInfoMsg)
Q_LOGGING_CATEGORY(lcMigrations, "twinops.migrations", QtInfoMsg)
Q_LOGGING_CATEGORY(lcTenancy, "twinops.tenancy", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCore, "twinops.core", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHttp, "twinops.http", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAuth, "twinops.auth", QtInfoMsg)
Q_LOGGING_CATEGORY(lcJobs, "twinops.jobs", QtInfoMsg)
Q_LOGGING_CATEGORY(lcChecks, "twinops.checks", QtInfoMsg)
Q_LOGGING_CATEGORY(lcNotify, "twinops.notify", QtInfoMsg)

Q_LOGGING_CATEGORY(lcAlerts, "twinops.alerts", QtInfoMsg)
Q_LOGGING_CATEGORY(lcConfig, "twinops.config", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAccess, "twinops.access", QtInfoMsg)

namespace twinops {

namespace {

// The fields of the message being logged on this thread: Qt's message handler receives only text, and it runs
// synchronously on the logging thread, so logInfo() leaves them here for it.
thread_local const LogFields *t_fields = nullptr;

struct LoggingState
{
    QMutex mutex; // serialises the lines of every thread and guards what follows
    LogSettings settings;
    int logFd = STDERR_FILENO;
    int accessFd = -1;
    bool installed = false;
};

LoggingState &state()
{
    // Never destroyed: a thread may still log while the process's statics are being torn down.
    static auto *instance = new LoggingState;
    return *instance;
}

const char *levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg: return "debug";
    case QtInfoMsg: return "info";
    case QtWarningMsg: return "warning";
    case QtCriticalMsg: return "error";
    case QtFatalMsg: return "fatal";
    }
    return "info";
}

// sd-daemon(3): the syslog priority a line sent to the journal's stream starts with.
int syslogPriority(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg: return 7;
    case QtInfoMsg: return 6;
    case QtWarningMsg: return 4;
    case QtCriticalMsg: return 3;
    case QtFatalMsg: return 2;
    }
    return 6;
}

QString timestamp()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

// A field as the text format shows it: a string bare when it is one word, anything else as JSON.
QString textValue(const QJsonValue &value)
{
    const QString text = value.toString();
    if (value.isString() && !text.isEmpty()
        && std::none_of(text.cbegin(), text.cend(), [](QChar c) { return c.isSpace() || c == u'"'; }))
        return text;
    const QByteArray array = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact); // "[value]"
    return QString::fromUtf8(array.mid(1, array.size() - 2));
}

QString withFields(QString text, const LogFields *fields)
{
    if (fields) {
        for (const LogField &field : *fields)
            text += (text.isEmpty() ? QString() : QStringLiteral(" ")) + field.name + u'=' + textValue(field.value);
    }
    text.replace(u'\n', QLatin1String("\\n")); // one line per event, whatever the message holds
    return text;
}

QByteArray jsonLine(QJsonObject object, const LogFields *fields)
{
    if (fields) {
        for (const LogField &field : *fields)
            object.insert(field.name, field.value);
    }
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray logLine(const LogSettings &settings, QtMsgType type, const char *category, const QString &message,
                   const LogFields *fields)
{
    if (settings.format == LogFormat::Json)
        return jsonLine({{QStringLiteral("time"), timestamp()},
                         {QStringLiteral("level"), QLatin1String(levelName(type))},
                         {QStringLiteral("category"), QLatin1String(category)},
                         {QStringLiteral("message"), message}},
                        fields);
    const QString text = QLatin1String(levelName(type)) + u' ' + QLatin1String(category) + QLatin1String(": ")
        + withFields(message, fields);
    if (settings.journal && settings.file.isEmpty())
        return '<' + QByteArray::number(syslogPriority(type)) + '>' + text.toUtf8();
    return (timestamp() + u' ' + text).toUtf8();
}

// The access log: no level or category (every line is one request), the time and the request's fields.
QByteArray accessLine(const LogSettings &settings, const QString &message, const LogFields *fields)
{
    if (settings.format == LogFormat::Json)
        return jsonLine({{QStringLiteral("time"), timestamp()}}, fields);
    return (timestamp() + u' ' + withFields(message, fields)).toUtf8();
}

void writeLine(int fd, QByteArray line)
{
    line += '\n';
    const char *data = line.constData();
    qsizetype left = line.size();
    while (left > 0) {
        const ssize_t written = ::write(fd, data, size_t(left));
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return; // nowhere left to say so
        data += written;
        left -= written;
    }
}

void handleMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const char *category = context.category ? context.category : "default";
    const LogFields *fields = t_fields;
    LoggingState &logging = state();
    const QMutexLocker locker(&logging.mutex);
    if (std::strcmp(category, lcAccess().categoryName()) == 0) {
        if (logging.accessFd >= 0)
            writeLine(logging.accessFd, accessLine(logging.settings, message, fields));
        return;
    }
    writeLine(logging.logFd, logLine(logging.settings, type, category, message, fields));
}

Result<int> openAppending(const QString &path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0)
        return Error::badRequest(
            QStringLiteral("cannot open the log file %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno))));
    return fd;
}

void closeOwned(int fd)
{
    if (fd > STDERR_FILENO)
        ::close(fd);
}

QString filterRules(const LogSettings &settings)
{
    auto rule = [](const char *pattern, bool enabled) {
        return QStringLiteral("%1=%2\n").arg(QLatin1String(pattern),
                                             enabled ? QStringLiteral("true") : QStringLiteral("false"));
    };
    return rule("twinops.*.debug", settings.level <= LogLevel::Debug)
        + rule("twinops.*.info", settings.level <= LogLevel::Info)
        + rule("twinops.*.warning", settings.level <= LogLevel::Warning) + rule("twinops.access.debug", false)
        + rule("twinops.access.info", !settings.accessLog.isEmpty());
}

} // namespace

void logInfo(const QLoggingCategory &category, const QString &message, const LogFields &fields)
{
    if (!category.isInfoEnabled())
        return;
    t_fields = &fields;
    QMessageLogger(nullptr, 0, nullptr, category.categoryName()).info().noquote() << message;
    t_fields = nullptr;
}

bool stderrIsJournal()
{
    const QStringList parts = qEnvironmentVariable("JOURNAL_STREAM").split(u':');
    struct stat status = {};
    if (parts.size() != 2 || ::fstat(STDERR_FILENO, &status) != 0)
        return false;
    return parts.at(0).toULongLong() == quint64(status.st_dev) && parts.at(1).toULongLong() == quint64(status.st_ino);
}

std::optional<LogFormat> logFormatFromName(const QString &name)
{
    if (name == QLatin1String("text"))
        return LogFormat::Text;
    if (name == QLatin1String("json"))
        return LogFormat::Json;
    return std::nullopt;
}

std::optional<LogLevel> logLevelFromName(const QString &name)
{
    if (name == QLatin1String("debug"))
        return LogLevel::Debug;
    if (name == QLatin1String("info"))
        return LogLevel::Info;
    if (name == QLatin1String("warning"))
        return LogLevel::Warning;
    if (name == QLatin1String("error"))
        return LogLevel::Error;
    return std::nullopt;
}

Status configureLogging(const LogSettings &settings)
{
    int logFd = STDERR_FILENO;
    int accessFd = -1;
    if (!settings.file.isEmpty()) {
        TWINOPS_TRY_ASSIGN(logFd, openAppending(settings.file));
    }
    if (settings.accessLog == QLatin1String("-")) {
        accessFd = STDOUT_FILENO;
    } else if (!settings.accessLog.isEmpty()) {
        auto opened = openAppending(settings.accessLog);
        if (!opened.ok()) {
            closeOwned(logFd);
            return opened.error();
        }
        accessFd = *opened;
    }
    LoggingState &logging = state();
    {
        const QMutexLocker locker(&logging.mutex);
        std::swap(logging.logFd, logFd);
        std::swap(logging.accessFd, accessFd);
        logging.settings = settings;
        if (!logging.installed) {
            qInstallMessageHandler(handleMessage);
            logging.installed = true;
        }
    }
    closeOwned(logFd);
    closeOwned(accessFd);
    QLoggingCategory::setFilterRules(filterRules(settings));
    return {};
}

} // namespace twinops
