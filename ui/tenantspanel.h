#pragma once

#include <QWidget>

#include <memory>
#include <optional>

class QComboBox;
class QJsonObject;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTabWidget;
class QTableView;
class QTimer;

namespace twinops {

class AdminClient;
class ApiKeysModel;
class BackgroundCalls;
class FeedbackLine;
class TenantsModel;
class UserSearchModel;
class UsersModel;

// Tenants of the selected environment: search, status filter, counts, last activity, create, suspend/reactivate,
// export (a JSON file) and delete (the name typed to confirm); for the selected tenant its users with
// revoke/restore/end sessions and its API keys with create (the key shown once) and revoke; a search for users across
// every tenant, whose result, chosen, selects the user's tenant and the user. Works on any AdminClient
// (Local or remote); every answer arrives asynchronously and the panel's feedback line says how each action ended.
// Every destructive action is asked first (ConfirmDialog).
class TenantsPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit TenantsPanel(AdminClient &client, QWidget *parent = nullptr);
    ~TenantsPanel() override;

    TenantsModel *tenantsModel() const { return m_tenants; }
    UsersModel *usersModel() const { return m_users; }
    ApiKeysModel *apiKeysModel() const { return m_keys; }
    QSortFilterProxyModel *tenantsProxy() const { return m_tenantsProxy; }
    QSortFilterProxyModel *usersProxy() const { return m_usersProxy; }
    QSortFilterProxyModel *apiKeysProxy() const { return m_keysProxy; }
    UserSearchModel *userSearchModel() const { return m_userSearch; }
    QSortFilterProxyModel *userSearchProxy() const { return m_userSearchProxy; }
    // The id of the tenant whose users are shown, or empty.
    QString selectedTenantId() const;

public slots:
    // The main window's F5, Ctrl+F and Del (see MainWindow).
    void refresh();
    void focusSearch();
    bool deleteSelected();

    // Selects the tenant and, when given, its user, once they are listed (filters that hide the tenant are cleared).
    void showTenant(const QString &tenantId, const QString &userId = {});

private:
    int selectedTenantRow() const; // in TenantsModel, or -1
    int selectedUserRow() const; // in UsersModel, or -1
    int selectedKeyRow() const; // in ApiKeysModel, or -1
    void tenantSelectionChanged();
    void showPendingSelection();
    void chooseFoundUser();
    void updateKeysTenant();
    void updateButtons();
    void createTenant();
    void toggleSuspended();
    void confirmDeleteTenant();
    void chooseExportFile();
    void exportTenant(const QString &tenantId, const QString &name, const QString &path);
    void setSelectedUserRevoked(bool revoked);
    void openCreateKeyDialog();
    void showCreatedKey(const QString &tenantId, const QJsonObject &key, const QString &secret);
    void confirmRevokeKey();
    void confirmEndSessions();
    void confirmResetPassword();
    void showResetPassword(const QString &tenantId, const QJsonObject &user, const QString &password);
    void showUserRole();
    void addUser();
    void showAddedUser(const QString &tenantId, const QJsonObject &user, const QString &password);
    void changeRole();
    void showError(const QString &message);
    void clearError();
    QString tenantName(int row) const;

    AdminClient &m_client;
    TenantsModel *m_tenants;
    UsersModel *m_users;
    ApiKeysModel *m_keys;
    QSortFilterProxyModel *m_tenantsProxy;
    QSortFilterProxyModel *m_usersProxy;
    QSortFilterProxyModel *m_keysProxy;
    UserSearchModel *m_userSearch;
    QSortFilterProxyModel *m_userSearchProxy;
    FeedbackLine *m_feedback;
    QLineEdit *m_search;
    QComboBox *m_statusFilter;
    QTimer *m_searchDelay;
    QLineEdit *m_userSearchText;
    QTimer *m_userSearchDelay;
    QTableView *m_userSearchTable; // shown while there is a user search
    QTableView *m_tenantsTable;
    QLineEdit *m_newTenantName;
    QPushButton *m_createButton;
    QPushButton *m_suspendButton;
    QPushButton *m_exportButton;
    QPushButton *m_deleteButton;
    std::unique_ptr<BackgroundCalls> m_files; // writing an export
    QTabWidget *m_details; // "Users" and "API keys" of the selected tenant
    QLabel *m_usersTitle;
    QTableView *m_usersTable;
    QPushButton *m_revokeButton;
    QPushButton *m_restoreButton;
    QPushButton *m_endSessionsButton;
    QPushButton *m_resetPasswordButton;
    QComboBox *m_roleBox; // the selected user's role, to change
    QPushButton *m_changeRoleButton;
    QLineEdit *m_newUserEmail;
    QComboBox *m_newUserRole;
    QPushButton *m_addUserButton;
    QLabel *m_keysTitle;
    QTableView *m_keysTable;
    QPushButton *m_createKeyButton;
    QPushButton *m_revokeKeyButton;
    struct PendingSelection
    {
        QString tenantId;
        QString userId; // empty: the tenant only
    };
    std::optional<PendingSelection> m_pendingSelection; // showTenant's, until the rows are listed
};

} // namespace twinops
