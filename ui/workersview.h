#pragma once

#include "workersmodel.h"

#include <QWidget>

class QLabel;
class QTimer;
class QTreeView;

namespace twinops {

class AdminClient;

// The Jobs panel's "Workers" tab: the worker pools of every instance and their workers (host, pid, version, started,
// last heartbeat, the job in hand), stuck workers and stale instances in the warning colour and counted in the summary
// line; a context menu copies an instance's name and host, or shows and copies a worker's job. Refreshed every
// kRefreshMs while visible (never two reads in flight), not while hidden.
class WorkersView final : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kRefreshMs = 5'000; // the pools write every 5 s

    explicit WorkersView(AdminClient &client, QWidget *parent = nullptr);

    WorkersModel *model() const { return m_model; }
    QTimer *refreshTimer() const { return m_refresh; }
    void reload();

signals:
    // "Show job" in a busy worker's context menu: the job it holds, for the Jobs tab.
    void jobRequested(const QString &jobId);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void showSummary();

    WorkersModel *m_model;
    QTreeView *m_tree;
    QLabel *m_summary;
    QLabel *m_error;
    QTimer *m_refresh;
};

} // namespace twinops
