#pragma once

#include <QWidget>

#include <optional>

class QJsonObject;
class QLabel;
class QLineEdit;
class QMenu;
class QPushButton;
class QSortFilterProxyModel;
class QSpinBox;
class QTableView;
class QTabWidget;

namespace twinops {

class AdminClient;
class ConversationsView;
class FeedbackLine;
class GraphBrowser;
class ShareLinksModel;
class TenantPicker;
class TwinsModel;
struct AdminReply;

// The twins of one tenant: pick the tenant, see, create, edit, archive (and restore) and delete its twins; the
// selected twin's knowledge graph (a summary: node and edge counts, the most connected nodes; and a browser of its
// nodes, their edges and each edge's evidence: GraphBrowser), its conversations with their messages
// (ConversationsView) and its share links (create with an expiry, the token shown once; revoke; last used). Works
// inside the tenant as the platform admin (X-Twinops-Tenant), on any AdminClient; errors are shown in the panel, in
// words. Destructive actions ask first.
class TwinsPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit TwinsPanel(AdminClient &client, QWidget *parent = nullptr);

    TwinsModel *twinsModel() const { return m_twins; }
    QSortFilterProxyModel *twinsProxy() const { return m_twinsProxy; }
    ShareLinksModel *shareLinksModel() const { return m_links; }
    ConversationsView *conversations() const { return m_conversations; }
    GraphBrowser *graphBrowser() const { return m_graphBrowser; }
    QString selectedTwinId() const;
    // Selects the twin `twinId` of `tenantId`, choosing the tenant and the twin as a user would, once they are listed
    // (further pages fetched): where a link to a twin leads.
    void showTwin(const QString &tenantId, const QString &twinId);
    // As showTwin, then shows the twin's conversation `conversationId` (Conversations tab): where a link to a
    // conversation leads.
    void showConversation(const QString &tenantId, const QString &twinId, const QString &conversationId);

signals:
    // The graph_extraction job of an answer, to open in the Jobs panel.
    void openJob(const QString &jobId);

public slots:
    // The main window's F5, Ctrl+F (the knowledge graph's node filter, its tab shown) and Del (see MainWindow).
    void refresh();
    void focusSearch();
    bool deleteSelected();

protected:
    void showEvent(QShowEvent *event) override;

private:
    int selectedTwinRow() const; // in TwinsModel, or -1
    void twinSelectionChanged();
    int selectedLinkRow() const; // in ShareLinksModel, or -1
    void updateButtons();
    void createTwin();
    void editTwin();
    void toggleArchived();
    void confirmDeleteTwin();
    void fillTwinMenu(QMenu &menu); // the buttons' actions on the selected twin, and its copies
    void createLink();
    void showCreatedLink(const QString &twinId, const QJsonObject &link, const QString &token);
    void confirmRevokeLink();
    void fillLinkMenu(QMenu &menu);
    void showPendingSelection();
    void loadGraph();
    void showGraph(const AdminReply &reply);
    void showError(const QString &message);
    void clearError();

    AdminClient &m_client;
    TwinsModel *m_twins;
    QSortFilterProxyModel *m_twinsProxy;
    ShareLinksModel *m_links;
    QSortFilterProxyModel *m_linksProxy;
    FeedbackLine *m_feedback;
    TenantPicker *m_tenant;
    QTableView *m_twinsTable;
    QLineEdit *m_newTwinName;
    QPushButton *m_createButton;
    QPushButton *m_editButton;
    QPushButton *m_archiveButton;
    QPushButton *m_deleteButton;
    QTabWidget *m_details;
    QLabel *m_graphSummary;
    QPushButton *m_refreshGraphButton;
    GraphBrowser *m_graphBrowser;
    ConversationsView *m_conversations;
    QTableView *m_linksTable;
    QSpinBox *m_linkExpiry;
    QPushButton *m_createLinkButton;
    QPushButton *m_revokeLinkButton;
    quint64 m_graphGeneration = 0; // answers for an earlier selection are dropped
    struct PendingSelection
    {
        QString tenantId, twinId, conversationId; // no conversation: the twin only
    };
    std::optional<PendingSelection> m_pendingSelection; // showTwin's or showConversation's, until its twin is listed
};

} // namespace twinops
