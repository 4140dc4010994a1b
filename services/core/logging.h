#pragma once

#include "core/result.h"

#include <QJsonValue>
#include <QList>
#include <QLoggingCategory>
#include <QString>

#include <optional>

Q_DECLARE_LOGGING_CATEGORY(lcStorage)
Q_DECLARE_LOGGING_CATEGORY(lcMigrations)
Q_DECLARE_LOGGING_CATEGORY(lcTenancy)
Q_DECLARE_LOGGING_CATEGORY(lcCore)
Q_DECLARE_LOGGING_CATEGORY(lcHttp)
Q_DECLARE_LOGGING_CATEGORY(lcAuth)
Q_DECLARE_LOGGING_CATEGORY(lcChecks)
Q_DECLARE_LOGGING_CATEGORY(lcAlerts)
Q_DECLARE_LOGGING_CATEGORY(lcJobs)
Q_DECLARE_LOGGING_CATEGORY(lcNotify)
Q_DECLARE_LOGGING_CATEGORY(lcConfig)
// One line per HTTP request, for the access log only (enabled only while there is one).
Q_DECLARE_LOGGING_CATEGORY(lcAccess)

namespace twinops {

// A named value carried by a log line: the JSON format writes it as a member, the text format as name=value.
struct LogField
{
    QString name;
    QJsonValue value;
};
using LogFields = QList<LogField>;

// Logs `message` at info level in `category` (if enabled there) with `fields` for the structured formats.
void logInfo(const QLoggingCategory &category, const QString &message, const LogFields &fields);

enum class LogFormat { Text, Json };
enum class LogLevel { Debug, Info, Warning, Error };

std::optional<LogFormat> logFormatFromName(const QString &name);
std::optional<LogLevel> logLevelFromName(const QString &name);

// How and where twinopsd logs. Everything here can change while it runs (configureLogging again).
struct LogSettings
{
    LogFormat format = LogFormat::Text;
    LogLevel level = LogLevel::Warning; // of the twinops.* categories; Qt's own keep their defaults
    QString file; // empty: stderr
    QString accessLog; // empty: none; "-": stdout
    // Running under systemd with stderr to the journal (JOURNAL_STREAM): text lines on stderr start with the
    // syslog priority, "<4>", and carry no time (the journal records it).
    bool journal = false;
};

// Whether stderr is the systemd journal's stream (JOURNAL_STREAM names its device and inode, sd-daemon(3)).
bool stderrIsJournal();

// Installs the process's message handler (the first time) and applies `settings`: the level, the format, and the
// files, (re)opened in append mode, so that calling it again after logrotate moved them writes new ones. If a file
// cannot be opened, nothing changes and the error names it.
Status configureLogging(const LogSettings &settings);

} // namespace twinops
