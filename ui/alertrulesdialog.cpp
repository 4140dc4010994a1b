#include "alertrulesdialog.h"

#include "alertrulesmodel.h"
#include "alertsmodel.h"
#include "rowtable.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>

#include <limits>

namespace twinops {

namespace {

constexpr int kDefaultWindowSeconds = 300;

} // namespace

AlertRulesDialog::AlertRulesDialog(AlertRulesModel &model, const QString &ruleId, QWidget *parent)
    : QDialog(parent)
    , m_model(model)
    , m_wanted(ruleId)
    , m_rules(new QTableView(this))
    , m_name(new QLineEdit(this))
    , m_kind(new QComboBox(this))
    , m_kindHelp(new QLabel(this))
    , m_window(new QSpinBox(this))
    , m_type(new QLineEdit(this))
    , m_comparison(new QComboBox(this))
    , m_threshold(new QDoubleSpinBox(this))
    , m_for(new QSpinBox(this))
    , m_severity(new QComboBox(this))
    , m_labels(new QLineEdit(this))
    , m_runbook(new QPlainTextEdit(this))
    , m_enabled(new QCheckBox(tr("Enabled"), this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("alertRulesDialog"));
    setWindowTitle(tr("Alert rules"));
    m_rules->setObjectName(QStringLiteral("alertRulesTable"));
    m_rules->setModel(&m_model);
    m_rules->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_rules->setSelectionMode(QAbstractItemView::SingleSelection);
    m_rules->verticalHeader()->hide();
    m_rules->horizontalHeader()->setStretchLastSection(true);
    m_name->setObjectName(QStringLiteral("ruleName"));
    m_kind->setObjectName(QStringLiteral("ruleKind"));
    m_kindHelp->setWordWrap(true);
    m_window->setObjectName(QStringLiteral("ruleWindow"));
    m_window->setRange(60, 86400);
    m_window->setSuffix(tr(" s"));
    m_type->setObjectName(QStringLiteral("ruleType"));
    m_type->setPlaceholderText(tr("job type (empty: every type)"));
    m_comparison->setObjectName(QStringLiteral("ruleComparison"));
    m_comparison->addItems({QStringLiteral(">"), QStringLiteral(">="), QStringLiteral("<"), QStringLiteral("<=")});
    m_threshold->setObjectName(QStringLiteral("ruleThreshold"));
    m_threshold->setRange(-1e12, 1e12);
    m_threshold->setDecimals(4);
    m_for->setObjectName(QStringLiteral("ruleFor"));
    m_for->setRange(0, 7 * 86400);
    m_for->setSuffix(tr(" s"));
    m_severity->setObjectName(QStringLiteral("ruleSeverity"));
    m_severity->addItems({QStringLiteral("critical"), QStringLiteral("warning"), QStringLiteral("info")});
    m_labels->setObjectName(QStringLiteral("ruleLabels"));
    m_labels->setPlaceholderText(tr("team=ops, … (added to every alert of the rule)"));
    m_runbook->setObjectName(QStringLiteral("ruleRunbook"));
    m_runbook->setPlaceholderText(tr("What to look at and what to do when it fires"));
    m_enabled->setObjectName(QStringLiteral("ruleEnabled"));
    m_status->setObjectName(QStringLiteral("ruleStatus"));
    m_status->setWordWrap(true);

    auto *add = new QPushButton(tr("Add"), this);
    add->setObjectName(QStringLiteral("addRuleButton"));
    m_delete = new QPushButton(tr("Delete"), this);
    m_delete->setObjectName(QStringLiteral("deleteRuleButton"));
    m_save = new QPushButton(tr("Save"), this);
    m_save->setObjectName(QStringLiteral("saveRuleButton"));
    auto *listButtons = new QHBoxLayout;
    listButtons->addWidget(add);
    listButtons->addWidget(m_delete);
    listButtons->addStretch();
    auto *left = new QVBoxLayout;
    left->addWidget(m_rules, 1);
    left->addLayout(listButtons);

    auto *form = new QFormLayout;
    form->addRow(tr("Name:"), m_name);
    form->addRow(tr("Expression:"), m_kind);
    form->addRow(QString(), m_kindHelp);
    form->addRow(tr("Window:"), m_window);
    form->addRow(tr("Job type:"), m_type);
    auto *condition = new QHBoxLayout;
    condition->addWidget(m_comparison);
    condition->addWidget(m_threshold, 1);
    form->addRow(tr("Fires when value:"), condition);
    form->addRow(tr("For:"), m_for);
    form->addRow(tr("Severity:"), m_severity);
    form->addRow(tr("Labels:"), m_labels);
    form->addRow(tr("Runbook:"), m_runbook);
    form->addRow(QString(), m_enabled);
    form->addRow(m_status);
    auto *saveRow = new QHBoxLayout;
    saveRow->addStretch();
    saveRow->addWidget(m_save);
    form->addRow(saveRow);

    auto *columns = new QHBoxLayout;
    columns->addLayout(left, 3);
    columns->addLayout(form, 2);
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(columns, 1);
    layout->addWidget(close);

    connect(m_kind, &QComboBox::currentIndexChanged, this, &AlertRulesDialog::updateParams);
    connect(&m_model, &AlertRulesModel::kindsChanged, this, &AlertRulesDialog::fillKinds);
    connect(m_rules->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                m_delete->setEnabled(current.isValid());
                if (current.isValid())
                    showRule(m_model.item(current.row()));
            });
    connect(&m_model, &QAbstractItemModel::rowsInserted, this, [this] { selectRule(m_wanted); });
    connect(add, &QPushButton::clicked, this, [this] {
        m_rules->clearSelection();
        showRule({});
        m_name->setFocus();
    });
    connect(m_delete, &QPushButton::clicked, this, &AlertRulesDialog::removeSelected);
    connect(m_save, &QPushButton::clicked, this, &AlertRulesDialog::save);
    setRowMenu(m_rules, [this](QMenu &menu, const QModelIndex &index) {
        addButtonAction(menu, m_delete);
        menu.addSeparator();
        addCopyAction(menu, tr("Copy name"), index.siblingAtColumn(AlertRulesModel::Name).data().toString());
    });
    connect(&m_model, &AlertRulesModel::saved, this, [this](const QJsonObject &rule, const QString &error) {
        if (!error.isEmpty()) {
            m_status->setText(error);
            return;
        }
        m_status->setText(tr("Saved."));
        m_ruleId = rule.value(QLatin1String("id")).toString();
        m_wanted = m_ruleId;
        selectRule(m_ruleId);
    });
    connect(&m_model, &AlertRulesModel::removed, this, [this](const QString &, const QString &error) {
        m_status->setText(error.isEmpty() ? tr("Deleted.") : error);
        if (error.isEmpty())
            showRule({});
    });

