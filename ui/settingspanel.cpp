#include "settingspanel.h"

#include "auth/secretstore.h"
#include "movedatabasedialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace twinops {

namespace {

const QString kErrorStyle = QStringLiteral("color: #b00020;");
const QString kWarningStyle = QStringLiteral("color: #8a4b00; font-weight: bold;");

QLabel *wrappingLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

QString describeProvider(const ConsoleSettings &settings)
{
    if (settings.provider == ChatSettings::Provider::Grounded)
        return SettingsPanel::tr("grounded (built in, offline)");
    // chatSettings() without a store only fills in the defaults; the key is not shown here.
    auto chat = settings.chatSettings(nullptr);
    if (!chat.ok())
        return SettingsPanel::tr("openai-compatible (%1)").arg(chat.error().message);
    return SettingsPanel::tr("openai-compatible: model %1 at %2").arg(chat->model, chat->baseUrl);
}

QString describeDatabase(const ConsoleSettings &settings)
{
    auto url = settings.database();
    return url.ok() ? url->redacted() : settings.databaseUrl; // redacted: a PostgreSQL URL may carry a password
}

} // namespace

SettingsPanel::SettingsPanel(SettingsPanelOptions options, QWidget *parent)
    : QWidget(parent)
    , m_options(std::move(options))
    , m_calls(this, [this] { updateButtons(); })
    , m_error(wrappingLabel(QStringLiteral("settingsError"), this))
    , m_status(wrappingLabel(QStringLiteral("settingsStatus"), this))
    , m_overrides(wrappingLabel(QStringLiteral("settingsOverrides"), this))
    , m_address(new QLineEdit(this))
    , m_port(new QLineEdit(this))
    , m_workers(new QSpinBox(this))
    , m_database(new QLineEdit(this))
    , m_provider(new QComboBox(this))
    , m_baseUrl(new QLineEdit(this))
    , m_model(new QLineEdit(this))
    , m_apiKey(new QLineEdit(this))
    , m_forgetKey(new QCheckBox(tr("Remove the stored key"), this))
    , m_keyStatus(wrappingLabel(QStringLiteral("apiKeyStatus"), this))
    , m_exposureWarning(wrappingLabel(QStringLiteral("listenWarning"), this))
    , m_effectiveAddress(wrappingLabel(QStringLiteral("effectiveListenAddress"), this))
    , m_effectivePort(wrappingLabel(QStringLiteral("effectivePort"), this))
    , m_effectiveWorkers(wrappingLabel(QStringLiteral("effectiveWorkers"), this))
    , m_effectiveDatabase(wrappingLabel(QStringLiteral("effectiveDatabase"), this))
    , m_effectiveProvider(wrappingLabel(QStringLiteral("effectiveProvider"), this))
    , m_effectiveExposure(wrappingLabel(QStringLiteral("effectiveListenWarning"), this))
    , m_saveButton(new QPushButton(tr("Save"), this))
    , m_revertButton(new QPushButton(tr("Revert to saved"), this))
    , m_moveButton(new QPushButton(tr("Move to PostgreSQL…"), this))
{
    const ConsoleSettings defaults = ConsoleSettings::defaults();
    m_error->setStyleSheet(kErrorStyle);
    m_error->hide();
    m_overrides->hide();
    m_exposureWarning->setStyleSheet(kWarningStyle);
    m_exposureWarning->hide();
    m_effectiveExposure->setStyleSheet(kWarningStyle);
    m_effectiveExposure->hide();
    m_address->setObjectName(QStringLiteral("listenAddress"));
    m_address->setPlaceholderText(defaults.listenAddress);
    m_port->setObjectName(QStringLiteral("listenPort"));
    m_port->setPlaceholderText(tr("%1 (0 = no local API)").arg(defaults.port));
    m_workers->setObjectName(QStringLiteral("workerCount"));
    m_workers->setRange(0, ConsoleSettings::kMaxWorkers);
    m_workers->setSpecialValueText(tr("0 (only enqueue jobs)"));
    m_database->setObjectName(QStringLiteral("databaseUrl"));
    m_database->setPlaceholderText(defaults.databaseUrl);
    m_database->setToolTip(tr("sqlite:///path/to/file.db, a file path, or postgres://user@host/database (keep the "
                              "password in ~/.pgpass). Default: %1")
                               .arg(defaults.databaseUrl));
    m_provider->setObjectName(QStringLiteral("provider"));
    m_provider->addItem(tr("Grounded (built in, offline)"), int(ChatSettings::Provider::Grounded));
    m_provider->addItem(tr("OpenAI-compatible server"), int(ChatSettings::Provider::OpenAi));
    m_baseUrl->setObjectName(QStringLiteral("providerBaseUrl"));
    m_baseUrl->setPlaceholderText(QStringLiteral("https://api.openai.com/v1"));
    m_model->setObjectName(QStringLiteral("providerModel"));
    m_model->setPlaceholderText(QStringLiteral("gpt-4o-mini"));
    m_apiKey->setObjectName(QStringLiteral("providerApiKey"));
    m_apiKey->setEchoMode(QLineEdit::Password);
    m_apiKey->setPlaceholderText(tr("leave empty to keep the stored key"));
    m_forgetKey->setObjectName(QStringLiteral("forgetApiKey"));
    m_saveButton->setObjectName(QStringLiteral("saveSettingsButton"));
    m_revertButton->setObjectName(QStringLiteral("revertSettingsButton"));
    m_moveButton->setObjectName(QStringLiteral("moveToPostgres"));
    m_moveButton->setToolTip(tr("Copy the embedded SQLite database this console runs on into an empty PostgreSQL "
                                "database, then use that one from the next start"));

    auto *heading = new QLabel(tr("Settings of this console"), this);
    QFont font = heading->font();
    font.setPointSizeF(font.pointSizeF() * 1.3);
    font.setBold(true);
    heading->setFont(font);
    auto *intro = wrappingLabel(QStringLiteral("settingsRestartNote"), this);
    const QString where = m_options.settingsPath.isEmpty()
        ? tr("This window has no settings file, so nothing can be saved here.")
        : tr("They are kept in %1; the provider's API key is kept in %2, never in that file.")
              .arg(QDir::toNativeSeparators(m_options.settingsPath),
                   m_options.secrets ? m_options.secrets->description() : tr("no store (it cannot be saved)"));
    intro->setText(tr("These settings belong to this console program, whichever environment is selected above. %1 "
                      "Every change takes effect at the next start of the console; the column on the right shows "
                      "what runs now. The command line (--database, --listen, --port, --workers) and the environment "
                      "(TWINOPS_DATABASE_URL, TWINOPS_LLM_*) win over the saved values.")
                       .arg(where));

    auto *form = new QGridLayout;
    int row = 0;
    auto *savedHeader = new QLabel(tr("<b>Saved: used from the next start</b>"), this);
    auto *effectiveHeader = new QLabel(tr("<b>In effect now</b>"), this);
    form->addWidget(savedHeader, row, 1);
    form->addWidget(effectiveHeader, row, 2);
    const auto addRow = [this, form, &row](const QString &label, QWidget *editor, QWidget *effective) {
        ++row;
        form->addWidget(new QLabel(label, this), row, 0);
        form->addWidget(editor, row, 1);
        if (effective)
            form->addWidget(effective, row, 2);
    };
    addRow(tr("Listen address"), m_address, m_effectiveAddress);
    addRow(tr("Port"), m_port, m_effectivePort);
    form->addWidget(m_exposureWarning, ++row, 1);
    form->addWidget(m_effectiveExposure, row, 2);
    addRow(tr("Job workers"), m_workers, m_effectiveWorkers);
    addRow(tr("Database URL"), m_database, m_effectiveDatabase);
    form->addWidget(m_moveButton, ++row, 1, Qt::AlignLeft);
    addRow(tr("Chat provider"), m_provider, m_effectiveProvider);
    addRow(tr("Provider base URL"), m_baseUrl, nullptr);
    addRow(tr("Provider model"), m_model, nullptr);
    auto *keyBox = new QWidget(this);
    auto *keyLayout = new QVBoxLayout(keyBox);
    keyLayout->setContentsMargins(0, 0, 0, 0);
    keyLayout->addWidget(m_apiKey);
    keyLayout->addWidget(m_forgetKey);
    addRow(tr("Provider API key"), keyBox, m_keyStatus);
    form->setColumnStretch(1, 3);
    form->setColumnStretch(2, 2);

    auto *actions = new QHBoxLayout;
    actions->addWidget(m_saveButton);
    actions->addWidget(m_revertButton);
    actions->addWidget(m_status, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(heading);
    layout->addWidget(intro);
    layout->addWidget(m_overrides);
    layout->addWidget(m_error);
    layout->addLayout(form);
    layout->addLayout(actions);
    layout->addStretch();

    connect(m_saveButton, &QPushButton::clicked, this, &SettingsPanel::save);
    connect(m_revertButton, &QPushButton::clicked, this, &SettingsPanel::reload);
    connect(m_moveButton, &QPushButton::clicked, this, &SettingsPanel::moveToPostgres);
    connect(m_provider, &QComboBox::currentIndexChanged, this, &SettingsPanel::updateProviderFields);
    connect(m_address, &QLineEdit::textChanged, this, &SettingsPanel::updateExposureWarning);
    connect(m_port, &QLineEdit::textChanged, this, &SettingsPanel::updateExposureWarning);
    connect(m_apiKey, &QLineEdit::textChanged, this, &SettingsPanel::updateProviderFields);

    if (!m_options.overrides.isEmpty()) {
        m_overrides->setText(tr("Overridden at this start: %1").arg(m_options.overrides.join(u' ')));
        m_overrides->show();
    }
    showInEffect();
    showSaved(defaults);
    updateButtons();
}

void SettingsPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    // Read lazily: the keychain is not asked at every start of the console, only when the panel is looked at.
    if (!m_everLoaded) {
        m_everLoaded = true;
        reload();
    }
}

