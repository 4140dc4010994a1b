#include "tenantspanel.h"

#include "tenantsmodel.h"
#include "usersmodel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace twinops {

namespace {

constexpr int kSearchDelayMs = 250; // one request per pause in typing, not one per key

QTableView *makeTable(const QString &objectName, QAbstractItemModel *model, int sortColumn, QWidget *parent)
{
    auto *table = new QTableView(parent);
    table->setObjectName(objectName);
    table->setModel(model);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSortingEnabled(true);
    table->sortByColumn(sortColumn, Qt::AscendingOrder);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

QSortFilterProxyModel *makeProxy(QAbstractItemModel *source, QObject *parent)
{
    auto *proxy = new QSortFilterProxyModel(parent);
    proxy->setSourceModel(source);
    proxy->setSortRole(PagedAdminModel::SortRole);
    return proxy;
}

} // namespace

TenantsPanel::TenantsPanel(AdminClient &client, QWidget *parent)
    : QWidget(parent)
    , m_tenants(new TenantsModel(client, this))
    , m_users(new UsersModel(client, this))
    , m_tenantsProxy(makeProxy(m_tenants, this))
    , m_usersProxy(makeProxy(m_users, this))
    , m_error(new QLabel(this))
    , m_search(new QLineEdit(this))
    , m_searchDelay(new QTimer(this))
    , m_tenantsTable(makeTable(QStringLiteral("tenantsTable"), m_tenantsProxy, TenantsModel::Created, this))
    , m_newTenantName(new QLineEdit(this))
    , m_createButton(new QPushButton(tr("Create tenant"), this))
    , m_suspendButton(new QPushButton(tr("Suspend"), this))
    , m_usersTitle(new QLabel(this))
    , m_usersTable(makeTable(QStringLiteral("usersTable"), m_usersProxy, UsersModel::Created, this))
    , m_revokeButton(new QPushButton(tr("Revoke"), this))
    , m_restoreButton(new QPushButton(tr("Restore"), this))
{
    m_error->setObjectName(QStringLiteral("tenantsError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_error->hide();
    m_search->setObjectName(QStringLiteral("tenantsSearch"));
    m_search->setPlaceholderText(tr("Search tenants by name"));
    m_search->setClearButtonEnabled(true);
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(kSearchDelayMs);
    m_newTenantName->setObjectName(QStringLiteral("newTenantName"));
    m_newTenantName->setPlaceholderText(tr("New tenant name"));
    m_newTenantName->setMaxLength(100);
    m_createButton->setObjectName(QStringLiteral("createTenantButton"));
    m_suspendButton->setObjectName(QStringLiteral("suspendTenantButton"));
    m_revokeButton->setObjectName(QStringLiteral("revokeUserButton"));
    m_restoreButton->setObjectName(QStringLiteral("restoreUserButton"));

    auto *tenantActions = new QHBoxLayout;
    tenantActions->addWidget(m_newTenantName, 1);
    tenantActions->addWidget(m_createButton);
    tenantActions->addStretch();
    tenantActions->addWidget(m_suspendButton);
    auto *userActions = new QHBoxLayout;
    userActions->addStretch();
    userActions->addWidget(m_revokeButton);
    userActions->addWidget(m_restoreButton);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_error);
    layout->addWidget(m_search);
    layout->addWidget(m_tenantsTable, 3);
    layout->addLayout(tenantActions);
    layout->addWidget(m_usersTitle);
    layout->addWidget(m_usersTable, 2);
    layout->addLayout(userActions);

    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_searchDelay, &QTimer::timeout, this, [this] {
        clearError();
        m_tenants->setSearch(m_search->text());
    });
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        m_searchDelay->stop();
        m_tenants->setSearch(m_search->text());
    });
    connect(m_newTenantName, &QLineEdit::textChanged, this, &TenantsPanel::updateButtons);
    connect(m_newTenantName, &QLineEdit::returnPressed, this, &TenantsPanel::createTenant);
    connect(m_createButton, &QPushButton::clicked, this, &TenantsPanel::createTenant);
    connect(m_suspendButton, &QPushButton::clicked, this, &TenantsPanel::toggleSuspended);
    connect(m_revokeButton, &QPushButton::clicked, this, [this] { setSelectedUserRevoked(true); });
    connect(m_restoreButton, &QPushButton::clicked, this, [this] { setSelectedUserRevoked(false); });

    connect(m_tenantsTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &TenantsPanel::tenantSelectionChanged);
    connect(m_usersTable->selectionModel(), &QItemSelectionModel::selectionChanged, this, &TenantsPanel::updateButtons);
    // A reset (new search) clears the selection without selectionChanged.
    connect(m_tenants, &QAbstractItemModel::modelReset, this, &TenantsPanel::tenantSelectionChanged);
    connect(m_tenants, &QAbstractItemModel::dataChanged, this, &TenantsPanel::updateButtons);
    connect(m_users, &QAbstractItemModel::dataChanged, this, &TenantsPanel::updateButtons);
    connect(m_users, &QAbstractItemModel::modelReset, this, &TenantsPanel::updateButtons);
    connect(m_tenants, &TenantsModel::errorOccurred, this, &TenantsPanel::showError);
    connect(m_users, &UsersModel::errorOccurred, this, &TenantsPanel::showError);
    connect(m_tenants, &TenantsModel::tenantCreated, this, [this](const QString &id) {
        m_newTenantName->clear();
        const int row = m_tenants->rowOf(id);
        if (row < 0)
            return;
        const QModelIndex index = m_tenantsProxy->mapFromSource(m_tenants->index(row, TenantsModel::Name));
        m_tenantsTable->setCurrentIndex(index);
        m_tenantsTable->scrollTo(index);
    });

    tenantSelectionChanged();
    m_tenants->reload();
}

