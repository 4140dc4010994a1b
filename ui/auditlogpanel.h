#pragma once

#include <QWidget>

class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTableView;
class QTimer;

namespace twinops {

class AdminClient;
class AuditLogModel;
class TenantPicker;

// The platform's audit log, newest first: who did what to which target, in which tenant, when and from where;
// filtered by tenant, actor, action, free text and time range. A cell's context menu copies the full id of what it
// shows; the selected entry's details are shown below the table.
class AuditLogPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit AuditLogPanel(AdminClient &client, QWidget *parent = nullptr);

    AuditLogModel *model() const { return m_model; }

    // The time ranges offered, as the range box lists them.
    enum class Range { Any, LastHour, LastDay, LastWeek, LastMonth, Custom };

public slots:
    // F5 and Ctrl+F (MainWindow).
    void refresh();
    void focusSearch();

private:
    void applyFilter();
    void rangeChanged();
    void showError(const QString &message);
    void showDetails();

    AuditLogModel *m_model;
    TenantPicker *m_tenant;
    QLineEdit *m_actor;
    QLineEdit *m_action;
    QLineEdit *m_search;
    QComboBox *m_range;
    QDateTimeEdit *m_from; // the custom range, shown only for it
    QDateTimeEdit *m_to;
    QTimer *m_typingDelay;
    QLabel *m_error;
    QTableView *m_table;
    QPlainTextEdit *m_details;
};

} // namespace twinops
