#pragma once

#include "core/result.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace twinops::app {

// A twinopsd configuration file (--config, $TWINOPS_CONFIG): `key = value` lines, `#` comment lines and blank
// lines. A key is an option's long name (the global ones and any command's; a command uses the keys of its own
// options and ignores the others', so one file serves every command) or an environment variable's key
// (EnvironmentVariable::key()); an option given several times repeats its key. Precedence is the Invocation's:
// command line, then environment, then this file, then the defaults.
class ConfigurationFile final
{
public:
    // Reads and checks `path`. An unreadable file, a malformed line, an unknown key or a switch whose value is not
    // true or false is an error naming FILE:LINE; values are never repeated in it (they may be secrets).
    static Result<ConfigurationFile> read(const QString &path);

    const QString &path() const { return m_path; }
    bool contains(const QString &key) const;
    // The last value given for `key`, and all of them in order.
    QString value(const QString &key) const;
    QStringList values(const QString &key) const;
    // "FILE:LINE" of the value value(key) gives, for messages about it; empty when the file has no such key.
    QString whereIs(const QString &key) const;

private:
    struct Entry
    {
        QString key;
        QString value;
        int line = 0;
    };
    QString m_path;
    QList<Entry> m_entries;
};

} // namespace twinops::app
