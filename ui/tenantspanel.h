#pragma once

#include <QWidget>

class QJsonObject;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QTimer;

namespace twinops {

class AdminClient;
class ApiKeysModel;
class TenantsModel;
class UsersModel;

// Tenants of the selected environment: search, counts, create, suspend/reactivate; for the selected tenant its users
// with revoke/restore and its API keys with create (the key shown once) and revoke. Works on any AdminClient (Local
// or remote); every answer arrives asynchronously and errors are shown in the panel, in words.
class TenantsPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit TenantsPanel(AdminClient &client, QWidget *parent = nullptr);

    TenantsModel *tenantsModel() const { return m_tenants; }
    UsersModel *usersModel() const { return m_users; }
    ApiKeysModel *apiKeysModel() const { return m_keys; }
    QSortFilterProxyModel *tenantsProxy() const { return m_tenantsProxy; }
    QSortFilterProxyModel *usersProxy() const { return m_usersProxy; }
    QSortFilterProxyModel *apiKeysProxy() const { return m_keysProxy; }
    // The id of the tenant whose users are shown, or empty.
    QString selectedTenantId() const;

private:
    int selectedTenantRow() const; // in TenantsModel, or -1
    int selectedUserRow() const; // in UsersModel, or -1
    int selectedKeyRow() const; // in ApiKeysModel, or -1
    void tenantSelectionChanged();
    void updateKeysTenant();
    void updateButtons();
    void createTenant();
    void toggleSuspended();
    void setSelectedUserRevoked(bool revoked);
    void openCreateKeyDialog();
    void showCreatedKey(const QString &tenantId, const QJsonObject &key, const QString &secret);
    void confirmRevokeKey();
    void confirmEndSessions();
    void showError(const QString &message);
    void clearError();

    AdminClient &m_client;
    TenantsModel *m_tenants;
    UsersModel *m_users;
    ApiKeysModel *m_keys;
    QSortFilterProxyModel *m_tenantsProxy;
    QSortFilterProxyModel *m_usersProxy;
    QSortFilterProxyModel *m_keysProxy;
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
    QPushButton *m_endSessionsButton;
    QLabel *m_keysTitle;
    QTableView *m_keysTable;
    QPushButton *m_createKeyButton;
    QPushButton *m_revokeKeyButton;
};

} // namespace twinops