SettingsPanel::Snapshot SettingsPanel::takeSnapshot(const QString &path, const std::shared_ptr<SecretStore> &secrets)
{
    Snapshot snapshot;
    if (!path.isEmpty())
        snapshot.file = ConsoleSettings::load(path);
    else
        snapshot.file.settings = ConsoleSettings::defaults();
    if (!secrets) {
        snapshot.key = KeyState::Unavailable;
        return snapshot;
    }
    auto key = secrets->read(ConsoleSettings::kProviderApiKeySecret);
    if (key.ok())
        snapshot.key = KeyState::Stored; // only whether there is one: the key itself is not kept
    else if (key.error().code == ErrorCode::NotFound)
        snapshot.key = KeyState::Absent;
    else {
        snapshot.key = KeyState::Unavailable;
        snapshot.keyProblem = key.error().message;
    }
    return snapshot;
}

void SettingsPanel::reload()
{
    clearError();
    m_status->setText(tr("Reading the saved settings…"));
    const quint64 request = m_calls.nextRequest();
    const QString path = m_options.settingsPath;
    const std::shared_ptr<SecretStore> secrets = m_options.secrets;
    m_calls.run([path, secrets] { return takeSnapshot(path, secrets); },
                [this, request](const Snapshot &snapshot) {
                    m_status->clear();
                    applySnapshot(request, snapshot);
                    if (!snapshot.file.problems.isEmpty())
                        showError(tr("The settings file has values that are not valid; their defaults are "
                                     "shown and used:\n• %1")
                                      .arg(snapshot.file.problems.join(QStringLiteral("\n• "))));
                    emit loaded();
                });
}

