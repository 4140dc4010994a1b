#include "createapikeydialog.h"

#include "auth/principal.h"
#include "twinsmodel.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace twinops {

namespace {

constexpr int kDefaultExpiryDays = 90;
constexpr int kMaxExpiryDays = 3650; // the API's limit

QString scopeDescription(const QString &scope)
{
    if (scope == scopes::twinsRead)
        return CreateApiKeyDialog::tr("List and read twins, their sources and graphs");
    if (scope == scopes::twinsWrite)
        return CreateApiKeyDialog::tr("Create, change and delete twins");
    if (scope == scopes::sourcesWrite)
        return CreateApiKeyDialog::tr("Upload, approve, reject and delete sources");
    if (scope == scopes::chat)
        return CreateApiKeyDialog::tr("Chat with twins and read conversations");
    if (scope == scopes::jobsRead)
        return CreateApiKeyDialog::tr("List jobs and read their logs");
    if (scope == scopes::jobsWrite)
        return CreateApiKeyDialog::tr("Retry and cancel jobs");
    return {};
}

QString scopeObjectName(const QString &scope)
{
    QString name = scope;
    name.replace(u':', u'_');
    return QStringLiteral("apiKeyScope_") + name;
}

} // namespace

CreateApiKeyDialog::CreateApiKeyDialog(AdminClient &client, const QString &tenantId, const QString &tenantName,
                                       QWidget *parent)
    : QDialog(parent)
    , m_twins(new TwinsModel(client, this))
    , m_name(new QLineEdit(this))
    , m_limitTwins(new QCheckBox(tr("Only these twins:"), this))
    , m_twinList(new QListView(this))
    , m_expires(new QCheckBox(tr("Expires after"), this))
    , m_expiryDays(new QSpinBox(this))
    , m_create(nullptr)
{
    setObjectName(QStringLiteral("createApiKeyDialog"));
    setWindowTitle(tr("New API key for %1").arg(tenantName));
    m_name->setObjectName(QStringLiteral("apiKeyName"));
    m_name->setPlaceholderText(tr("What uses it, e.g. CI deploy"));
    m_name->setMaxLength(100);

    auto *scopeBox = new QWidget(this);
    auto *scopeGrid = new QGridLayout(scopeBox);
    scopeGrid->setContentsMargins(0, 0, 0, 0);
    const QStringList all = scopes::all();
    for (int i = 0; i < all.size(); ++i) {
        auto *box = new QCheckBox(all.at(i), scopeBox);
        box->setObjectName(scopeObjectName(all.at(i)));
        box->setToolTip(scopeDescription(all.at(i)));
        box->setProperty("scope", all.at(i));
        scopeGrid->addWidget(box, i / 2, i % 2);
        m_scopes.append(box);
        connect(box, &QCheckBox::toggled, this, &CreateApiKeyDialog::updateState);
    }

    m_limitTwins->setObjectName(QStringLiteral("apiKeyLimitTwins"));
    m_limitTwins->setToolTip(tr("Unticked, the key sees every twin of the tenant, including twins made later."));
    m_twinList->setObjectName(QStringLiteral("apiKeyTwins"));
    m_twinList->setModel(m_twins);
    m_twinList->setModelColumn(TwinsModel::Name);
    m_twinList->setSelectionMode(QAbstractItemView::MultiSelection);
    m_twinList->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_twinList->setEnabled(false);
    m_expires->setObjectName(QStringLiteral("apiKeyExpires"));
    m_expiryDays->setObjectName(QStringLiteral("apiKeyExpiryDays"));
    m_expiryDays->setRange(1, kMaxExpiryDays);
    m_expiryDays->setValue(kDefaultExpiryDays);
    m_expiryDays->setSuffix(tr(" days"));
    m_expiryDays->setEnabled(false);

    auto *error = new QLabel(this);
    error->setObjectName(QStringLiteral("createApiKeyError"));
    error->setWordWrap(true);
    error->setStyleSheet(QStringLiteral("color: #b00020;"));
    error->hide();

    auto *expiry = new QHBoxLayout;
    expiry->addWidget(m_expires);
    expiry->addWidget(m_expiryDays);
    expiry->addStretch();
    auto *form = new QFormLayout;
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Scopes"), scopeBox);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_create = buttons->addButton(tr("Create key"), QDialogButtonBox::AcceptRole);
    m_create->setObjectName(QStringLiteral("confirmCreateApiKeyButton"));
    buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("cancelApiKeyButton"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(error);
    layout->addLayout(form);
    layout->addWidget(m_limitTwins);
    layout->addWidget(m_twinList, 1);
    layout->addLayout(expiry);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_name, &QLineEdit::textChanged, this, &CreateApiKeyDialog::updateState);
    connect(m_limitTwins, &QCheckBox::toggled, this, &CreateApiKeyDialog::updateState);
    connect(m_expires, &QCheckBox::toggled, this, &CreateApiKeyDialog::updateState);
    connect(m_twinList->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &CreateApiKeyDialog::updateState);
    connect(m_twins, &TwinsModel::errorOccurred, this, [error](const QString &message) {
        error->setText(tr("The twins could not be listed: %1").arg(message));
        error->show();
    });

    m_twins->setTenantId(tenantId);
    updateState();
    resize(480, 520);
}

ApiKeysModel::NewKey CreateApiKeyDialog::newKey() const
{
    ApiKeysModel::NewKey key;
    key.name = m_name->text().trimmed();
    for (const QCheckBox *box : m_scopes) {
        if (box->isChecked())
            key.scopes.append(box->property("scope").toString());
    }
    if (m_limitTwins->isChecked())
        key.twinIds = selectedTwinIds();
    if (m_expires->isChecked())
        key.expiresInDays = m_expiryDays->value();
    return key;
}

QStringList CreateApiKeyDialog::selectedTwinIds() const
{
    QStringList ids;
    // selectedRows() would want every column selected; the list shows (and selects) only the name.
    const QModelIndexList selected = m_twinList->selectionModel()->selectedIndexes();
    for (const QModelIndex &index : selected)
        ids.append(m_twins->idAt(index.row()));
    return ids;
}

void CreateApiKeyDialog::updateState()
{
    m_twinList->setEnabled(m_limitTwins->isChecked());
    m_expiryDays->setEnabled(m_expires->isChecked());
    const ApiKeysModel::NewKey key = newKey();
    // An empty allow-list would make a key that sees nothing: almost surely a slip, so it is not offered.
    m_create->setEnabled(!key.name.isEmpty() && !key.scopes.isEmpty() && (!key.twinIds || !key.twinIds->isEmpty()));
}

} // namespace twinops
