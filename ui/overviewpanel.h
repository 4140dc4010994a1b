#pragma once

#include "backgroundcalls.h"
#include "core/result.h"
#include "overviewmodel.h"

#include <QList>
#include <QTimer>
#include <QWidget>

#include <functional>

class QLabel;
class QPushButton;

namespace twinops {

class AdminClient;

// An environment as the Overview shows it: its client and, for a saved remote environment, how to get its database
// DSN (called on a thread of its own: it may ask the keychain). No `dsn`: the environment has no database details.
struct OverviewEnvironment
{
    AdminClient *client = nullptr;
    std::function<Result<QString>()> dsn;
};

// The console's first page: one card per environment with its version, schema version, health, last checklist
// run, queue, error rate and p95 latency of the last 15 minutes, firing alerts (only where the alerts API answers)
// and, with a saved DSN, its database's lint, migrations and table sizes read read-only. Refreshes while visible;
// a click on a figure asks for the panel behind it (openRequested), the database figure opens its details.
class OverviewPanel final : public QWidget
{
    Q_OBJECT
public:
    enum class Destination { Jobs, Dashboards, Checklists, Alerts };

    explicit OverviewPanel(QList<OverviewEnvironment> environments, QWidget *parent = nullptr);
    ~OverviewPanel() override;

    OverviewModel *model() { return &m_model; }
    // Reads every environment's database again (also done every few minutes while visible).
    void inspectDatabases();
    // Opens the database details of environment `row` (what a click on its Database figure does).
    void showDatabaseDetails(int row);

public slots:
    // The main window's F5 (see MainWindow): every environment's figures and database read again.
    void refresh();

signals:
    void openRequested(int environment, twinops::OverviewPanel::Destination destination);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    struct Card
    {
        QList<QPushButton *> figures; // by OverviewModel::Column, null for the columns a card does not show
        QLabel *alertsLabel = nullptr;
        QLabel *error = nullptr;
    };
    QWidget *makeCard(int row);
    void updateCard(int row);

    QList<OverviewEnvironment> m_environments;
    OverviewModel m_model;
    QList<Card> m_cards;
    QList<bool> m_inspecting;
    QTimer m_databaseTimer;
    BackgroundCalls m_calls; // database inspections
};

} // namespace twinops
