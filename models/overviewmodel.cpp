#include "overviewmodel.h"

#include "admin/adminclient.h"
#include "checks/monitoring.h"
#include "metrics/histogram.h"
#include "metrics/metricfamilies.h"

#include <QJsonObject>
#include <QLocale>
#include <QUrlQuery>

namespace twinops {

namespace {

QString historyPath(const QString &name, const QDateTime &from, const QDateTime &to)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("name"), name);
    query.addQueryItem(QStringLiteral("from"), from.toString(Qt::ISODateWithMs));
    query.addQueryItem(QStringLiteral("to"), to.toString(Qt::ISODateWithMs));
    return QStringLiteral("/api/v1/admin/metrics/history?") + query.toString(QUrl::FullyEncoded);
}

QString seconds(double value)
{
    if (value < 1.0)
        return QStringLiteral("%1 ms").arg(qRound(value * 1000.0));
    if (value < 120.0)
        return QStringLiteral("%1 s").arg(value, 0, 'f', 1);
    if (value < 7200.0)
        return QStringLiteral("%1 min").arg(qRound(value / 60.0));
    return QStringLiteral("%1 h").arg(value / 3600.0, 0, 'f', 1);
}

QString lintSummary(const Result<DatabaseInspection> &inspection)
{
    if (!inspection.ok())
        return inspection.error().message;
    const DatabaseInspection &found = *inspection;
    QString tables = found.tables.ok() ? QObject::tr("%n table(s)", nullptr, int(found.tables->size()))
                                       : QObject::tr("tables unreadable");
    if (!found.lint)
        return QObject::tr("no lint for SQLite · %1").arg(tables);
    if (!found.lint->ok())
        return QObject::tr("lint failed: %1 · %2").arg(found.lint->error().message, tables);
    int errors = 0;
    int warnings = 0;
    for (const LintFinding &finding : **found.lint)
        (finding.level == QLatin1String("error") ? errors : warnings)++;
    if (errors == 0 && warnings == 0)
        return QObject::tr("lint clean · %1").arg(tables);
    return QObject::tr("lint: %1 error(s), %2 warning(s) · %3").arg(errors).arg(warnings).arg(tables);
}

template<typename T> QVariant raw(const std::optional<T> &value)
{
    return value ? QVariant::fromValue(*value) : QVariant();
}

} // namespace

OverviewModel::OverviewModel(QList<AdminClient *> environments, QObject *parent)
    : QAbstractTableModel(parent)
{
    for (AdminClient *client : environments) {
        Environment environment;
        environment.client = client;
        m_rows.append(environment);
    }
    m_timer.setInterval(std::chrono::seconds(15));
    connect(&m_timer, &QTimer::timeout, this, &OverviewModel::refresh);
}

int OverviewModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int OverviewModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant OverviewModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid) || (role != Qt::DisplayRole && role != RawRole))
        return {};
    const Environment &e = m_rows.at(index.row());
    const bool display = role == Qt::DisplayRole;
    const QString unknown = QStringLiteral("—");
    switch (Column(index.column())) {
    case Name: return e.client->name();
    case Version: return display && e.version.isEmpty() ? unknown : e.version;
    case SchemaVersion:
        if (!display)
            return raw(e.schemaVersion);
        return e.schemaVersion ? QString::number(*e.schemaVersion) : unknown;
    case Health: return display && e.health.isEmpty() ? unknown : e.health;
    case LastChecklist:
        if (!display)
            return e.checklist;
        if (!e.checklistEvery)
            return unknown;
        if (e.checklist.isEmpty())
            return *e.checklistEvery == 0 ? tr("not scheduled")
                                          : tr("none yet, every %n min", nullptr, *e.checklistEvery);
        return tr("%1 (%2)").arg(e.checklist, QLocale().toString(e.checklistAt.toLocalTime(), QLocale::ShortFormat));
    case QueueDepth:
        if (!display)
            return raw(e.queueDepth);
        return e.queueDepth ? QString::number(*e.queueDepth) : unknown;
    case OldestWaitingSeconds:
        if (!display)
            return raw(e.oldestWaiting);
        if (!e.oldestWaiting)
            return unknown;
        return *e.oldestWaiting > 0 ? seconds(*e.oldestWaiting) : tr("none waiting");
    case ErrorRatePercent:
        if (!display)
            return raw(e.errorRate);
        if (!e.errorRate)
            return e.version.isEmpty() ? unknown : tr("no requests");
        return QStringLiteral("%1 %").arg(*e.errorRate, 0, 'f', 2);
    case LatencyP95Seconds:
        if (!display)
            return raw(e.p95);
        if (!e.p95)
            return e.version.isEmpty() ? unknown : tr("no requests");
        return seconds(*e.p95);
    case FiringAlerts: return raw(e.firingAlerts);
    case Database:
        if (!e.database)
            return display ? tr("no DSN saved") : QVariant();
        if (!display)
            return e.database->ok();
        return lintSummary(*e.database);
    case Error: return e.error;
    case ColumnCount: break;
    }
    return {};
}

