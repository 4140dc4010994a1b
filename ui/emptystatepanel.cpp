#include "emptystatepanel.h"

#include <QLabel>
#include <QVBoxLayout>

EmptyStatePanel::EmptyStatePanel(const QString &title, const QString &explanation, QWidget *parent)
    : QWidget(parent)
{
    auto *heading = new QLabel(title, this);
    heading->setObjectName(QStringLiteral("emptyStateTitle"));
    QFont font = heading->font();
    font.setPointSizeF(font.pointSizeF() * 1.4);
    font.setBold(true);
    heading->setFont(font);
    heading->setAlignment(Qt::AlignCenter);

    auto *text = new QLabel(explanation, this);
    text->setObjectName(QStringLiteral("emptyStateText"));
    text->setWordWrap(true);
    text->setAlignment(Qt::AlignCenter);
    text->setMaximumWidth(520);

    auto *layout = new QVBoxLayout(this);
    layout->addStretch();
    layout->addWidget(heading, 0, Qt::AlignHCenter);
    layout->addWidget(text, 0, Qt::AlignHCenter);
    layout->addStretch();
}
