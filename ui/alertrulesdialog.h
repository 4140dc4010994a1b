#pragma once

#include <QDialog>
#include <QJsonObject>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTableView;

namespace twinops {

class AlertRulesModel;

// The alert rules of an environment: the list on the left (add, delete), the selected rule's fields on the right
// (name, expression kind and its parameters, comparison and threshold, `for`, severity, labels, runbook, enabled),
// saved through the rules routes (the server validates; its one-line error is shown).
class AlertRulesDialog final : public QDialog
{
    Q_OBJECT
public:
    // Opens on the rule `ruleId` once the list has it (empty: a new rule's form).
    AlertRulesDialog(AlertRulesModel &model, const QString &ruleId, QWidget *parent = nullptr);

    // Edits `rule` (empty: a new rule's defaults).
    void showRule(const QJsonObject &rule);
    QJsonObject body() const;

private:
    void selectRule(const QString &ruleId);
    void fillKinds();
    void updateParams();
    void save();
    void removeSelected();

    AlertRulesModel &m_model;
    QString m_ruleId; // the rule edited; empty for a new one
    QString m_wanted; // the rule to select once the list has it
    QTableView *m_rules;
    QLineEdit *m_name;
    QComboBox *m_kind;
    QLabel *m_kindHelp;
    QSpinBox *m_window;
    QLineEdit *m_type;
    QComboBox *m_comparison;
    QDoubleSpinBox *m_threshold;
    QSpinBox *m_for;
    QComboBox *m_severity;
    QLineEdit *m_labels;
    QPlainTextEdit *m_runbook;
    QCheckBox *m_enabled;
    QLabel *m_status;
    QPushButton *m_save;
    QPushButton *m_delete;
};

} // namespace twinops
