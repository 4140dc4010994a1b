#pragma once

#include "apikeysmodel.h"

#include <QDialog>

class QCheckBox;
class QLineEdit;
class QListView;
class QPushButton;
class QSpinBox;

namespace twinops {

class AdminClient;
class TwinsModel;

// Asks for what a new API key of one tenant may do: a name, its scopes (the list of resources/api/openapi.json),
// optionally the twins it may see (that tenant's, listed from the API) and a lifetime in days. Creates nothing itself:
// when accepted, newKey() is the request. Every input has an objectName, so tests fill it in like a user.
class CreateApiKeyDialog final : public QDialog
{
    Q_OBJECT
public:
    CreateApiKeyDialog(AdminClient &client, const QString &tenantId, const QString &tenantName,
                       QWidget *parent = nullptr);

    ApiKeysModel::NewKey newKey() const;
    TwinsModel *twinsModel() const { return m_twins; }

private:
    QStringList selectedTwinIds() const;
    void updateState();

    TwinsModel *m_twins;
    QLineEdit *m_name;
    QList<QCheckBox *> m_scopes;
    QCheckBox *m_limitTwins;
    QListView *m_twinList;
    QCheckBox *m_expires;
    QSpinBox *m_expiryDays;
    QPushButton *m_create;
};

} // namespace twinops
