#pragma once

#include "checks/check.h"
#include "core/result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace twinops {

// A checklist is data (resources/checklists/*.json): sections of items, each automated (names a check id of the
// CheckRegistry) or manual (ticked by a person with a note).
struct ChecklistItem
{
    QString id;
    QString sectionId;
    QString sectionTitle;
    QString title;
    QString checkId; // empty for a manual item

    bool manual() const { return checkId.isEmpty(); }
};

struct Checklist
{
    QString id;
    QString title;
    QString description;
    QList<ChecklistItem> items; // in the checklist's order

    // Validates ids (unique, non-empty) and, when knownChecks is not empty, that every check id exists.
    static Result<Checklist> fromJson(const QByteArray &json, const QStringList &knownChecks = {});
    QJsonObject toJson() const;
};

// The checklists shipped in the binary, validated against the registry's check ids.
Result<QList<Checklist>> builtInChecklists();
Result<Checklist> builtInChecklist(const QString &id);

// One line for a ChecklistRun::summary(): "5 pass, 0 warn, 1 fail, 0 skipped, 2 manual pending (of 8)" (the
// exports, the console's run view and its list of runs).
QString checklistSummaryLine(const QJsonObject &summary);
// A run's status in words: "passed with 2 manual pending" rather than "passed" while people still have items to
// tick; every other status as it is.
QString checklistStatusText(const QString &status, const QJsonObject &summary);

// One item's outcome in a run. For manual items, checkedBy / checkedAt / note say who ticked it.
struct ChecklistItemResult
{
    ChecklistItem item;
    CheckResult result;
    QString note;
    QString checkedBy;
    QDateTime checkedAt;
};

// A stored run. status: running, passed (nothing failed or warned), warning, failed, cancelled. Manual items
// still pending do not fail a run: the summary counts them and the report lists them.
struct ChecklistRun
{
    QString id;
    QString checklistId;
    QString title;
    QString target;
    QString startedBy;
    QString status = QStringLiteral("running");
    QDateTime startedAt;
    QDateTime finishedAt;
    QList<ChecklistItemResult> items;

    // Counts by item status ("pass": 3, …) plus "total".
    QJsonObject summary() const;
    // passed / warning / failed from the items' results (running or cancelled stay as they are).
    QString computedStatus() const;
    bool anyFailed() const;

    QJsonObject toJson() const;
    QString toMarkdown() const;
    QString toText() const; // for a terminal: one line per item
};

} // namespace twinops
