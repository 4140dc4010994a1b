#include "tenantspanel.h"

#include "admin/adminclient.h"
#include "apikeysmodel.h"
#include "backgroundcalls.h"
#include "confirmdialog.h"
#include "createapikeydialog.h"
#include "feedbackline.h"
#include "onetimesecretdialog.h"
#include "rowtable.h"
#include "tenantsmodel.h"
#include "usersearchmodel.h"
#include "usersmodel.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <QTabWidget>
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
    table->horizontalHeader()->resizeSection(0, 240); // names and e-mail addresses, unwrapped
    return table;
}

QSortFilterProxyModel *makeProxy(QAbstractItemModel *source, QObject *parent)
{
    auto *proxy = new QSortFilterProxyModel(parent);
    proxy->setSourceModel(source);
    proxy->setSortRole(PagedAdminModel::SortRole);
    return proxy;
}

// "3 users, 2 twins, 5 sources and 140 jobs" from the API's counts of a tenant.
QString countsText(const QJsonObject &counts)
{
    auto count = [&counts](const char *key) { return int(counts.value(QLatin1String(key)).toInteger()); };
    return TenantsPanel::tr("%1 users, %2 twins, %3 sources and %4 jobs")
        .arg(count("users"))
        .arg(count("twins"))
        .arg(count("sources"))
        .arg(count("jobs"));
}

} // namespace

