#pragma once

#include "pagedadminmodel.h"

#include <QHash>

namespace twinops {

// The active and future silences of an environment (GET /api/v1/admin/alerts/silences); create and expire go
// through the same routes and reload the list.
class AlertSilencesModel final : public PagedAdminModel
{
    Q_OBJECT
public:
    enum Column { Rule, Matchers, Starts, Ends, Comment, CreatedBy, ColumnCount };

    explicit AlertSilencesModel(AdminClient &client, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Rule ids → names, for the Rule column (the API gives the id only).
    void setRuleNames(const QHash<QString, QString> &names);
    // POST /api/v1/admin/alerts/silences with `body` (rule_id, matchers, ends_at, comment).
    void create(const QJsonObject &body);
    void expire(const QString &silenceId);

signals:
    void created(const QString &silenceId, const QString &error);
    void expired(const QString &silenceId, const QString &error);

protected:
    QString listPath() const override;

private:
    QHash<QString, QString> m_ruleNames;
};

} // namespace twinops
