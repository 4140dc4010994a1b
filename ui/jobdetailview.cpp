#include "jobdetailview.h"

#include "jobactions.h"
#include "jobs/jobhandler.h"
#include "namedirectory.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QJsonDocument>
#include <QLocale>
#include <QRegularExpression>
#include <QScrollBar>
#include <QTimeZone>

namespace twinops {

namespace {

QString html(const QString &text)
{
    return text.toHtmlEscaped();
}

QString localTime(const QDateTime &time)
{
    return time.isValid() ? time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QStringLiteral("—");
}

// "UTC+01:00 (CET)": said once above the times, which are all local.
QString localZone()
{
    const QDateTime now = QDateTime::currentDateTime();
    const int offset = now.offsetFromUtc();
    QString zone = QStringLiteral("UTC%1%2:%3")
                       .arg(offset < 0 ? QLatin1Char('-') : QLatin1Char('+'))
                       .arg(qAbs(offset) / 3600, 2, 10, QLatin1Char('0'))
                       .arg(qAbs(offset) % 3600 / 60, 2, 10, QLatin1Char('0'));
    if (const QString abbreviation = now.timeZoneAbbreviation();
        !abbreviation.isEmpty() && !abbreviation.contains(u'+') && !abbreviation.startsWith(QLatin1String("UTC")))
        zone += QStringLiteral(" (%1)").arg(abbreviation);
    return zone;
}

QString duration(qint64 ms)
{
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    if (ms < 60'000)
        return QStringLiteral("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
    if (ms < 3'600'000)
        return QStringLiteral("%1 min %2 s").arg(ms / 60'000).arg(ms % 60'000 / 1000);
    return QStringLiteral("%1 h %2 min").arg(ms / 3'600'000).arg(ms % 3'600'000 / 60'000);
}

// JSON indented; anything else as it is.
QString pretty(const QString &text)
{
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8());
    return document.isNull() ? text : QString::fromUtf8(document.toJson(QJsonDocument::Indented)).trimmed();
}

QString copyLink(const QString &id)
{
    return QStringLiteral(" <a href=\"copy:%1\">copy</a>").arg(html(id));
}

// A name linked to its panel, then the full id and a copy link.
QString linked(const QString &kind, const QString &id, const QString &name)
{
    const QString shown = name.isEmpty() ? id : name;
    return QStringLiteral("<a href=\"open:%1:%2\">%3</a>").arg(kind, html(id), html(shown))
        + (name.isEmpty() ? QString() : QStringLiteral(" <code>%1</code>").arg(html(id))) + copyLink(id);
}

// "Label: value" lines: what a reader (and a copy of the text) sees is "State: running".
QString row(const QString &label, const QString &value)
{
    return QStringLiteral("<b>%1:</b> %2<br>").arg(html(label), value);
}

} // namespace

JobDetailView::JobDetailView(QWidget *parent)
    : QTextBrowser(parent)
{
    setOpenLinks(false);
    setPlaceholderText(tr("Select a job to see its payload, attempts and log lines."));
    connect(this, &QTextBrowser::anchorClicked, this, &JobDetailView::follow);
}

void JobDetailView::showJob(const JobRecord &job)
{
    if (!m_job || m_job->id != job.id) {
        m_logs.reset();
        m_logsError.clear();
    }
    m_job = job;
    render();
}

void JobDetailView::setLogs(const QString &jobId, const QJsonArray &lines)
{
    if (jobId != this->jobId())
        return; // the selection moved on
    m_logs = lines;
    m_logsError.clear();
    render();
}

void JobDetailView::setLogsError(const QString &jobId, const QString &error)
{
    if (jobId != this->jobId())
        return;
    m_logsError = error;
    render();
}

void JobDetailView::clearJob()
{
    m_job.reset();
    m_logs.reset();
    m_logsError.clear();
    clear();
}

QList<JobDetailView::Attempt> JobDetailView::attemptsOf(const JobRecord &job, const QJsonArray &lines)
{
    // The worker writes one error line per failed attempt (JobCompleter::fail), the rescuer one per expired lease
    // in the same shape (JobQueue::rescueExpired); nothing is written when an attempt starts or succeeds. A failure
    // line says how long the attempt ran ("failed after 1.250 s", since #16; older lines do not), which gives its
    // start; the latest attempt's is the row's started_at.
    static const QRegularExpression failure(
        QStringLiteral("^attempt \\d+ by (.+?) failed(?: after ([0-9.]+) s)?: (.*)$"),
        QRegularExpression::DotMatchesEverythingOption);
    static const QRegularExpression then(QStringLiteral("^(.*); (retrying in [0-9.]+ s|not retried)$"),
                                         QRegularExpression::DotMatchesEverythingOption);
    QList<Attempt> attempts;
    for (const QJsonValue &value : lines) {
        const QJsonObject line = value.toObject();
        if (line.value(QLatin1String("level")).toString() != QLatin1String("error"))
            continue;
        Attempt attempt;
        attempt.number = line.value(QLatin1String("attempt")).toInt();
        attempt.ended = QDateTime::fromString(line.value(QLatin1String("created_at")).toString(), Qt::ISODateWithMs);
        attempt.outcome = tr("failed");
        const QString message = line.value(QLatin1String("message")).toString();
        if (const QRegularExpressionMatch match = failure.match(message); match.hasMatch()) {
            attempt.worker = match.captured(1);
            if (const QString ran = match.captured(2); !ran.isEmpty() && attempt.ended.isValid())
                attempt.started = attempt.ended.addMSecs(-qRound64(ran.toDouble() * 1000));
            attempt.error = match.captured(3);
            // What happened next ends the line: "; retrying in 15.0 s" or "; not retried".
            if (const QRegularExpressionMatch next = then.match(attempt.error); next.hasMatch()) {
                attempt.error = next.captured(1);
                attempt.outcome = tr("failed, %1").arg(next.captured(2));
            }
        } else {
            attempt.error = message;
        }
        attempts << attempt;
    }
    if (job.attempt <= 0 || !job.state)
        return attempts;
    const bool latestFailed = !attempts.isEmpty() && attempts.last().number == job.attempt
        && job.state != JobState::Running && job.state != JobState::Completed;
    if (!latestFailed) {
        Attempt latest;
        latest.number = job.attempt;
        latest.outcome = job.state == JobState::Running ? QStringLiteral("running") : jobStateName(*job.state);
        if (job.state != JobState::Running)
            latest.ended = job.finishedAt;
        attempts << latest;
    }
    attempts.last().started = job.startedAt;
    return attempts;
}

void JobDetailView::render()
{
    if (!m_job) {
        clear();
        return;
    }
    const JobRecord &job = *m_job;
    const QString tenantName = m_names ? m_names->tenantName(job.tenantId) : QString();
    const QString twinName = m_names ? m_names->twinName(job.twinId) : QString();
    const QJsonObject payload = QJsonDocument::fromJson(job.payload).object();
    const QString state = job.state ? jobStateName(*job.state) : tr("unknown");
    const QString swatch = job.state
        ? QStringLiteral(" <span style=\"color:%1\">&#9679;</span>").arg(jobStateColor(*job.state).name())
        : QString();

    QString text = QStringLiteral("<h3>%1</h3><p>").arg(html(job.type));
    text += row(tr("Job"), QStringLiteral("<code>%1</code>").arg(html(job.id)) + copyLink(job.id));
    text += row(tr("State"), html(state) + (job.cancelRequested ? html(tr(", cancel requested")) : QString()) + swatch);
    text += row(tr("Tenant"),
                job.tenantId.isEmpty() ? html(tr("platform (no tenant)"))
                                       : linked(QStringLiteral("tenant"), job.tenantId, tenantName));
    if (!job.twinId.isEmpty())
        text += row(tr("Twin"), linked(QStringLiteral("twin"), job.twinId, twinName));
    // The objects a job works on are named in its payload (source_index: source_id; graph_extraction:
    // conversation_id).
    if (const QString source = payload.value(QLatin1String("source_id")).toString(); !source.isEmpty())
        text += row(tr("Source"), linked(QStringLiteral("source"), source, {}));
    if (const QString conversation = payload.value(QLatin1String("conversation_id")).toString();
        !conversation.isEmpty())
        text += row(tr("Conversation"), linked(QStringLiteral("conversation"), conversation, {}));

    const bool waiting
        = job.state == JobState::Available || job.state == JobState::Retryable || job.state == JobState::Scheduled;
    const bool running = job.state == JobState::Running;
    // A finished job has no attempts left, whatever its maximum was (a retry starts it afresh).
    text += row(tr("Attempts"),
                html(waiting || running ? tr("%1 of %2 (%3 left)")
                                              .arg(job.attempt)
                                              .arg(job.maxAttempts)
                                              .arg(qMax(0, job.maxAttempts - job.attempt))
                                        : tr("%1 of %2").arg(job.attempt).arg(job.maxAttempts)));
    text += row(tr("Next run"), html(waiting ? localTime(job.runAt) : tr("none (%1)").arg(state)));
    text += row(tr("Created"), html(localTime(job.createdAt)));
    text += row(tr("Started"), html(localTime(job.startedAt)));
    text += row(tr("Finished"), html(localTime(job.finishedAt)));
    text += row(tr("Updated"), html(localTime(job.updatedAt)));
    text += QStringLiteral("</p><p><i>%1</i></p>").arg(html(tr("Times are local: %1.").arg(localZone())));

    // The retries ahead, with the default backoff every built-in job type uses (services/jobs/jobhandler.h).
    const QList<RetryPolicy::Window> ahead = waiting
        ? RetryPolicy().schedule(job.attempt + 1, job.runAt, job.maxAttempts)
        : running ? RetryPolicy().schedule(job.attempt, QDateTime::currentDateTimeUtc(), job.maxAttempts)
                  : QList<RetryPolicy::Window>();
    if (!ahead.isEmpty()) {
        text += QStringLiteral("<p><b>%1</b></p><ul>")
                    .arg(html(running ? tr("Retries ahead if this attempt fails now and every later one fails:")
                                      : tr("Retries ahead if every attempt fails:")));
        for (const RetryPolicy::Window &window : ahead)
            text += QStringLiteral("<li>%1</li>")
                        .arg(html(tr("attempt %1: %2 … %3")
                                      .arg(window.attempt)
                                      .arg(localTime(window.earliest), localTime(window.latest))));
        text += QStringLiteral("</ul>");
    }

    text += QStringLiteral("<p><b>%1</b></p>").arg(html(tr("Attempt timeline")));
    if (!m_logs) {
        text += QStringLiteral("<p>%1</p>").arg(html(m_logsError.isEmpty() ? tr("loading…") : m_logsError));
    } else {
        const QList<Attempt> attempts = attemptsOf(job, *m_logs);
        if (attempts.isEmpty()) {
            text += QStringLiteral("<p>%1</p>").arg(html(tr("none yet")));
        } else {
            text += QStringLiteral("<table border=\"1\" cellspacing=\"0\" cellpadding=\"3\"><tr><th>%1</th><th>%2</th>"
                                   "<th>%3</th><th>%4</th><th>%5</th><th>%6</th></tr>")
                        .arg(html(tr("#")), html(tr("Worker")), html(tr("Started")), html(tr("Ended")),
                             html(tr("Duration")), html(tr("Outcome")));
            for (const Attempt &attempt : attempts) {
                const QDateTime end
                    = attempt.outcome == QLatin1String("running") ? QDateTime::currentDateTimeUtc() : attempt.ended;
                const QString took = attempt.started.isValid() && end.isValid() ? duration(attempt.started.msecsTo(end))
                        + (attempt.outcome == QLatin1String("running") ? tr(" so far") : QString())
                                                                                : tr("—");
                text += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td></tr>")
                            .arg(attempt.number)
                            .arg(html(attempt.worker.isEmpty() ? tr("not recorded") : attempt.worker),
                                 html(attempt.started.isValid() ? localTime(attempt.started) : tr("not recorded")),
                                 html(localTime(attempt.ended)), html(took),
                                 html(attempt.outcome)
                                     + (attempt.error.isEmpty()
                                            ? QString()
                                            : QStringLiteral("<pre>%1</pre>").arg(html(pretty(attempt.error)))));
            }
            text += QStringLiteral("</table>");
        }
    }

    // One line stays on the label's line; JSON or several lines go below it, indented.
    const QString error = job.lastError.isEmpty() ? tr("none") : pretty(job.lastError);
    text += error.contains(QLatin1Char('\n'))
        ? QStringLiteral("<p><b>%1:</b></p><pre>%2</pre>").arg(html(tr("Last error")), html(error))
        : QStringLiteral("<p><b>%1:</b> <code>%2</code></p>").arg(html(tr("Last error")), html(error));
    text += QStringLiteral("<p><b>%1</b></p><pre>%2</pre>")
                .arg(html(tr("Payload")),
                     html(QString::fromUtf8(QJsonDocument(payload).toJson(QJsonDocument::Indented)).trimmed()));

    if (m_logs) {
        text += QStringLiteral("<p><b>%1</b></p><pre>").arg(html(tr("Log lines (%1)").arg(m_logs->size())));
        for (const QJsonValue &value : std::as_const(*m_logs)) {
            const QJsonObject line = value.toObject();
            const QDateTime at
                = QDateTime::fromString(line.value(QLatin1String("created_at")).toString(), Qt::ISODateWithMs);
            text += html(QStringLiteral("[attempt %1] %2 %3: %4\n")
                             .arg(line.value(QLatin1String("attempt")).toInt())
                             .arg(localTime(at), line.value(QLatin1String("level")).toString(),
                                  line.value(QLatin1String("message")).toString()));
        }
        text += QStringLiteral("</pre>");
    }

    const int scrolled = verticalScrollBar()->value();
    setHtml(text);
    verticalScrollBar()->setValue(scrolled); // a live update keeps the reader's place
}

void JobDetailView::follow(const QUrl &link)
{
    const QString target = link.toString();
    if (target.startsWith(QLatin1String("copy:"))) {
        const QString id = target.mid(5);
        QGuiApplication::clipboard()->setText(id);
        emit copied(id);
        return;
    }
    const QStringList parts = target.split(QLatin1Char(':'));
    if (parts.size() != 3 || parts.first() != QLatin1String("open") || !m_job)
        return;
    emit openRequested(parts.at(1), parts.at(2), m_job->tenantId, m_job->twinId);
}

} // namespace twinops