TenantsPanel::TenantsPanel(AdminClient &client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_tenants(new TenantsModel(client, this))
    , m_users(new UsersModel(client, this))
    , m_keys(new ApiKeysModel(client, this))
    , m_tenantsProxy(makeProxy(m_tenants, this))
    , m_usersProxy(makeProxy(m_users, this))
    , m_keysProxy(makeProxy(m_keys, this))
    , m_userSearch(new UserSearchModel(client, this))
    , m_userSearchProxy(makeProxy(m_userSearch, this))
    , m_feedback(new FeedbackLine(this))
    , m_search(new QLineEdit(this))
    , m_statusFilter(new QComboBox(this))
    , m_searchDelay(new QTimer(this))
    , m_userSearchText(new QLineEdit(this))
    , m_userSearchDelay(new QTimer(this))
    , m_userSearchTable(makeTable(QStringLiteral("userSearchTable"), m_userSearchProxy, UserSearchModel::Email, this))
    , m_tenantsTable(makeTable(QStringLiteral("tenantsTable"), m_tenantsProxy, TenantsModel::Created, this))
    , m_newTenantName(new QLineEdit(this))
    , m_createButton(new QPushButton(tr("Create tenant"), this))
    , m_suspendButton(new QPushButton(tr("Suspend…"), this))
    , m_exportButton(new QPushButton(tr("Export…"), this))
    , m_deleteButton(new QPushButton(tr("Delete…"), this))
    , m_files(std::make_unique<BackgroundCalls>(this, [this] { updateButtons(); }))
    , m_details(new QTabWidget(this))
    , m_usersTitle(new QLabel(this))
    , m_usersTable(makeTable(QStringLiteral("usersTable"), m_usersProxy, UsersModel::Created, this))
    , m_revokeButton(new QPushButton(tr("Revoke…"), this))
    , m_restoreButton(new QPushButton(tr("Restore"), this))
    , m_endSessionsButton(new QPushButton(tr("End sessions…"), this))
    , m_resetPasswordButton(new QPushButton(tr("Reset password…"), this))
    , m_roleBox(new QComboBox(this))
    , m_changeRoleButton(new QPushButton(tr("Change role"), this))
    , m_newUserEmail(new QLineEdit(this))
    , m_newUserRole(new QComboBox(this))
    , m_addUserButton(new QPushButton(tr("Add user"), this))
    , m_keysTitle(new QLabel(this))
    , m_keysTable(makeTable(QStringLiteral("apiKeysTable"), m_keysProxy, ApiKeysModel::Created, this))
    , m_createKeyButton(new QPushButton(tr("Create key…"), this))
    , m_revokeKeyButton(new QPushButton(tr("Revoke…"), this))
{
    m_feedback->setObjectName(QStringLiteral("tenantsError")); // the name tests and the journey know it by
    m_statusFilter->setObjectName(QStringLiteral("tenantsStatusFilter"));
    m_statusFilter->addItem(tr("All statuses"), QString());
    m_statusFilter->addItem(tr("Active"), QStringLiteral("active"));
    m_statusFilter->addItem(tr("Suspended"), QStringLiteral("suspended"));
    m_search->setObjectName(QStringLiteral("tenantsSearch"));
    m_search->setPlaceholderText(tr("Search tenants by name"));
    m_search->setClearButtonEnabled(true);
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(kSearchDelayMs);
    m_userSearchText->setObjectName(QStringLiteral("userSearch"));
    m_userSearchText->setPlaceholderText(tr("Find a user in any tenant by email or tenant name"));
    m_userSearchText->setClearButtonEnabled(true);
    m_userSearchDelay->setSingleShot(true);
    m_userSearchDelay->setInterval(kSearchDelayMs);
    m_userSearchTable->setToolTip(tr("Choose a user to select their tenant and them below"));
    m_userSearchTable->setMaximumHeight(180); // a few results above the tenants, not in their place
    m_userSearchTable->hide();
    m_newTenantName->setObjectName(QStringLiteral("newTenantName"));
    m_newTenantName->setPlaceholderText(tr("New tenant name"));
    m_newTenantName->setMaxLength(100);
    m_createButton->setObjectName(QStringLiteral("createTenantButton"));
    m_suspendButton->setObjectName(QStringLiteral("suspendTenantButton"));
    m_exportButton->setObjectName(QStringLiteral("exportTenantButton"));
    m_exportButton->setToolTip(tr("Save the tenant's data (users, twins, sources, conversations, graph) as JSON"));
    m_deleteButton->setObjectName(QStringLiteral("deleteTenantButton"));
    m_deleteButton->setToolTip(tr("Delete the tenant and all of its data (Del)"));
    m_revokeButton->setObjectName(QStringLiteral("revokeUserButton"));
    m_restoreButton->setObjectName(QStringLiteral("restoreUserButton"));
    m_endSessionsButton->setObjectName(QStringLiteral("endUserSessionsButton"));
    m_endSessionsButton->setToolTip(tr("Sign the user out everywhere; their password and API keys keep working"));
    m_resetPasswordButton->setObjectName(QStringLiteral("resetUserPasswordButton"));
    m_resetPasswordButton->setToolTip(
        tr("Generate a new password, shown once, for you to hand over; the user must change it at the next sign-in"));
    m_roleBox->setObjectName(QStringLiteral("userRoleBox"));
    m_newUserRole->setObjectName(QStringLiteral("newUserRole"));
    for (const QString &role : UsersModel::roles()) {
        m_roleBox->addItem(role, role);
        m_newUserRole->addItem(role, role);
    }
    m_newUserRole->setCurrentIndex(m_newUserRole->findData(QStringLiteral("viewer")));
    m_changeRoleButton->setObjectName(QStringLiteral("changeUserRoleButton"));
    m_newUserEmail->setObjectName(QStringLiteral("newUserEmail"));
    m_newUserEmail->setPlaceholderText(tr("New user's email"));
    m_newUserEmail->setMaxLength(254);
    m_addUserButton->setObjectName(QStringLiteral("addUserButton"));
    m_addUserButton->setToolTip(tr("Adds the user with a generated password, shown once, for you to hand over"));
    m_keysTitle->setObjectName(QStringLiteral("apiKeysTitle"));
    m_keysTitle->setWordWrap(true);
    // The prefix is what tells keys apart: shown whole.
    m_keysTable->horizontalHeader()->setSectionResizeMode(ApiKeysModel::Prefix, QHeaderView::ResizeToContents);
    m_createKeyButton->setObjectName(QStringLiteral("createApiKeyButton"));
    m_revokeKeyButton->setObjectName(QStringLiteral("revokeApiKeyButton"));

    auto *tenantActions = new QHBoxLayout;
    tenantActions->addWidget(m_newTenantName, 1);
    tenantActions->addWidget(m_createButton);
    tenantActions->addStretch();
    tenantActions->addWidget(m_suspendButton);
    tenantActions->addWidget(m_exportButton);
    tenantActions->addWidget(m_deleteButton);
    QTabWidget *details = m_details;
    details->setObjectName(QStringLiteral("tenantDetailsTabs"));
    auto *usersPage = new QWidget(details);
    auto *userActions = new QHBoxLayout;
    userActions->addWidget(m_newUserEmail, 1);
    userActions->addWidget(m_newUserRole);
    userActions->addWidget(m_addUserButton);
    userActions->addStretch();
    userActions->addWidget(m_roleBox);
    userActions->addWidget(m_changeRoleButton);
    userActions->addWidget(m_revokeButton);
    userActions->addWidget(m_restoreButton);
    userActions->addWidget(m_endSessionsButton);
    userActions->addWidget(m_resetPasswordButton);
    auto *usersLayout = new QVBoxLayout(usersPage);
    usersLayout->addWidget(m_usersTitle);
    usersLayout->addWidget(m_usersTable, 1);
    usersLayout->addLayout(userActions);
    details->addTab(usersPage, tr("Users"));
    auto *keysPage = new QWidget(details);
    auto *keyActions = new QHBoxLayout;
    keyActions->addWidget(m_createKeyButton);
    keyActions->addStretch();
    keyActions->addWidget(m_revokeKeyButton);
    auto *keysLayout = new QVBoxLayout(keysPage);
    keysLayout->addWidget(m_keysTitle);
    keysLayout->addWidget(m_keysTable, 1);
    keysLayout->addLayout(keyActions);
    details->addTab(keysPage, tr("API keys"));
    auto *layout = new QVBoxLayout(this);
    auto *filters = new QHBoxLayout;
    filters->addWidget(m_search, 1);
    filters->addWidget(m_statusFilter);
    filters->addWidget(m_userSearchText, 1);
    layout->addWidget(m_feedback);
    layout->addLayout(filters);
    layout->addWidget(m_userSearchTable);
    layout->addWidget(m_tenantsTable, 3);
    layout->addLayout(tenantActions);
    layout->addWidget(details, 2);

    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_searchDelay, &QTimer::timeout, this, [this] {
        clearError();
        m_tenants->setSearch(m_search->text());
    });
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        m_searchDelay->stop();
        clearError();
        // Enter always asks again: after an error (the server was unreachable) the same search is the retry.
        if (m_tenants->search() == m_search->text().trimmed())
            m_tenants->reload();
        else
            m_tenants->setSearch(m_search->text());
    });
    connect(m_userSearchText, &QLineEdit::textChanged, m_userSearchDelay, qOverload<>(&QTimer::start));
    auto searchUsers = [this] {
        m_userSearchDelay->stop();
        clearError();
        m_userSearchTable->setVisible(!m_userSearchText->text().trimmed().isEmpty());
        // Enter asks again for the same search: the retry after an error.
        if (m_userSearch->search() == m_userSearchText->text().trimmed())
            m_userSearch->reload();
        else
            m_userSearch->setSearch(m_userSearchText->text());
    };
    connect(m_userSearchDelay, &QTimer::timeout, this, searchUsers);
    connect(m_userSearchText, &QLineEdit::returnPressed, this, searchUsers);
    connect(m_userSearch, &UserSearchModel::errorOccurred, this, &TenantsPanel::showError);
    connect(m_userSearchTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &TenantsPanel::chooseFoundUser);
    // showTenant waits for the tenant in its table and the user in theirs.
    connect(m_tenants, &QAbstractItemModel::rowsInserted, this, &TenantsPanel::showPendingSelection);
    connect(m_users, &QAbstractItemModel::rowsInserted, this, &TenantsPanel::showPendingSelection);
    connect(m_statusFilter, &QComboBox::currentIndexChanged, this, [this] {
        clearError();
        m_tenants->setStatus(m_statusFilter->currentData().toString());
    });
    connect(m_newTenantName, &QLineEdit::textChanged, this, &TenantsPanel::updateButtons);
    connect(m_newTenantName, &QLineEdit::returnPressed, this, &TenantsPanel::createTenant);
    connect(m_createButton, &QPushButton::clicked, this, &TenantsPanel::createTenant);
    connect(m_suspendButton, &QPushButton::clicked, this, &TenantsPanel::toggleSuspended);
    connect(m_exportButton, &QPushButton::clicked, this, &TenantsPanel::chooseExportFile);
    connect(m_deleteButton, &QPushButton::clicked, this, &TenantsPanel::confirmDeleteTenant);
    connect(m_revokeButton, &QPushButton::clicked, this, [this] { setSelectedUserRevoked(true); });
    connect(m_restoreButton, &QPushButton::clicked, this, [this] { setSelectedUserRevoked(false); });
    connect(m_endSessionsButton, &QPushButton::clicked, this, &TenantsPanel::confirmEndSessions);
    connect(m_resetPasswordButton, &QPushButton::clicked, this, &TenantsPanel::confirmResetPassword);
    connect(m_users, &UsersModel::passwordReset, this, &TenantsPanel::showResetPassword);
    connect(m_addUserButton, &QPushButton::clicked, this, &TenantsPanel::addUser);
    connect(m_newUserEmail, &QLineEdit::returnPressed, this, &TenantsPanel::addUser);
    connect(m_newUserEmail, &QLineEdit::textChanged, this, &TenantsPanel::updateButtons);
    connect(m_changeRoleButton, &QPushButton::clicked, this, &TenantsPanel::changeRole);
    connect(m_roleBox, &QComboBox::currentIndexChanged, this, &TenantsPanel::updateButtons);
    connect(m_users, &UsersModel::userAdded, this, &TenantsPanel::showAddedUser);
    connect(m_createKeyButton, &QPushButton::clicked, this, &TenantsPanel::openCreateKeyDialog);
    connect(m_revokeKeyButton, &QPushButton::clicked, this, &TenantsPanel::confirmRevokeKey);
    setRowMenu(m_tenantsTable, [this](QMenu &menu, const QModelIndex &index) {
        for (QPushButton *button : {m_suspendButton, m_exportButton, m_deleteButton})
            addButtonAction(menu, button);
        menu.addSeparator();
        const int row = m_tenantsProxy->mapToSource(index).row();
        addCopyAction(menu, tr("Copy full id"), m_tenants->idAt(row));
        addCopyAction(menu, tr("Copy name"), m_tenants->item(row).value(QLatin1String("name")).toString());
    });
    setRowMenu(m_keysTable, [this](QMenu &menu, const QModelIndex &index) {
        addButtonAction(menu, m_revokeKeyButton);
        menu.addSeparator();
        const int row = m_keysProxy->mapToSource(index).row();
        addCopyAction(menu, tr("Copy full id"), m_keys->idAt(row));
        addCopyAction(menu, tr("Copy prefix"), m_keys->index(row, ApiKeysModel::Prefix).data().toString());
    });

    connect(m_tenantsTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &TenantsPanel::tenantSelectionChanged);
    connect(m_usersTable->selectionModel(), &QItemSelectionModel::selectionChanged, this, &TenantsPanel::showUserRole);
    connect(m_users, &UsersModel::userUpdated, this, &TenantsPanel::showUserRole);
    connect(m_keysTable->selectionModel(), &QItemSelectionModel::selectionChanged, this, &TenantsPanel::updateButtons);
    // A reset (new search) clears the selection without selectionChanged.
    connect(m_tenants, &QAbstractItemModel::modelReset, this, &TenantsPanel::tenantSelectionChanged);
    // Suspending or reactivating the selected tenant hides or lists its keys (a suspended tenant's routes say 403).
    connect(m_tenants, &QAbstractItemModel::dataChanged, this, &TenantsPanel::updateKeysTenant);
    connect(m_users, &QAbstractItemModel::dataChanged, this, &TenantsPanel::updateButtons);
    connect(m_users, &QAbstractItemModel::modelReset, this, &TenantsPanel::updateButtons);
    connect(m_keys, &QAbstractItemModel::dataChanged, this, &TenantsPanel::updateButtons);
    connect(m_keys, &QAbstractItemModel::modelReset, this, &TenantsPanel::updateButtons);
    connect(m_keys, &ApiKeysModel::errorOccurred, this, &TenantsPanel::showError);
    connect(m_keys, &ApiKeysModel::keyCreated, this, &TenantsPanel::showCreatedKey);
    connect(m_tenants, &TenantsModel::errorOccurred, this, &TenantsPanel::showError);
    connect(m_tenants, &QAbstractItemModel::rowsRemoved, this, &TenantsPanel::tenantSelectionChanged);
    connect(m_tenants, &TenantsModel::tenantDeleted, this, [this](const QJsonObject &deleted) {
        // Nothing stays selected: the view moves the current row to a neighbour, which Del would delete next.
        m_tenantsTable->selectionModel()->clear();
        m_feedback->showDone(tr("Deleted tenant %1 with %2.")
                                 .arg(deleted.value(QLatin1String("name")).toString(),
                                      countsText(deleted.value(QLatin1String("deleted")).toObject())));
    });
    connect(m_users, &UsersModel::errorOccurred, this, &TenantsPanel::showError);
    // Revoking a user revokes the keys the user created (docs/decisions.md): the key list says so at once.
    connect(m_users, &UsersModel::userUpdated, m_keys, [this] {
        if (!m_keys->tenantId().isEmpty())
            m_keys->reload();
    });
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

