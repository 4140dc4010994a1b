// Alert rules, alerts, history and silences (docs/alerts.md): platform admin only.
#include "alerts/alertengine.h"
#include "alerts/alertrepository.h"
#include "alerts/prometheusrules.h"
#include "core/ids.h"
#include "http/apicontext.h"
#include "http/jsonio.h"
#include "http/routes.h"

#include <QRegularExpression>

namespace twinops {

namespace {

const QStringList kStates{QStringLiteral("inactive"), QStringLiteral("pending"), QStringLiteral("firing")};

QJsonValue optionalNumber(const std::optional<double> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

QJsonValue optionalTime(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(isoTime(time)) : QJsonValue(QJsonValue::Null);
}

QJsonValue optionalText(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

QJsonObject alertJson(const AlertStateRow &s, const AlertRule *rule)
{
    return {{QStringLiteral("rule_id"), s.ruleId},
            {QStringLiteral("rule_name"), rule ? rule->name : QString()},
            {QStringLiteral("severity"), rule ? rule->severity : QString()},
            {QStringLiteral("fingerprint"), s.fingerprint},
            {QStringLiteral("labels"), s.labels},
            {QStringLiteral("state"), s.state},
            {QStringLiteral("since"), isoTime(s.since)},
            {QStringLiteral("active_at"), optionalTime(s.activeAt)},
            {QStringLiteral("value"), optionalNumber(s.lastValue)},
            {QStringLiteral("evaluated_at"), isoTime(s.lastEvaluatedAt)},
            {QStringLiteral("silenced"), s.silenced},
            {QStringLiteral("acknowledged_by"), optionalText(s.acknowledgedBy)},
            {QStringLiteral("acknowledged_at"), optionalTime(s.acknowledgedAt)}};
}

QJsonObject historyJson(const AlertHistoryEntry &e)
{
    return {{QStringLiteral("id"), e.id},
            {QStringLiteral("rule_id"), e.ruleId},
            {QStringLiteral("rule_name"), e.ruleName},
            {QStringLiteral("fingerprint"), e.fingerprint},
            {QStringLiteral("labels"), e.labels},
            {QStringLiteral("state"), e.state},
            {QStringLiteral("value"), optionalNumber(e.value)},
            {QStringLiteral("silenced"), e.silenced},
            {QStringLiteral("created_at"), isoTime(e.createdAt)}};
}

QJsonObject silenceJson(const AlertSilence &s)
{
    return {{QStringLiteral("id"), s.id},
            {QStringLiteral("rule_id"), optionalText(s.ruleId)},
            {QStringLiteral("matchers"), s.matchers},
            {QStringLiteral("starts_at"), isoTime(s.startsAt)},
            {QStringLiteral("ends_at"), isoTime(s.endsAt)},
            {QStringLiteral("comment"), s.comment},
            {QStringLiteral("created_by"), s.createdBy},
            {QStringLiteral("created_at"), isoTime(s.createdAt)}};
}

QString actor(const RequestContext &c)
{
    const QString id = c.principal.actorId();
    return id.isEmpty() ? QStringLiteral("console") : id;
}

// An RFC 3339 time in a body: 422 naming the field otherwise.
std::optional<QDateTime> timeField(const QJsonObject &body, const QString &name, JsonFields &fields)
{
    const QJsonValue value = body.value(name);
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    const QDateTime time = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
    if (!value.isString() || !time.isValid() || time.timeSpec() == Qt::LocalTime) {
        fields.problem(name, QStringLiteral("must be an RFC 3339 time with a zone, e.g. 2026-12-07T04:00:00Z"));
        return std::nullopt;
    }
    return utcFromMSecs(time.toMSecsSinceEpoch());
}

} // namespace

void registerAlertRoutes(Router &router)
{
    const Access admin = Access::platformAdmin();

    router.add({"GET", QStringLiteral("/api/v1/admin/alerts/rules"), admin},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto rules, AlertRepository(c.api.db()).rules());
                   QJsonArray items;
                   for (const AlertRule &rule : rules)
                       items.append(alertRuleJson(rule));
                   QJsonArray kinds;
                   for (const AlertKind &kind : alertKinds())
                       kinds.append(QJsonObject{{QStringLiteral("name"), kind.name},
                                                {QStringLiteral("description"), kind.description},
                                                {QStringLiteral("params"), QJsonArray::fromStringList(kind.params)},
                                                {QStringLiteral("windowed"), kind.windowed}});
                   return HttpResponse::json(
                       200, QJsonObject{{QStringLiteral("items"), items}, {QStringLiteral("kinds"), kinds}});
               });

