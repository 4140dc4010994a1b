#include "confirmdialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace twinops {

ConfirmDialog::ConfirmDialog(const Question &question, QWidget *parent)
    : QDialog(parent)
    , m_object(question.object)
{
    setWindowTitle(question.title);
    setWindowModality(Qt::WindowModal);
    auto *object = new QLabel(question.object, this);
    object->setObjectName(QStringLiteral("confirmObject"));
    object->setTextFormat(Qt::PlainText);
    object->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bold = object->font();
    bold.setBold(true);
    object->setFont(bold);
    auto *consequence = new QLabel(question.consequence, this);
    consequence->setObjectName(QStringLiteral("confirmConsequence"));
    consequence->setTextFormat(Qt::PlainText);
    consequence->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(this);
    m_cancel = buttons->addButton(QDialogButtonBox::Cancel);
    m_cancel->setObjectName(QStringLiteral("confirmCancelButton"));
    m_confirm = buttons->addButton(question.action, QDialogButtonBox::DestructiveRole);
    m_confirm->setAutoDefault(false);
    m_cancel->setDefault(true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(object);
    layout->addWidget(consequence);
    if (question.typeName) {
        auto *prompt = new QLabel(tr("Type the name to confirm:"), this);
        m_name = new QLineEdit(this);
        m_name->setObjectName(QStringLiteral("confirmNameField"));
        m_name->setPlaceholderText(question.object);
        prompt->setBuddy(m_name);
        layout->addWidget(prompt);
        layout->addWidget(m_name);
        m_confirm->setEnabled(false);
        // Exactly the name: no trimming or case folding, the point is to read it.
        connect(m_name, &QLineEdit::textChanged, this,
                [this](const QString &text) { m_confirm->setEnabled(text == m_object); });
    }
    layout->addWidget(buttons);

    connect(m_cancel, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_confirm, &QPushButton::clicked, this, [this] {
        if (!m_name || m_name->text() == m_object)
            accept();
    });
    (m_name ? static_cast<QWidget *>(m_name) : m_cancel)->setFocus();
}

ConfirmDialog *ConfirmDialog::ask(QWidget *parent, const QString &objectName, const Question &question,
                                  std::function<void()> confirmed)
{
    auto *dialog = new ConfirmDialog(question, parent);
    dialog->setObjectName(objectName);
    dialog->confirmButton()->setObjectName(objectName + QStringLiteral("Button"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, parent, std::move(confirmed));
    dialog->open();
    return dialog;
}

} // namespace twinops
