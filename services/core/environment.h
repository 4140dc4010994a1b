#pragma once

#include "core/result.h"

#include <QHash>
#include <QString>

namespace twinops {

// Environment variable `name`, or, when it is unset or empty, the value the configuration file gives it (see
// setConfiguredEnvironment); empty when neither does. Every setting that is an environment variable is read
// through here, so that the file can hold it too and the environment still wins.
QString environmentValue(const char *name);

// The configuration file's values for environment variables, by variable name (TWINOPS_PASSWORD_COST …); replaces
// the previous ones. Thread-safe: the daemon swaps them on reload while other threads may read.
void setConfiguredEnvironment(QHash<QString, QString> values);
QHash<QString, QString> configuredEnvironment();

// The whole number in environment variable `name` (environmentValue), or `fallback` when it is unset or empty.
// BadRequest naming the variable and its range otherwise ("NAME must be a whole number from 0 (no limit) to
// 1000000"); `minimumMeaning`, e.g. "0 (no limit)", is shown in place of the bare minimum.
Result<int> integerFromEnvironment(const char *name, int fallback, int minimum, int maximum,
                                   const QString &minimumMeaning = {});

} // namespace twinops