void SettingsPanel::applySnapshot(quint64 request, const Snapshot &snapshot)
{
    // An older answer arriving after a newer one must not bring back stale values.
    if (!m_calls.accept(request))
        return;
    m_saved = snapshot.file.settings;
    m_keyState = snapshot.key;
    showSaved(snapshot.file.settings);
    switch (m_keyState) {
    case KeyState::Unknown: m_keyStatus->setText(tr("Looking in the keychain…")); break;
    case KeyState::Stored:
        m_keyStatus->setText(
            tr("A key is stored in %1. Type a new one to replace it.").arg(m_options.secrets->description()));
        break;
    case KeyState::Absent: m_keyStatus->setText(tr("No key is stored (fine for a local server).")); break;
    case KeyState::Unavailable:
        m_keyStatus->setText(m_options.secrets ? tr("%1 cannot be reached (%2), so a key cannot be stored now.")
                                                     .arg(m_options.secrets->description(), snapshot.keyProblem)
                                               : tr("This window has no keychain, so a key cannot be stored."));
        break;
    }
    m_apiKey->clear();
    m_forgetKey->setChecked(false);
    showInEffect();
    updateProviderFields();
    updateButtons();
}

void SettingsPanel::showSaved(const ConsoleSettings &settings)
{
    m_address->setText(settings.listenAddress);
    m_port->setText(QString::number(settings.port));
    m_workers->setValue(settings.workers);
    m_database->setText(settings.databaseUrl);
    m_provider->setCurrentIndex(m_provider->findData(int(settings.provider)));
    m_baseUrl->setText(settings.providerBaseUrl);
    m_model->setText(settings.providerModel);
    updateProviderFields();
    updateExposureWarning();
}

