#include "checks/checklist.h"

#include "checks/checkregistry.h"
#include "core/jsonio.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace twinops {

QString checkStatusName(CheckStatus status)
{
    switch (status) {
    case CheckStatus::Pending: return QStringLiteral("pending");
    case CheckStatus::Pass: return QStringLiteral("pass");
    case CheckStatus::Warn: return QStringLiteral("warn");
    case CheckStatus::Fail: return QStringLiteral("fail");
    case CheckStatus::Skipped: return QStringLiteral("skipped");
    }
    return QStringLiteral("pending");
}

std::optional<CheckStatus> checkStatusFromString(const QString &name)
{
    for (CheckStatus status :
         {CheckStatus::Pending, CheckStatus::Pass, CheckStatus::Warn, CheckStatus::Fail, CheckStatus::Skipped}) {
        if (checkStatusName(status) == name)
            return status;
    }
    return std::nullopt;
}

Result<Checklist> Checklist::fromJson(const QByteArray &json, const QStringList &knownChecks)
{
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (!document.isObject())
        return Error::badRequest(QStringLiteral("checklist: not a JSON object (%1)").arg(parseError.errorString()));
    const QJsonObject root = document.object();
    Checklist checklist;
    checklist.id = root.value(QLatin1String("id")).toString();
    checklist.title = root.value(QLatin1String("title")).toString();
    checklist.description = root.value(QLatin1String("description")).toString();
    if (checklist.id.isEmpty() || checklist.title.isEmpty())
        return Error::badRequest(QStringLiteral("checklist: id and title are required"));
    QSet<QString> ids;
    for (const QJsonValue &sectionValue : root.value(QLatin1String("sections")).toArray()) {
        const QJsonObject section = sectionValue.toObject();
        const QString sectionId = section.value(QLatin1String("id")).toString();
        const QString sectionTitle = section.value(QLatin1String("title")).toString();
        if (sectionId.isEmpty() || sectionTitle.isEmpty())
            return Error::badRequest(QStringLiteral("checklist %1: a section without id or title").arg(checklist.id));
        for (const QJsonValue &itemValue : section.value(QLatin1String("items")).toArray()) {
            const QJsonObject object = itemValue.toObject();
            ChecklistItem item{object.value(QLatin1String("id")).toString(), sectionId, sectionTitle,
                               object.value(QLatin1String("title")).toString(),
                               object.value(QLatin1String("check")).toString()};
            const bool manual = object.value(QLatin1String("manual")).toBool();
            if (item.id.isEmpty() || item.title.isEmpty())
                return Error::badRequest(QStringLiteral("checklist %1: an item of section %2 has no id or title")
                                             .arg(checklist.id, sectionId));
            if (ids.contains(item.id))
                return Error::badRequest(
                    QStringLiteral("checklist %1: item id %2 is used twice").arg(checklist.id, item.id));
            if (manual == !item.checkId.isEmpty())
                return Error::badRequest(QStringLiteral("checklist %1: item %2 must be either manual or name a check")
                                             .arg(checklist.id, item.id));
            if (!manual && !knownChecks.isEmpty() && !knownChecks.contains(item.checkId))
                return Error::badRequest(QStringLiteral("checklist %1: item %2 names an unknown check %3")
                                             .arg(checklist.id, item.id, item.checkId));
            ids.insert(item.id);
            checklist.items.append(item);
        }
    }
    if (checklist.items.isEmpty())
        return Error::badRequest(QStringLiteral("checklist %1 has no items").arg(checklist.id));
    return checklist;
}

QJsonObject Checklist::toJson() const
{
    QJsonArray sections;
    QJsonObject section;
    QJsonArray sectionItems;
    auto flush = [&] {
        if (!section.isEmpty()) {
            section.insert(QStringLiteral("items"), sectionItems);
            sections.append(section);
        }
    };
    for (const ChecklistItem &item : items) {
        if (section.value(QLatin1String("id")).toString() != item.sectionId) {
            flush();
            section = QJsonObject{{QStringLiteral("id"), item.sectionId}, {QStringLiteral("title"), item.sectionTitle}};
            sectionItems = QJsonArray();
        }
        QJsonObject object{
            {QStringLiteral("id"), item.id},
            {QStringLiteral("title"), item.title},
            {QStringLiteral("kind"), item.manual() ? QStringLiteral("manual") : QStringLiteral("automated")}};
        if (!item.manual())
            object.insert(QStringLiteral("check"), item.checkId);
        sectionItems.append(object);
    }
    flush();
    return {{QStringLiteral("id"), id},
            {QStringLiteral("title"), title},
            {QStringLiteral("description"), description},
            {QStringLiteral("sections"), sections}};
}

