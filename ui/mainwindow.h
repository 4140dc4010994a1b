#pragma once

#include "alertmonitor.h"
#include "backgroundcalls.h"
#include "viewstate.h"

#include <QMainWindow>

#include <functional>
#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QListWidget;
class QStackedWidget;
class QUrl;

namespace twinops {

class AdminClient;
class AlertsTray;
struct ConsoleSettings;
class EnvironmentStore;
class SecretStore;
class ServiceCore;
struct Error;
struct SettingsPanelOptions;

// The console's frame: a menu bar, the environment picker on top, navigation on the left, one panel per section on the
// right, and the environment's alert status in the title and the status bar. Every panel works on the selected
// environment through its AdminClient: "Local" is the embedded core, in process; a remote environment is a twinopsd
// reached over HTTP with an admin key.
//
// The menu's panel commands reach the shown panel through public slots it may have, by name: refresh() (F5),
// focusSearch() (Ctrl+F) and deleteSelected() (Del: the selected object's destructive action, which asks first).
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    enum Section {
        Overview,
        Alerts,
        Tenants,
        Twins,
        Sources,
        Jobs,
        Dashboards,
        Checklists,
        AuditLog,
        Settings,
        SectionCount
    };

    // `environments`, when given, lists the saved remote environments (their keys are read from it on each
    // environment's own thread, never here) and backs the Environments dialog. Shared: a call still running when
    // the window goes keeps it alive.
    explicit MainWindow(ServiceCore &core, std::shared_ptr<EnvironmentStore> environments = {},
                        QWidget *parent = nullptr);
    ~MainWindow() override;

    void showSection(Section section);
    Section currentSection() const;
    void setEndpointStatus(const QString &text, const QString &details = {});
    // Starts the embedded HTTP API with `settings`: its signing secret and the provider's API key come from
    // `keychain` on a thread of its own (the keychain may wait for a person to unlock it), the endpoint starts back
    // on this thread, and the status bar says where it listens or, in plain words, why it is off.
    void startLocalApi(const ConsoleSettings &settings, std::shared_ptr<SecretStore> keychain);
    // The status bar's words for a local API that could not start because of `error`.
    static QString localApiOffText(const Error &error);
    // The embedded HTTP API's address, which the Local environment's checklist runs check.
    void setLocalEndpoint(const QString &baseUrl);
    // The Settings section's file, keychain and values in effect (without them it can show but not save).
    void setSettings(const SettingsPanelOptions &options);
    // Adds a remote environment for this session and selects it (saved ones come from the EnvironmentStore).
    void addRemoteEnvironment(const QString &name, const QUrl &baseUrl, const QString &adminKey);
    void selectEnvironment(int index);
    // Remembers the layout (geometry, column widths, splitters, the last environment) in `path` from now on, and
    // applies what it holds.
    void restoreViewState(const QString &path);
    // The alerts of every environment, polled for the tray whatever section is shown.
    AlertMonitor &alertMonitor() { return m_alertMonitor; }
    AlertsTray &alertsTray() { return *m_alertsTray; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildMenus();
    // Calls the shown panel's slot `method` ("refresh()"); false when the panel has none, or when the slot returns a
    // bool and says false (deleteSelected(): nothing selected to delete).
    bool invokeOnPanel(const char *method);
    void updateEnvironmentStatus();
    void addSection(Section section, const QString &name, QWidget *panel);
    void replacePanel(Section section, QWidget *panel);
    void showEnvironment(int index);
    // `adminKey` runs on the environment's worker thread (it may ask the keychain). `id`: the saved environment's.
    void addEnvironment(const QString &name, const QUrl &baseUrl, std::function<QString()> adminKey,
                        const QString &id = {});
    // The saved environment `id` was changed in the Environments dialog; an empty `adminKey` was kept.
    void changeEnvironment(const QString &id, const QString &name, const QUrl &baseUrl, const QString &adminKey);
    std::unique_ptr<AdminClient> remoteClient(const QString &name, const QUrl &baseUrl,
                                              std::function<QString()> adminKey);
    std::function<QString()> storedAdminKey(const QString &id) const;
    void openEnvironmentsDialog();
    // The Overview and the tray's monitor list every environment: rebuilt whenever one is added or changed.
    void rebuildOverview();
    void openAlerts(int environment);

    ServiceCore &m_core;
    std::shared_ptr<EnvironmentStore> m_environmentStore;
    BackgroundCalls m_calls; // the local API's keychain look-up
    std::vector<std::unique_ptr<AdminClient>> m_environments; // [0] is Local
    std::vector<QString> m_environmentIds; // the saved environments' ids, by picker index; empty for the others
    QString m_localEndpoint;
    QComboBox *m_environmentPicker;
    QListWidget *m_navigation;
    QStackedWidget *m_panels;
    QLabel *m_endpointLabel;
    QLabel *m_environmentStatus;
    ViewState m_viewState;
    AlertMonitor m_alertMonitor;
    AlertsTray *m_alertsTray;
};

} // namespace twinops