TenantsPanel::~TenantsPanel() = default;

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

int TenantsPanel::selectedKeyRow() const
{
    const QModelIndexList rows = m_keysTable->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : m_keysProxy->mapToSource(rows.first()).row();
}

void TenantsPanel::refresh()
{
    clearError();
    m_tenants->reload();
}

void TenantsPanel::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void TenantsPanel::showTenant(const QString &tenantId, const QString &userId)
{
    m_pendingSelection = PendingSelection{tenantId, userId};
    if (m_tenants->rowOf(tenantId) < 0 && (!m_tenants->search().isEmpty() || !m_tenants->status().isEmpty())) {
        // The filters may hide it: every tenant is listed again.
        m_search->clear();
        m_searchDelay->stop(); // the clearing is applied here, at once
        m_statusFilter->setCurrentIndex(0);
        m_tenants->setSearch({});
    }
    showPendingSelection();
}

void TenantsPanel::showPendingSelection()
{
    if (!m_pendingSelection)
        return;
    const PendingSelection pending = *m_pendingSelection;
    // Further pages until it comes (a tenant list is short); a vanished tenant ends in no selection.
    const int tenantRow = m_tenants->rowOrNextPage(pending.tenantId);
    if (tenantRow < 0)
        return;
    if (selectedTenantId() != pending.tenantId) {
        const QModelIndex index = m_tenantsProxy->mapFromSource(m_tenants->index(tenantRow, TenantsModel::Name));
        m_tenantsTable->selectRow(index.row());
        m_tenantsTable->scrollTo(index);
    }
    if (!pending.userId.isEmpty()) {
        const int userRow = m_users->tenantId() == pending.tenantId ? m_users->rowOrNextPage(pending.userId) : -1;
        if (userRow < 0)
            return;
        const QModelIndex index = m_usersProxy->mapFromSource(m_users->index(userRow, UsersModel::Email));
        m_usersTable->selectRow(index.row());
        m_usersTable->scrollTo(index);
        m_details->setCurrentIndex(0); // the users tab
    }
    m_pendingSelection.reset();
}