Result<QList<Checklist>> builtInChecklists()
{
    const QStringList known = CheckRegistry::builtIn().ids();
    QList<Checklist> checklists;
    const QDir directory(QStringLiteral(":/checklists"));
    for (const QString &name : directory.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        QFile file(directory.filePath(name));
        if (!file.open(QIODevice::ReadOnly))
            return Error::internal(QStringLiteral("cannot read the built-in checklist %1").arg(name));
        auto checklist = Checklist::fromJson(file.readAll(), known);
        if (!checklist.ok())
            return Error::internal(checklist.error().message);
        checklists.append(std::move(checklist).value());
    }
    if (checklists.isEmpty())
        return Error::internal(QStringLiteral("no checklist is built in"));
    return checklists;
}

Result<Checklist> builtInChecklist(const QString &id)
{
    TWINOPS_TRY_ASSIGN(const auto all, builtInChecklists());
    for (const Checklist &checklist : all) {
        if (checklist.id == id)
            return checklist;
    }
    return Error::notFound(QStringLiteral("no checklist named %1").arg(id));
}

QJsonObject ChecklistRun::summary() const
{
    QJsonObject counts{{QStringLiteral("total"), items.size()}};
    for (CheckStatus each :
         {CheckStatus::Pending, CheckStatus::Pass, CheckStatus::Warn, CheckStatus::Fail, CheckStatus::Skipped})
        counts.insert(checkStatusName(each), 0);
    for (const ChecklistItemResult &item : items) {
        const QString key = checkStatusName(item.result.status);
        counts.insert(key, counts.value(key).toInt() + 1);
    }
    return counts;
}

bool ChecklistRun::anyFailed() const
{
    return std::any_of(items.cbegin(), items.cend(),
                       [](const ChecklistItemResult &item) { return item.result.status == CheckStatus::Fail; });
}

QString ChecklistRun::computedStatus() const
{
    if (anyFailed())
        return QStringLiteral("failed");
    const bool warned = std::any_of(items.cbegin(), items.cend(), [](const ChecklistItemResult &item) {
        return item.result.status == CheckStatus::Warn;
    });
    return warned ? QStringLiteral("warning") : QStringLiteral("passed");
}

namespace {

QJsonValue timeValue(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(isoTime(time)) : QJsonValue();
}

} // namespace

QJsonObject ChecklistRun::toJson() const
{
    QJsonArray results;
    for (const ChecklistItemResult &item : items) {
        QJsonObject object{
            {QStringLiteral("item_id"), item.item.id},
            {QStringLiteral("section"), item.item.sectionTitle},
            {QStringLiteral("title"), item.item.title},
            {QStringLiteral("kind"), item.item.manual() ? QStringLiteral("manual") : QStringLiteral("automated")},
            {QStringLiteral("status"), checkStatusName(item.result.status)},
            {QStringLiteral("message"), item.result.message},
            {QStringLiteral("evidence"), item.result.evidence},
            {QStringLiteral("duration_ms"), item.result.durationMs},
            {QStringLiteral("note"), item.note},
            {QStringLiteral("checked_by"), item.checkedBy.isEmpty() ? QJsonValue() : QJsonValue(item.checkedBy)},
            {QStringLiteral("checked_at"), timeValue(item.checkedAt)}};
        if (!item.item.manual())
            object.insert(QStringLiteral("check"), item.item.checkId);
        results.append(object);
    }
    return {{QStringLiteral("id"), id},
            {QStringLiteral("checklist_id"), checklistId},
            {QStringLiteral("title"), title},
            {QStringLiteral("target"), target},
            {QStringLiteral("started_by"), startedBy},
            {QStringLiteral("status"), status},
            {QStringLiteral("summary"), summary()},
            {QStringLiteral("started_at"), timeValue(startedAt)},
            {QStringLiteral("finished_at"), timeValue(finishedAt)},
            {QStringLiteral("results"), results}};
}

