#pragma once

#include "pagedadminmodel.h"

#include <QJsonArray>

namespace twinops {

// The alert rules of an environment (GET /api/v1/admin/alerts/rules) and the expression kinds it knows; create,
// change and delete through the rules routes. A saved rule updates its row in place (or appends it), a deleted one
// reloads the list.
class AlertRulesModel final : public PagedAdminModel
{
    Q_OBJECT
public:
    enum Column { Name, Kind, Condition, For, Severity, Enabled, ColumnCount };

    explicit AlertRulesModel(AdminClient &client, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The kinds ({name, description, params, windowed}) the environment's rules route listed; kindsChanged tells.
    const QJsonArray &kinds() const { return m_kinds; }
    // Creates (`ruleId` empty) or changes a rule with `body`; saved tells how it went.
    void save(const QString &ruleId, const QJsonObject &body);
    void remove(const QString &ruleId);

signals:
    void kindsChanged();
    void saved(const QJsonObject &rule, const QString &error);
    void removed(const QString &ruleId, const QString &error);

protected:
    QString listPath() const override;

private:
    void askKinds();

    QJsonArray m_kinds;
};

} // namespace twinops
