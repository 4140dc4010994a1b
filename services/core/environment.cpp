#include "core/environment.h"

namespace twinops {

Result<int> integerFromEnvironment(const char *name, int fallback, int minimum, int maximum,
                                   const QString &minimumMeaning)
{
    const QString text = qEnvironmentVariable(name).trimmed();
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