QVariant OverviewModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Name: return tr("Environment");
    case Version: return tr("Version");
    case SchemaVersion: return tr("Schema");
    case Health: return tr("Health");
    case LastChecklist: return tr("Scheduled check");
    case QueueDepth: return tr("Queue");
    case OldestWaitingSeconds: return tr("Oldest waiting");
    case ErrorRatePercent: return tr("Error rate (15 min)");
    case LatencyP95Seconds: return tr("p95 latency (15 min)");
    case FiringAlerts: return tr("Firing alerts");
    case Database: return tr("Database");
    case Error: return tr("Error");
    case ColumnCount: break;
    }
    return {};
}

void OverviewModel::setActive(bool active)
{
    if (active == m_timer.isActive())
        return;
    if (!active) {
        m_timer.stop();
        return;
    }
    m_timer.start();
    refresh();
}

void OverviewModel::setRefreshInterval(std::chrono::milliseconds interval)
{
    m_timer.setInterval(interval);
}

void OverviewModel::refresh()
{
    for (int row = 0; row < int(m_rows.size()); ++row) {
        if (m_rows.at(row).pending == 0) // a slow environment is not asked again before it answered
            refreshRow(row);
    }
}

QString OverviewModel::failureText(const AdminReply &reply)
{
    if (reply.status == 0)
        return tr("unreachable: %1").arg(reply.transportError.isEmpty() ? tr("no answer") : reply.transportError);
    if (reply.status == 401)
        return tr("unauthorised: the admin key was refused (%1)").arg(reply.errorText());
    if (reply.status == 403)
        return tr("forbidden: the key is not a platform-admin key (%1)").arg(reply.errorText());
    return tr("HTTP %1: %2").arg(reply.status).arg(reply.errorText());
}

void OverviewModel::changed(int row, int first, int last)
{
    emit dataChanged(index(row, first), index(row, last), {Qt::DisplayRole, RawRole});
}

void OverviewModel::ask(int row, const QString &path, std::function<void(Environment &, const AdminReply &)> apply)
{
    Environment &asked = m_rows[row];
    const quint64 round = asked.round;
    ++asked.pending;
    asked.client->get(path, this, [this, row, round, apply = std::move(apply)](const AdminReply &reply) {
        Environment &e = m_rows[row];
        if (round != e.round)
            return;
        apply(e, reply);
        if (--e.pending > 0)
            return;
        e.error = e.errors.isEmpty() ? QString() : e.errors.first();
        changed(row, 0, ColumnCount - 1);
        emit refreshed(row);
    });
}

