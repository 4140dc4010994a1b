#include "alerts/alertrepository.h"

#include "core/ids.h"
#include "core/json.h"
#include "storage/batchdelete.h"

#include <QSet>

namespace twinops {

namespace {

const QString kRuleColumns = QStringLiteral("id, name, kind, params, comparison, threshold, for_seconds, severity, "
                                            "labels, runbook, enabled, created_at, updated_at");

AlertRule ruleFromRow(const Row &row)
{
    AlertRule rule;
    rule.id = row.text(0);
    rule.name = row.text(1);
    rule.kind = row.text(2);
    rule.params = row.jsonObject(3);
    rule.comparison = row.text(4);
    rule.threshold = row.real(5);
    rule.forSeconds = int(row.integer(6));
    rule.severity = row.text(7);
    rule.labels = row.jsonObject(8);
    rule.runbook = row.text(9);
    rule.enabled = row.boolean(10);
    rule.createdAt = row.time(11);
    rule.updatedAt = row.time(12);
    return rule;
}

std::optional<double> optionalReal(const Row &row, int column)
{
    return row.isNull(column) ? std::nullopt : std::optional<double>(row.real(column));
}

QVariant nullable(const std::optional<double> &value)
{
    return value ? QVariant(*value) : QVariant();
}

QVariant nullable(const QDateTime &time)
{
    return time.isValid() ? QVariant(time) : QVariant();
}

QVariant nullable(const QString &text)
{
    return text.isEmpty() ? QVariant() : QVariant(text);
}

Error nameTaken(const QString &name)
{
    return Error::conflict(QStringLiteral("an alert rule named \"%1\" exists").arg(name));
}

} // namespace

bool AlertSilence::matches(const QString &rule, const QJsonObject &labels, const QDateTime &now) const
{
    if (now < startsAt || now >= endsAt || (!ruleId.isEmpty() && ruleId != rule))
        return false;
    for (auto it = matchers.begin(); it != matchers.end(); ++it) {
        if (labels.value(it.key()) != it.value())
            return false;
    }
    return true;
}

Result<int> AlertRepository::seedShippedRules(const QDateTime &now)
{
    TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(m_db));
    TWINOPS_TRY_ASSIGN(const Rows seeded, m_db.query(QStringLiteral("SELECT id FROM alert_defaults")));
    QSet<QString> done;
    for (const Row row : seeded)
        done.insert(row.text(0));
    int added = 0;
    for (const AlertRule &rule : shippedAlertRules()) {
        if (done.contains(rule.id))
            continue;
        // A rule of the operator's may have taken the name: then the shipped one is not added.
        TWINOPS_TRY_ASSIGN(
            const Rows inserted,
            m_db.query(QStringLiteral("INSERT INTO alert_rules (%1) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                                      "$11, $12, $13) ON CONFLICT DO NOTHING")
                           .arg(kRuleColumns),
                       {rule.id, rule.name, rule.kind, compactJson(rule.params), rule.comparison, rule.threshold,
                        rule.forSeconds, rule.severity, compactJson(rule.labels), rule.runbook, rule.enabled, now,
                        now}));
        added += int(inserted.rowsAffected());
        TWINOPS_TRY(discardRows(m_db.query(
            QStringLiteral("INSERT INTO alert_defaults (id, seeded_at) VALUES ($1, $2) ON CONFLICT DO NOTHING"),
            {rule.id, now})));
    }
    TWINOPS_TRY(tx.commit());
    return added;
}

Result<QList<AlertRule>> AlertRepository::rules()
{
    TWINOPS_TRY_ASSIGN(const Rows rows,
                       m_db.query(QStringLiteral("SELECT %1 FROM alert_rules ORDER BY name").arg(kRuleColumns)));
    QList<AlertRule> rules;
    rules.reserve(rows.size());
    for (const Row row : rows)
        rules.append(ruleFromRow(row));
    return rules;
}

Result<AlertRule> AlertRepository::rule(const QString &id)
{
    TWINOPS_TRY_ASSIGN(const Rows rows,
                       m_db.query(QStringLiteral("SELECT %1 FROM alert_rules WHERE id = $1").arg(kRuleColumns), {id}));
    if (rows.isEmpty())
        return Error::notFound(QStringLiteral("no alert rule %1").arg(id));
    return ruleFromRow(rows.first());
}