    router.add({"POST", QStringLiteral("/api/v1/admin/alerts/rules"), admin},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto body, jsonBody(c.request));
                   TWINOPS_TRY_ASSIGN(const auto rule, alertRuleFromJson(body));
                   TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(c.api.db()));
                   TWINOPS_TRY_ASSIGN(const auto created, AlertRepository(c.api.db()).createRule(rule, nowUtc()));
                   audit(c, QStringLiteral("alert_rule.create"), QStringLiteral("alert_rule"), created.id,
                         {{QStringLiteral("name"), created.name}});
                   TWINOPS_TRY(tx.commit());
                   return HttpResponse::json(201, alertRuleJson(created));
               });

    router.add({"GET", QStringLiteral("/api/v1/admin/alerts/rules/prometheus"), admin},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto rules, AlertRepository(c.api.db()).rules());
                   return HttpResponse::text(200, prometheusRulesYaml(rules, c.api.shared().settings.alertKeepFiring),
                                             "application/yaml; charset=utf-8");
               });

    router.add({"GET", QStringLiteral("/api/v1/admin/alerts/rules/{id}"), admin},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto id, uuidParam(c.param(QStringLiteral("id"))));
                   TWINOPS_TRY_ASSIGN(const auto rule, AlertRepository(c.api.db()).rule(id));
                   return HttpResponse::json(200, alertRuleJson(rule));
               });

    router.add({"PATCH", QStringLiteral("/api/v1/admin/alerts/rules/{id}"), admin},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto id, uuidParam(c.param(QStringLiteral("id"))));
                   TWINOPS_TRY_ASSIGN(const auto body, jsonBody(c.request));
                   AlertRepository repository(c.api.db());
                   TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(c.api.db()));
                   TWINOPS_TRY_ASSIGN(const auto stored, repository.rule(id));
                   TWINOPS_TRY_ASSIGN(const auto rule, alertRuleFromJson(body, stored));
                   TWINOPS_TRY_ASSIGN(const auto updated, repository.updateRule(rule, nowUtc()));
                   audit(c, QStringLiteral("alert_rule.update"), QStringLiteral("alert_rule"), id, body);
                   TWINOPS_TRY(tx.commit());
                   return HttpResponse::json(200, alertRuleJson(updated));
               });

    router.add({"DELETE", QStringLiteral("/api/v1/admin/alerts/rules/{id}"), admin},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto id, uuidParam(c.param(QStringLiteral("id"))));
                   TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(c.api.db()));
                   TWINOPS_TRY(AlertRepository(c.api.db()).deleteRule(id));
                   audit(c, QStringLiteral("alert_rule.delete"), QStringLiteral("alert_rule"), id);
                   TWINOPS_TRY(tx.commit());
                   return HttpResponse::noContent();
               });

    router.add({"GET", QStringLiteral("/api/v1/admin/alerts"), admin}, [](RequestContext &c) -> Result<HttpResponse> {
        const QString state = c.request.queryValue(QStringLiteral("state"));
        if (!state.isEmpty() && !kStates.contains(state))
            return Error::badRequest(QStringLiteral("state must be inactive, pending or firing"));
        AlertRepository repository(c.api.db());
        TWINOPS_TRY_ASSIGN(const auto rules, repository.rules());
        TWINOPS_TRY_ASSIGN(const auto states, repository.states(state));
        QHash<QString, const AlertRule *> byId;
        for (const AlertRule &rule : rules)
            byId.insert(rule.id, &rule);
        QJsonArray items;
        for (const AlertStateRow &s : states)
            items.append(alertJson(s, byId.value(s.ruleId)));
        return HttpResponse::json(200, QJsonObject{{QStringLiteral("items"), items}});
    });

    router.add(
        {"GET", QStringLiteral("/api/v1/admin/alerts/history"), admin}, [](RequestContext &c) -> Result<HttpResponse> {
            TWINOPS_TRY_ASSIGN(auto page, pageRequest(c.request));
            // Newest first, as a history is read; order=oldest replays it.
            const QString order = c.request.queryValue(QStringLiteral("order"));
            if (!order.isEmpty() && order != QLatin1String("newest") && order != QLatin1String("oldest"))
                return Error::badRequest(QStringLiteral("order must be newest or oldest"));
            page.newestFirst = order != QLatin1String("oldest");
            const QString ruleId = c.request.queryValue(QStringLiteral("rule_id"));
            if (!ruleId.isEmpty() && !isUuid(ruleId))
                return Error::badRequest(QStringLiteral("rule_id is not a UUID"));
            TWINOPS_TRY_ASSIGN(const auto history, AlertRepository(c.api.db()).history(page, ruleId));
            QJsonArray items;
            for (const AlertHistoryEntry &entry : history.items)
                items.append(historyJson(entry));
            return HttpResponse::json(200,
                                      QJsonObject{{QStringLiteral("items"), items},
                                                  {QStringLiteral("next_cursor"), optionalText(history.nextCursor)}});
        });

    // The fingerprint hashes the rule id with the labels, so it names one alert of one rule.
    router.add({"POST", QStringLiteral("/api/v1/admin/alerts/{fingerprint}/acknowledge"), admin},
               [](RequestContext &c) -> Result<HttpResponse> {
                   const QString fingerprint = c.param(QStringLiteral("fingerprint"));
                   static const QRegularExpression hex16(QStringLiteral("^[0-9a-f]{16}$"));
                   if (!hex16.match(fingerprint).hasMatch())
                       return Error::badRequest(QStringLiteral("an alert fingerprint is 16 hexadecimal digits"));
                   TWINOPS_TRY(AlertRepository(c.api.db()).acknowledge(fingerprint, actor(c), nowUtc()));
                   audit(c, QStringLiteral("alert.acknowledge"), QStringLiteral("alert"), fingerprint);
                   return HttpResponse::noContent();
               });

    router.add({"GET", QStringLiteral("/api/v1/admin/alerts/silences"), admin},
               [](RequestContext &c) -> Result<HttpResponse> {
                   const QString expired = c.request.queryValue(QStringLiteral("expired"));
                   if (!expired.isEmpty() && expired != QLatin1String("true") && expired != QLatin1String("false"))
                       return Error::badRequest(QStringLiteral("expired must be true or false"));
                   TWINOPS_TRY_ASSIGN(const auto silences,
                                      AlertRepository(c.api.db()).silences(nowUtc(), expired == QLatin1String("true")));
                   QJsonArray items;
                   for (const AlertSilence &silence : silences)
                       items.append(silenceJson(silence));
                   return HttpResponse::json(200, QJsonObject{{QStringLiteral("items"), items}});
               });

    router.add({"POST", QStringLiteral("/api/v1/admin/alerts/silences"), admin},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto body, jsonBody(c.request));
                   JsonFields fields(body);
                   const QDateTime now = nowUtc();
                   AlertSilence silence;
                   silence.ruleId = fields.optionalString(QStringLiteral("rule_id"), 36).value_or(QString());
                   if (!silence.ruleId.isEmpty() && !isUuid(silence.ruleId))
                       fields.problem(QStringLiteral("rule_id"), QStringLiteral("must be a UUID"));
                   silence.matchers = fields.optionalObject(QStringLiteral("matchers")).value_or(QJsonObject());
                   for (auto it = silence.matchers.begin(); it != silence.matchers.end(); ++it) {
                       if (!it.value().isString())
                           fields.problem(QStringLiteral("matchers"), QStringLiteral("each value must be a string"));
                   }
                   if (silence.ruleId.isEmpty() && silence.matchers.isEmpty())
                       fields.problem(QStringLiteral("matchers"),
                                      QStringLiteral("a silence needs a rule_id or at least one matcher"));
                   silence.comment = fields.requiredString(QStringLiteral("comment"), 1000).trimmed();
                   silence.startsAt = timeField(body, QStringLiteral("starts_at"), fields).value_or(now);
                   const auto endsAt = timeField(body, QStringLiteral("ends_at"), fields);
                   if (!endsAt)
                       fields.problem(QStringLiteral("ends_at"), QStringLiteral("is required (an RFC 3339 time)"));
                   else if (*endsAt <= std::max(silence.startsAt, now))
                       fields.problem(QStringLiteral("ends_at"), QStringLiteral("must be after starts_at and now"));
                   TWINOPS_TRY(fields.status());
                   silence.endsAt = *endsAt;
                   silence.createdBy = actor(c);
                   silence.createdAt = now;
                   AlertRepository repository(c.api.db());
                   TWINOPS_TRY_ASSIGN(auto tx, Transaction::begin(c.api.db()));
                   if (!silence.ruleId.isEmpty())
                       TWINOPS_TRY(repository.rule(silence.ruleId));
                   TWINOPS_TRY_ASSIGN(const auto created, repository.createSilence(silence));
                   audit(c, QStringLiteral("alert_silence.create"), QStringLiteral("alert_silence"), created.id,
                         {{QStringLiteral("comment"), created.comment}});
                   TWINOPS_TRY(tx.commit());
                   return HttpResponse::json(201, silenceJson(created));
               });

    router.add({"POST", QStringLiteral("/api/v1/admin/alerts/silences/{id}/expire"), admin},
               [](RequestContext &c) -> Result<HttpResponse> {
                   TWINOPS_TRY_ASSIGN(const auto id, uuidParam(c.param(QStringLiteral("id"))));
                   TWINOPS_TRY(AlertRepository(c.api.db()).expireSilence(id, nowUtc()));
                   audit(c, QStringLiteral("alert_silence.expire"), QStringLiteral("alert_silence"), id);
                   return HttpResponse::noContent();
               });
}

} // namespace twinops
