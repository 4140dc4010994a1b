#pragma once

#include <QDialog>
#include <QJsonObject>

class QCheckBox;
class QDoubleSpinBox;
class QLineEdit;
class QPushButton;

namespace twinops {

// A new silence for an alert: its rule and its labels as the matchers (both editable), how long, and why. body() is
// what POST /api/v1/admin/alerts/silences takes; the panel sends it.
class SilenceDialog final : public QDialog
{
    Q_OBJECT
public:
    // `alert` as AlertsModel holds it (rule_id, rule_name, labels).
    explicit SilenceDialog(const QJsonObject &alert, QWidget *parent = nullptr);

    QJsonObject body() const;

private:
    QString m_ruleId;
    QCheckBox *m_onlyRule;
    QLineEdit *m_matchers;
    QDoubleSpinBox *m_hours;
    QLineEdit *m_comment;
    QPushButton *m_ok;
};

} // namespace twinops
