#include "onetimesecretdialog.h"

#include <QClipboard>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace twinops {

OneTimeSecretDialog::OneTimeSecretDialog(const QString &title, const QString &what, const QString &secret,
                                         QWidget *parent)
    : QDialog(parent)
    , m_secret(new QLineEdit(secret, this))
{
    setObjectName(QStringLiteral("oneTimeSecretDialog"));
    setWindowTitle(title);

    auto *notice = new QLabel(tr("%1 was created. Copy it now and keep it somewhere safe: it will not be shown again. "
                                 "If it is lost, revoke it and create a new one.")
                                  .arg(what),
                              this);
    notice->setObjectName(QStringLiteral("oneTimeSecretNotice"));
    notice->setWordWrap(true);
    notice->setTextFormat(Qt::PlainText);
    m_secret->setObjectName(QStringLiteral("oneTimeSecret"));
    m_secret->setReadOnly(true);
    m_secret->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_secret->setMinimumWidth(m_secret->fontMetrics().horizontalAdvance(secret) + 16);
    auto *copy = new QPushButton(tr("Copy"), this);
    copy->setObjectName(QStringLiteral("copySecretButton"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->button(QDialogButtonBox::Close)->setObjectName(QStringLiteral("closeSecretButton"));

    auto *field = new QHBoxLayout;
    field->addWidget(m_secret, 1);
    field->addWidget(copy);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(notice);
    layout->addLayout(field);
    layout->addWidget(buttons);

    connect(copy, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_secret->text());
        m_secret->selectAll();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::accept);
    m_secret->selectAll();
    m_secret->setFocus();
}

void OneTimeSecretDialog::done(int result)
{
    m_secret->clear();
    QDialog::done(result);
}

} // namespace twinops
