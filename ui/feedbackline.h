#pragma once

#include <QLabel>

namespace twinops {

// The one line of a panel that says how its last action ended: an error in words (red, selectable, wrapped) or what
// was done ("Deleted tenant Acme: 3 users, 2 twins, 140 jobs"). Hidden while there is nothing to say.
class FeedbackLine final : public QLabel
{
    Q_OBJECT
public:
    explicit FeedbackLine(QWidget *parent = nullptr);

    void showError(const QString &message);
    void showDone(const QString &message);
    void clear();
    bool isError() const { return m_error; }

private:
    void showText(const QString &message, bool error);

    bool m_error = false;
};

} // namespace twinops
