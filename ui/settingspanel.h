#pragma once

#include "backgroundcalls.h"
#include "config/consolesettings.h"

#include <QList>
#include <QWidget>

#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace twinops {

class SecretStore;

// What the Settings panel works on; the console's main() fills it.
struct SettingsPanelOptions
{
    QString settingsPath; // the INI file; empty: nothing can be saved, and the panel says so
    // Where the provider's API key goes (the keychain). Shared: a call still running when the panel goes keeps it.
    std::shared_ptr<SecretStore> secrets;
    std::optional<ConsoleSettings> inEffect; // what this process runs with; unknown when absent
    QStringList overrides; // what the command line and the environment set over the saved values, in words
};

// The console's own settings (those of this program, whatever environment the picker shows): the embedded
// endpoint's listen address and port, the job workers, the database and the chat provider, each with the value in
// effect now beside the saved one. Save validates the whole form first and writes nothing while a field is wrong;
// the provider's API key goes to the keychain, never to the file. Nothing applies live: every saved value takes
// effect at the next start, which the panel says. The file and the keychain are read and written on a thread of
// their own (the keychain may wait for a person to unlock it); the panel stays usable meanwhile.
class SettingsPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit SettingsPanel(SettingsPanelOptions options, QWidget *parent = nullptr);

    // Reads the file and whether a key is stored again, off the GUI thread (the first show does it too).
    void reload();
    // Validates the form; when valid, stores the key and writes the file off the GUI thread.
    void save();

signals:
    void loaded();
    void saved();
    void saveFailed(const QString &message);

protected:
    void showEvent(QShowEvent *event) override;

private:
    enum class KeyState { Unknown, Stored, Absent, Unavailable };
    // The file and the key's state, read on the worker thread.
    struct Snapshot
    {
        ConsoleSettings::Loaded file;
        KeyState key = KeyState::Unknown;
        QString keyProblem;
    };

    static Snapshot takeSnapshot(const QString &path, const std::shared_ptr<SecretStore> &secrets);
    void applySnapshot(quint64 request, const Snapshot &snapshot);
    void showSaved(const ConsoleSettings &settings);
    void showInEffect();
    // The form as typed; a port that is not a number is reported in `problems` (and kept at its default).
    ConsoleSettings formValues(QHash<QString, QString> *problems) const;
    void updateProviderFields();
    void updateExposureWarning();
    void updateButtons();
    void showError(const QString &text);
    // Whether the database in effect is an SQLite file, which "Move to PostgreSQL…" copies.
    bool runsOnSqlite() const;
    void moveToPostgres();
    void clearError();

    SettingsPanelOptions m_options;
    BackgroundCalls m_calls;
    bool m_everLoaded = false;
    std::optional<ConsoleSettings> m_saved; // the file's values, as last read
    KeyState m_keyState = KeyState::Unknown;

    QLabel *m_error;
    QLabel *m_status;
    QLabel *m_overrides;
    QLineEdit *m_address;
    QLineEdit *m_port;
    QSpinBox *m_workers;
    QLineEdit *m_database;
    QComboBox *m_provider;
    QLineEdit *m_baseUrl;
    QLineEdit *m_model;
    QLineEdit *m_apiKey;
    QCheckBox *m_forgetKey;
    QLabel *m_keyStatus;
    QLabel *m_exposureWarning;
    QLabel *m_effectiveAddress;
    QLabel *m_effectivePort;
    QLabel *m_effectiveWorkers;
    QLabel *m_effectiveDatabase;
    QLabel *m_effectiveProvider;
    QLabel *m_effectiveExposure;
    QPushButton *m_saveButton;
    QPushButton *m_revertButton;
    QPushButton *m_moveButton;
};

} // namespace twinops
