#include "jobsmodel.h"

#include "admin/adminclient.h"
#include "jobactions.h"
#include "namedirectory.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

#include <algorithm>
#include <utility>

namespace twinops {

namespace {

const QString kJobsPath = QStringLiteral("/api/v1/admin/jobs");
constexpr int kMaxRefreshIds = 200; // what one ids= request may name (the API's page)

QDateTime timeFrom(const QJsonValue &value)
{
    return value.isString() ? QDateTime::fromString(value.toString(), Qt::ISODateWithMs) : QDateTime();
}

QString shownTime(const QDateTime &time)
{
    return time.isValid() ? time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QString();
}

// A name when known, else the id's first 8 characters (enough to tell ids apart on screen).
QString shownName(const QString &name, const QString &id)
{
    return name.isEmpty() ? id.left(8) : name;
}

} // namespace

QString JobsFilter::queryString() const
{
    QStringList parts;
    const QJsonObject fields = toJson();
    for (auto it = fields.constBegin(); it != fields.constEnd(); ++it)
        parts << it.key() + QLatin1Char('=') + QString::fromLatin1(QUrl::toPercentEncoding(it.value().toString()));
    return parts.join(QLatin1Char('&'));
}

QJsonObject JobsFilter::toJson() const
{
    QJsonObject object;
    const auto add = [&](const char *key, const QString &value) {
        if (!value.trimmed().isEmpty())
            object.insert(QLatin1String(key), value.trimmed());
    };
    if (state)
        add("state", jobStateName(*state));
    add("type", type);
    add("tenant_id", tenantId);
    add("twin_id", twinId);
    add("error_signature", errorSignature);
    add("q", text);
    return object;
}

JobRecord JobRecord::fromJson(const QJsonObject &object)
{
    JobRecord job;
    job.id = object.value(QLatin1String("id")).toString();
    job.type = object.value(QLatin1String("type")).toString();
    job.state = jobStateFromString(object.value(QLatin1String("state")).toString());
    job.tenantId = object.value(QLatin1String("tenant_id")).toString();
    job.twinId = object.value(QLatin1String("twin_id")).toString();
    job.lastError = object.value(QLatin1String("last_error")).toString();
    job.payload = QJsonDocument(object.value(QLatin1String("payload")).toObject()).toJson(QJsonDocument::Compact);
    job.attempt = object.value(QLatin1String("attempt")).toInt();
    job.maxAttempts = object.value(QLatin1String("max_attempts")).toInt();
    job.cancelRequested = object.value(QLatin1String("cancel_requested")).toBool();
    job.runAt = timeFrom(object.value(QLatin1String("run_at")));
    job.createdAt = timeFrom(object.value(QLatin1String("created_at")));
    job.updatedAt = timeFrom(object.value(QLatin1String("updated_at")));
    job.startedAt = timeFrom(object.value(QLatin1String("started_at")));
    job.finishedAt = timeFrom(object.value(QLatin1String("finished_at")));
    return job;
}

JobsModel::JobsModel(AdminClient &client, QObject *parent)
    : QAbstractTableModel(parent)
    , m_client(client)
{ }

void JobsModel::setNames(NameDirectory *names)
{
    m_names = names;
    // One signal for every row: the view repaints what it shows, nothing else is read.
    connect(names, &NameDirectory::namesChanged, this, [this] {
        if (m_rowCount > 0)
            emit dataChanged(index(0, Tenant), index(m_rowCount - 1, Twin), {Qt::DisplayRole, Qt::ToolTipRole});
    });
    askNames();
}

void JobsModel::askNames()
{
    for (const PageSlot &page : std::as_const(m_pages))
        askNamesOf(page.jobs);
}

void JobsModel::askNamesOf(const QList<JobRecord> &jobs)
{
    if (!m_names)
        return;
    QString last; // pages are mostly runs of one tenant's jobs
    for (const JobRecord &job : jobs)
        if (!job.twinId.isEmpty() && job.tenantId != last) {
            last = job.tenantId;
            m_names->wantTwinsOf(job.tenantId);
        }
}

QString JobsModel::tenantName(const JobRecord &job) const
{
    return m_names ? m_names->tenantName(job.tenantId) : QString();
}

QString JobsModel::twinName(const JobRecord &job) const
{
    return m_names ? m_names->twinName(job.twinId) : QString();
}

void JobsModel::sort(int column, Qt::SortOrder order)
{
    if (column != Created || (order == Qt::DescendingOrder) == m_newestFirst)
        return;
    m_newestFirst = order == Qt::DescendingOrder;
    reload();
}

void JobsModel::setPageSize(int size)
{
    m_pageSize = qBound(1, size, 200); // the API's maximum page
    reload();
}

int JobsModel::loadedPageCount() const
{
    return int(std::count_if(m_pages.cbegin(), m_pages.cend(), [](const PageSlot &page) { return page.loaded; }));
}

void JobsModel::setFilter(const JobsFilter &filter)
{
    m_filter = filter;
    reload();
}

void JobsModel::reload()
{
    ++m_generation; // whatever is in flight now answers for the old list
    beginResetModel();
    m_pages.clear();
    m_rowCount = 0;
    m_nextCursor.clear();
    m_atEnd = false;
    m_inFlight = false;
    m_moreWanted = true; // the first page
    m_wantedPages.clear();
    endResetModel();
    setNewerJobs(false);
    pump();
}

const JobRecord *JobsModel::job(int row) const
{
    if (row < 0 || row >= m_rowCount)
        return nullptr;
    const PageSlot &page = m_pages.at(row / m_pageSize);
    const int offset = row % m_pageSize;
    if (!page.loaded || offset >= page.jobs.size())
        return nullptr;
    return &page.jobs.at(offset);
}

QString JobsModel::jobId(int row) const
{
    const JobRecord *record = job(row);
    return record ? record->id : QString();
}

QString JobsModel::listPath(const QString &cursor, int limit) const
{
    QString query = m_filter.queryString();
    if (!query.isEmpty())
        query += QLatin1Char('&');
    query += QStringLiteral("limit=") + QString::number(limit > 0 ? limit : m_pageSize);
    if (!cursor.isEmpty())
        query += QStringLiteral("&cursor=") + QString::fromLatin1(QUrl::toPercentEncoding(cursor));
    if (m_newestFirst)
        query += QStringLiteral("&order=newest");
    return kJobsPath + QLatin1Char('?') + query;
}

void JobsModel::pump()
{
    m_pumpQueued = false;
    if (m_inFlight)
        return;
    // What the user looks at first: evicted pages scrolled back into view, then the next page.
    while (!m_wantedPages.isEmpty()) {
        const int page = m_wantedPages.takeLast();
        if (page < m_pages.size() && !m_pages.at(page).loaded) {
            requestPage(page);
            return;
        }
    }
    if (m_moreWanted && !m_atEnd) {
        m_moreWanted = false;
        requestPage(int(m_pages.size()));
    }
}

void JobsModel::requestPage(int page)
{
    const QString cursor = page < m_pages.size() ? m_pages.at(page).cursor : m_nextCursor;
    m_inFlight = true;
    const quint64 generation = m_generation;
    m_client.get(listPath(cursor), this, [this, generation, page, cursor](const AdminReply &reply) {
        pageArrived(generation, page, cursor, reply);
    });
}

void JobsModel::pageArrived(quint64 generation, int page, const QString &cursor, const AdminReply &reply)
{
    if (generation != m_generation)
        return; // the list was reloaded meanwhile; its own request is or will be in flight
    if (!reply.ok()) {
        m_inFlight = false;
        emit errorOccurred(tr("Could not load jobs: %1").arg(reply.errorText()));
        return; // the next fetchMore or scroll tries again
    }
    // Still "in flight" until the pages are updated: a view or tester may call fetchMore from inside
    // beginInsertRows, and a request made then would take the new cursor for the old page count.
    const QJsonArray items = reply.body.value(QLatin1String("items")).toArray();
    QList<JobRecord> jobs;
    jobs.reserve(items.size());
    for (const QJsonValue &item : items)
        jobs.append(JobRecord::fromJson(item.toObject()));
    askNamesOf(jobs);

    if (page < m_pages.size()) {
        // An evicted page again. The list may have changed under the filter; the row count stays as it was.
        PageSlot &slot = m_pages[page];
        if (jobs.size() > slot.count)
            jobs.resize(slot.count);
        slot.jobs = std::move(jobs);
        slot.loaded = true;
        slot.lastUsed = ++m_clock;
        const int first = page * m_pageSize;
        emit dataChanged(index(first, 0), index(first + slot.count - 1, ColumnCount - 1));
    } else {
        const QJsonValue next = reply.body.value(QLatin1String("next_cursor"));
        m_nextCursor = next.toString();
        m_atEnd = next.isNull() || m_nextCursor.isEmpty();
        if (!jobs.isEmpty()) {
            PageSlot slot;
            slot.cursor = cursor;
            slot.count = int(jobs.size());
            slot.loaded = true;
            slot.lastUsed = ++m_clock;
            slot.jobs = std::move(jobs);
            beginInsertRows({}, m_rowCount, m_rowCount + slot.count - 1);
            m_pages.append(std::move(slot));
            m_rowCount += m_pages.last().count;
            endInsertRows();
        }
        // Keyset pages are full except the last; a short page that still has a next one would break row → page.
        if (!m_atEnd && m_pages.last().count != m_pageSize)
            m_atEnd = true;
    }
    m_inFlight = false;
    evict();
    emit pageLoaded();
    pump();
}

void JobsModel::evict()
{
    const int loaded = loadedPageCount();
    if (loaded <= m_maxCachedPages)
        return;
    QList<std::pair<quint64, int>> byAge;
    for (int i = 0; i < m_pages.size(); ++i)
        if (m_pages.at(i).loaded)
            byAge.append({m_pages.at(i).lastUsed, i});
    std::sort(byAge.begin(), byAge.end());
    for (int i = 0; i < loaded - m_maxCachedPages; ++i) {
        PageSlot &slot = m_pages[byAge.at(i).second];
        slot.loaded = false;
        slot.jobs = QList<JobRecord>();
    }
}

quint64 JobsModel::requestStats()
{
    return sendStats(false);
}

quint64 JobsModel::sendStats(bool forRefresh)
{
    const quint64 generation = m_generation;
    const quint64 serial = ++m_statsSerial;
    if (forRefresh)
        ++m_refreshPending;
    m_client.get(kJobsPath + QStringLiteral("/stats?") + m_filter.queryString(), this,
                 [this, generation, serial, forRefresh](const AdminReply &reply) {
                     if (generation != m_generation) {
                         // the list was reloaded meanwhile, and its counts asked for again
                     } else if (!reply.ok()) {
                         failed(forRefresh, tr("Could not count jobs: %1").arg(reply.errorText()));
                     } else {
                         emit statsReady(reply.body.value(QLatin1String("counts")).toObject(),
                                         qint64(reply.body.value(QLatin1String("matching")).toDouble()), serial);
                     }
                     if (forRefresh)
                         refreshAnswered();
                 });
    return serial;
}

bool JobsModel::refresh(int first, int last, int current)
{
    if (m_refreshPending > 0)
        return false;
    // At the end of the list the last page is asked again as a whole: that refreshes its rows and brings the jobs
    // created after them. Not while it is evicted (nobody looks at it then).
    const int lastPage = int(m_pages.size()) - 1;
    const bool tail = !m_newestFirst && m_atEnd && lastPage >= 0 && m_pages.at(lastPage).loaded;

    // By id, including rows of the last page: the page itself no longer brings the ones that left the filter.
    QStringList ids;
    const auto want = [&](int row) {
        if (row < 0 || row >= m_rowCount || ids.size() >= kMaxRefreshIds)
            return;
        if (const JobRecord *record = job(row); record && !ids.contains(record->id))
            ids << record->id;
    };
    want(current); // never cut off by the limit
    first = qMax(0, first);
    last = qMin(last, qMin(m_rowCount, first + kMaxRefreshIds) - 1);
    for (int row = first; row <= last; ++row)
        want(row);

    const quint64 generation = m_generation;
    if (!ids.isEmpty()) {
        ++m_refreshPending;
        m_client.get(kJobsPath + QStringLiteral("?limit=%1&ids=").arg(kMaxRefreshIds) + ids.join(QLatin1Char(',')),
                     this, [this, generation, first, last, current](const AdminReply &reply) {
                         refreshRowsArrived(generation, first, last, current, reply);
                     });
    }
    if (tail) {
        ++m_refreshPending;
        const QString cursor = m_pages.at(lastPage).cursor;
        m_client.get(listPath(cursor), this,
                     [this, generation, pageCount = lastPage + 1, cursor](const AdminReply &reply) {
                         tailArrived(generation, pageCount, cursor, reply);
                     });
    }
    if (m_newestFirst && m_rowCount > 0 && !m_newerJobs && m_pages.first().loaded) {
        // Newest first, new jobs belong above the first row: is the newest matching job still the one shown first?
        ++m_refreshPending;
        m_client.get(listPath({}, 1), this,
                     [this, generation, shownFirst = m_pages.first().jobs.first().id](const AdminReply &reply) {
                         const QJsonArray items = reply.body.value(QLatin1String("items")).toArray();
                         if (generation == m_generation && reply.ok() && !items.isEmpty()
                             && items.first().toObject().value(QLatin1String("id")).toString() != shownFirst)
                             setNewerJobs(true);
                         else if (generation == m_generation && !reply.ok())
                             failed(true, tr("Could not refresh the jobs shown: %1").arg(reply.errorText()));
                         refreshAnswered();
                     });
    }
    sendStats(true);
    return true;
}

void JobsModel::refreshRowsArrived(quint64 generation, int first, int last, int current, const AdminReply &reply)
{
    if (generation == m_generation) {
        if (!reply.ok()) {
            failed(true, tr("Could not refresh the jobs shown: %1").arg(reply.errorText()));
        } else {
            QHash<QString, JobRecord> fresh;
            const QJsonArray items = reply.body.value(QLatin1String("items")).toArray();
            for (const QJsonValue &item : items) {
                JobRecord record = JobRecord::fromJson(item.toObject());
                fresh.insert(record.id,
                             record); // Qt 6.4's insert copies anyway: its strings are shared, not deep-copied
            }
            updateInPlace(fresh, first, last);
            if (current >= 0 && (current < first || current > last))
                updateInPlace(fresh, current, current);
        }
    }
    refreshAnswered();
}

void JobsModel::tailArrived(quint64 generation, int pageCount, const QString &cursor, const AdminReply &reply)
{
    // Only onto the list this was asked for: same filter, still at its end, the last page loaded and complete.
    const bool current = generation == m_generation && m_atEnd && m_pages.size() == pageCount
        && m_pages.last().cursor == cursor && m_pages.last().loaded
        && m_pages.last().jobs.size() == m_pages.last().count;
    if (current && !reply.ok())
        failed(true, tr("Could not refresh the jobs shown: %1").arg(reply.errorText()));
    if (!current || !reply.ok()) {
        refreshAnswered();
        return;
    }
    const QJsonArray items = reply.body.value(QLatin1String("items")).toArray();
    QList<JobRecord> jobs;
    jobs.reserve(items.size());
    QHash<QString, JobRecord> fresh;
    for (const QJsonValue &item : items) {
        jobs.append(JobRecord::fromJson(item.toObject()));
        fresh.insert(jobs.last().id, jobs.last());
    }
    const int page = pageCount - 1;
    updateInPlace(fresh, page * m_pageSize, m_rowCount - 1);

    // Keyset order (created_at, id): whatever sorts after the last row is newer than every row shown, so appending it
    // keeps the order. The answer is sorted the same way, so the newer jobs are its tail.
    PageSlot &slot = m_pages[page];
    const JobRecord lastRow = slot.jobs.last();
    const auto newer = std::find_if(jobs.cbegin(), jobs.cend(), [&](const JobRecord &job) {
        return lastRow.createdAt < job.createdAt || (lastRow.createdAt == job.createdAt && lastRow.id < job.id);
    });
    const int newCount = int(jobs.cend() - newer);
    const int take = qMin(newCount, m_pageSize - slot.count); // pages stay full except the last
    if (take > 0) {
        beginInsertRows({}, m_rowCount, m_rowCount + take - 1);
        slot.jobs.append(QList<JobRecord>(newer, newer + take));
        slot.count += take;
        m_rowCount += take;
        endInsertRows();
    }
    slot.lastUsed = ++m_clock;
    const QString next = reply.body.value(QLatin1String("next_cursor")).toString();
    // When the page now ends where this answer ends, the answer's next cursor continues it exactly.
    const bool endsTogether = take == newCount && !jobs.isEmpty() && jobs.last().id == slot.jobs.last().id;
    if (!next.isEmpty() && endsTogether && slot.count == m_pageSize) {
        m_nextCursor = next;
        m_atEnd = false;
        m_moreWanted = true; // the end was in view: follow it
        setNewerJobs(false);
        pump();
    } else {
        setNewerJobs(take < newCount || (!next.isEmpty() && endsTogether));
    }
    refreshAnswered();
}

void JobsModel::failed(bool inRefresh, const QString &message)
{
    if (!inRefresh)
        emit errorOccurred(message);
    else if (m_refreshError.isEmpty())
        m_refreshError = message;
}

void JobsModel::refreshAnswered()
{
    if (m_refreshPending == 0 || --m_refreshPending > 0)
        return;
    emit refreshFinished(std::exchange(m_refreshError, QString()));
}

void JobsModel::updateInPlace(const QHash<QString, JobRecord> &fresh, int first, int last)
{
    first = qMax(0, first);
    last = qMin(last, m_rowCount - 1);
    int runStart = -1;
    const auto endRun = [&](int row) {
        if (runStart >= 0)
            emit dataChanged(index(runStart, 0), index(row - 1, ColumnCount - 1));
        runStart = -1;
    };
    for (int row = first; row <= last; ++row) {
        PageSlot &page = m_pages[row / m_pageSize];
        if (!page.loaded) { // nothing of it to update: go to the next page
            endRun(row);
            row = (row / m_pageSize + 1) * m_pageSize - 1;
            continue;
        }
        const int offset = row % m_pageSize;
        const auto found = offset < page.jobs.size() ? fresh.constFind(page.jobs.at(offset).id) : fresh.cend();
        if (found == fresh.cend() || *found == page.jobs.at(offset)) {
            endRun(row);
            continue;
        }
        page.jobs[offset] = *found;
        if (runStart < 0)
            runStart = row;
    }
    endRun(last + 1);
}

void JobsModel::setNewerJobs(bool newer)
{
    if (newer == m_newerJobs)
        return;
    m_newerJobs = newer;
    emit newerJobsChanged(newer);
}

void JobsModel::act(const QString &action, const QStringList &ids)
{
    if (ids.isEmpty())
        return;
    const QJsonObject body{{QStringLiteral("job_ids"), QJsonArray::fromStringList(ids)}};
    m_client.call("POST", kJobsPath + QLatin1Char('/') + action, body, this, [this, action](const AdminReply &reply) {
        if (!reply.ok()) {
            emit errorOccurred(tr("Could not %1 the jobs: %2").arg(action, reply.errorText()));
            return;
        }
        // In place: the rows stay where they are (even if they no longer match the filter) until the next reload.
        QHash<QString, JobRecord> fresh;
        const QJsonArray changed = reply.body.value(QLatin1String("jobs")).toArray();
        for (const QJsonValue &value : changed) {
            JobRecord updated = JobRecord::fromJson(value.toObject());
            fresh.insert(updated.id, updated);
        }
        updateInPlace(fresh, 0, m_rowCount - 1);
        emit actionFinished(action, reply.body.value(QLatin1String("changed")).toInt());
    });
}

void JobsModel::actOnFilter(const QString &action)
{
    const QJsonObject body{{QStringLiteral("filter"), m_filter.toJson()}};
    m_client.call("POST", kJobsPath + QLatin1Char('/') + action, body, this, [this, action](const AdminReply &reply) {
        if (!reply.ok()) {
            emit errorOccurred(tr("Could not %1 the matching jobs: %2").arg(action, reply.errorText()));
            return;
        }
        reload(); // membership under the filter changed everywhere, not just in loaded pages
        emit actionFinished(action, reply.body.value(QLatin1String("changed")).toInt());
    });
}

int JobsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rowCount;
}

int JobsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant JobsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int pageIndex = index.row() / m_pageSize;
    const PageSlot &page = m_pages.at(pageIndex);
    page.lastUsed = ++m_clock;
    if (!page.loaded) {
        // Scrolled back to an evicted page: fetch it again, after whatever is in flight.
        if (!m_wantedPages.contains(pageIndex)) {
            m_wantedPages.append(pageIndex);
            if (!m_pumpQueued) {
                m_pumpQueued = true;
                QMetaObject::invokeMethod(const_cast<JobsModel *>(this), &JobsModel::pump, Qt::QueuedConnection);
            }
        }
        return (role == Qt::DisplayRole && index.column() == Type) ? QVariant(tr("Loading…")) : QVariant();
    }
    const int offset = index.row() % m_pageSize;
    if (offset >= page.jobs.size())
        return {};
    const JobRecord &job = page.jobs.at(offset);
    if (role == IdRole)
        return job.id;
    if (role == RawRole) {
        switch (Column(index.column())) {
        case Type: return job.type;
        case State: return job.state ? jobStateName(*job.state) : QString();
        case Tenant: return job.tenantId;
        case Twin: return job.twinId;
        case Attempt: return job.attempt;
        case RunAt: return job.runAt;
        case Updated: return job.updatedAt;
        case Created: return job.createdAt;
        case LastError: return job.lastError;
        case ColumnCount: break;
        }
        return {};
    }
    if (role == Qt::DecorationRole && index.column() == State && job.state)
        return jobStateColor(*job.state); // beside the state's name, never instead of it
    if (role == Qt::ToolTipRole) {
        // The full id behind the name (the panel's context menu copies it).
        if (index.column() == Tenant)
            return job.tenantId;
        if (index.column() == Twin)
            return job.twinId;
        if (index.column() == LastError)
            return job.lastError;
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(index.column())) {
    case Type: return job.type;
    case State:
        if (!job.state)
            return tr("unknown");
        return job.cancelRequested && job.state == JobState::Running ? tr("running (cancel requested)")
                                                                     : jobStateName(*job.state);
    case Tenant: return job.tenantId.isEmpty() ? tr("platform") : shownName(tenantName(job), job.tenantId);
    case Twin: return job.twinId.isEmpty() ? QString() : shownName(twinName(job), job.twinId);
    case Attempt: return QStringLiteral("%1/%2").arg(job.attempt).arg(job.maxAttempts);
    case RunAt: return shownTime(job.runAt);
    case Updated: return shownTime(job.updatedAt);
    case Created: return shownTime(job.createdAt);
    case LastError: return job.lastError.section(QLatin1Char('\n'), 0, 0).left(200);
    case ColumnCount: break;
    }
    return {};
}

QVariant JobsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Type: return tr("Type");
    case State: return tr("State");
    case Tenant: return tr("Tenant");
    case Twin: return tr("Twin");
    case Attempt: return tr("Attempt");
    case RunAt: return tr("Next run");
    case Updated: return tr("Updated");
    case Created: return tr("Created");
    case LastError: return tr("Last error");
    case ColumnCount: break;
    }
    return {};
}

bool JobsModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_atEnd;
}

void JobsModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || m_atEnd)
        return;
    m_moreWanted = true; // served when the request in flight (if any) has answered
    pump();
}

} // namespace twinops
