#pragma once

#include <QDialog>

class QLineEdit;

namespace twinops {

// Shows a secret the only time the API ever returns it (an API key, a share link's token, a generated password):
// read-only, with a Copy button and the warning that it will not be shown again. The secret is held by the field
// alone, which is emptied when the dialog closes; it is never logged.
class OneTimeSecretDialog final : public QDialog
{
    Q_OBJECT
public:
    // `what` names the secret in the notice ("The API key "CI reader" of Acme"); the notice adds the warning.
    OneTimeSecretDialog(const QString &title, const QString &what, const QString &secret, QWidget *parent = nullptr);

    void done(int result) override;

private:
    QLineEdit *m_secret;
};

} // namespace twinops
