#include "alertrulesmodel.h"

#include "admin/adminclient.h"
#include "alertsmodel.h"

namespace twinops {

AlertRulesModel::AlertRulesModel(AdminClient &client, QObject *parent)
    : PagedAdminModel(client, parent)
{
    setPageSize(200);
    askKinds();
}

int AlertRulesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AlertRulesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject rule = item(index.row());
    if (role == IdRole)
        return rule.value(QLatin1String("id")).toString();
    if (role == Qt::ForegroundRole && index.column() == Severity)
        return AlertsModel::severityColour(rule.value(QLatin1String("severity")).toString());
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};
    switch (Column(index.column())) {
    case Name: return rule.value(QLatin1String("name")).toString();
    case Kind: return rule.value(QLatin1String("kind")).toString();
    case Condition:
        return QStringLiteral("%1 %2").arg(rule.value(QLatin1String("comparison")).toString(),
                                           QString::number(rule.value(QLatin1String("threshold")).toDouble(), 'g', 6));
    case For: {
        const int seconds = rule.value(QLatin1String("for_seconds")).toInt();
        return role == SortRole ? QVariant(seconds) : QVariant(tr("%1 s").arg(seconds));
    }
    case Severity: return rule.value(QLatin1String("severity")).toString();
    case Enabled: {
        const bool enabled = rule.value(QLatin1String("enabled")).toBool();
        return role == SortRole ? QVariant(enabled) : QVariant(enabled ? tr("enabled") : tr("disabled"));
    }
    case ColumnCount: break;
    }
    return {};
}

QVariant AlertRulesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return PagedAdminModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Name: return tr("Name");
    case Kind: return tr("Kind");
    case Condition: return tr("Fires when");
    case For: return tr("For");
    case Severity: return tr("Severity");
    case Enabled: return tr("State");
    case ColumnCount: break;
    }
    return {};
}

void AlertRulesModel::save(const QString &ruleId, const QJsonObject &body)
{
    const bool create = ruleId.isEmpty();
    client().call(create ? QByteArray("POST") : QByteArray("PATCH"),
                  create ? QStringLiteral("/api/v1/admin/alerts/rules")
                         : QStringLiteral("/api/v1/admin/alerts/rules/%1").arg(ruleId),
                  body, this, [this](const AdminReply &reply) {
                      if (reply.ok())
                          upsert(reply.body, true);
                      emit saved(reply.body, reply.ok() ? QString() : reply.errorText());
                  });
}

void AlertRulesModel::remove(const QString &ruleId)
{
    client().call("DELETE", QStringLiteral("/api/v1/admin/alerts/rules/%1").arg(ruleId),
                  QJsonValue(QJsonValue::Undefined), this, [this, ruleId](const AdminReply &reply) {
                      emit removed(ruleId, reply.ok() ? QString() : reply.errorText());
                      if (reply.ok())
                          reload();
                  });
}

QString AlertRulesModel::listPath() const
{
    return QStringLiteral("/api/v1/admin/alerts/rules");
}

void AlertRulesModel::askKinds()
{
    // The rules route lists its kinds with the rules; the rows come through the paged list, the kinds from here.
    client().get(listPath(), this, [this](const AdminReply &reply) {
        if (!reply.ok())
            return; // the list's own request says why
        m_kinds = reply.body.value(QLatin1String("kinds")).toArray();
        emit kindsChanged();
    });
}

} // namespace twinops
