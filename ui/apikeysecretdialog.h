#pragma once

#include <QDialog>

class QLineEdit;

namespace twinops {

// Shows a new API key the only time the API ever returns it: read-only, with a Copy button and the warning that it
// will not be shown again. The key is held by the field alone, which is emptied when the dialog closes; it is
// never logged.
class ApiKeySecretDialog final : public QDialog
{
    Q_OBJECT
public:
    ApiKeySecretDialog(const QString &keyName, const QString &tenantName, const QString &secret,
                       QWidget *parent = nullptr);

    void done(int result) override;

private:
    QLineEdit *m_secret;
};

} // namespace twinops
