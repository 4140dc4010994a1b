#pragma once

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace twinops::test {
class TestDatabase;
}

namespace twinops::test {

// A `twinopsd serve` (the binary named by the TWINOPSD environment variable) whose stderr goes to a file, so that
// a chatty daemon can never block on a full pipe while the test is busy elsewhere; stopped with SIGTERM (then
// SIGKILL) when it goes out of scope.
class Daemon
{
public:
    static constexpr int kProcessTimeoutMs = 30'000;

    Daemon() = default;
    Daemon(const Daemon &) = delete;
    Daemon &operator=(const Daemon &) = delete;
    ~Daemon() { stop(); }

    void start(const QStringList &arguments, const QProcessEnvironment &environment, const QString &logFile);
    // Waits for "twinopsd: serving http(s)://127.0.0.1:PORT " in the log and remembers the port.
    bool waitUntilServing(int timeoutMs);
    // start() and waitUntilServing() of `twinopsd --database <database> serve` on an ephemeral loopback port with
    // `workers` workers (none by default: the test drives the queue), plus `extra` arguments.
    bool serve(const QString &database, const QProcessEnvironment &environment, const QString &logFile,
               const QStringList &extra = {}, int workers = 0);
    void kill(); // SIGKILL
    // SIGTERM: the daemon finishes its transaction, gives back what it has not started and exits 0.
    bool stop();

    bool running() const { return m_process.state() == QProcess::Running; }
    qint64 pid() const { return m_process.processId(); }
    quint16 port() const { return m_port; }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    QString log() const;
    QString describe() const; // the process error and the tail of its log, for failure messages

private:
    QProcess m_process;
    QString m_log;
    quint16 m_port = 0;
};

// The environment a test daemon runs with: the caller's, minus TWINOPS_DATABASE_URL (the test names its database
// on the command line), with a fixed JWT secret, the cheapest password hashing and XDG directories inside `home`
// (so that no test touches the user's real data or keychain fallback files).
QProcessEnvironment daemonEnvironment(const QString &home, const QByteArray &jwtSecret);

// GET /health over a plain socket; returns the status code, or 0 if there was no answer.
int healthStatus(quint16 port);

// What a finished twinopsd printed and returned; exitCode is -1 when it did not finish within a minute, -2 when it
// crashed.
struct TwinopsdRun
{
    int exitCode = -1;
    QString out;
    QString err;
};

// Runs twinopsd to completion in the caller's environment without TWINOPS_DATABASE_URL, plus `extra`.
TwinopsdRun twinopsd(const QStringList &arguments, const QProcessEnvironment &extra = {});

// Runs a short twinopsd command (migrate, admin …) to completion; fails the current test and returns false if it
// does not finish or exits non-zero. `output` receives its stdout.
bool runTwinopsd(const QStringList &arguments, const QProcessEnvironment &environment, QByteArray *output);

// The --database argument twinopsd takes for `database` (a sqlite:// URL or its PostgreSQL URI).
QString databaseArgument(const TestDatabase &database);
// A new platform-admin API key (`twinopsd admin create-key`) on `database`; empty, the test failed, if refused.
QString createAdminKey(const TestDatabase &database, const QProcessEnvironment &environment);

} // namespace twinops::test
