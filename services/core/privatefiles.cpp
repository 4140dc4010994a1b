#include "core/privatefiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace twinops {

namespace {

QString systemError()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

} // namespace

Status makePrivateDirectory(const QString &path)
{
    const QString absolute = QDir::cleanPath(QDir::current().absoluteFilePath(path));
    const QFileInfo info(absolute);
    if (info.isDir())
        return {};
    if (info.exists())
        return Error::unavailable(QStringLiteral("%1 is not a folder").arg(absolute));
    if (const QString parent = info.path(); parent != absolute)
        TWINOPS_TRY(makePrivateDirectory(parent));
    const QByteArray native = QFile::encodeName(absolute);
    if (::mkdir(native.constData(), 0700) != 0) {
        if (errno == EEXIST && QFileInfo(absolute).isDir()) // made by another process meanwhile: theirs
            return {};
        return Error::unavailable(QStringLiteral("cannot create the folder %1: %2").arg(absolute, systemError()));
    }
    ::chmod(native.constData(), 0700); // mkdir's mode went through the umask
    return {};
}

Status createPrivateFileIfMissing(const QString &path)
{
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return {};
        return Error::unavailable(QStringLiteral("cannot create %1: %2").arg(path, systemError()));
    }
    const int changed = ::fchmod(fd, 0600); // open's mode went through the umask
    ::close(fd);
    if (changed != 0)
        return Error::unavailable(QStringLiteral("cannot make %1 private: %2").arg(path, systemError()));
    return {};
}

} // namespace twinops
