#include "environmentsdialog.h"

#include "admin/httpadminapi.h"
#include "confirmdialog.h"
#include "rowtable.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

namespace twinops {

namespace {

// What a list item keeps besides its id (Qt::UserRole), to fill the form when it is selected.
constexpr int kNameRole = Qt::UserRole + 1;
constexpr int kUrlRole = Qt::UserRole + 2;

QString describeEntry(const EnvironmentEntry &entry)
{
    return QStringLiteral("%1 — %2").arg(entry.name, entry.baseUrl.toDisplayString());
}

QString dsnPlaceholder()
{
    return EnvironmentsDialog::tr("optional: postgresql://user:password@host/database");
}

} // namespace

EnvironmentsDialog::EnvironmentsDialog(std::shared_ptr<EnvironmentStore> store, QWidget *parent)
    : QDialog(parent)
    , m_store(std::move(store))
    , m_fallbackDirectory(EnvironmentStore::defaultFileFallbackDirectory())
    , m_calls(this, [this] { updateButtons(); })
    , m_list(new QListWidget(this))
    , m_name(new QLineEdit(this))
    , m_url(new QLineEdit(this))
    , m_adminKey(new QLineEdit(this))
    , m_dsn(new QLineEdit(this))
    , m_addButton(new QPushButton(tr("Add environment"), this))
    , m_saveButton(new QPushButton(tr("Save changes"), this))
    , m_removeButton(new QPushButton(tr("Remove…"), this))
    , m_testButton(new QPushButton(tr("Test connection"), this))
    , m_testResult(new QLabel(this))
    , m_backendLabel(new QLabel(this))
    , m_fallbackBox(new QWidget(this))
    , m_fallbackMessage(new QLabel(m_fallbackBox))
    , m_fallbackButton(new QPushButton(tr("Store secrets in files…"), m_fallbackBox))
    , m_error(new QLabel(this))
{
    setWindowTitle(tr("Environments"));
    m_list->setObjectName(QStringLiteral("environmentsList"));
    m_name->setObjectName(QStringLiteral("environmentName"));
    m_name->setPlaceholderText(tr("Staging"));
    m_name->setMaxLength(100);
    m_url->setObjectName(QStringLiteral("environmentUrl"));
    m_url->setPlaceholderText(tr("https://twinops.example.com"));
    m_adminKey->setObjectName(QStringLiteral("environmentAdminKey"));
    m_adminKey->setEchoMode(QLineEdit::Password);
    m_dsn->setObjectName(QStringLiteral("environmentDsn"));
    m_dsn->setEchoMode(QLineEdit::Password);
    m_dsn->setPlaceholderText(dsnPlaceholder());
    m_addButton->setObjectName(QStringLiteral("addEnvironmentButton"));
    m_saveButton->setObjectName(QStringLiteral("saveEnvironmentButton"));
    m_testButton->setObjectName(QStringLiteral("testEnvironmentButton"));
    m_testButton->setToolTip(tr("Reaches the base URL with the admin key typed above, or with the selected "
                                "environment's saved key when the field is empty."));
    m_testResult->setObjectName(QStringLiteral("environmentTestResult"));
    m_testResult->setWordWrap(true);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_testResult->hide();
    m_saveButton->setToolTip(tr("Saves the name and URL of the selected environment, and the admin key and DSN "
                                "when typed (left empty, the stored ones are kept)."));
    m_removeButton->setObjectName(QStringLiteral("removeEnvironmentButton"));
    m_backendLabel->setObjectName(QStringLiteral("environmentsBackend"));
    m_backendLabel->setWordWrap(true);
    m_fallbackBox->setObjectName(QStringLiteral("environmentsFallback"));
    m_fallbackMessage->setObjectName(QStringLiteral("environmentsFallbackMessage"));
    m_fallbackMessage->setWordWrap(true);
    m_fallbackButton->setObjectName(QStringLiteral("useFileFallbackButton"));
    m_fallbackBox->hide();
    m_error->setObjectName(QStringLiteral("environmentsError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_error->hide();

    auto *fallbackLayout = new QVBoxLayout(m_fallbackBox);
    fallbackLayout->setContentsMargins(0, 0, 0, 0);
    fallbackLayout->addWidget(m_fallbackMessage);
    fallbackLayout->addWidget(m_fallbackButton, 0, Qt::AlignLeft);

    auto *form = new QFormLayout;
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Base URL"), m_url);
    form->addRow(tr("Admin API key"), m_adminKey);
    form->addRow(tr("PostgreSQL DSN"), m_dsn);
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_addButton);
    actions->addWidget(m_saveButton);
    actions->addWidget(m_testButton);
    actions->addStretch();
    actions->addWidget(m_removeButton);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->setObjectName(QStringLiteral("environmentsButtons"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_error);
    layout->addWidget(m_fallbackBox);
    layout->addWidget(m_backendLabel);
    layout->addWidget(m_list, 1);
    layout->addLayout(form);
    layout->addLayout(actions);
    layout->addWidget(m_testResult);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_addButton, &QPushButton::clicked, this, &EnvironmentsDialog::addEnvironment);
    connect(m_saveButton, &QPushButton::clicked, this, &EnvironmentsDialog::saveEnvironment);
    connect(m_testButton, &QPushButton::clicked, this, &EnvironmentsDialog::testConnection);
    connect(m_removeButton, &QPushButton::clicked, this, &EnvironmentsDialog::removeEnvironment);
    connect(m_fallbackButton, &QPushButton::clicked, this, &EnvironmentsDialog::confirmFileFallback);
    connect(m_list, &QListWidget::itemClicked, this, &EnvironmentsDialog::showSelected);
    connect(m_list, &QListWidget::currentRowChanged, this, &EnvironmentsDialog::updateButtons);
    // The row's actions are the form's buttons: the right click shows the row in the form first, as a click does, so
    // that Test connection tests what the form then holds.
    setRowMenu(m_list, [this](QMenu &menu, const QModelIndex &index) {
        showSelected();
        addButtonAction(menu, m_testButton);
        addButtonAction(menu, m_removeButton);
        menu.addSeparator();
        addCopyAction(menu, tr("Copy name"), index.data(kNameRole).toString());
        addCopyAction(menu, tr("Copy base URL"), index.data(kUrlRole).toUrl().toString());
    });

    updateButtons();
    refresh();
}

void EnvironmentsDialog::setFileFallbackDirectory(const QString &directory)
{
    m_fallbackDirectory = directory;
    updateFallbackMessage();
}

EnvironmentsDialog::Snapshot EnvironmentsDialog::takeSnapshot(EnvironmentStore &store)
{
    Snapshot snapshot;
    snapshot.backend = store.backend();
    snapshot.unavailableReason = store.unavailableReason();
    snapshot.fileDirectory = store.fileFallbackDirectory();
    auto entries = store.list();
    if (entries.ok())
        snapshot.entries = *entries;
    else
        snapshot.listError = entries.error().message;
    return snapshot;
}

void EnvironmentsDialog::refresh()
{
    const quint64 request = m_calls.nextRequest();
    m_calls.run([store = m_store] { return takeSnapshot(*store); },
                [this, request](const Snapshot &snapshot) { applySnapshot(request, snapshot); });
}

void EnvironmentsDialog::applySnapshot(quint64 request, const Snapshot &snapshot)
{
    // An older answer arriving after a newer one must not bring back a stale list.
    if (!m_calls.accept(request))
        return;
    m_backend = snapshot.backend;

    switch (m_backend) {
    case SecretBackend::Keychain:
        m_backendLabel->setText(tr("Admin keys and DSNs are kept in the system keychain."));
        m_fallbackBox->hide();
        break;
    case SecretBackend::File:
        if (!snapshot.fileDirectory.isEmpty())
            m_backendLabel->setText(tr("No keychain: admin keys and DSNs are kept in files in %1, readable by this "
                                       "OS user only.")
                                        .arg(snapshot.fileDirectory));
        m_fallbackBox->hide();
        break;
    case SecretBackend::Unavailable:
        m_backendLabel->setText(tr("Admin keys and DSNs cannot be stored yet."));
        m_unavailableReason = snapshot.unavailableReason;
        updateFallbackMessage();
        m_fallbackBox->show();
        break;
    }
    if (!snapshot.listError.isEmpty())
        showError(snapshot.listError);

    const QString selected = m_list->currentItem() ? m_list->currentItem()->data(Qt::UserRole).toString() : QString();
    m_list->clear();
    for (const EnvironmentEntry &entry : snapshot.entries) {
        auto *item = new QListWidgetItem(describeEntry(entry), m_list);
        item->setData(Qt::UserRole, entry.id);
        item->setData(kNameRole, entry.name);
        item->setData(kUrlRole, entry.baseUrl);
        if (entry.id == selected)
            m_list->setCurrentItem(item);
    }
    updateButtons();
}

void EnvironmentsDialog::updateFallbackMessage()
{
    m_fallbackMessage->setText(
        tr("No keychain is available%1, so the admin keys and DSNs of remote environments are not stored anywhere. "
           "You can keep them in files instead: in %2, readable by this OS user only (files 0600 in a 0700 folder), "
           "but not encrypted.")
            .arg(m_unavailableReason.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(m_unavailableReason),
                 m_fallbackDirectory));
}

void EnvironmentsDialog::addEnvironment()
{
    m_error->hide();
    const QString name = m_name->text().trimmed();
    const QUrl url = QUrl::fromUserInput(m_url->text().trimmed());
    const QString adminKey = m_adminKey->text();
    const QString dsn = m_dsn->text();
    const quint64 request = m_calls.nextRequest();
    m_calls.run(
        [store = m_store, name, url, adminKey, dsn] {
            auto id = store->add(name, url, adminKey, dsn);
            return AfterChange<Result<QString>>{std::move(id), takeSnapshot(*store)};
        },
        [this, request, name, url, adminKey](const AfterChange<Result<QString>> &added) {
            applySnapshot(request, added.snapshot);
            if (!added.result.ok()) {
                showError(tr("The environment was not added: %1").arg(added.result.error().message));
                return;
            }
            clearForm();
            emit environmentAdded(*added.result, name, url, adminKey);
        });
}

void EnvironmentsDialog::removeEnvironment()
{
    QListWidgetItem *item = m_list->currentItem();
    if (!item)
        return;
    m_error->hide();
    const QString id = item->data(Qt::UserRole).toString();
    const QString name = item->text();
    ConfirmDialog::ask(this, QStringLiteral("confirmRemoveEnvironment"),
                       {tr("Remove environment?"), tr("Remove"), name,
                        tr("The console forgets it and the secrets stored for it; the server itself is not touched.")},
                       [this, id, name] { removeConfirmed(id, name); });
}

void EnvironmentsDialog::removeConfirmed(const QString &id, const QString &name)
{
    const quint64 request = m_calls.nextRequest();
    m_calls.run(
        [store = m_store, id] {
            auto status = store->remove(id);
            return AfterChange<Status>{std::move(status), takeSnapshot(*store)};
        },
        [this, request, name](const AfterChange<Status> &removed) {
            applySnapshot(request, removed.snapshot);
            if (!removed.result.ok()) {
                showError(tr("%1 was not removed: %2").arg(name, removed.result.error().message));
                return;
            }
            clearForm();
        });
}

void EnvironmentsDialog::showSelected()
{
    QListWidgetItem *item = m_list->currentItem();
    if (!item)
        return;
    m_name->setText(item->data(kNameRole).toString());
    m_url->setText(item->data(kUrlRole).toUrl().toString());
    // The stored secrets are never read back into the form: empty fields keep them.
    m_adminKey->clear();
    m_dsn->clear();
    m_adminKey->setPlaceholderText(tr("unchanged unless typed"));
    m_dsn->setPlaceholderText(tr("unchanged unless typed"));
}

void EnvironmentsDialog::clearForm()
{
    m_name->clear();
    m_url->clear();
    m_adminKey->clear();
    m_dsn->clear();
    m_adminKey->setPlaceholderText(QString());
    m_dsn->setPlaceholderText(dsnPlaceholder());
}

void EnvironmentsDialog::saveEnvironment()
{
    QListWidgetItem *item = m_list->currentItem();
    if (!item)
        return;
    m_error->hide();
    const QString id = item->data(Qt::UserRole).toString();
    const QString name = m_name->text().trimmed();
    const QUrl url = QUrl::fromUserInput(m_url->text().trimmed());
    const QString adminKey = m_adminKey->text();
    const QString dsn = m_dsn->text();
    const quint64 request = m_calls.nextRequest();
    m_calls.run(
        [store = m_store, id, name, url, adminKey, dsn] {
            auto status = store->update(id, name, url, adminKey, dsn);
            return AfterChange<Status>{std::move(status), takeSnapshot(*store)};
        },
        [this, request, id, name, url, adminKey](const AfterChange<Status> &saved) {
            applySnapshot(request, saved.snapshot);
            if (!saved.result.ok()) {
                showError(tr("The changes were not saved: %1").arg(saved.result.error().message));
                return;
            }
            m_adminKey->clear();
            m_dsn->clear();
            emit environmentChanged(id, name, url, adminKey);
        });
}

void EnvironmentsDialog::confirmFileFallback()
{
    // Not exec(): the question must not spin a nested event loop while answers from the store arrive.
    auto *question = new QMessageBox(QMessageBox::Question, tr("Store secrets in files?"),
                                     tr("Admin keys and DSNs will be written to files in %1. The files are "
                                        "readable by this OS user only (0600, in a 0700 folder), but they are not "
                                        "encrypted: anyone who can act as this user, or read a backup of the folder, "
                                        "can read them.")
                                         .arg(m_fallbackDirectory),
                                     QMessageBox::Cancel, this);
    question->setObjectName(QStringLiteral("confirmFileFallback"));
    QPushButton *confirm = question->addButton(tr("Store in files"), QMessageBox::AcceptRole);
    confirm->setObjectName(QStringLiteral("confirmFileFallbackButton"));
    question->setDefaultButton(QMessageBox::Cancel);
    question->setAttribute(Qt::WA_DeleteOnClose);
    connect(question, &QMessageBox::buttonClicked, this, [this, confirm](QAbstractButton *button) {
        if (button == confirm)
            enableFileFallback();
    });
    question->open();
}

void EnvironmentsDialog::enableFileFallback()
{
    m_error->hide();
    const quint64 request = m_calls.nextRequest();
    const QString directory = m_fallbackDirectory;
    m_calls.run(
        [store = m_store, directory] {
            auto status = store->useFileFallback(directory);
            return AfterChange<Status>{std::move(status), takeSnapshot(*store)};
        },
        [this, request](const AfterChange<Status> &enabled) {
            applySnapshot(request, enabled.snapshot);
            if (!enabled.result.ok())
                showError(tr("The file fallback was not enabled: %1").arg(enabled.result.error().message));
        });
}

void EnvironmentsDialog::testConnection()
{
    const QString typedUrl = m_url->text().trimmed();
    const QUrl url = QUrl::fromUserInput(typedUrl);
    if (typedUrl.isEmpty() || !url.isValid() || url.host().isEmpty()) {
        m_testResult->setText(tr("Enter the base URL first, e.g. https://twinops.example.com or "
                                 "http://127.0.0.1:8080."));
        m_testResult->show();
        return;
    }
    const QString typedKey = m_adminKey->text();
    const QListWidgetItem *item = m_list->currentItem();
    const QString id = typedKey.isEmpty() && item ? item->data(Qt::UserRole).toString() : QString();
    m_testResult->setText(tr("Testing %1…").arg(url.toString(QUrl::RemoveUserInfo)));
    m_testResult->show();
    m_testButton->setEnabled(false);
    struct Outcome
    {
        AdminReply health;
        AdminReply admin;
        bool haveKey = false;
    };
    m_calls.run(
        [store = m_store, url, typedKey, id] {
            Outcome outcome;
            QString key = typedKey;
            if (key.isEmpty() && !id.isEmpty()) {
                if (auto stored = store->adminKey(id); stored.ok())
                    key = *stored;
            }
            outcome.haveKey = !key.isEmpty();
            HttpAdminApi api(url, key, 10'000);
            outcome.health = api.get(QStringLiteral("/health"));
            if (outcome.health.status != 0 && outcome.haveKey)
                outcome.admin = api.get(QStringLiteral("/api/v1/admin/tenants?limit=1"));
            return outcome;
        },
        [this, url](const Outcome &outcome) {
            m_testButton->setEnabled(true);
            const QString where = url.toString(QUrl::RemoveUserInfo);
            QString text;
            if (outcome.health.status == 0) {
                text = tr("Could not reach %1: %2. Check the address and that twinopsd runs there and listens on "
                          "that address (twinopsd serve --listen).")
                           .arg(where, outcome.health.transportError);
            } else {
                const QString version = outcome.health.body.value(QLatin1String("version")).toString();
                const QString server = version.isEmpty() ? tr("a server") : tr("twinopsd %1").arg(version);
                if (!outcome.haveKey)
                    text = tr("Reached %1 at %2. Enter its admin API key to test it too.").arg(server, where);
                else if (outcome.admin.ok())
                    text = tr("Connected to %1 at %2: the admin API key works.").arg(server, where);
                else if (outcome.admin.status == 401)
                    text = tr("Reached %1, but the admin API key was refused: check it, or make a new one on the "
                              "server with twinopsd admin create-key.")
                               .arg(server);
                else if (outcome.admin.status == 403)
                    text = tr("Reached %1, but the key is not a platform admin key: the console needs one (twinopsd "
                              "admin create-key on the server).")
                               .arg(server);
                else
                    text = tr("Reached %1, but its admin API answered: %2").arg(server, outcome.admin.errorText());
            }
            m_testResult->setText(text);
        });
}

void EnvironmentsDialog::showError(const QString &text)
{
    m_error->setText(text);
    m_error->show();
}

void EnvironmentsDialog::updateButtons()
{
    // One change at a time; the list and the form stay usable meanwhile.
    const bool idle = m_calls.idle();
    m_addButton->setEnabled(idle && m_backend != SecretBackend::Unavailable);
    m_saveButton->setEnabled(idle && m_list->currentItem() != nullptr);
    m_removeButton->setEnabled(idle && m_list->currentItem() != nullptr);
    m_fallbackButton->setEnabled(idle);
}

} // namespace twinops
