#include "alertmonitor.h"

#include "admin/adminclient.h"
#include "alertsmodel.h"

#include <QJsonArray>

#include <algorithm>

namespace twinops {

AlertMonitor::AlertMonitor(QObject *parent)
    : QObject(parent)
{
    m_timer.setInterval(kDefaultInterval);
    connect(&m_timer, &QTimer::timeout, this, &AlertMonitor::poll);
}

void AlertMonitor::setEnvironments(const QList<AdminClient *> &clients)
{
    ++m_generation;
    m_environments.clear();
    for (AdminClient *client : clients) {
        Watched watched;
        watched.client = client;
        watched.shown.name = client->name();
        m_environments.append(watched);
    }
    updateStatus();
    if (m_timer.isActive())
        poll();
}

void AlertMonitor::setInterval(std::chrono::milliseconds interval)
{
    m_timer.setInterval(interval);
}

void AlertMonitor::start()
{
    m_timer.start();
    poll();
}

void AlertMonitor::poll()
{
    for (int i = 0; i < int(m_environments.size()); ++i) {
        Watched &watched = m_environments[i];
        if (watched.asking) // a slow environment is not asked again before it answered
            continue;
        watched.asking = true;
        watched.client->get(QStringLiteral("/api/v1/admin/alerts"), this,
                            [this, i, generation = m_generation](const AdminReply &reply) {
                                if (generation == m_generation)
                                    take(i, reply);
                            });
    }
}

QList<AlertMonitor::Environment> AlertMonitor::environments() const
{
    QList<Environment> shown;
    for (const Watched &watched : m_environments)
        shown.append(watched.shown);
    return shown;
}

int AlertMonitor::worstEnvironment() const
{
    int worst = -1;
    for (int i = 0; i < int(m_environments.size()); ++i) {
        if (worst < 0 || m_environments.at(i).shown.status > m_environments.at(worst).shown.status)
            worst = i;
    }
    return worst;
}

QString AlertMonitor::statusText(Status status)
{
    switch (status) {
    case Status::Unknown: return tr("not read yet");
    case Status::Ok: return tr("ok");
    case Status::Pending: return tr("pending");
    case Status::Unreachable: return tr("unreachable");
    case Status::Warning: return tr("firing");
    case Status::Critical: return tr("firing (critical)");
    }
    return {};
}

QStringList AlertMonitor::summary() const
{
    QStringList lines;
    for (const Watched &watched : m_environments) {
        const Environment &e = watched.shown;
        if (e.status == Status::Unreachable)
            lines << tr("%1: cannot read its alerts (%2)").arg(e.name, e.error);
        else if (e.status == Status::Unknown)
            lines << tr("%1: %2").arg(e.name, statusText(e.status));
        else
            lines << tr("%1: %2 firing, %3 pending").arg(e.name).arg(e.firing).arg(e.pending);
    }
    return lines;
}

void AlertMonitor::take(int environment, const AdminReply &reply)
{
    Watched &watched = m_environments[environment];
    watched.asking = false;
    if (!reply.ok()) {
        // The environment may have alerts firing that cannot be seen: worse than pending, not as bad as a known fire.
        watched.shown.status = Status::Unreachable;
        watched.shown.error
            = reply.status == 0 ? reply.transportError : tr("HTTP %1: %2").arg(reply.status).arg(reply.errorText());
        updateStatus();
        emit environmentPolled(environment);
        return;
    }
    QHash<QString, Alert> firing;
    int pending = 0;
    bool critical = false;
    for (const QJsonValue &value : reply.body.value(QLatin1String("items")).toArray()) {
        const QJsonObject a = value.toObject();
        const QString state = a.value(QLatin1String("state")).toString();
        const bool silenced = a.value(QLatin1String("silenced")).toBool();
        if (state == QLatin1String("pending") && !silenced)
            ++pending;
        if (state != QLatin1String("firing"))
            continue;
        Alert alert{a.value(QLatin1String("fingerprint")).toString(), a.value(QLatin1String("rule_name")).toString(),
                    a.value(QLatin1String("severity")).toString(),
                    AlertsModel::labelsText(a.value(QLatin1String("labels")).toObject()), silenced};
        critical = critical || (!silenced && alert.severity == QLatin1String("critical"));
        firing.insert(alert.fingerprint, alert);
    }
    QList<Alert> fired;
    QList<Alert> resolved;
    if (watched.baseline) {
        for (const Alert &alert : std::as_const(firing)) {
            if (!alert.silenced && !watched.firing.contains(alert.fingerprint))
                fired.append(alert);
        }
        for (const Alert &alert : std::as_const(watched.firing)) {
            if (!alert.silenced && !firing.contains(alert.fingerprint))
                resolved.append(alert);
        }
    }
    const int shownFiring
        = int(std::count_if(firing.cbegin(), firing.cend(), [](const Alert &a) { return !a.silenced; }));
    watched.baseline = true;
    watched.firing = std::move(firing);
    watched.shown.error.clear();
    watched.shown.firing = shownFiring;
    watched.shown.pending = pending;
    watched.shown.status = critical ? Status::Critical
        : shownFiring > 0           ? Status::Warning
        : pending > 0               ? Status::Pending
                                    : Status::Ok;
    updateStatus();
    emit environmentPolled(environment);
    if (!fired.isEmpty())
        emit alertsFired(environment, fired);
    if (!resolved.isEmpty())
        emit alertsResolved(environment, resolved);
}

void AlertMonitor::updateStatus()
{
    Status worst = Status::Unknown;
    for (const Watched &watched : std::as_const(m_environments))
        worst = std::max(worst, watched.shown.status);
    if (worst == m_status)
        return;
    m_status = worst;
    emit statusChanged(worst);
}

} // namespace twinops
