#include "auditlogpanel.h"

#include "auditlogmodel.h"
#include "rowtable.h"
#include "tenantpicker.h"

#include <QComboBox>
#include <QDateTimeEdit>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace twinops {

namespace {

constexpr int kTypingDelayMs = 250; // one request per pause in typing, not one per key

QLineEdit *filterEdit(const QString &objectName, const QString &placeholder, QWidget *parent)
{
    auto *edit = new QLineEdit(parent);
    edit->setObjectName(objectName);
    edit->setPlaceholderText(placeholder);
    edit->setClearButtonEnabled(true);
    return edit;
}

qint64 rangeSeconds(AuditLogPanel::Range range)
{
    switch (range) {
    case AuditLogPanel::Range::LastHour: return 3600;
    case AuditLogPanel::Range::LastDay: return 24 * 3600;
    case AuditLogPanel::Range::LastWeek: return 7 * 24 * 3600;
    case AuditLogPanel::Range::LastMonth: return 30 * 24 * 3600;
    case AuditLogPanel::Range::Any:
    case AuditLogPanel::Range::Custom: break;
    }
    return 0;
}

} // namespace

AuditLogPanel::AuditLogPanel(AdminClient &client, QWidget *parent)
    : QWidget(parent)
    , m_model(new AuditLogModel(client, this))
    , m_tenant(new TenantPicker(client, this))
    , m_actor(filterEdit(QStringLiteral("auditActor"), tr("Actor: id or email"), this))
    , m_action(filterEdit(QStringLiteral("auditAction"), tr("Action, e.g. tenant.update"), this))
    , m_search(filterEdit(QStringLiteral("auditSearch"), tr("Search action, target, actor, address, details"), this))
    , m_range(new QComboBox(this))
    , m_from(new QDateTimeEdit(this))
    , m_to(new QDateTimeEdit(this))
    , m_typingDelay(new QTimer(this))
    , m_error(new QLabel(this))
    , m_table(new QTableView(this))
    , m_details(new QPlainTextEdit(this))
{
    m_tenant->setObjectName(QStringLiteral("auditTenant"));
    m_tenant->setAnyTenantLabel(tr("All tenants"));
    m_range->setObjectName(QStringLiteral("auditRange"));
    m_range->addItem(tr("Any time"), int(Range::Any));
    m_range->addItem(tr("Last hour"), int(Range::LastHour));
    m_range->addItem(tr("Last 24 hours"), int(Range::LastDay));
    m_range->addItem(tr("Last 7 days"), int(Range::LastWeek));
    m_range->addItem(tr("Last 30 days"), int(Range::LastMonth));
    m_range->addItem(tr("Custom…"), int(Range::Custom));
    for (QDateTimeEdit *edit : {m_from, m_to}) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
        edit->setTimeSpec(Qt::LocalTime);
        edit->hide();
    }
    m_from->setObjectName(QStringLiteral("auditFrom"));
    m_from->setToolTip(tr("From (inclusive), local time"));
    m_to->setObjectName(QStringLiteral("auditTo"));
    m_to->setToolTip(tr("To (exclusive), local time"));
    m_typingDelay->setSingleShot(true);
    m_typingDelay->setInterval(kTypingDelayMs);
    m_error->setObjectName(QStringLiteral("auditError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_error->hide();

    // The server's order, newest first, is the only one: sorting a partly loaded log would mislead.
    m_table->setObjectName(QStringLiteral("auditTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->resizeSection(AuditLogModel::Time, 160);
    m_table->horizontalHeader()->resizeSection(AuditLogModel::Actor, 220);
    m_table->horizontalHeader()->resizeSection(AuditLogModel::Action, 170);
    m_table->horizontalHeader()->resizeSection(AuditLogModel::Target, 260);
    m_table->horizontalHeader()->resizeSection(AuditLogModel::Tenant, 160);
    m_details->setObjectName(QStringLiteral("auditDetails"));
    m_details->setReadOnly(true);
    m_details->setPlaceholderText(tr("Select an entry to see its details"));

    auto *filters = new QHBoxLayout;
    filters->addWidget(m_tenant);
    filters->addWidget(m_actor, 1);
    filters->addWidget(m_action, 1);
    filters->addWidget(m_search, 2);
    filters->addWidget(m_range);
    filters->addWidget(m_from);
    filters->addWidget(m_to);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    split->addWidget(m_details);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(m_error);
    layout->addWidget(split, 1);

    for (QLineEdit *edit : {m_actor, m_action, m_search})
        connect(edit, &QLineEdit::textChanged, m_typingDelay, qOverload<>(&QTimer::start));
    connect(m_typingDelay, &QTimer::timeout, this, &AuditLogPanel::applyFilter);
    connect(m_tenant, &TenantPicker::tenantChanged, this, &AuditLogPanel::applyFilter);
    connect(m_range, &QComboBox::currentIndexChanged, this, &AuditLogPanel::rangeChanged);
    for (QDateTimeEdit *edit : {m_from, m_to})
        connect(edit, &QDateTimeEdit::dateTimeChanged, m_typingDelay, qOverload<>(&QTimer::start));
    connect(m_tenant, &TenantPicker::errorOccurred, this, &AuditLogPanel::showError);
    connect(m_model, &AuditLogModel::errorOccurred, this, &AuditLogPanel::showError);
    connect(m_model, &QAbstractItemModel::modelReset, m_error, &QLabel::hide);
    connect(m_model, &QAbstractItemModel::modelReset, this, &AuditLogPanel::showDetails);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &AuditLogPanel::showDetails);
    setRowMenu(m_table, [this](QMenu &menu, const QModelIndex &index) {
        // The id of what the cell shows (the tenant's on the Tenant cell), in full.
        addCopyAction(menu, tr("Copy full id"), index.data(AuditLogModel::FullIdRole).toString())
            ->setObjectName(QStringLiteral("copyFullId"));
        addCopyAction(menu, tr("Copy action"), m_model->index(index.row(), AuditLogModel::Action).data().toString());
    });

    m_tenant->reload();
    m_model->reload();
}

void AuditLogPanel::rangeChanged()
{
    const bool custom = Range(m_range->currentData().toInt()) == Range::Custom;
    if (custom && !m_from->isVisible()) { // starts as the last 24 hours, to the next minute
        const QDateTime now = QDateTime::currentDateTime();
        const QSignalBlocker quietFrom(m_from), quietTo(m_to);
        m_to->setDateTime(now.addSecs(60 - now.time().second()));
        m_from->setDateTime(m_to->dateTime().addDays(-1));
    }
    m_from->setVisible(custom);
    m_to->setVisible(custom);
    applyFilter();
}

void AuditLogPanel::showError(const QString &message)
{
    m_error->setText(message);
    m_error->show();
}

void AuditLogPanel::refresh()
{
    m_tenant->reload();
    m_model->reload();
}

void AuditLogPanel::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void AuditLogPanel::applyFilter()
{
    m_typingDelay->stop();
    AuditLogFilter filter;
    filter.tenantId = m_tenant->tenantId();
    filter.actor = m_actor->text().trimmed();
    filter.action = m_action->text().trimmed();
    filter.text = m_search->text().trimmed();
    // A range ends now: it is taken when the filter is applied, and F5 (a new filter) moves it on.
    const Range range = Range(m_range->currentData().toInt());
    if (const qint64 seconds = rangeSeconds(range); seconds > 0)
        filter.since = QDateTime::currentDateTimeUtc().addSecs(-seconds);
    if (range == Range::Custom) {
        filter.since = m_from->dateTime().toUTC();
        filter.until = m_to->dateTime().toUTC();
        if (filter.since >= filter.until) {
            showError(tr("The range is empty: From must be before To."));
            return;
        }
        m_error->hide();
    }
    m_model->setFilter(filter);
}

void AuditLogPanel::showDetails()
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid()) {
        m_details->clear();
        return;
    }
    const QJsonObject entry = m_model->item(current.row());
    m_details->setPlainText(QString::fromUtf8(QJsonDocument(entry).toJson(QJsonDocument::Indented)));
}

} // namespace twinops
