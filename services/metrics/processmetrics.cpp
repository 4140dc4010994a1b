#include "metrics/processmetrics.h"

#include <QFile>
#include <QList>
#include <QLocale>

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

namespace twinops {

namespace {

QByteArray readProcFile(const char *path)
{
    QFile file(QString::fromLatin1(path));
    // /proc files report a size of 0: read until the end rather than readAll()'s size hint.
    return file.open(QIODevice::ReadOnly | QIODevice::Unbuffered) ? file.readAll() : QByteArray();
}

void family(QByteArray &out, const char *name, const char *type, const char *help, double value)
{
    out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n' + name + ' '
        + QByteArray::number(value, 'g', QLocale::FloatingPointShortest) + '\n';
}

} // namespace

QByteArray processMetricsText()
{
    // /proc/self/stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses, so fields are counted
    // from the last ')'. Field 3 (state) is the first after it; utime is 14, stime 15, starttime 22, vsize 23,
    // rss 24 (proc(5)).
    const QByteArray stat = readProcFile("/proc/self/stat");
    const qsizetype commEnd = stat.lastIndexOf(')');
    if (commEnd < 0)
        return {};
    const QList<QByteArray> fields = stat.mid(commEnd + 2).split(' ');
    if (fields.size() < 22)
        return {};
    auto field = [&fields](int number) { return fields.at(number - 3).toDouble(); };
    const double ticksPerSecond = double(sysconf(_SC_CLK_TCK));
    const double pageBytes = double(sysconf(_SC_PAGESIZE));

    double bootTime = 0; // "btime SECONDS" in /proc/stat: when the system booted, in Unix time
    for (const QByteArray &line : readProcFile("/proc/stat").split('\n')) {
        if (line.startsWith("btime "))
            bootTime = line.mid(6).trimmed().toDouble();
    }
    double openFds = 0;
    if (DIR *fds = opendir("/proc/self/fd")) {
        while (const dirent *entry = readdir(fds))
            openFds += entry->d_name[0] == '.' ? 0 : 1;
        closedir(fds);
        --openFds; // the descriptor that read the folder
    }
    rlimit limit{};
    const double maxFds = getrlimit(RLIMIT_NOFILE, &limit) == 0 ? double(limit.rlim_cur) : 0;

    QByteArray out;
    family(out, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.",
           (field(14) + field(15)) / ticksPerSecond);
    family(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.", maxFds);
    family(out, "process_open_fds", "gauge", "Number of open file descriptors.", openFds);
    family(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", field(24) * pageBytes);
    family(out, "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
           bootTime + field(22) / ticksPerSecond);
    family(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", field(23));
    return out;
}

} // namespace twinops
