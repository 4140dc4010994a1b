#pragma once

#include "errorgroupsmodel.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace twinops {

class AdminClient;
class TenantPicker;

// The Jobs panel's "Error groups" tab: the failed jobs grouped by error signature, filtered by state, type and
// tenant, and Retry / Cancel / Discard of one group's jobs after a confirmation that names the group and how many of
// its jobs the action applies to. A button is enabled only when the selected group has jobs in a state its action
// applies to. Everything goes through the AdminClient; the list reloads when shown, after each action and on Reload.
class ErrorGroupsView final : public QWidget
{
    Q_OBJECT
public:
    explicit ErrorGroupsView(AdminClient &client, QWidget *parent = nullptr);

    ErrorGroupsModel *model() const { return m_model; }
    void reload();
    // The Jobs panel's Ctrl+F and Del on this tab: the type filter; Discard group… (it asks first).
    void focusSearch();
    bool deleteSelected();

signals:
    // "Show jobs": the Jobs tab filtered to the group, as narrowed here (tenant and type).
    void showJobsRequested(const QString &signature, const QString &tenantId, const QString &type);

protected:
    // The groups change as jobs fail: the tab reads them each time it is shown, not while hidden.
    void showEvent(QShowEvent *event) override;

private:
    using Action = ErrorGroupsModel::Action;

    void applyFilter();
    void ask(Action action);
    void showResult(Action action, const QString &signature, qint64 changed, qint64 inGroup, const QString &error);
    void showError(const QString &message);
    void updateButtons();
    QJsonObject selectedGroup() const;

    ErrorGroupsModel *m_model;
    QComboBox *m_state;
    QLineEdit *m_type;
    TenantPicker *m_tenant;
    QLabel *m_error;
    QLabel *m_status;
    QTableView *m_table;
    QPushButton *m_retry;
    QPushButton *m_cancel;
    QPushButton *m_discard;
    QPushButton *m_showJobs;
    bool m_tenantsListed = false;
};

} // namespace twinops
