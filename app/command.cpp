#include "command.h"

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

std::optional<int> Invocation::integer(const QString &option, int min, int max) const
{
    bool ok = false;
    const int number = m_parser.value(option).toInt(&ok);
    if (!ok || number < min || number > max)
        return std::nullopt;
    return number;
}

Result<DatabaseUrl> Invocation::database() const
{
    return resolveDatabaseUrl(m_parser.value(QStringLiteral("database")));
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
