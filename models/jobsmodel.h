#pragma once

#include "jobs/job.h"

#include <QAbstractTableModel>
#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace twinops {

class AdminClient;
class NameDirectory;
struct AdminReply;

// What the Jobs panel filters on: the query parameters of GET /api/v1/admin/jobs (empty = any).
struct JobsFilter
{
    std::optional<JobState> state;
    QString type;
    QString tenantId;
    QString twinId;
    QString text;
    QString errorSignature; // the jobs of one error group

    QString queryString() const; // percent-encoded "key=value&…"
    QJsonObject toJson() const; // the "filter" of a bulk retry/cancel
    bool operator==(const JobsFilter &other) const = default;
};

// One job as the admin API returns it, kept compact: only loaded pages hold these.
struct JobRecord
{
    QString id;
    QString type;
    std::optional<JobState> state; // none: a state this console does not know (a newer server)
    QString tenantId;
    QString twinId;
    QString lastError;
    QByteArray payload; // compact JSON
    int attempt = 0;
    int maxAttempts = 0;
    bool cancelRequested = false;
    QDateTime runAt;
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime startedAt;
    QDateTime finishedAt;

    static JobRecord fromJson(const QJsonObject &object);
    bool operator==(const JobRecord &other) const = default;
};

// Every tenant's jobs, page by page (keyset paging with next_cursor). Rows are appended as the view asks for more
// (fetchMore); only the most recently used pages keep their jobs, older ones keep just their cursor and are fetched
// again when shown, so scrolling through 1,000,000 jobs costs memory for the row count and a few pages, not the jobs.
// One page request is in flight at a time; an answer for a filter that was replaced meanwhile is dropped.
// refresh() keeps what is on screen current without a reset: rows are updated in place (dataChanged), and jobs newer
// than the last row are appended once the list has reached its end (keyset order puts new jobs there).
class JobsModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Type, State, Tenant, Twin, Attempt, RunAt, Updated, Created, LastError, ColumnCount };
    enum Role { RawRole = Qt::UserRole + 1, IdRole };

    explicit JobsModel(AdminClient &client, QObject *parent = nullptr);

    // Shows tenants and twins by name (the id's first 8 characters until the name is known) and asks `names` for the
    // twins of the tenants in the pages that arrive. Not owned; set once, before the first page.
    void setNames(NameDirectory *names);
    NameDirectory *names() const { return m_names; }
    void askNames(); // the twins of the loaded pages' tenants, again after NameDirectory::reload()

    // The order of the list: by creation, oldest first (Qt::AscendingOrder, the default) or newest first. The server
    // sorts (keyset paging over (created_at, id), either way): only the Created column sorts; sorting by another one
    // is ignored. Reloads when the order changes. Newest first, jobs created later are not inserted by refresh()
    // (above the rows shown, which would move them): it announces them (hasNewerJobs) and a reload shows them.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    Qt::SortOrder order() const { return m_newestFirst ? Qt::DescendingOrder : Qt::AscendingOrder; }

    void setPageSize(int size); // 1..200; reloads
    int pageSize() const { return m_pageSize; }
    void setMaxCachedPages(int pages) { m_maxCachedPages = qMax(2, pages); }
    int loadedPageCount() const;

    void setFilter(const JobsFilter &filter); // reloads
    const JobsFilter &filter() const { return m_filter; }
    void reload();
    bool isLoading() const { return m_inFlight; }

    const JobRecord *job(int row) const; // nullptr while the row's page is not loaded
    QString jobId(int row) const;

    // Per-state counts and the number matching the filter: statsReady, with the number returned here, when they
    // arrive (answers come in the order asked, so a caller waiting for a fresh count takes the first one >= it).
    quint64 requestStats();

    // One live tick: re-reads the loaded rows first..last and `current` by id (at most one page of them, and whatever
    // the filter says of them now: a row stays where it is), and updates the ones that changed in place; at the end of
    // the list, asks for the jobs after the last row and appends them; asks for the counts. Does nothing and answers
    // false while the previous tick is unanswered, so a slow environment never queues ticks up. refreshFinished
    // when every answer of the tick has arrived (or been dropped by a reload), with the first failure of the tick
    // (empty if none): a tick reports its errors there, not through errorOccurred.
    bool refresh(int first, int last, int current = -1);
    bool isRefreshing() const { return m_refreshPending > 0; }
    // Newer matching jobs exist but cannot be appended in place (jobs of the last page left or joined the filter,
    // so no cursor continues it exactly): a reload shows them.
    bool hasNewerJobs() const { return m_newerJobs; }
    // Bulk actions; the changed rows are updated in place (by ids) or the list reloads (by filter).
    void retry(const QStringList &ids) { act(QStringLiteral("retry"), ids); }
    void cancel(const QStringList &ids) { act(QStringLiteral("cancel"), ids); }
    void discard(const QStringList &ids) { act(QStringLiteral("discard"), ids); }
    void retryMatching() { actOnFilter(QStringLiteral("retry")); }
    void cancelMatching() { actOnFilter(QStringLiteral("cancel")); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

signals:
    void errorOccurred(const QString &message);
    void pageLoaded();
    void statsReady(const QJsonObject &counts, qint64 matching, quint64 serial);
    void actionFinished(const QString &action, int changed);
    void refreshFinished(const QString &error);
    void newerJobsChanged(bool newer);

private:
    struct PageSlot
    {
        QString cursor; // the cursor that fetches this page (empty for the first)
        int count = 0;
        bool loaded = false;
        mutable quint64 lastUsed = 0;
        QList<JobRecord> jobs;
    };

    void pump();
    void requestPage(int page);
    void pageArrived(quint64 generation, int page, const QString &cursor, const AdminReply &reply);
    void evict();
    quint64 sendStats(bool forRefresh);
    void refreshRowsArrived(quint64 generation, int first, int last, int current, const AdminReply &reply);
    void tailArrived(quint64 generation, int pageCount, const QString &cursor, const AdminReply &reply);
    void failed(bool inRefresh, const QString &message);
    void refreshAnswered();
    // Replaces the loaded rows in first..last whose job is in `fresh` and differs; one dataChanged per run of rows.
    void updateInPlace(const QHash<QString, JobRecord> &fresh, int first, int last);
    void setNewerJobs(bool newer);
    void act(const QString &action, const QStringList &ids);
    void actOnFilter(const QString &action);
    QString listPath(const QString &cursor, int limit = 0) const; // limit 0: a page
    void askNamesOf(const QList<JobRecord> &jobs);
    QString tenantName(const JobRecord &job) const;
    QString twinName(const JobRecord &job) const;

    AdminClient &m_client;
    NameDirectory *m_names = nullptr;
    bool m_newestFirst = false;
    JobsFilter m_filter;
    int m_pageSize = 200;
    int m_maxCachedPages = 40;
    QList<PageSlot> m_pages;
    int m_rowCount = 0;
    QString m_nextCursor;
    bool m_atEnd = false;
    bool m_inFlight = false;
    bool m_moreWanted = false;
    mutable QList<int> m_wantedPages; // evicted pages a view asked for, most recent last
    mutable quint64 m_clock = 0;
    mutable bool m_pumpQueued = false;
    quint64 m_generation = 0;
    quint64 m_statsSerial = 0;
    int m_refreshPending = 0; // answers of the current tick still to come
    QString m_refreshError; // its first failure
    bool m_newerJobs = false;
};

} // namespace twinops
