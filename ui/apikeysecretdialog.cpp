#include "apikeysecretdialog.h"

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

ApiKeySecretDialog::ApiKeySecretDialog(const QString &keyName, const QString &tenantName, const QString &secret,
                                       QWidget *parent)
    : QDialog(parent)
    , m_secret(new QLineEdit(secret, this))
{
    setObjectName(QStringLiteral("apiKeySecretDialog"));
    setWindowTitle(tr("API key created"));

    auto *notice = new QLabel(tr("The API key \"%1\" of %2 was created. Copy it now and keep it somewhere safe: it "
                                 "will not be shown again. If it is lost, revoke it and create a new one.")
                                  .arg(keyName, tenantName),
                              this);
    notice->setObjectName(QStringLiteral("apiKeySecretNotice"));
    notice->setWordWrap(true);
    notice->setTextFormat(Qt::PlainText);
    m_secret->setObjectName(QStringLiteral("apiKeySecret"));
    m_secret->setReadOnly(true);
    m_secret->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_secret->setMinimumWidth(m_secret->fontMetrics().horizontalAdvance(secret) + 16);
    auto *copy = new QPushButton(tr("Copy"), this);
    copy->setObjectName(QStringLiteral("copyApiKeyButton"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->button(QDialogButtonBox::Close)->setObjectName(QStringLiteral("closeApiKeySecretButton"));

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

void ApiKeySecretDialog::done(int result)
{
    m_secret->clear();
    QDialog::done(result);
}

} // namespace twinops