namespace {

QString statusMark(CheckStatus status)
{
    switch (status) {
    case CheckStatus::Pass: return QStringLiteral("PASS");
    case CheckStatus::Warn: return QStringLiteral("WARN");
    case CheckStatus::Fail: return QStringLiteral("FAIL");
    case CheckStatus::Skipped: return QStringLiteral("SKIP");
    case CheckStatus::Pending: return QStringLiteral("TODO");
    }
    return {};
}

// Markdown table cells: one line, pipes escaped.
QString cell(QString text)
{
    return text.replace(u'\n', u' ').replace(u'|', QLatin1String("\\|"));
}

} // namespace

QString checklistSummaryLine(const QJsonObject &summary)
{
    return QCoreApplication::translate("Checklist", "%1 pass, %2 warn, %3 fail, %4 skipped, %5 manual pending (of %6)")
        .arg(summary.value(QLatin1String("pass")).toInt())
        .arg(summary.value(QLatin1String("warn")).toInt())
        .arg(summary.value(QLatin1String("fail")).toInt())
        .arg(summary.value(QLatin1String("skipped")).toInt())
        .arg(summary.value(QLatin1String("pending")).toInt())
        .arg(summary.value(QLatin1String("total")).toInt());
}

QString checklistStatusText(const QString &status, const QJsonObject &summary)
{
    const int pending = summary.value(QLatin1String("pending")).toInt();
    if (status == QLatin1String("passed") && pending > 0)
        return QCoreApplication::translate("Checklist", "passed with %1 manual pending").arg(pending);
    return status;
}

QString ChecklistRun::toMarkdown() const
{
    QString out;
    out += QStringLiteral("# %1: %2\n\n").arg(title, status);
    out += QStringLiteral("- Target: %1\n- Started by: %2\n- Started: %3\n- Finished: %4\n- Run: %5\n- Result: %6\n")
               .arg(target, startedBy, isoTime(startedAt),
                    finishedAt.isValid() ? isoTime(finishedAt) : QStringLiteral("(running)"), id,
                    checklistSummaryLine(summary()));
    QString section;
    for (const ChecklistItemResult &item : items) {
        if (item.item.sectionTitle != section) {
            section = item.item.sectionTitle;
            out += QStringLiteral("\n## %1\n\n| | item | result | details |\n|---|---|---|---|\n").arg(section);
        }
        QString details = item.result.message;
        if (item.item.manual())
            details = item.note.isEmpty() ? QStringLiteral("manual: to be ticked by a person")
                                          : QStringLiteral("%1 (%2)").arg(item.note, item.checkedBy);
        else if (item.result.durationMs > 0)
            details += QStringLiteral(" (%1 ms)").arg(item.result.durationMs);
        out += QStringLiteral("| %1 | %2 | %3 | %4 |\n")
                   .arg(statusMark(item.result.status), cell(item.item.title),
                        item.item.manual() ? QStringLiteral("manual") : QStringLiteral("`%1`").arg(item.item.checkId),
                        cell(details));
    }
    return out;
}

QString ChecklistRun::toText() const
{
    QString out = QStringLiteral("%1 against %2\n").arg(title, target);
    QString section;
    for (const ChecklistItemResult &item : items) {
        if (item.item.sectionTitle != section) {
            section = item.item.sectionTitle;
            out += QStringLiteral("\n%1\n").arg(section);
        }
        const QString details = item.item.manual()
            ? (item.note.isEmpty() ? QStringLiteral("manual, not ticked") : item.note)
            : item.result.message;
        out += QStringLiteral("  [%1] %2: %3\n").arg(statusMark(item.result.status), item.item.title, details);
    }
    out += QStringLiteral("\n%1: %2\n").arg(status.toUpper(), checklistSummaryLine(summary()));
    return out;
}

} // namespace twinops
