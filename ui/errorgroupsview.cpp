#include "errorgroupsview.h"

#include "confirmdialog.h"
#include "rowtable.h"
#include "tenantpicker.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include <utility>

namespace twinops {

namespace {

QPushButton *button(const QString &name, const QString &text, QWidget *parent)
{
    auto *result = new QPushButton(text, parent);
    result->setObjectName(name);
    return result;
}

QString elided(const QString &signature)
{
    return signature.size() > 80 ? signature.left(79) + QChar(0x2026) : signature;
}

} // namespace

ErrorGroupsView::ErrorGroupsView(AdminClient &client, QWidget *parent)
    : QWidget(parent)
    , m_model(new ErrorGroupsModel(client, this))
{
    m_state = new QComboBox(this);
    m_state->setObjectName(QStringLiteral("errorGroupsState"));
    m_state->addItem(tr("Any state"), QString());
    for (const JobState state : kJobStates)
        m_state->addItem(jobStateName(state), jobStateName(state));
    m_type = new QLineEdit(this);
    m_type->setObjectName(QStringLiteral("errorGroupsType"));
    m_type->setPlaceholderText(tr("Type"));
    m_type->setClearButtonEnabled(true);
    m_tenant = new TenantPicker(client, this);
    m_tenant->setObjectName(QStringLiteral("errorGroupsTenant"));
    m_tenant->setAnyTenantLabel(tr("Any tenant"));
    auto *apply = button(QStringLiteral("applyErrorGroupsFilter"), tr("Apply"), this);
    auto *reloadButton = button(QStringLiteral("reloadErrorGroups"), tr("Reload"), this);
    auto *filterBar = new QHBoxLayout;
    filterBar->addWidget(m_state);
    filterBar->addWidget(m_type, 1);
    filterBar->addWidget(m_tenant);
    filterBar->addWidget(apply);
    filterBar->addWidget(reloadButton);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("errorGroupsError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_error->hide();
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("errorGroupsStatus"));
    m_status->setWordWrap(true);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("errorGroupsTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->resizeSection(ErrorGroupsModel::Signature, 260);
    m_table->horizontalHeader()->resizeSection(ErrorGroupsModel::Count, 60);
    m_table->setWordWrap(false);

    m_retry = button(QStringLiteral("retryGroupButton"), tr("Retry group…"), this);
    m_cancel = button(QStringLiteral("cancelGroupButton"), tr("Cancel group…"), this);
    m_discard = button(QStringLiteral("discardGroupButton"), tr("Discard group…"), this);
    m_retry->setToolTip(tr("Runs the group's discarded and cancelled jobs again"));
    m_cancel->setToolTip(tr("Cancels the group's waiting jobs and asks its running ones to stop"));
    m_discard->setToolTip(tr("Gives up the group's waiting jobs (scheduled, available, retryable)"));
    m_showJobs = button(QStringLiteral("showGroupJobsButton"), tr("Show jobs"), this);
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_retry);
    actions->addWidget(m_cancel);
    actions->addWidget(m_discard);
    actions->addStretch();
    actions->addWidget(m_showJobs);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filterBar);
    layout->addWidget(m_error);
    layout->addWidget(m_table, 1);
    layout->addLayout(actions);
    layout->addWidget(m_status);

    connect(apply, &QPushButton::clicked, this, &ErrorGroupsView::applyFilter);
    connect(reloadButton, &QPushButton::clicked, this, &ErrorGroupsView::reload);
    connect(m_type, &QLineEdit::returnPressed, this, &ErrorGroupsView::applyFilter);
    connect(m_state, &QComboBox::activated, this, &ErrorGroupsView::applyFilter);
    connect(m_tenant, &QComboBox::activated, this, &ErrorGroupsView::applyFilter);
    connect(m_tenant, &TenantPicker::namesChanged, this, [this] { m_model->setTenantNames(m_tenant->names()); });
    connect(m_tenant, &TenantPicker::errorOccurred, this, &ErrorGroupsView::showError);
    connect(m_model, &ErrorGroupsModel::errorOccurred, this, &ErrorGroupsView::showError);
    connect(m_model, &ErrorGroupsModel::loaded, this, [this] {
        m_error->hide();
        updateButtons();
    });
    connect(m_model, &ErrorGroupsModel::actionFinished, this, &ErrorGroupsView::showResult);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ErrorGroupsView::updateButtons);
    connect(m_model, &ErrorGroupsModel::modelReset, this, &ErrorGroupsView::updateButtons);
    connect(m_retry, &QPushButton::clicked, this, [this] { ask(Action::Retry); });
    connect(m_cancel, &QPushButton::clicked, this, [this] { ask(Action::Cancel); });
    connect(m_discard, &QPushButton::clicked, this, [this] { ask(Action::Discard); });
    connect(m_showJobs, &QPushButton::clicked, this, [this] {
        const QString signature = selectedGroup().value(QLatin1String("signature")).toString();
        if (!signature.isEmpty())
            emit showJobsRequested(signature, m_model->filter().tenantId, m_model->filter().type);
    });

    setRowMenu(m_table, [this](QMenu &menu, const QModelIndex &index) {
        for (QPushButton *action : {m_retry, m_cancel, m_discard, m_showJobs})
            addButtonAction(menu, action);
        menu.addSeparator();
        const QJsonObject group = m_model->group(index.row());
        addCopyAction(menu, tr("Copy signature"), group.value(QLatin1String("signature")).toString());
        addCopyAction(menu, tr("Copy example message"), group.value(QLatin1String("example_message")).toString());
    });

    updateButtons();
}