QString TenantsPanel::selectedTenantId() const
{
    return m_users->tenantId();
}

int TenantsPanel::selectedTenantRow() const
{
    const QModelIndexList rows = m_tenantsTable->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : m_tenantsProxy->mapToSource(rows.first()).row();
}

int TenantsPanel::selectedUserRow() const
{
    const QModelIndexList rows = m_usersTable->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : m_usersProxy->mapToSource(rows.first()).row();
}

void TenantsPanel::tenantSelectionChanged()
{
    const int row = selectedTenantRow();
    m_users->setTenantId(row < 0 ? QString() : m_tenants->idAt(row));
    m_usersTitle->setText(row < 0
                              ? tr("Select a tenant to see its users.")
                              : tr("Users of %1").arg(m_tenants->item(row).value(QLatin1String("name")).toString()));
    updateButtons();
}

void TenantsPanel::updateButtons()
{
    m_createButton->setEnabled(!m_newTenantName->text().trimmed().isEmpty());
    const int tenant = selectedTenantRow();
    m_suspendButton->setEnabled(tenant >= 0);
    m_suspendButton->setText(tenant >= 0 && m_tenants->isSuspended(tenant) ? tr("Reactivate") : tr("Suspend"));
    const int user = selectedUserRow();
    m_revokeButton->setEnabled(user >= 0 && !m_users->isRevoked(user));
    m_restoreButton->setEnabled(user >= 0 && m_users->isRevoked(user));
}

void TenantsPanel::createTenant()
{
    const QString name = m_newTenantName->text().trimmed();
    if (name.isEmpty())
        return;
    clearError();
    m_tenants->createTenant(name);
}

void TenantsPanel::toggleSuspended()
{
    const int row = selectedTenantRow();
    if (row < 0)
        return;
    clearError();
    m_tenants->setSuspended(m_tenants->idAt(row), !m_tenants->isSuspended(row));
}

void TenantsPanel::setSelectedUserRevoked(bool revoked)
{
    const int row = selectedUserRow();
    if (row < 0)
        return;
    clearError();
    m_users->setRevoked(m_users->idAt(row), revoked);
}

void TenantsPanel::showError(const QString &message)
{
    m_error->setText(message);
    m_error->show();
}

void TenantsPanel::clearError()
{
    m_error->clear();
    m_error->hide();
}

} // namespace twinops
