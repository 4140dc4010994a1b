#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QTimer;

namespace twinops {

class AdminClient;
class TenantsModel;
class UsersModel;

// Tenants of the selected environment: search, counts, create, suspend/reactivate, and the users of the selected
// tenant with revoke/restore. Works on any AdminClient (Local or remote); every answer arrives asynchronously and
// errors are shown in the panel, in words.
class TenantsPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit TenantsPanel(AdminClient &client, QWidget *parent = nullptr);

    TenantsModel *tenantsModel() const { return m_tenants; }
    UsersModel *usersModel() const { return m_users; }
    QSortFilterProxyModel *tenantsProxy() const { return m_tenantsProxy; }
    QSortFilterProxyModel *usersProxy() const { return m_usersProxy; }
    // The id of the tenant whose users are shown, or empty.
    QString selectedTenantId() const;

private:
    int selectedTenantRow() const; // in TenantsModel, or -1
    int selectedUserRow() const; // in UsersModel, or -1
    void tenantSelectionChanged();
    void updateButtons();
    void createTenant();
    void toggleSuspended();
    void setSelectedUserRevoked(bool revoked);
    void showError(const QString &message);
    void clearError();

    TenantsModel *m_tenants;
    UsersModel *m_users;
    QSortFilterProxyModel *m_tenantsProxy;
    QSortFilterProxyModel *m_usersProxy;
    QLabel *m_error;
    QLineEdit *m_search;
    QTimer *m_searchDelay;
    QTableView *m_tenantsTable;
    QLineEdit *m_newTenantName;
    QPushButton *m_createButton;
    QPushButton *m_suspendButton;
    QLabel *m_usersTitle;
    QTableView *m_usersTable;
    QPushButton *m_revokeButton;
    QPushButton *m_restoreButton;
};

} // namespace twinops
