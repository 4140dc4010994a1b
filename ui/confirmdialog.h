#pragma once

#include <QDialog>

#include <functional>

class QLabel;
class QLineEdit;
class QPushButton;

namespace twinops {

// The one confirmation of every destructive action of the console: it names the object, says what will be lost and,
// for what is gone for good with everything in it (a tenant), asks to type the object's name, the destructive button
// staying disabled until the name matches. Cancel is the default button: Enter or a stray click never confirms.
// Window-modal through open(), never exec(): answers keep arriving while it is up.
class ConfirmDialog final : public QDialog
{
    Q_OBJECT
public:
    struct Question
    {
        QString title; // "Delete tenant?"
        QString action; // the destructive button: "Delete tenant"
        QString object; // the object's name, shown (and typed, with typeName) exactly
        QString consequence; // what will be lost, in a sentence or two
        bool typeName = false;
    };

    ConfirmDialog(const Question &question, QWidget *parent);

    // Opens the dialog (deleted on close) and runs `confirmed` once it is confirmed. `objectName` names the dialog and,
    // with "Button" appended, its destructive button, for tests and screen readers.
    static ConfirmDialog *ask(QWidget *parent, const QString &objectName, const Question &question,
                              std::function<void()> confirmed);

    QLineEdit *nameField() const { return m_name; } // null without typeName
    QPushButton *confirmButton() const { return m_confirm; }
    QPushButton *cancelButton() const { return m_cancel; }

private:
    QString m_object;
    QLineEdit *m_name = nullptr;
    QPushButton *m_confirm;
    QPushButton *m_cancel;
};

} // namespace twinops
