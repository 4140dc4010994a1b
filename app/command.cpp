#include "command.h"

#include "commandregistry.h"
#include "config/databaselocation.h"

#include <algorithm>

namespace twinops::app {

Outcome Outcome::usage(const QString &message)
{
    Outcome outcome(kExitUsage);
    outcome.m_message = message + QStringLiteral("\nTry 'twinopsd --help'.");
    return outcome;
}

int Outcome::report() const
{
    if (!m_message.isEmpty())
        QTextStream(stderr) << "twinopsd: " << m_message << Qt::endl;
    return m_exitCode;
}

namespace {

// The environment variable that stands in for `option` when it is set (TWINOPS_DATABASE_URL for --database), or
// nothing.
std::optional<EnvironmentVariable> standInFor(const QString &option)
{
    for (const EnvironmentVariable &variable : environmentVariables()) {
        if (variable.option == option && !qEnvironmentVariable(variable.name.toLatin1().constData()).isEmpty())
            return variable;
    }
    return std::nullopt;
}

} // namespace

QStringList Invocation::configured(const QString &option) const
{
    if (const auto variable = standInFor(option))
        return {qEnvironmentVariable(variable->name.toLatin1().constData())};
    if (m_configuration)
        return m_configuration->values(option);
    return {};
}

bool Invocation::isSet(const QString &option) const
{
    if (m_parser->isSet(option))
        return true;
    const QStringList values = configured(option);
    // A switch in the file is "true" or "false" (ConfigurationFile checks it); an option with a value is set by any.
    return !values.isEmpty() && values.constLast() != QLatin1String("false");
}

QString Invocation::value(const QString &option) const
{
    if (m_parser->isSet(option))
        return m_parser->value(option);
    const QStringList values = configured(option);
    return values.isEmpty() ? m_parser->value(option) : values.constLast();
}

QStringList Invocation::values(const QString &option) const
{
    if (m_parser->isSet(option))
        return m_parser->values(option);
    const QStringList values = configured(option);
    return values.isEmpty() ? m_parser->values(option) : values;
}

QString Invocation::origin(const QString &option) const
{
    if (m_parser->isSet(option))
        return {};
    if (const auto variable = standInFor(option))
        return u'$' + variable->name;
    return m_configuration ? m_configuration->whereIs(option) : QString();
}

Result<int> Invocation::integer(const QString &option, int min, int max) const
{
    bool ok = false;
    const int number = value(option).toInt(&ok);
    if (ok && number >= min && number <= max)
        return number;
    const QString from = origin(option);
    return Error::badRequest(QStringLiteral("--%1 expects a whole number from %2 to %3%4")
                                 .arg(option, QString::number(min), QString::number(max),
                                      from.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(from)));
}

Result<DatabaseUrl> Invocation::database() const
{
    return resolveDatabaseUrl(value(QStringLiteral("database")));
}

Result<Invocation> Invocation::reloaded() const
{
    if (!m_configuration)
        return *this;
    TWINOPS_TRY_ASSIGN(ConfigurationFile file, ConfigurationFile::read(m_configuration->path()));
    return Invocation(*m_parser, m_options, m_arguments, std::make_shared<const ConfigurationFile>(std::move(file)));
}

QHash<QString, QString> Invocation::configuredEnvironment() const
{
    QHash<QString, QString> values;
    if (!m_configuration)
        return values;
    for (const EnvironmentVariable &variable : environmentVariables()) {
        if (variable.option.isEmpty() && m_configuration->contains(variable.key()))
            values.insert(variable.name, m_configuration->value(variable.key()));
    }
    return values;
}

Result<LogSettings> Invocation::logSettings() const
{
    LogSettings settings;
    const std::optional<LogFormat> format = logFormatFromName(value(QStringLiteral("log-format")));
    if (!format)
        return Error::badRequest(QStringLiteral("--log-format expects text or json"));
    settings.format = *format;
    if (const QString level = value(QStringLiteral("log-level")); !level.isEmpty()) {
        const std::optional<LogLevel> parsed = logLevelFromName(level);
        if (!parsed)
            return Error::badRequest(QStringLiteral("--log-level expects debug, info, warning or error"));
        settings.level = *parsed;
    } else if (isSet(QStringLiteral("verbose"))) {
        settings.level = LogLevel::Info;
    }
    settings.file = value(QStringLiteral("log-file"));
    if (has(QStringLiteral("access-log")))
        settings.accessLog = value(QStringLiteral("access-log"));
    settings.journal = stderrIsJournal();
    return settings;
}

QString Command::usageLine() const
{
    QStringList parts{name};
    parts += arguments;
    if (!synopsis.isEmpty())
        parts << synopsis;
    return parts.join(u' ');
}

int Command::maxArguments() const
{
    if (!arguments.isEmpty() && arguments.constLast().contains(QLatin1String("...")))
        return -1;
    return int(arguments.size());
}

bool Command::hasOption(const QString &optionName) const
{
    return std::any_of(options.cbegin(), options.cend(),
                       [&](const QCommandLineOption &option) { return option.names().contains(optionName); });
}

QString dashed(const QString &optionName)
{
    return (optionName.size() == 1 ? QStringLiteral("-") : QStringLiteral("--")) + optionName;
}

QTextStream &standardOutput()
{
    static QTextStream stream(stdout);
    return stream;
}

} // namespace twinops::app
