#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QTextBrowser;

namespace twinops {

class AdminClient;
class ConversationsModel;
class MessagesModel;

// A twin's conversations (most recently active first) and, for the selected one, its messages as a transcript: role,
// content, citations, the provider and model, time to first token and latency, whether the answer fell back to the
// grounded provider or was cut short, and the graph_extraction job it enqueued, which openJob hands on (to the Jobs
// panel). Works inside the twin's tenant (X-Twinops-Tenant) on any AdminClient.
class ConversationsView final : public QWidget
{
    Q_OBJECT
public:
    explicit ConversationsView(AdminClient &client, QWidget *parent = nullptr);

    ConversationsModel *conversationsModel() const { return m_conversations; }
    QSortFilterProxyModel *conversationsProxy() const { return m_conversationsProxy; }
    MessagesModel *messagesModel() const { return m_messages; }

    // Lists the conversations of `twinId` of `tenantId` (nothing when either is empty).
    void setTwin(const QString &tenantId, const QString &twinId);
    // Shows the messages of `conversationId` of the current twin, selecting its row when it is listed.
    void showConversation(const QString &conversationId);

signals:
    void openJob(const QString &jobId);
    void errorOccurred(const QString &message);

private:
    int selectedConversationRow() const; // in ConversationsModel, or -1
    int selectedMessageRow() const; // in MessagesModel, or -1
    void conversationSelectionChanged();
    void selectListedConversation();
    void showMessage();
    void openSelectedJob();
    void refresh();

    ConversationsModel *m_conversations;
    QSortFilterProxyModel *m_conversationsProxy;
    MessagesModel *m_messages;
    QTableView *m_conversationsTable;
    QTableView *m_messagesTable;
    QTextBrowser *m_detail;
    QLabel *m_state;
    QPushButton *m_refreshButton;
    QPushButton *m_openJobButton;
};

} // namespace twinops
