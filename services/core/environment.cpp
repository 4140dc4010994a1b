#include "core/environment.h"

#include <QMutex>

namespace twinops {

namespace {

struct ConfiguredEnvironment
{
    QMutex mutex;
    QHash<QString, QString> values;
};

ConfiguredEnvironment &configured()
{
    static ConfiguredEnvironment instance;
    return instance;
}

} // namespace

QString environmentValue(const char *name)
{
    QString value = qEnvironmentVariable(name);
    if (!value.isEmpty())
        return value;
    ConfiguredEnvironment &file = configured();
    const QMutexLocker locker(&file.mutex);
    return file.values.value(QLatin1String(name));
}

void setConfiguredEnvironment(QHash<QString, QString> values)
{
    ConfiguredEnvironment &file = configured();
    const QMutexLocker locker(&file.mutex);
    file.values = std::move(values);
}

QHash<QString, QString> configuredEnvironment()
{
    ConfiguredEnvironment &file = configured();
    const QMutexLocker locker(&file.mutex);
    return file.values;
}

Result<int> integerFromEnvironment(const char *name, int fallback, int minimum, int maximum,
                                   const QString &minimumMeaning)
{
    const QString text = environmentValue(name).trimmed();
    if (text.isEmpty())
        return fallback;
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value < minimum || value > maximum)
        return Error::badRequest(
            QStringLiteral("%1 must be a whole number from %2 to %3")
                .arg(QLatin1String(name), minimumMeaning.isEmpty() ? QString::number(minimum) : minimumMeaning)
                .arg(maximum));
    return value;
}

} // namespace twinops