void TenantsPanel::chooseFoundUser()
{
    const QModelIndexList rows = m_userSearchTable->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const int row = m_userSearchProxy->mapToSource(rows.first()).row();
    showTenant(m_userSearch->tenantIdAt(row), m_userSearch->idAt(row));
}

bool TenantsPanel::deleteSelected()
{
    return clickIfEnabled(m_deleteButton);
}

void TenantsPanel::tenantSelectionChanged()
{
    const int row = selectedTenantRow();
    m_users->setTenantId(row < 0 ? QString() : m_tenants->idAt(row));
    m_usersTitle->setText(row < 0
                              ? tr("Select a tenant to see its users.")
                              : tr("Users of %1").arg(m_tenants->item(row).value(QLatin1String("name")).toString()));
    updateKeysTenant();
}

void TenantsPanel::updateKeysTenant()
{
    const int row = selectedTenantRow();
    const QString name = row < 0 ? QString() : m_tenants->item(row).value(QLatin1String("name")).toString();
    if (row < 0) {
        m_keys->setTenantId({});
        m_keysTitle->setText(tr("Select a tenant to see its API keys."));
    } else if (m_tenants->isSuspended(row)) {
        m_keys->setTenantId({});
        m_keysTitle->setText(tr("%1 is suspended: reactivate it to see or manage its API keys.").arg(name));
    } else {
        m_keys->setTenantId(m_tenants->idAt(row));
        m_keysTitle->setText(tr("API keys of %1").arg(name));
    }
    updateButtons();
}