    fillKinds();
    showRule({});
    m_delete->setEnabled(false);
    if (m_model.rowCount() == 0)
        m_model.reload();
    else
        selectRule(m_wanted);
    resize(1000, 560);
}

void AlertRulesDialog::selectRule(const QString &ruleId)
{
    const int row = m_model.rowOf(ruleId);
    if (ruleId.isEmpty() || row < 0)
        return;
    m_wanted.clear(); // selected once: later pages or saves do not take the selection back
    m_rules->setCurrentIndex(m_model.index(row, 0));
    m_rules->scrollTo(m_model.index(row, 0));
}

void AlertRulesDialog::fillKinds()
{
    const QString current = m_kind->currentText();
    const QSignalBlocker blocker(m_kind);
    m_kind->clear();
    for (const QJsonValue &value : m_model.kinds()) {
        const QJsonObject kind = value.toObject();
        m_kind->addItem(kind.value(QLatin1String("name")).toString(), kind);
    }
    const int index = m_kind->findText(current);
    m_kind->setCurrentIndex(index < 0 ? 0 : index);
    updateParams();
}

void AlertRulesDialog::updateParams()
{
    const QJsonObject kind = m_kind->currentData().toJsonObject();
    m_kindHelp->setText(kind.value(QLatin1String("description")).toString());
    m_window->setEnabled(kind.value(QLatin1String("windowed")).toBool(true));
    m_type->setEnabled(kind.value(QLatin1String("params")).toArray().contains(QStringLiteral("type")));
}

