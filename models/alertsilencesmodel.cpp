#include "alertsilencesmodel.h"

#include "admin/adminclient.h"
#include "alertsmodel.h"

namespace twinops {

AlertSilencesModel::AlertSilencesModel(AdminClient &client, QObject *parent)
    : PagedAdminModel(client, parent)
{ }

int AlertSilencesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AlertSilencesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject silence = item(index.row());
    if (role == IdRole)
        return silence.value(QLatin1String("id")).toString();
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};
    switch (Column(index.column())) {
    case Rule: {
        const QString rule = silence.value(QLatin1String("rule_id")).toString();
        if (rule.isEmpty())
            return tr("any rule");
        return m_ruleNames.value(rule, rule);
    }
    case Matchers: return AlertsModel::labelsText(silence.value(QLatin1String("matchers")).toObject());
    case Starts: return AlertsModel::timeCell(silence.value(QLatin1String("starts_at")), role == SortRole);
    case Ends: return AlertsModel::timeCell(silence.value(QLatin1String("ends_at")), role == SortRole);
    case Comment: return silence.value(QLatin1String("comment")).toString();
    case CreatedBy: return silence.value(QLatin1String("created_by")).toString();
    case ColumnCount: break;
    }
    return {};
}

QVariant AlertSilencesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return PagedAdminModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Rule: return tr("Rule");
    case Matchers: return tr("Matchers");
    case Starts: return tr("Starts");
    case Ends: return tr("Ends");
    case Comment: return tr("Comment");
    case CreatedBy: return tr("Created by");
    case ColumnCount: break;
    }
    return {};
}

void AlertSilencesModel::setRuleNames(const QHash<QString, QString> &names)
{
    m_ruleNames = names;
    if (rowCount() > 0)
        emit dataChanged(index(0, Rule), index(rowCount() - 1, Rule));
}

void AlertSilencesModel::create(const QJsonObject &body)
{
    client().call("POST", QStringLiteral("/api/v1/admin/alerts/silences"), body, this, [this](const AdminReply &reply) {
        emit created(reply.body.value(QLatin1String("id")).toString(), reply.ok() ? QString() : reply.errorText());
        if (reply.ok())
            reload();
    });
}

void AlertSilencesModel::expire(const QString &silenceId)
{
    client().call("POST", QStringLiteral("/api/v1/admin/alerts/silences/%1/expire").arg(silenceId),
                  QJsonValue(QJsonValue::Undefined), this, [this, silenceId](const AdminReply &reply) {
                      emit expired(silenceId, reply.ok() ? QString() : reply.errorText());
                      reload();
                  });
}

QString AlertSilencesModel::listPath() const
{
    return QStringLiteral("/api/v1/admin/alerts/silences");
}

} // namespace twinops
