#include "silencedialog.h"

#include "alertsmodel.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace twinops {

SilenceDialog::SilenceDialog(const QJsonObject &alert, QWidget *parent)
    : QDialog(parent)
    , m_ruleId(alert.value(QLatin1String("rule_id")).toString())
    , m_onlyRule(new QCheckBox(tr("Only rule “%1”").arg(alert.value(QLatin1String("rule_name")).toString()), this))
    , m_matchers(new QLineEdit(AlertsModel::labelsText(alert.value(QLatin1String("labels")).toObject()), this))
    , m_hours(new QDoubleSpinBox(this))
    , m_comment(new QLineEdit(this))
{
    setObjectName(QStringLiteral("silenceDialog"));
    setWindowTitle(tr("Silence alert"));
    m_onlyRule->setObjectName(QStringLiteral("silenceOnlyRule"));
    m_onlyRule->setChecked(!m_ruleId.isEmpty());
    m_onlyRule->setEnabled(!m_ruleId.isEmpty());
    m_matchers->setObjectName(QStringLiteral("silenceMatchers"));
    m_matchers->setPlaceholderText(tr("label=value, … (every one must match)"));
    m_hours->setObjectName(QStringLiteral("silenceHours"));
    m_hours->setRange(0.25, 24.0 * 90); // Alertmanager's default is 2 h; 90 days is plenty for a planned outage
    m_hours->setSingleStep(1);
    m_hours->setDecimals(2);
    m_hours->setValue(2);
    m_hours->setSuffix(tr(" h"));
    m_comment->setObjectName(QStringLiteral("silenceComment"));
    m_comment->setPlaceholderText(tr("why (required): a maintenance window, a known issue…"));
    auto *error = new QLabel(this);
    error->setObjectName(QStringLiteral("silenceError"));
    error->setStyleSheet(QStringLiteral("color: #c62828;"));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setObjectName(QStringLiteral("silenceOk"));
    m_ok->setText(tr("Silence"));
    auto *form = new QFormLayout(this);
    form->addRow(m_onlyRule);
    form->addRow(tr("Matchers:"), m_matchers);
    form->addRow(tr("Duration:"), m_hours);
    form->addRow(tr("Comment:"), m_comment);
    form->addRow(error);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    const auto check = [this, error] {
        QString problem;
        if (!AlertsModel::labelsFromText(m_matchers->text(), &problem))
            error->setText(problem);
        else if (!m_onlyRule->isChecked() && m_matchers->text().trimmed().isEmpty())
            error->setText(tr("A silence of every rule needs at least one matcher."));
        else
            error->clear();
        m_ok->setEnabled(error->text().isEmpty() && !m_comment->text().trimmed().isEmpty());
    };
    connect(m_matchers, &QLineEdit::textChanged, this, check);
    connect(m_comment, &QLineEdit::textChanged, this, check);
    connect(m_onlyRule, &QCheckBox::toggled, this, check);
    check();
    resize(480, sizeHint().height());
}

QJsonObject SilenceDialog::body() const
{
    QJsonObject body{
        {QStringLiteral("matchers"), AlertsModel::labelsFromText(m_matchers->text()).value_or(QJsonObject())},
        {QStringLiteral("comment"), m_comment->text().trimmed()},
        {QStringLiteral("ends_at"),
         QDateTime::currentDateTimeUtc().addSecs(qint64(m_hours->value() * 3600)).toString(Qt::ISODateWithMs)}};
    if (m_onlyRule->isChecked())
        body.insert(QStringLiteral("rule_id"), m_ruleId);
    return body;
}

} // namespace twinops
