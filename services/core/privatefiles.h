#pragma once

#include "core/result.h"

#include <QString>

namespace twinops {

// Files and folders that only their owner may read (the SQLite database, its folder, secrets), with those modes
// whatever the umask. Only what these functions create gets them: an existing file or folder keeps the mode its
// owner gave it, since changing it behind the owner's back could break what they set up (a group that shares it).

// Creates `path` and every missing folder above it with mode 0700; existing folders are left as they are.
Status makePrivateDirectory(const QString &path);

// Creates `path` as an empty file with mode 0600 unless something already exists there, which is left as it is.
Status createPrivateFileIfMissing(const QString &path);

} // namespace twinops
