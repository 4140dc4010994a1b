#pragma once

#include "backgroundcalls.h"
#include "storage/databaseurl.h"

#include <QDialog>
#include <QTimer>

#include <atomic>
#include <memory>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace twinops {

// "Move to PostgreSQL…": copies the console's embedded SQLite database into an empty PostgreSQL database with
// DatabaseCopy, on a thread of its own, with a progress bar and Cancel. The password is typed into a field of its
// own (not echoed), used for this copy only and never stored: the URL the dialog hands back in moved() has none,
// and the console reads the password from ~/.pgpass at its next start (libpq does). A cancelled or failed copy
// leaves the PostgreSQL database empty again (DatabaseCopy reverts it), so Start can simply be pressed again.
class MoveDatabaseDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit MoveDatabaseDialog(DatabaseUrl source, QWidget *parent = nullptr);
    ~MoveDatabaseDialog() override;

    bool copying() const { return !m_calls.idle(); }

signals:
    // The copy is complete and verified; `url` is the PostgreSQL URL without a password.
    void moved(const QString &url);
    void copyFinished(bool ok); // after each copy, complete or not

private:
    struct Shared; // what the copying thread and this dialog both hold

    void start();
    void cancel();
    void showProgress();
    void updateButtons();

    DatabaseUrl m_source;
    BackgroundCalls m_calls;
    std::shared_ptr<Shared> m_shared;
    QTimer m_progressTimer;
    QLineEdit *m_url;
    QLineEdit *m_password;
    QProgressBar *m_progress;
    QLabel *m_status;
    QPushButton *m_start;
    QPushButton *m_cancel;
};

} // namespace twinops