void OverviewModel::refreshRow(int row)
{
    Environment &env = m_rows[row];
    ++env.round;
    env.errors.clear();
    env.requests = {};
    env.latency = {};

    // /health answers 503 with the same body when the instance is not ready: that is a health, not an error.
    ask(row, QStringLiteral("/health"), [this, row](Environment &e, const AdminReply &reply) {
        if (reply.status != 200 && reply.status != 503) {
            e.errors.append(failureText(reply));
            e.health.clear();
            e.version.clear();
            e.schemaVersion.reset();
            e.queueDepth.reset();
            e.oldestWaiting.reset();
        } else {
            const QJsonObject checks = reply.body.value(QLatin1String("checks")).toObject();
            const QJsonObject database = checks.value(QLatin1String("database")).toObject();
            const QJsonObject jobs = checks.value(QLatin1String("jobs")).toObject();
            e.version = reply.body.value(QLatin1String("version")).toString();
            e.health = reply.body.value(QLatin1String("status")).toString();
            const QJsonValue schema = database.value(QLatin1String("schema_version"));
            e.schemaVersion = schema.isDouble() ? std::optional<qint64>(schema.toInteger()) : std::nullopt;
            const QJsonValue available = jobs.value(QLatin1String("available"));
            e.queueDepth = available.isDouble() ? std::optional<qint64>(available.toInteger()) : std::nullopt;
            const QJsonValue oldest = jobs.value(QLatin1String("oldest_available_age_s"));
            e.oldestWaiting = oldest.isDouble() ? std::optional<double>(oldest.toDouble()) : std::nullopt;
        }
        changed(row, Version, OldestWaitingSeconds);
    });
    ask(row, QStringLiteral("/api/v1/admin/checks/schedule"), [this, row](Environment &e, const AdminReply &reply) {
        e.checklist.clear();
        e.checklistAt = {};
        e.checklistEvery.reset();
        if (!reply.ok()) {
            e.errors.append(failureText(reply));
        } else {
            e.checklistEvery = reply.body.value(QLatin1String("interval_minutes")).toInt();
            const QJsonObject last = reply.body.value(QLatin1String("last_run")).toObject();
            e.checklist = last.value(QLatin1String("status")).toString();
            e.checklistAt = QDateTime::fromString(last.value(QLatin1String("started_at")).toString(), Qt::ISODate);
        }
        changed(row, LastChecklist, LastChecklist);
    });

    const QDateTime to = QDateTime::currentDateTimeUtc();
    const QDateTime from = to.addSecs(-std::chrono::seconds(kWindow).count());
    const auto history = [this, row](const QString &name) {
        return [this, row, name](Environment &e, const AdminReply &reply) {
            if (!reply.ok()) {
                e.errors.append(failureText(reply));
                e.errorRate.reset();
                e.p95.reset();
                changed(row, ErrorRatePercent, LatencyP95Seconds);
                return;
            }
            (name == metricfamily::httpRequests() ? e.requests : e.latency)
                = reply.body.value(QLatin1String("points")).toArray();
            double requests = 0;
            double serverErrors = 0;
            for (const QJsonValue &point : std::as_const(e.requests)) {
                const QJsonObject p = point.toObject();
                const double count = p.value(QLatin1String("count")).toDouble();
                requests += count;
                if (p.value(QLatin1String("labels"))
                        .toObject()
                        .value(QLatin1String("status"))
                        .toString()
                        .startsWith(u'5'))
                    serverErrors += count;
            }
            e.errorRate = requests > 0 ? std::optional<double>(100.0 * serverErrors / requests) : std::nullopt;
            Histogram::Snapshot all;
            for (const QJsonValue &point : std::as_const(e.latency)) {
                const QJsonObject p = point.toObject();
                all = mergeHistograms(all,
                                      histogramFromBuckets(p.value(QLatin1String("buckets")).toArray(),
                                                           p.value(QLatin1String("sum")).toDouble()));
            }
            e.p95 = all.count > 0 ? std::optional<double>(Histogram::quantile(all, 0.95)) : std::nullopt;
            changed(row, ErrorRatePercent, LatencyP95Seconds);
        };
    };
    ask(row, historyPath(metricfamily::httpRequests(), from, to), history(metricfamily::httpRequests()));
    ask(row, historyPath(metricfamily::httpRequestDuration(), from, to), history(metricfamily::httpRequestDuration()));
}

void OverviewModel::setFiringAlerts(int row, std::optional<qint64> count)
{
    if (row < 0 || row >= int(m_rows.size()) || m_rows.at(row).firingAlerts == count)
        return;
    m_rows[row].firingAlerts = count;
    changed(row, FiringAlerts, FiringAlerts);
}

void OverviewModel::setDatabase(int row, std::optional<Result<DatabaseInspection>> inspection)
{
    m_rows[row].database = std::move(inspection);
    changed(row, SchemaVersion, SchemaVersion);
    changed(row, Database, Database);
}

} // namespace twinops