void AlertRulesDialog::showRule(const QJsonObject &rule)
{
    m_ruleId = rule.value(QLatin1String("id")).toString();
    const QJsonObject params = rule.value(QLatin1String("params")).toObject();
    m_name->setText(rule.value(QLatin1String("name")).toString());
    const QString kind = rule.value(QLatin1String("kind")).toString();
    if (!kind.isEmpty() && m_kind->findText(kind) < 0)
        m_kind->addItem(kind); // a kind this console does not know yet: kept as it is
    m_kind->setCurrentIndex(kind.isEmpty() ? 0 : m_kind->findText(kind));
    m_window->setValue(params.value(QLatin1String("window_seconds")).toInt(kDefaultWindowSeconds));
    m_type->setText(params.value(QLatin1String("type")).toString());
    m_comparison->setCurrentText(rule.value(QLatin1String("comparison")).toString(QStringLiteral(">")));
    m_threshold->setValue(rule.value(QLatin1String("threshold")).toDouble());
    m_for->setValue(rule.value(QLatin1String("for_seconds")).toInt(kDefaultWindowSeconds));
    m_severity->setCurrentText(rule.value(QLatin1String("severity")).toString(QStringLiteral("warning")));
    m_labels->setText(AlertsModel::labelsText(rule.value(QLatin1String("labels")).toObject()));
    m_runbook->setPlainText(rule.value(QLatin1String("runbook")).toString());
    m_enabled->setChecked(rule.value(QLatin1String("enabled")).toBool(true));
    m_save->setText(m_ruleId.isEmpty() ? tr("Create") : tr("Save"));
    m_status->clear();
}

QJsonObject AlertRulesDialog::body() const
{
    QJsonObject params;
    if (m_window->isEnabled())
        params.insert(QStringLiteral("window_seconds"), m_window->value());
    if (m_type->isEnabled() && !m_type->text().trimmed().isEmpty())
        params.insert(QStringLiteral("type"), m_type->text().trimmed());
    return {{QStringLiteral("name"), m_name->text().trimmed()},
            {QStringLiteral("kind"), m_kind->currentText()},
            {QStringLiteral("params"), params},
            {QStringLiteral("comparison"), m_comparison->currentText()},
            {QStringLiteral("threshold"), m_threshold->value()},
            {QStringLiteral("for_seconds"), m_for->value()},
            {QStringLiteral("severity"), m_severity->currentText()},
            {QStringLiteral("labels"), AlertsModel::labelsFromText(m_labels->text()).value_or(QJsonObject())},
            {QStringLiteral("runbook"), m_runbook->toPlainText()},
            {QStringLiteral("enabled"), m_enabled->isChecked()}};
}

void AlertRulesDialog::save()
{
    QString problem;
    if (!AlertsModel::labelsFromText(m_labels->text(), &problem)) {
        m_status->setText(tr("Labels: %1").arg(problem));
        return;
    }
    m_status->setText(tr("Saving…"));
    m_model.save(m_ruleId, body());
}

void AlertRulesDialog::removeSelected()
{
    const QModelIndex current = m_rules->selectionModel()->currentIndex();
    if (!current.isValid())
        return;
    m_status->setText(tr("Deleting…"));
    m_model.remove(m_model.idAt(current.row()));
}

} // namespace twinops
