#include "configurationfile.h"

#include "commandregistry.h"

#include <QFile>
#include <QFileInfo>

#include <algorithm>

namespace twinops::app {

namespace {

const QCommandLineOption *optionNamed(const QString &name)
{
    static const QList<QCommandLineOption> global = globalOptions();
    for (const QCommandLineOption &option : global) {
        if (option.names().constLast() == name)
            return &option;
    }
    for (const Command &command : registeredCommands()) {
        for (const QCommandLineOption &option : command.options) {
            if (option.names().constLast() == name)
                return &option;
        }
    }
    return nullptr;
}

// Why `key = value` cannot stand in a configuration file, or nothing when it can.
QString refusal(const QString &key, const QString &value)
{
    if (key == QLatin1String("config") || key == QLatin1String("help") || key == QLatin1String("version"))
        return QStringLiteral("'%1' cannot be set in a configuration file").arg(key);
    if (const QCommandLineOption *option = optionNamed(key)) {
        if (option->valueName().isEmpty() && value != QLatin1String("true") && value != QLatin1String("false"))
            return QStringLiteral("'%1' is a switch: its value must be true or false").arg(key);
        return {};
    }
    const QList<EnvironmentVariable> variables = environmentVariables();
    if (std::any_of(variables.cbegin(), variables.cend(),
                    [&](const EnvironmentVariable &variable) { return variable.key() == key; }))
        return {};
    return QStringLiteral("unknown key '%1'").arg(key);
}

} // namespace

Result<ConfigurationFile> ConfigurationFile::read(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::badRequest(
            QStringLiteral("%1: cannot read the configuration file: %2").arg(path, file.errorString()));
    ConfigurationFile configuration;
    configuration.m_path = QFileInfo(path).absoluteFilePath(); // a reload finds it whatever the directory
    const QStringList lines = QString::fromUtf8(file.readAll()).split(u'\n');
    for (qsizetype index = 0; index < lines.size(); ++index) {
        const QString line = lines.at(index).trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        auto problem = [&](const QString &what) {
            return Error::badRequest(QStringLiteral("%1:%2: %3").arg(path).arg(index + 1).arg(what));
        };
        const qsizetype equals = line.indexOf(u'=');
        if (equals < 0)
            return problem(QStringLiteral("expected 'key = value'"));
        Entry entry{line.left(equals).trimmed(), line.mid(equals + 1).trimmed(), int(index + 1)};
        if (entry.key.isEmpty())
            return problem(QStringLiteral("expected 'key = value'"));
        if (const QString why = refusal(entry.key, entry.value); !why.isEmpty())
            return problem(why);
        configuration.m_entries.append(std::move(entry));
    }
    return configuration;
}

bool ConfigurationFile::contains(const QString &key) const
{
    return std::any_of(m_entries.cbegin(), m_entries.cend(), [&](const Entry &entry) { return entry.key == key; });
}

QString ConfigurationFile::value(const QString &key) const
{
    const QStringList all = values(key);
    return all.isEmpty() ? QString() : all.constLast();
}

QString ConfigurationFile::whereIs(const QString &key) const
{
    for (auto entry = m_entries.crbegin(); entry != m_entries.crend(); ++entry) {
        if (entry->key == key)
            return QStringLiteral("%1:%2").arg(m_path).arg(entry->line);
    }
    return {};
}

QStringList ConfigurationFile::values(const QString &key) const
{
    QStringList found;
    for (const Entry &entry : m_entries) {
        if (entry.key == key)
            found << entry.value;
    }
    return found;
}

} // namespace twinops::app