void TenantsPanel::updateButtons()
{
    m_createButton->setEnabled(!m_newTenantName->text().trimmed().isEmpty());
    const int tenant = selectedTenantRow();
    m_suspendButton->setEnabled(tenant >= 0);
    m_suspendButton->setText(tenant >= 0 && m_tenants->isSuspended(tenant) ? tr("Reactivate") : tr("Suspend…"));
    m_exportButton->setEnabled(tenant >= 0 && m_files->idle());
    m_deleteButton->setEnabled(tenant >= 0);
    const int user = selectedUserRow();
    m_revokeButton->setEnabled(user >= 0 && !m_users->isRevoked(user));
    m_restoreButton->setEnabled(user >= 0 && m_users->isRevoked(user));
    m_endSessionsButton->setEnabled(user >= 0 && !m_users->isRevoked(user));
    m_resetPasswordButton->setEnabled(user >= 0 && !m_users->isRevoked(user));
    const QString role = user >= 0 ? m_users->item(user).value(QLatin1String("role")).toString() : QString();
    m_roleBox->setEnabled(user >= 0 && !m_users->isRevoked(user));
    m_changeRoleButton->setEnabled(m_roleBox->isEnabled() && m_roleBox->currentData().toString() != role);
    m_addUserButton->setEnabled(!m_users->tenantId().isEmpty() && m_newUserEmail->text().contains(u'@'));
    m_createKeyButton->setEnabled(!m_keys->tenantId().isEmpty());
    const int key = selectedKeyRow();
    m_revokeKeyButton->setEnabled(key >= 0 && !m_keys->isRevoked(key));
}

