#include "twineditdialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace twinops {

namespace {

// The API's limits (TwinPatch in resources/api/openapi.json).
constexpr int kNameLength = 100;
constexpr int kDescriptionLength = 2000;

} // namespace

TwinEditDialog::TwinEditDialog(const QJsonObject &twin, QWidget *parent)
    : QDialog(parent)
    , m_twin(twin)
    , m_name(new QLineEdit(twin.value(QLatin1String("name")).toString(), this))
    , m_description(new QPlainTextEdit(twin.value(QLatin1String("description")).toString(), this))
    , m_save(nullptr)
{
    setObjectName(QStringLiteral("twinEditDialog"));
    setWindowTitle(tr("Edit twin"));
    m_name->setObjectName(QStringLiteral("twinEditName"));
    m_name->setMaxLength(kNameLength);
    m_description->setObjectName(QStringLiteral("twinEditDescription"));
    m_description->setPlaceholderText(tr("What the twin is for (shown to the people who chat with it)"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    m_save = buttons->button(QDialogButtonBox::Save);
    m_save->setObjectName(QStringLiteral("twinEditSave"));

    auto *form = new QFormLayout;
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Description"), m_description);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    resize(520, 300);

    connect(m_name, &QLineEdit::textChanged, this, &TwinEditDialog::updateButtons);
    connect(m_description, &QPlainTextEdit::textChanged, this, &TwinEditDialog::updateButtons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    updateButtons();
}

QJsonObject TwinEditDialog::patch() const
{
    QJsonObject patch;
    const QString name = m_name->text().trimmed();
    if (name != m_twin.value(QLatin1String("name")).toString())
        patch.insert(QStringLiteral("name"), name);
    const QString description = m_description->toPlainText();
    if (description != m_twin.value(QLatin1String("description")).toString())
        patch.insert(QStringLiteral("description"), description);
    return patch;
}

void TwinEditDialog::updateButtons()
{
    const QString description = m_description->toPlainText();
    m_save->setEnabled(!m_name->text().trimmed().isEmpty() && description.size() <= kDescriptionLength
                       && !patch().isEmpty());
    m_description->setToolTip(description.size() > kDescriptionLength
                                  ? tr("At most %1 characters (%2 now)").arg(kDescriptionLength).arg(description.size())
                                  : QString());
}

} // namespace twinops
