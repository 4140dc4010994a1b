#pragma once

#include "backgroundcalls.h"
#include "config/environmentstore.h"

#include <QDialog>
#include <QList>
#include <QUrl>

#include <memory>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace twinops {

// The remote environments a user keeps: the list, a form (name, base URL, admin API key, optional PostgreSQL DSN)
// to add one or to change the selected one, and remove. Secrets go to the OS keychain; when there is none the dialog
// says so and offers the owner-only file fallback, which is used only after the user confirms. Every store call may
// block on the keychain, so it runs on a thread of its own and the answer comes back to this thread; the dialog
// stays usable, and closes at once even while a call runs (the call keeps the store alive and ends on its own).
class EnvironmentsDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit EnvironmentsDialog(std::shared_ptr<EnvironmentStore> store, QWidget *parent = nullptr);

    // Where the file fallback would go; EnvironmentStore::defaultFileFallbackDirectory() unless set.
    void setFileFallbackDirectory(const QString &directory);
    QString fileFallbackDirectory() const { return m_fallbackDirectory; }
    // Reads the list and the secret backend again (off the GUI thread).
    void refresh();

signals:
    // A new environment was stored; the main window adds it to its picker.
    void environmentAdded(const QString &id, const QString &name, const QUrl &baseUrl, const QString &adminKey);
    // A stored environment was changed; `adminKey` is empty when it was kept.
    void environmentChanged(const QString &id, const QString &name, const QUrl &baseUrl, const QString &adminKey);

private:
    // What the store looks like after an operation, read on the worker thread.
    struct Snapshot
    {
        SecretBackend backend = SecretBackend::Unavailable;
        QString unavailableReason;
        QString fileDirectory;
        QList<EnvironmentEntry> entries;
        QString listError;
    };

    // An operation's result and the store right after it, both read on the worker thread.
    template<typename R> struct AfterChange
    {
        R result;
        Snapshot snapshot;
    };

    static Snapshot takeSnapshot(EnvironmentStore &store);
    void applySnapshot(quint64 request, const Snapshot &snapshot);
    void addEnvironment();
    void saveEnvironment();
    // Reaches the form's URL with the form's key (or the selected environment's stored key when the field is empty)
    // and says in words what works and what to do about what does not.
    void testConnection();
    void removeEnvironment();
    void removeConfirmed(const QString &id, const QString &name);
    void showSelected();
    void clearForm();
    void confirmFileFallback();
    void enableFileFallback();
    void updateFallbackMessage();
    void showError(const QString &text);
    void updateButtons();

    std::shared_ptr<EnvironmentStore> m_store;
    QString m_fallbackDirectory;
    BackgroundCalls m_calls;
    SecretBackend m_backend = SecretBackend::Unavailable;
    QString m_unavailableReason;

    QListWidget *m_list;
    QLineEdit *m_name;
    QLineEdit *m_url;
    QLineEdit *m_adminKey;
    QLineEdit *m_dsn;
    QPushButton *m_addButton;
    QPushButton *m_saveButton;
    QPushButton *m_removeButton;
    QPushButton *m_testButton;
    QLabel *m_testResult;
    QLabel *m_backendLabel;
    QWidget *m_fallbackBox;
    QLabel *m_fallbackMessage;
    QPushButton *m_fallbackButton;
    QLabel *m_error;
};

} // namespace twinops
