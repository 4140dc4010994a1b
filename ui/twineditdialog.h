#pragma once

#include <QDialog>
#include <QJsonObject>

class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace twinops {

// Edits a twin's name and description. patch() holds only what changed, as PATCH /api/v1/twins/{id} takes it.
class TwinEditDialog final : public QDialog
{
    Q_OBJECT
public:
    // `twin` is the twin as the API lists it.
    explicit TwinEditDialog(const QJsonObject &twin, QWidget *parent = nullptr);

    QJsonObject patch() const;

private:
    void updateButtons();

    const QJsonObject m_twin;
    QLineEdit *m_name;
    QPlainTextEdit *m_description;
    QPushButton *m_save;
};

} // namespace twinops
