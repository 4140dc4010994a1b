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

    auto *layout = new QVBoxLayout(this);
    layout->addStretch();
    layout->addWidget(heading, 0, Qt::AlignHCenter);
    // A word-wrapped label needs the full width to compute its height; the margins keep lines readable.
    layout->addWidget(text);
    layout->setContentsMargins(80, 40, 80, 40);
    layout->addStretch();
}