void TenantsPanel::createTenant()
{
    const QString name = m_newTenantName->text().trimmed();
    if (name.isEmpty())
        return;
    clearError();
    m_tenants->createTenant(name);
}

QString TenantsPanel::tenantName(int row) const
{
    return m_tenants->item(row).value(QLatin1String("name")).toString();
}

void TenantsPanel::toggleSuspended()
{
    const int row = selectedTenantRow();
    if (row < 0)
        return;
    clearError();
    const QString id = m_tenants->idAt(row);
    if (m_tenants->isSuspended(row)) { // reactivating takes nothing away
        m_tenants->setSuspended(id, false);
        return;
    }
    ConfirmDialog::ask(this, QStringLiteral("confirmSuspendTenant"),
                       {tr("Suspend tenant?"), tr("Suspend"), tenantName(row),
                        tr("Its users and API keys are refused from their next request until it is reactivated; "
                           "nothing is deleted.")},
                       [this, id] { m_tenants->setSuspended(id, true); });
}

void TenantsPanel::confirmDeleteTenant()
{
    const int row = selectedTenantRow();
    if (row < 0)
        return;
    clearError();
    const QString id = m_tenants->idAt(row);
    const QString name = tenantName(row);
    ConfirmDialog::ask(
        this, QStringLiteral("confirmDeleteTenant"),
        {tr("Delete tenant?"), tr("Delete tenant"), name,
         tr("Deletes the tenant with its %1, and its conversations, graph, sessions and API keys. Running jobs of "
            "the tenant are abandoned. This cannot be undone: export the tenant first to keep a copy.")
             .arg(countsText(m_tenants->item(row).value(QLatin1String("counts")).toObject())),
         true},
        [this, id, name] { m_tenants->deleteTenant(id, name); });
}

