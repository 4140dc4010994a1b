#pragma once

#include "backgroundcalls.h"
#include "confirmdialog.h"

#include <QWidget>

#include <functional>
#include <optional>

class QComboBox;
class QLabel;
class QMenu;
class QModelIndex;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QTimer;

namespace twinops {

class AdminClient;
class FeedbackLine;
class SourcesModel;
class TenantPicker;
struct AdminReply;

// The sources of one twin: pick tenant and twin, see each source's state, health, chunk count and last error,
// upload a file, approve (one or in bulk), reject or delete (after a confirmation), and the health detail of the
// selected source; the table's context menu offers the same actions and copies. Rows the
// workers are busy with are polled until they settle. Works inside the tenant as the platform admin
// (X-Twinops-Tenant), on any AdminClient; errors are shown in the panel, in words.
class SourcesPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit SourcesPanel(AdminClient &client, QWidget *parent = nullptr);

    SourcesModel *sourcesModel() const { return m_sources; }
    QSortFilterProxyModel *sourcesProxy() const { return m_sourcesProxy; }
    // Uploads the file at `path` to the selected twin (what the upload button does after its file dialog). The file
    // is read off the GUI thread; a file that cannot be uploaded is reported in the panel when the read ends.
    void uploadFile(const QString &path);
    // Selects the source `sourceId` of the twin `twinId` of `tenantId`, choosing the tenant and the twin as a user
    // would, once they are listed (further pages fetched): where a link to a source leads.
    void showSource(const QString &tenantId, const QString &twinId, const QString &sourceId);

public slots:
    // The main window's F5 (see MainWindow): the tenants and the twin's sources read again.
    void refresh();
    // The main window's Del: Delete… on the selected source (it asks first).
    bool deleteSelected();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    QStringList selectedSourceIds() const;
    void loadTwins(const QString &cursor, quint64 generation);
    void twinChanged();
    void showPendingSelection();
    void selectionChanged();
    void updateButtons();
    void chooseFile();
    void approveSelected();
    // Asks `question` about the one selected source, named by its file name, and runs `confirmed` on its id.
    void askAboutSelected(const QString &dialogName, ConfirmDialog::Question question,
                          const std::function<void(const QString &sourceId)> &confirmed);
    void rejectSelected();
    void confirmDeleteSelected();
    void fillRowMenu(QMenu &menu, const QModelIndex &index);
    void loadHealth();
    void showHealth(const AdminReply &reply);
    void showError(const QString &message);
    void clearError();

    AdminClient &m_client;
    SourcesModel *m_sources;
    QSortFilterProxyModel *m_sourcesProxy;
    FeedbackLine *m_error;
    TenantPicker *m_tenant;
    QComboBox *m_twin;
    QTableView *m_sourcesTable;
    QPushButton *m_uploadButton;
    QPushButton *m_approveButton;
    QPushButton *m_rejectButton;
    QPushButton *m_deleteButton;
    QLabel *m_health;
    QTimer *m_poll; // runs only while visible and a row waits for the workers
    BackgroundCalls m_fileReads; // upload files are read here, never on the GUI thread
    quint64 m_twinsGeneration = 0; // twin lists of an earlier tenant are dropped
    quint64 m_healthGeneration = 0; // health of an earlier selection is dropped
    struct PendingSelection
    {
        QString tenantId, twinId, sourceId;
    };
    std::optional<PendingSelection> m_pendingSelection; // showSource's, until its source is listed
};

} // namespace twinops
