#pragma once

#include "core/result.h"

#include <QString>

namespace twinops {

// The whole number in environment variable `name`, or `fallback` when it is unset or empty. BadRequest naming the
// variable and its range otherwise ("NAME must be a whole number from 0 (no limit) to 1000000"); `minimumMeaning`,
// e.g. "0 (no limit)", is shown in place of the bare minimum.
Result<int> integerFromEnvironment(const char *name, int fallback, int minimum, int maximum,
                                   const QString &minimumMeaning = {});

} // namespace twinops