Result<AlertRule> AlertRepository::createRule(AlertRule rule, const QDateTime &now)
{
    rule.id = newId();
    rule.createdAt = now;
    rule.updatedAt = now;
    const auto inserted = m_db.query(
        QStringLiteral("INSERT INTO alert_rules (%1) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
            .arg(kRuleColumns),
        {rule.id, rule.name, rule.kind, compactJson(rule.params), rule.comparison, rule.threshold, rule.forSeconds,
         rule.severity, compactJson(rule.labels), rule.runbook, rule.enabled, now, now});
    if (!inserted.ok())
        return inserted.error().code == ErrorCode::Conflict ? nameTaken(rule.name) : inserted.error();
    return rule;
}

Result<AlertRule> AlertRepository::updateRule(const AlertRule &rule, const QDateTime &now)
{
    const auto updated = m_db.query(
        QStringLiteral("UPDATE alert_rules SET name = $2, kind = $3, params = $4, comparison = $5, threshold = $6, "
                       "for_seconds = $7, severity = $8, labels = $9, runbook = $10, enabled = $11, updated_at = $12 "
                       "WHERE id = $1"),
        {rule.id, rule.name, rule.kind, compactJson(rule.params), rule.comparison, rule.threshold, rule.forSeconds,
         rule.severity, compactJson(rule.labels), rule.runbook, rule.enabled, now});
    if (!updated.ok())
        return updated.error().code == ErrorCode::Conflict ? nameTaken(rule.name) : updated.error();
    if (updated->rowsAffected() == 0)
        return Error::notFound(QStringLiteral("no alert rule %1").arg(rule.id));
    AlertRule stored = rule;
    stored.updatedAt = now;
    return stored;
}

Status AlertRepository::deleteRule(const QString &id)
{
    TWINOPS_TRY_ASSIGN(const Rows deleted, m_db.query(QStringLiteral("DELETE FROM alert_rules WHERE id = $1"), {id}));
    if (deleted.rowsAffected() == 0)
        return Error::notFound(QStringLiteral("no alert rule %1").arg(id));
    return {};
}

Result<QList<AlertStateRow>> AlertRepository::states(const QString &state)
{
    QString sql
        = QStringLiteral("SELECT rule_id, fingerprint, labels, state, since, active_at, false_since, last_value, "
                         "last_evaluated_at, silenced, acknowledged_by, acknowledged_at FROM alert_states");
    QVariantList params;
    if (!state.isEmpty()) {
        sql += QStringLiteral(" WHERE state = $1");
        params.append(state);
    }
    sql += QStringLiteral(" ORDER BY rule_id, fingerprint");
    TWINOPS_TRY_ASSIGN(const Rows rows, m_db.query(sql, params));
    QList<AlertStateRow> states;
    states.reserve(rows.size());
    for (const Row row : rows) {
        AlertStateRow s;
        s.ruleId = row.text(0);
        s.fingerprint = row.text(1);
        s.labels = row.jsonObject(2);
        s.state = row.text(3);
        s.since = row.time(4);
        s.activeAt = row.time(5);
        s.falseSince = row.time(6);
        s.lastValue = optionalReal(row, 7);
        s.lastEvaluatedAt = row.time(8);
        s.silenced = row.boolean(9);
        s.acknowledgedBy = row.text(10);
        s.acknowledgedAt = row.time(11);
        states.append(std::move(s));
    }
    return states;
}

Status AlertRepository::saveState(const AlertStateRow &s)
{
    // The acknowledgement is the API's: kept while the alert stays active, cleared when it goes back to inactive.
    return discardRows(m_db.query(
        QStringLiteral(
            "INSERT INTO alert_states (rule_id, fingerprint, labels, state, since, active_at, false_since, last_value, "
            "last_evaluated_at, silenced) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
            "ON CONFLICT (rule_id, fingerprint) DO UPDATE SET labels = excluded.labels, state = excluded.state, "
            "since = excluded.since, active_at = excluded.active_at, false_since = excluded.false_since, "
            "last_value = excluded.last_value, last_evaluated_at = excluded.last_evaluated_at, "
            "silenced = excluded.silenced, "
            "acknowledged_by = CASE WHEN excluded.state = 'inactive' THEN NULL ELSE alert_states.acknowledged_by END, "
            "acknowledged_at = CASE WHEN excluded.state = 'inactive' THEN NULL ELSE alert_states.acknowledged_at END"),
        {s.ruleId, s.fingerprint, compactJson(s.labels), s.state, s.since, nullable(s.activeAt), nullable(s.falseSince),
         nullable(s.lastValue), s.lastEvaluatedAt, s.silenced}));
}

Status AlertRepository::deleteState(const QString &ruleId, const QString &fingerprint)
{
    return discardRows(m_db.query(QStringLiteral("DELETE FROM alert_states WHERE rule_id = $1 AND fingerprint = $2"),
                                  {ruleId, fingerprint}));
}

Status AlertRepository::acknowledge(const QString &fingerprint, const QString &by, const QDateTime &now)
{
    TWINOPS_TRY_ASSIGN(const Rows updated,
                       m_db.query(QStringLiteral("UPDATE alert_states SET acknowledged_by = $2, acknowledged_at = $3 "
                                                 "WHERE fingerprint = $1 AND state <> 'inactive'"),
                                  {fingerprint, by, now}));
    if (updated.rowsAffected() == 0)
        return Error::notFound(QStringLiteral("no pending or firing alert %1").arg(fingerprint));
    return {};
}

Status AlertRepository::appendHistory(const AlertHistoryEntry &e)
{
    return discardRows(m_db.query(
        QStringLiteral(
            "INSERT INTO alert_history (id, rule_id, rule_name, fingerprint, labels, state, value, silenced, "
            "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"),
        {e.id.isEmpty() ? newId() : e.id, e.ruleId, e.ruleName, e.fingerprint, compactJson(e.labels), e.state,
         nullable(e.value), e.silenced, e.createdAt}));
}

Result<Page<AlertHistoryEntry>> AlertRepository::history(const PageRequest &page, const QString &ruleId)
{
    QString sql = QStringLiteral("SELECT id, rule_id, rule_name, fingerprint, labels, state, value, silenced, "
                                 "created_at FROM alert_history WHERE ");
    QVariantList params;
    if (ruleId.isEmpty()) {
        sql += QStringLiteral("1 = 1");
    } else {
        sql += QStringLiteral("rule_id = $1");
        params.append(ruleId);
    }
    return fetchPage(m_db, sql, params, page, [](const Row &row) {
        AlertHistoryEntry e;
        e.id = row.text(0);
        e.ruleId = row.text(1);
        e.ruleName = row.text(2);
        e.fingerprint = row.text(3);
        e.labels = row.jsonObject(4);
        e.state = row.text(5);
        e.value = optionalReal(row, 6);
        e.silenced = row.boolean(7);
        e.createdAt = row.time(8);
        return e;
    });
}

Result<qint64> AlertRepository::pruneHistory(const QDateTime &before)
{
    return deleteInBatches(m_db, QStringLiteral("alert_history"), QStringLiteral("created_at < $1"), {before}, 1000);
}

Result<QList<AlertSilence>> AlertRepository::silences(const QDateTime &now, bool includeExpired)
{
    QString sql = QStringLiteral("SELECT id, rule_id, matchers, starts_at, ends_at, comment, created_by, created_at "
                                 "FROM alert_silences");
    QVariantList params;
    if (!includeExpired) {
        sql += QStringLiteral(" WHERE ends_at > $1");
        params.append(now);
    }
    sql += QStringLiteral(" ORDER BY starts_at, id");
    TWINOPS_TRY_ASSIGN(const Rows rows, m_db.query(sql, params));
    QList<AlertSilence> silences;
    for (const Row row : rows)
        silences.append({row.text(0), row.text(1), row.jsonObject(2), row.time(3), row.time(4), row.text(5),
                         row.text(6), row.time(7)});
    return silences;
}

Result<AlertSilence> AlertRepository::createSilence(AlertSilence silence)
{
    silence.id = newId();
    TWINOPS_TRY(discardRows(m_db.query(
        QStringLiteral("INSERT INTO alert_silences (id, rule_id, matchers, starts_at, ends_at, comment, created_by, "
                       "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"),
        {silence.id, nullable(silence.ruleId), compactJson(silence.matchers), silence.startsAt, silence.endsAt,
         silence.comment, silence.createdBy, silence.createdAt})));
    return silence;
}

Status AlertRepository::expireSilence(const QString &id, const QDateTime &now)
{
    // An active silence ends now and is kept, so that the list with expired=true shows who silenced what and why; one
    // that has not started never took effect and goes; one already over stays as it is.
    TWINOPS_TRY_ASSIGN(const Rows ended,
                       m_db.query(QStringLiteral("UPDATE alert_silences SET ends_at = $2 "
                                                 "WHERE id = $1 AND starts_at < $2 AND ends_at > $2"),
                                  {id, now}));
    if (ended.rowsAffected() > 0)
        return {};
    TWINOPS_TRY_ASSIGN(
        const Rows removed,
        m_db.query(QStringLiteral("DELETE FROM alert_silences WHERE id = $1 AND starts_at >= $2"), {id, now}));
    if (removed.rowsAffected() > 0)
        return {};
    TWINOPS_TRY_ASSIGN(const Rows existing,
                       m_db.query(QStringLiteral("SELECT 1 FROM alert_silences WHERE id = $1"), {id}));
    if (existing.isEmpty())
        return Error::notFound(QStringLiteral("no silence %1").arg(id));
    return {};
}

} // namespace twinops