void TenantsPanel::chooseExportFile()
{
    const int row = selectedTenantRow();
    if (row < 0)
        return;
    clearError();
    const QString id = m_tenants->idAt(row);
    const QString name = tenantName(row);
    // Not the static getSaveFileName(): no nested event loop while answers arrive.
    auto *dialog
        = new QFileDialog(this, tr("Export %1").arg(name), QDir::homePath(), tr("JSON files (*.json);;All files (*)"));
    dialog->setObjectName(QStringLiteral("exportTenantDialog"));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("json"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->selectFile(
        QStringLiteral("tenant-%1.json")
            .arg(name.toLower().replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"))));
    connect(dialog, &QFileDialog::fileSelected, this,
            [this, id, name](const QString &path) { exportTenant(id, name, path); });
    dialog->open();
}

void TenantsPanel::exportTenant(const QString &tenantId, const QString &name, const QString &path)
{
    m_feedback->showDone(tr("Exporting %1…").arg(name));
    m_client.get(QStringLiteral("/api/v1/admin/tenants/%1/export").arg(tenantId), this,
                 [this, name, path](const AdminReply &reply) {
                     if (!reply.ok()) {
                         showError(tr("Could not export %1: %2").arg(name, reply.errorText()));
                         return;
                     }
                     // The archive can be large: written off the GUI thread, atomically (no half file on failure).
                     const QByteArray archive = reply.raw;
                     m_files->run(
                         [archive, path]() -> QString {
                             QSaveFile file(path);
                             if (!file.open(QIODevice::WriteOnly) || file.write(archive) != archive.size()
                                 || !file.commit())
                                 return file.errorString();
                             return {};
                         },
                         [this, name, path, size = archive.size()](const QString &error) {
                             if (!error.isEmpty())
                                 showError(tr("Could not write %1: %2").arg(QDir::toNativeSeparators(path), error));
                             else
                                 m_feedback->showDone(
                                     tr("Exported %1 to %2 (%3).")
                                         .arg(name, QDir::toNativeSeparators(path), QLocale().formattedDataSize(size)));
                         });
                 });
}

void TenantsPanel::setSelectedUserRevoked(bool revoked)
{
    const int row = selectedUserRow();
    if (row < 0)
        return;
    clearError();
    const QString id = m_users->idAt(row);
    if (!revoked) { // restoring gives back the password only: nothing to lose
        m_users->setRevoked(id, false);
        return;
    }
    ConfirmDialog::ask(this, QStringLiteral("confirmRevokeUser"),
                       {tr("Revoke user?"), tr("Revoke user"),
                        m_users->item(row).value(QLatin1String("email")).toString(),
                        tr("They are signed out everywhere, their password stops working and the API keys they "
                           "created are revoked for good. Restoring gives back the password, not the keys.")},
                       [this, id] { m_users->setRevoked(id, true); });
}

void TenantsPanel::openCreateKeyDialog()
{
    const QString tenantId = m_keys->tenantId();
    const int row = m_tenants->rowOf(tenantId);
    if (tenantId.isEmpty() || row < 0)
        return;
    clearError();
    // Not exec(): no nested event loop while answers arrive; the dialog is window-modal all the same.
    auto *dialog = new CreateApiKeyDialog(m_client, tenantId,
                                          m_tenants->item(row).value(QLatin1String("name")).toString(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, tenantId] {
        // The selection cannot move while the dialog is open, but a suspension from elsewhere can clear it.
        if (m_keys->tenantId() == tenantId)
            m_keys->createKey(dialog->newKey());
    });
    dialog->open();
}

// The role box shows the selected user's role until another is picked for Change role.
void TenantsPanel::showUserRole()
{
    const int row = selectedUserRow();
    if (row >= 0)
        m_roleBox->setCurrentIndex(m_roleBox->findData(m_users->item(row).value(QLatin1String("role")).toString()));
    updateButtons();
}

void TenantsPanel::addUser()
{
    const QString email = m_newUserEmail->text().trimmed();
    if (m_users->tenantId().isEmpty() || !email.contains(u'@'))
        return;
    clearError();
    m_users->addUser(email, m_newUserRole->currentData().toString());
}

void TenantsPanel::showAddedUser(const QString &tenantId, const QJsonObject &user, const QString &password)
{
    m_newUserEmail->clear();
    const int row = m_tenants->rowOf(tenantId);
    auto *dialog = new OneTimeSecretDialog(tr("User added"),
                                           tr("The password of %1 (%2 of %3)")
                                               .arg(user.value(QLatin1String("email")).toString(),
                                                    user.value(QLatin1String("role")).toString(),
                                                    row < 0 ? tr("the tenant") : tenantName(row)),
                                           password, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

// A role change is undone by another one: it needs no question (the API refuses to demote the last owner).
void TenantsPanel::changeRole()
{
    const int row = selectedUserRow();
    if (row < 0)
        return;
    clearError();
    m_users->changeRole(m_users->idAt(row), m_roleBox->currentData().toString());
}

void TenantsPanel::showCreatedKey(const QString &tenantId, const QJsonObject &key, const QString &secret)
{
    const int row = m_tenants->rowOf(tenantId);
    const QString tenantName
        = row < 0 ? tr("the tenant") : m_tenants->item(row).value(QLatin1String("name")).toString();
    auto *dialog = new OneTimeSecretDialog(
        tr("API key created"),
        tr("The API key \"%1\" of %2").arg(key.value(QLatin1String("name")).toString(), tenantName), secret, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    const int keyRow = m_keys->rowOf(key.value(QLatin1String("id")).toString());
    if (keyRow >= 0)
        m_keysTable->selectRow(m_keysProxy->mapFromSource(m_keys->index(keyRow, 0)).row());
}

void TenantsPanel::confirmRevokeKey()
{
    const int row = selectedKeyRow();
    if (row < 0 || m_keys->isRevoked(row))
        return;
    clearError();
    const QString keyId = m_keys->idAt(row);
    const QJsonObject key = m_keys->item(row);
    ConfirmDialog::ask(this, QStringLiteral("confirmRevokeApiKey"),
                       {tr("Revoke API key?"), tr("Revoke key"),
                        QStringLiteral("%1 (%2)").arg(key.value(QLatin1String("name")).toString(),
                                                      key.value(QLatin1String("prefix")).toString()),
                        tr("Every request made with it fails from then on; this cannot be undone.")},
                       [this, keyId] { m_keys->revokeKey(keyId); });
}

void TenantsPanel::confirmEndSessions()
{
    const int row = selectedUserRow();
    if (row < 0 || m_users->isRevoked(row))
        return;
    clearError();
    const QString userId = m_users->idAt(row);
    ConfirmDialog::ask(this, QStringLiteral("confirmEndSessions"),
                       {tr("End sessions?"), tr("End sessions"),
                        m_users->item(row).value(QLatin1String("email")).toString(),
                        tr("They are signed out everywhere at once and sign in again with their password; their API "
                           "keys keep working.")},
                       [this, userId] { m_users->endSessions(userId); });
}

void TenantsPanel::confirmResetPassword()
{
    const int row = selectedUserRow();
    if (row < 0 || m_users->isRevoked(row))
        return;
    clearError();
    const QString userId = m_users->idAt(row);
    ConfirmDialog::ask(this, QStringLiteral("confirmResetPassword"),
                       {tr("Reset password?"), tr("Reset password"),
                        m_users->item(row).value(QLatin1String("email")).toString(),
                        tr("A new password is shown once, for you to hand over. The current password stops working, "
                           "their current sessions end, and they must change the new one when they sign in.")},
                       [this, userId] { m_users->resetPassword(userId); });
}

void TenantsPanel::showResetPassword(const QString &tenantId, const QJsonObject &user, const QString &password)
{
    const int row = m_tenants->rowOf(tenantId);
    auto *dialog = new OneTimeSecretDialog(
        tr("Password reset"),
        tr("The new password of %1 (of %2); they must change it when they sign in")
            .arg(user.value(QLatin1String("email")).toString(), row < 0 ? tr("the tenant") : tenantName(row)),
        password, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void TenantsPanel::showError(const QString &message)
{
    m_feedback->showError(message);
}

void TenantsPanel::clearError()
{
    m_feedback->clear();
}

} // namespace twinops
