// Alert notifications: a test notification to the configured webhook receivers (Grafana's "Test" on a contact
// point), for the platform admin.
#include "http/apicontext.h"
#include "http/jsonio.h"
#include "http/resources.h"
#include "http/routes.h"
#include "notify/webhooknotifier.h"

namespace twinops {

void registerNotificationRoutes(Router &router)
{
    router.add({"POST", QStringLiteral("/api/v1/admin/alerts/test-notification"), Access::platformAdmin()},
               [](RequestContext &c) -> Result<HttpResponse> {
                   QJsonObject body;
                   if (!c.request.body.isEmpty()) {
                       TWINOPS_TRY_ASSIGN(body, jsonBody(c.request));
                   }
                   JsonFields fields(body);
                   const QString status = fields.optionalString(QStringLiteral("status"), 20).value_or("firing");
                   const auto only = fields.optionalString(QStringLiteral("receiver"), 200);
                   if (status != QLatin1String("firing") && status != QLatin1String("resolved"))
                       fields.problem(QStringLiteral("status"), QStringLiteral("must be firing or resolved"));
                   TWINOPS_TRY(fields.status());
                   WebhookNotifier *notifier = c.api.shared().settings.alertNotifier;
                   if (!notifier || notifier->receivers().isEmpty())
                       return Error::conflict(
                           QStringLiteral("no alert webhook is configured (twinopsd serve --alert-webhook URL)"));
                   const AlertNotice notice = WebhookNotifier::testNotice(
                       status == QLatin1String("firing") ? AlertNotice::Status::Firing : AlertNotice::Status::Resolved);
                   QList<JsonObjectWriter> items;
                   for (const WebhookReceiver &receiver : notifier->receivers()) {
                       if (only && receiver.name != *only)
                           continue;
                       TWINOPS_TRY_ASSIGN(const Job job, notifier->send(c.api.db(), receiver, {notice}));
                       items.append(jobJson(job));
                   }
                   if (items.isEmpty())
                       return Error::notFound(QStringLiteral("no webhook receiver is named %1").arg(*only));
                   audit(c, QStringLiteral("alerts.test_notification"), QStringLiteral("webhook"),
                         only.value_or(QStringLiteral("*")));
                   return HttpResponse::json(202, JsonObjectWriter().insert("items", items));
               });
}

} // namespace twinops