void SettingsPanel::showInEffect()
{
    if (!m_options.inEffect) {
        for (QLabel *label :
             {m_effectiveAddress, m_effectivePort, m_effectiveWorkers, m_effectiveDatabase, m_effectiveProvider})
            label->setText(tr("unknown"));
        return;
    }
    const ConsoleSettings &now = *m_options.inEffect;
    // A saved value that differs from the running one is the one the next start uses (unless overridden again).
    const auto show = [this](QLabel *label, const QString &value, bool differs) {
        label->setText(differs && m_saved ? tr("%1\n(the saved value takes effect at the next start)").arg(value)
                                          : value);
    };
    const ConsoleSettings saved = m_saved.value_or(now);
    show(m_effectiveAddress, now.listenAddress, saved.listenAddress != now.listenAddress);
    show(m_effectivePort, now.port == 0 ? tr("0 (no local API)") : QString::number(now.port), saved.port != now.port);
    show(m_effectiveWorkers, QString::number(now.workers), saved.workers != now.workers);
    auto savedDatabase = saved.database();
    auto nowDatabase = now.database();
    show(m_effectiveDatabase, describeDatabase(now),
         !savedDatabase.ok() || !nowDatabase.ok() || savedDatabase->redacted() != nowDatabase->redacted());
    show(m_effectiveProvider, describeProvider(now), describeProvider(saved) != describeProvider(now));
    const bool exposed = now.port > 0 && now.listensBeyondLoopback();
    m_effectiveExposure->setVisible(exposed);
    if (exposed)
        m_effectiveExposure->setText(tr("Reachable from the network now. %1").arg(now.exposureWarning()));
}

ConsoleSettings SettingsPanel::formValues(QHash<QString, QString> *problems) const
{
    ConsoleSettings settings = ConsoleSettings::defaults();
    settings.listenAddress = m_address->text().trimmed();
    if (auto port = ConsoleSettings::parsePort(m_port->text()); port.ok())
        settings.port = *port;
    else if (problems)
        problems->insert(ConsoleSettings::kPortKey, port.error().details.value(ConsoleSettings::kPortKey));
    settings.workers = m_workers->value();
    settings.databaseUrl = m_database->text().trimmed();
    settings.provider = ChatSettings::Provider(m_provider->currentData().toInt());
    settings.providerBaseUrl = m_baseUrl->text().trimmed();
    settings.providerModel = m_model->text().trimmed();
    return settings;
}

