#include "jobtypesview.h"

#include "confirmdialog.h"
#include "rowtable.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace twinops {

namespace {

QPushButton *button(const QString &name, const QString &text, QWidget *parent)
{
    auto *result = new QPushButton(text, parent);
    result->setObjectName(name);
    return result;
}

} // namespace

JobTypesView::JobTypesView(AdminClient &client, QWidget *parent)
    : QWidget(parent)
    , m_model(new JobTypesModel(client, this))
{
    auto *reloadButton = button(QStringLiteral("reloadJobTypes"), tr("Reload"), this);
    auto *topBar = new QHBoxLayout;
    auto *hint = new QLabel(tr("A paused type's jobs wait in their state on every instance until it is resumed; "
                               "jobs already running finish."),
                            this);
    hint->setWordWrap(true);
    topBar->addWidget(hint, 1);
    topBar->addWidget(reloadButton);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("jobTypesError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_error->hide();
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("jobTypesStatus"));
    m_status->setWordWrap(true);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("jobTypesTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->resizeSection(JobTypesModel::Type, 180);
    m_table->horizontalHeader()->resizeSection(JobTypesModel::Status, 220);
    m_table->setWordWrap(false);

    m_reason = new QLineEdit(this);
    m_reason->setObjectName(QStringLiteral("pauseReason"));
    m_reason->setPlaceholderText(tr("Reason for pausing (optional, shown to the other admins)"));
    m_reason->setMaxLength(500);
    m_pause = button(QStringLiteral("pauseTypeButton"), tr("Pause…"), this);
    m_resume = button(QStringLiteral("resumeTypeButton"), tr("Resume…"), this);
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_reason, 1);
    actions->addWidget(m_pause);
    actions->addWidget(m_resume);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(topBar);
    layout->addWidget(m_error);
    layout->addWidget(m_table, 1);
    layout->addLayout(actions);
    layout->addWidget(m_status);

    connect(reloadButton, &QPushButton::clicked, this, &JobTypesView::reload);
    connect(m_model, &JobTypesModel::errorOccurred, this, &JobTypesView::showError);
    connect(m_model, &JobTypesModel::loaded, this, [this] {
        m_error->hide();
        updateButtons();
    });
    connect(m_model, &JobTypesModel::pauseFinished, this, &JobTypesView::showResult);
    connect(m_model, &JobTypesModel::modelReset, this, &JobTypesView::updateButtons);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &JobTypesView::updateButtons);
    connect(m_pause, &QPushButton::clicked, this, [this] { ask(true); });
    connect(m_resume, &QPushButton::clicked, this, [this] { ask(false); });
    setRowMenu(m_table, [this](QMenu &menu, const QModelIndex &index) {
        addButtonAction(menu, m_pause);
        addButtonAction(menu, m_resume);
        menu.addSeparator();
        addCopyAction(menu, tr("Copy type"), m_model->type(index.row()).value(QLatin1String("type")).toString());
    });
    updateButtons();
}

void JobTypesView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    reload();
}

void JobTypesView::reload()
{
    m_model->reload();
}

QJsonObject JobTypesView::selectedType() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QJsonObject() : m_model->type(rows.first().row());
}

void JobTypesView::updateButtons()
{
    const QJsonObject type = selectedType();
    const bool paused = type.value(QLatin1String("paused")).toBool();
    m_pause->setEnabled(!type.isEmpty() && !paused && !type.value(QLatin1String("platform")).toBool());
    m_resume->setEnabled(paused);
    m_pause->setToolTip(type.value(QLatin1String("platform")).toBool()
                            ? tr("The alert notifications cannot be paused: they tell you when something is wrong")
                            : tr("Every instance stops claiming this type's jobs"));
}

void JobTypesView::ask(bool pause)
{
    const QJsonObject type = selectedType();
    if (type.isEmpty())
        return;
    const QString name = type.value(QLatin1String("type")).toString();
    const QString reason = pause ? m_reason->text().trimmed() : QString();
    const QJsonObject counts = type.value(QLatin1String("counts")).toObject();
    const int waiting
        = int(counts[QLatin1String("available")].toInteger() + counts[QLatin1String("retryable")].toInteger()
              + counts[QLatin1String("scheduled")].toInteger());
    const ConfirmDialog::Question question = pause
        ? ConfirmDialog::Question{tr("Pause the job type?"), tr("Pause"), name,
                                  tr("No instance will start its jobs (%n waiting now) until it is resumed.", nullptr,
                                     waiting)}
        : ConfirmDialog::Question{tr("Resume the job type?"), tr("Resume"), name,
                                  tr("Its %n waiting job(s) become claimable at once.", nullptr, waiting)};
    ConfirmDialog::ask(this, QStringLiteral("confirmTypeAction"), question, [this, name, pause, reason] {
        m_model->setPaused(name, pause, reason);
        m_status->setText(tr("Working…"));
        if (pause)
            m_reason->clear();
    });
}

void JobTypesView::showResult(const QString &type, bool paused, const QString &error)
{
    if (!error.isEmpty()) {
        m_status->clear();
        showError(error);
        return;
    }
    m_status->setText(paused ? tr("Paused \"%1\".").arg(type) : tr("Resumed \"%1\".").arg(type));
}

void JobTypesView::showError(const QString &message)
{
    m_error->setText(message);
    m_error->show();
}

} // namespace twinops
