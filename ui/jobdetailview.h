#pragma once

#include "jobsmodel.h"

#include <QJsonArray>
#include <QTextBrowser>

#include <optional>

namespace twinops {

class NameDirectory;

// One job as support reads it: what it is and where it belongs (tenant, twin, source or conversation, each a link
// that opens its panel, each id in full with a "copy" link), its state and attempts, the attempts as a timeline
// (worker, start, end, duration, error: what the jobs row and its log lines record), the retries ahead, the last
// error and the payload pretty-printed in monospace, and the log lines. Times are local, the zone said once.
class JobDetailView final : public QTextBrowser
{
    Q_OBJECT
public:
    explicit JobDetailView(QWidget *parent = nullptr);

    void setNames(const NameDirectory *names) { m_names = names; }
    // Shows `job`; its log lines are "loading" until setLogs (for the same job) or setLogsError.
    void showJob(const JobRecord &job);
    void setLogs(const QString &jobId, const QJsonArray &lines);
    void setLogsError(const QString &jobId, const QString &error);
    void clearJob();
    QString jobId() const { return m_job ? m_job->id : QString(); }
    // Shows the same job again (names learnt meanwhile), keeping the reader's place.
    void render();

    // One attempt as the log lines and the job row tell it; fields the database does not record stay empty.
    struct Attempt
    {
        int number = 0;
        QString worker; // from the failure line "attempt N by <worker> failed after S s: …" (lease_owner is not served)
        QDateTime started; // the failure line's time less S; the jobs row's started_at for the latest attempt
        QDateTime ended; // the failure line's time, or finished_at for the latest
        QString outcome; // "failed", "running", "completed", …
        QString error;
    };
    static QList<Attempt> attemptsOf(const JobRecord &job, const QJsonArray &lines);

signals:
    // A link followed: kind is "tenant", "twin", "source" or "conversation".
    void openRequested(const QString &kind, const QString &id, const QString &tenantId, const QString &twinId);
    void copied(const QString &text); // a "copy" link put this on the clipboard

private:
    void follow(const QUrl &link);

    const NameDirectory *m_names = nullptr;
    std::optional<JobRecord> m_job;
    std::optional<QJsonArray> m_logs;
    QString m_logsError;
};

} // namespace twinops
