#include "daemon.h"

#include "testdatabase.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QHostAddress>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>
#include <QThread>

#include <algorithm>

namespace twinops::test {

void Daemon::start(const QStringList &arguments, const QProcessEnvironment &environment, const QString &logFile)
{
    m_log = logFile;
    m_process.setProcessEnvironment(environment);
    m_process.setStandardOutputFile(QProcess::nullDevice());
    m_process.setStandardErrorFile(logFile);
    m_process.start(qEnvironmentVariable("TWINOPSD"), arguments);
}

bool Daemon::serve(const QString &database, const QProcessEnvironment &environment, const QString &logFile,
                   const QStringList &extra, int workers)
{
    start(QStringList{QStringLiteral("--database"), database, QStringLiteral("serve"), QStringLiteral("--listen"),
                      QStringLiteral("127.0.0.1:0"), QStringLiteral("--workers"), QString::number(workers)}
              + extra,
          environment, logFile);
    return waitUntilServing(kProcessTimeoutMs);
}

bool Daemon::waitUntilServing(int timeoutMs)
{
    if (!m_process.waitForStarted(kProcessTimeoutMs))
        return false;
    static const QRegularExpression serving(QStringLiteral("twinopsd: serving https?://127\\.0\\.0\\.1:(\\d+) "));
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired() && m_process.state() == QProcess::Running) {
        const QRegularExpressionMatch match = serving.match(log());
        if (match.hasMatch()) {
            m_port = quint16(match.captured(1).toUInt());
            return m_port != 0;
        }
        QThread::msleep(10);
    }
    return false;
}

void Daemon::kill()
{
    m_process.kill();
    m_process.waitForFinished(kProcessTimeoutMs);
}

bool Daemon::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return true;
    m_process.terminate();
    if (m_process.waitForFinished(kProcessTimeoutMs))
        return m_process.exitStatus() == QProcess::NormalExit && m_process.exitCode() == 0;
    m_process.kill();
    m_process.waitForFinished(kProcessTimeoutMs);
    return false;
}

QString Daemon::log() const
{
    if (m_log.isEmpty()) // never started
        return {};
    QFile file(m_log);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

QString Daemon::describe() const
{
    return m_process.errorString() + QStringLiteral("; stderr: ") + log().right(4000);
}

QProcessEnvironment daemonEnvironment(const QString &home, const QByteArray &jwtSecret)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("TWINOPS_DATABASE_URL"));
    environment.insert(QStringLiteral("TWINOPS_JWT_SECRET"), QString::fromLatin1(jwtSecret));
    environment.insert(QStringLiteral("TWINOPS_PASSWORD_COST"), QStringLiteral("minimal"));
    environment.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/data"));
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
    return environment;
}

int healthStatus(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return 0;
    socket.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    QByteArray answer;
    const QDeadlineTimer deadline(10'000);
    while (!deadline.hasExpired() && !answer.contains("\r\n")) {
        if (!socket.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime()))))
            break;
        answer += socket.readAll();
    }
    static const QRegularExpression statusLine(QStringLiteral("^HTTP/1\\.[01] (\\d{3}) "));
    const QRegularExpressionMatch match = statusLine.match(QString::fromLatin1(answer));
    return match.hasMatch() ? match.captured(1).toInt() : 0;
}

TwinopsdRun twinopsd(const QStringList &arguments, const QProcessEnvironment &extra)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("TWINOPS_DATABASE_URL"));
    env.insert(extra);
    process.setProcessEnvironment(env);
    process.start(qEnvironmentVariable("TWINOPSD"), arguments);
    if (!process.waitForFinished(60000))
        return {};
    if (process.exitStatus() != QProcess::NormalExit)
        return {-2, {}, QStringLiteral("crashed")};
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

QString databaseArgument(const TestDatabase &database)
{
    return database.url().dialect() == Dialect::Sqlite ? QStringLiteral("sqlite://") + database.url().sqlitePath()
                                                       : database.url().postgresUri();
}

QString createAdminKey(const TestDatabase &database, const QProcessEnvironment &environment)
{
    QByteArray key;
    if (!runTwinopsd({QStringLiteral("--database"), databaseArgument(database), QStringLiteral("admin"),
                      QStringLiteral("create-key"), QStringLiteral("--name"), QStringLiteral("tests")},
                     environment, &key))
        return {};
    return QString::fromLatin1(key.trimmed());
}

bool runTwinopsd(const QStringList &arguments, const QProcessEnvironment &environment, QByteArray *output)
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(qEnvironmentVariable("TWINOPSD"), arguments);
    if (!process.waitForFinished(60'000)) {
        process.kill();
        process.waitForFinished();
        QTest::qFail(qPrintable(QStringLiteral("twinopsd %1 did not finish").arg(arguments.join(u' '))), __FILE__,
                     __LINE__);
        return false;
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        QTest::qFail(qPrintable(QStringLiteral("twinopsd %1 failed: %2")
                                    .arg(arguments.join(u' '), QString::fromUtf8(process.readAllStandardError()))),
                     __FILE__, __LINE__);
        return false;
    }
    if (output)
        *output = process.readAllStandardOutput();
    return true;
}

} // namespace twinops::test
