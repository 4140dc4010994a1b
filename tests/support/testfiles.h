#pragma once

// Reading back what a test had written to disk: a file's bytes, and its permission bits (secrets must be 0600 in a
// 0700 folder).
#include <QByteArray>
#include <QFile>
#include <QString>

#include <sys/stat.h>

namespace twinops::test {

// The whole file, or empty when it cannot be read.
inline QByteArray fileBytes(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// The permission bits of `path` (0600, 0700…), or 0 when it does not exist.
inline unsigned modeOf(const QString &path)
{
    struct stat info
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return 0;
    return info.st_mode & 0777;
}

} // namespace twinops::test