void SettingsPanel::save()
{
    clearError();
    m_status->clear();
    if (m_options.settingsPath.isEmpty()) {
        showError(tr("Not saved: this window has no settings file."));
        emit saveFailed(m_error->text());
        return;
    }
    QHash<QString, QString> problems;
    const ConsoleSettings settings = formValues(&problems);
    const QHash<QString, QString> found = settings.problemsForSaving();
    for (auto it = found.cbegin(); it != found.cend(); ++it) {
        if (!problems.contains(it.key()))
            problems.insert(it.key(), it.value());
    }
    const QByteArray newKey = m_apiKey->text().trimmed().toUtf8();
    if (!newKey.isEmpty() && !m_options.secrets)
        problems.insert(ConsoleSettings::kProviderApiKeySecret,
                        tr("This window has no keychain, so the API key cannot be stored."));
    if (!problems.isEmpty()) {
        QStringList sentences;
        for (const QString &key :
             {ConsoleSettings::kListenAddressKey, ConsoleSettings::kPortKey, ConsoleSettings::kWorkersKey,
              ConsoleSettings::kDatabaseUrlKey, ConsoleSettings::kProviderKey, ConsoleSettings::kProviderBaseUrlKey,
              ConsoleSettings::kProviderModelKey, ConsoleSettings::kProviderApiKeySecret}) {
            if (problems.contains(key))
                sentences << problems.value(key);
        }
        showError(tr("Nothing was saved:\n• %1").arg(sentences.join(QStringLiteral("\n• "))));
        emit saveFailed(m_error->text());
        return;
    }
    const bool forgetKey = newKey.isEmpty() && m_forgetKey->isChecked();

    struct Saved
    {
        Status status;
        Snapshot snapshot;
    };
    m_status->setText(tr("Saving…"));
    const quint64 request = m_calls.nextRequest();
    const QString path = m_options.settingsPath;
    const std::shared_ptr<SecretStore> secrets = m_options.secrets;
    m_calls.run(
        [path, secrets, settings, newKey, forgetKey] {
            // The key first: a file that was written means everything the user asked for was stored.
            Status status;
            if (!newKey.isEmpty()) {
                if (auto written = secrets->write(ConsoleSettings::kProviderApiKeySecret, newKey); !written.ok())
                    status = Error::unavailable(tr("The API key could not be stored in %1: %2. Nothing was saved.")
                                                    .arg(secrets->description(), written.error().message));
            } else if (forgetKey) {
                if (auto removed = secrets->remove(ConsoleSettings::kProviderApiKeySecret); !removed.ok())
                    status = Error::unavailable(tr("The API key could not be removed from %1: %2. Nothing was saved.")
                                                    .arg(secrets->description(), removed.error().message));
            }
            if (status.ok()) {
                if (auto written = settings.save(path); !written.ok())
                    status = Error::unavailable(
                        written.error().message
                        + (newKey.isEmpty() ? QString() : tr(" The API key was stored in the keychain, though.")));
            }
            if (!status.ok())
                return Saved{std::move(status), {}};
            return Saved{std::move(status), takeSnapshot(path, secrets)};
        },
        [this, request, path](const Saved &result) {
            if (!result.status.ok()) {
                // The form keeps what the user typed, so nothing is lost.
                m_status->clear();
                showError(result.status.error().message);
                emit saveFailed(result.status.error().message);
                return;
            }
            applySnapshot(request, result.snapshot);
            m_status->setText(tr("Saved to %1. The new values take effect at the next start of the console.")
                                  .arg(QDir::toNativeSeparators(path)));
            emit saved();
        });
}

void SettingsPanel::updateProviderFields()
{
    const bool openAi = ChatSettings::Provider(m_provider->currentData().toInt()) == ChatSettings::Provider::OpenAi;
    m_baseUrl->setEnabled(openAi);
    m_model->setEnabled(openAi);
    m_apiKey->setEnabled(openAi && m_options.secrets);
    m_forgetKey->setEnabled(m_keyState == KeyState::Stored && m_apiKey->text().isEmpty());
    if (!m_forgetKey->isEnabled())
        m_forgetKey->setChecked(false);
}

void SettingsPanel::updateExposureWarning()
{
    ConsoleSettings typed = formValues(nullptr);
    const auto port = ConsoleSettings::parsePort(m_port->text());
    typed.port = port.ok() ? *port : 0; // the warning names no port rather than a wrong one
    const bool exposed = typed.listensBeyondLoopback();
    m_exposureWarning->setVisible(exposed);
    m_exposureWarning->setText(exposed ? typed.exposureWarning() : QString());
}

void SettingsPanel::updateButtons()
{
    // One read or write at a time, so the secret store is never used by two threads at once.
    const bool idle = m_calls.idle();
    m_saveButton->setEnabled(idle && !m_options.settingsPath.isEmpty() && m_calls.anyApplied());
    m_revertButton->setEnabled(idle && !m_options.settingsPath.isEmpty());
    m_moveButton->setEnabled(runsOnSqlite());
}

void SettingsPanel::showError(const QString &text)
{
    m_error->setText(text);
    m_error->show();
}

void SettingsPanel::clearError()
{
    m_error->clear();
    m_error->hide();
}

bool SettingsPanel::runsOnSqlite() const
{
    if (!m_options.inEffect)
        return false;
    const auto url = m_options.inEffect->database();
    return url.ok() && url->dialect() == Dialect::Sqlite;
}

void SettingsPanel::moveToPostgres()
{
    if (!runsOnSqlite())
        return;
    auto *dialog = new MoveDatabaseDialog(*m_options.inEffect->database(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // The console switches by its saved setting, as for any other database: the URL (never a password) is saved and
    // used from the next start.
    connect(dialog, &MoveDatabaseDialog::moved, this, [this](const QString &url) {
        m_database->setText(url);
        save();
    });
    dialog->open();
}

} // namespace twinops
