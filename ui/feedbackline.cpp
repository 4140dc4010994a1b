#include "feedbackline.h"

namespace twinops {

FeedbackLine::FeedbackLine(QWidget *parent)
    : QLabel(parent)
{
    setWordWrap(true);
    setTextFormat(Qt::PlainText);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    hide();
}

void FeedbackLine::showError(const QString &message)
{
    showText(message, true);
}

void FeedbackLine::showDone(const QString &message)
{
    showText(message, false);
}

void FeedbackLine::clear()
{
    QLabel::clear();
    m_error = false;
    hide();
}

void FeedbackLine::showText(const QString &message, bool error)
{
    m_error = error;
    // Red for errors; a done message keeps the palette's text colour (dark palettes included).
    setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
    setText(message);
    show();
}

} // namespace twinops