void ErrorGroupsView::focusSearch()
{
    m_type->setFocus(Qt::ShortcutFocusReason);
    m_type->selectAll();
}

bool ErrorGroupsView::deleteSelected()
{
    return clickIfEnabled(m_discard);
}

void ErrorGroupsView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!std::exchange(m_tenantsListed, true))
        m_tenant->reload();
    applyFilter();
}

void ErrorGroupsView::reload()
{
    m_model->reload();
}

void ErrorGroupsView::applyFilter()
{
    ErrorGroupsFilter filter;
    filter.state = jobStateFromString(m_state->currentData().toString());
    filter.type = m_type->text().trimmed();
    filter.tenantId = m_tenant->tenantId();
    m_error->hide();
    m_model->setFilter(filter);
}

QJsonObject ErrorGroupsView::selectedGroup() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QJsonObject() : m_model->group(rows.first().row());
}

void ErrorGroupsView::updateButtons()
{
    const QJsonObject group = selectedGroup();
    m_retry->setEnabled(ErrorGroupsModel::applicableCount(Action::Retry, group) > 0);
    m_cancel->setEnabled(ErrorGroupsModel::applicableCount(Action::Cancel, group) > 0);
    m_discard->setEnabled(ErrorGroupsModel::applicableCount(Action::Discard, group) > 0);
    m_showJobs->setEnabled(!group.isEmpty());
}

void ErrorGroupsView::ask(Action action)
{
    const QJsonObject group = selectedGroup();
    const qint64 count = ErrorGroupsModel::applicableCount(action, group);
    if (count == 0)
        return;
    const QString signature = group.value(QLatin1String("signature")).toString();
    ConfirmDialog::Question question;
    question.object = elided(signature);
    switch (action) {
    case Action::Retry:
        question.title = tr("Retry the group?");
        question.action = tr("Retry %n job(s)", nullptr, int(count));
        question.consequence
            = tr("Retry %n job(s) of the group (its discarded and cancelled ones).", nullptr, int(count));
        break;
    case Action::Cancel:
        question.title = tr("Cancel the group?");
        question.action = tr("Cancel %n job(s)", nullptr, int(count));
        question.consequence
            = tr("Cancel %n job(s) of the group (running ones are asked to stop).", nullptr, int(count));
        break;
    case Action::Discard:
        question.title = tr("Discard the group?");
        question.action = tr("Discard %n job(s)", nullptr, int(count));
        question.consequence = tr("Discard %n waiting job(s) of the group. They will not run again unless retried.",
                                  nullptr, int(count));
        break;
    }
    if (m_model->filter().state) // the routes take no state: the action reaches the group's jobs in its other states
        question.consequence += tr(" The state filter does not narrow it: the group's jobs in the other states it "
                                   "applies to change too.");
    ConfirmDialog::ask(this, QStringLiteral("confirmGroupAction"), question, [this, action, signature] {
        m_model->act(action, signature);
        m_status->setText(tr("Working…"));
    });
}

void ErrorGroupsView::showResult(Action action, const QString &signature, qint64 changed, qint64 inGroup,
                                 const QString &error)
{
    if (!error.isEmpty()) {
        m_status->clear();
        showError(error);
        return;
    }
    const QString verb = action == Action::Retry ? tr("Retried")
        : action == Action::Cancel               ? tr("Cancelled")
                                                 : tr("Discarded");
    m_status->setText(
        tr("%1 %2 of the %3 jobs of the group \"%4\".").arg(verb).arg(changed).arg(inGroup).arg(elided(signature)));
}

void ErrorGroupsView::showError(const QString &message)
{
    m_error->setText(message);
    m_error->show();
}

} // namespace twinops
