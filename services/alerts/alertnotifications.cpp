#include "alerts/alertnotifications.h"

#include "notify/webhooknotifier.h"

namespace twinops {

AlertNotice alertNotice(const AlertTransition &transition)
{
    AlertNotice notice;
    notice.status
        = transition.state == QLatin1String("resolved") ? AlertNotice::Status::Resolved : AlertNotice::Status::Firing;
    for (auto it = transition.labels.begin(); it != transition.labels.end(); ++it)
        notice.labels.insert(it.key(), it.value().toVariant().toString());
    if (!transition.summary.isEmpty())
        notice.annotations.insert(QStringLiteral("summary"), transition.summary);
    if (!transition.runbook.isEmpty())
        notice.annotations.insert(QStringLiteral("runbook"), transition.runbook);
    notice.startsAt = transition.startsAt;
    notice.endsAt = transition.endsAt;
    notice.fingerprint = transition.fingerprint;
    return notice;
}

AlertSink notifyingSink(const WebhookNotifier &notifier)
{
    return [&notifier](Database &db, const QList<AlertTransition> &transitions) -> Status {
        QList<AlertNotice> notices;
        for (const AlertTransition &transition : transitions) {
            if (!transition.silenced)
                notices.append(alertNotice(transition));
        }
        if (notices.isEmpty())
            return {};
        TWINOPS_TRY(notifier.notify(db, notices));
        return {};
    };
}

} // namespace twinops
