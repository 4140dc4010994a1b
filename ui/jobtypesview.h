#pragma once

#include "jobtypesmodel.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace twinops {

class AdminClient;

// The Jobs panel's "Types" tab: every job type with its jobs by state and whether its processing is paused, and
// Pause… / Resume… of the selected type after a confirmation that names it (and what pausing does to its jobs).
// Pause is enabled for a running type that is not a platform type, Resume for a paused one. The list reloads when
// shown, after each action and on Reload.
class JobTypesView final : public QWidget
{
    Q_OBJECT
public:
    explicit JobTypesView(AdminClient &client, QWidget *parent = nullptr);

    JobTypesModel *model() const { return m_model; }
    void reload();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void ask(bool pause);
    void showResult(const QString &type, bool paused, const QString &error);
    void showError(const QString &message);
    void updateButtons();
    QJsonObject selectedType() const;

    JobTypesModel *m_model;
    QLabel *m_error;
    QLabel *m_status;
    QTableView *m_table;
    QLineEdit *m_reason;
    QPushButton *m_pause;
    QPushButton *m_resume;
};

} // namespace twinops
