#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace twinops {

class AdminClient;
class TenantPicker;
class TwinsModel;
struct AdminReply;

// The twins of one tenant: pick the tenant, see and create its twins, and a summary of the selected twin's knowledge
// graph (node and edge counts, the most connected nodes). Works inside the tenant as the platform admin
// (X-Twinops-Tenant), on any AdminClient; errors are shown in the panel, in words.
class TwinsPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit TwinsPanel(AdminClient &client, QWidget *parent = nullptr);

    TwinsModel *twinsModel() const { return m_twins; }
    QSortFilterProxyModel *twinsProxy() const { return m_twinsProxy; }
    QString selectedTwinId() const;

protected:
    void showEvent(QShowEvent *event) override;

private:
    int selectedTwinRow() const; // in TwinsModel, or -1
    void twinSelectionChanged();
    void updateButtons();
    void createTwin();
    void loadGraph();
    void showGraph(const AdminReply &reply);
    void showError(const QString &message);
    void clearError();

    AdminClient &m_client;
    TwinsModel *m_twins;
    QSortFilterProxyModel *m_twinsProxy;
    QLabel *m_error;
    TenantPicker *m_tenant;
    QTableView *m_twinsTable;
    QLineEdit *m_newTwinName;
    QPushButton *m_createButton;
    QLabel *m_graphSummary;
    QPushButton *m_refreshGraphButton;
    quint64 m_graphGeneration = 0; // answers for an earlier selection are dropped
};

} // namespace twinops
