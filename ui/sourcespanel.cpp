#include "sourcespanel.h"

#include "admin/adminclient.h"
#include "confirmdialog.h"
#include "feedbackline.h"
#include "rowtable.h"
#include "sourcesmodel.h"
#include "tenantpicker.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QLabel>
#include <QMenu>
#include <QMimeDatabase>
#include <QPushButton>
#include <QShowEvent>
#include <QSignalBlocker>
#include <QSortFilterProxyModel>
#include <QStringDecoder>
#include <QTableView>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>

namespace twinops {

namespace {

constexpr int kPollMs = 1000; // while the workers index a source
constexpr qint64 kMaxUploadBytes = 9 * 1024 * 1024; // under the API's 10 MiB body limit, with room for JSON escaping

// A file to upload as read on a worker thread: its text and type, or why it cannot be uploaded.
struct UploadFile
{
    QString error;
    QString content;
    QString contentType;
};

UploadFile readUploadFile(const QString &path)
{
    UploadFile result;
    QFile file(path);
    const QString name = QFileInfo(path).fileName();
    if (file.size() > kMaxUploadBytes) {
        result.error = SourcesPanel::tr("%1 is too large to upload (at most %2 MiB).")
                           .arg(name)
                           .arg(kMaxUploadBytes / (1024 * 1024));
        return result;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        result.error = SourcesPanel::tr("%1 could not be read: %2").arg(name, file.errorString());
        return result;
    }
    const QByteArray bytes = file.readAll();
    QStringDecoder decoder(QStringDecoder::Utf8);
    result.content = decoder(bytes);
    if (decoder.hasError()) {
        result.error
            = SourcesPanel::tr("%1 is not a UTF-8 text file; only text and Markdown can be uploaded.").arg(name);
        result.content.clear();
        return result;
    }
    const QString mime = QMimeDatabase().mimeTypeForFileNameAndData(path, bytes).name();
    if (mime == QLatin1String("text/markdown") || mime == QLatin1String("text/plain"))
        result.contentType = mime;
    return result;
}

} // namespace

SourcesPanel::SourcesPanel(AdminClient &client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_sources(new SourcesModel(client, this))
    , m_sourcesProxy(new QSortFilterProxyModel(this))
    , m_error(new FeedbackLine(this))
    , m_tenant(new TenantPicker(client, this))
    , m_twin(new QComboBox(this))
    , m_sourcesTable(new QTableView(this))
    , m_uploadButton(new QPushButton(tr("Upload file…"), this))
    , m_approveButton(new QPushButton(tr("Approve"), this))
    , m_rejectButton(new QPushButton(tr("Reject…"), this))
    , m_deleteButton(new QPushButton(tr("Delete…"), this))
    , m_health(new QLabel(this))
    , m_poll(new QTimer(this))
    , m_fileReads(this, [this] { updateButtons(); })
{
    m_sourcesProxy->setSourceModel(m_sources);
    m_sourcesProxy->setSortRole(PagedAdminModel::SortRole);
    m_error->setObjectName(QStringLiteral("sourcesError"));
    m_tenant->setObjectName(QStringLiteral("sourcesTenant"));
    m_twin->setObjectName(QStringLiteral("sourcesTwin"));
    m_twin->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_twin->setMinimumContentsLength(20);
    m_sourcesTable->setObjectName(QStringLiteral("sourcesTable"));
    m_sourcesTable->setModel(m_sourcesProxy);
    m_sourcesTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_sourcesTable->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_sourcesTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_sourcesTable->setSortingEnabled(true);
    m_sourcesTable->sortByColumn(SourcesModel::Updated, Qt::AscendingOrder);
    m_sourcesTable->verticalHeader()->hide();
    m_sourcesTable->horizontalHeader()->setStretchLastSection(true);
    m_sourcesTable->horizontalHeader()->resizeSection(SourcesModel::Filename, 240); // file names are long
    m_sourcesTable->horizontalHeader()->resizeSection(SourcesModel::LastError, 240);
    m_uploadButton->setObjectName(QStringLiteral("uploadSourceButton"));
    m_approveButton->setObjectName(QStringLiteral("approveSourcesButton"));
    m_rejectButton->setObjectName(QStringLiteral("rejectSourceButton"));
    m_deleteButton->setObjectName(QStringLiteral("deleteSourceButton"));
    m_health->setObjectName(QStringLiteral("sourceHealth"));
    m_health->setWordWrap(true);
    m_health->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_health->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_poll->setInterval(kPollMs);

    auto *pickers = new QFormLayout;
    pickers->addRow(tr("Tenant"), m_tenant);
    pickers->addRow(tr("Twin"), m_twin);
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_uploadButton);
    actions->addStretch();
    actions->addWidget(m_approveButton);
    actions->addWidget(m_rejectButton);
    actions->addWidget(m_deleteButton);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_error);
    layout->addLayout(pickers);
    layout->addWidget(m_sourcesTable, 3);
    layout->addLayout(actions);
    layout->addWidget(new QLabel(tr("Health of the selected source"), this));
    layout->addWidget(m_health, 1);

    connect(m_tenant, &TenantPicker::tenantChanged, this, [this] {
        clearError();
        {
            const QSignalBlocker quiet(m_twin);
            m_twin->clear();
        }
        twinChanged();
        loadTwins({}, ++m_twinsGeneration);
    });
    connect(m_tenant, &TenantPicker::errorOccurred, this, &SourcesPanel::showError);
    connect(m_twin, &QComboBox::currentIndexChanged, this, &SourcesPanel::twinChanged);
    connect(m_uploadButton, &QPushButton::clicked, this, &SourcesPanel::chooseFile);
    connect(m_approveButton, &QPushButton::clicked, this, &SourcesPanel::approveSelected);
    connect(m_rejectButton, &QPushButton::clicked, this, &SourcesPanel::rejectSelected);
    connect(m_deleteButton, &QPushButton::clicked, this, &SourcesPanel::confirmDeleteSelected);
    setRowMenu(m_sourcesTable, [this](QMenu &menu, const QModelIndex &index) { fillRowMenu(menu, index); });
    connect(m_sourcesTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &SourcesPanel::selectionChanged);
    connect(m_sources, &QAbstractItemModel::modelReset, this, &SourcesPanel::selectionChanged);
    connect(m_sources, &SourcesModel::errorOccurred, this, &SourcesPanel::showError);
    connect(m_sources, &QAbstractItemModel::rowsInserted, this, &SourcesPanel::updateButtons);
    connect(m_sources, &SourcesModel::sourcesChanged, this, [this](const QStringList &ids) {
        updateButtons();
        const QStringList selected = selectedSourceIds();
        if (selected.size() == 1 && ids.contains(selected.first()))
            loadHealth();
    });
    connect(m_sources, &QAbstractItemModel::rowsRemoved, this, &SourcesPanel::selectionChanged);
    connect(m_sources, &SourcesModel::sourceDeleted, this, [this](const QString &, const QString &name) {
        m_error->showDone(tr("The source \"%1\" was deleted.").arg(name));
    });
    connect(m_sources, &SourcesModel::sourceUploaded, this, [this](const QString &id) {
        const int row = m_sources->rowOf(id);
        if (row < 0)
            return;
        const QModelIndex index = m_sourcesProxy->mapFromSource(m_sources->index(row, SourcesModel::Filename));
        m_sourcesTable->selectionModel()->select(index,
                                                 QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_sourcesTable->setCurrentIndex(index);
        m_sourcesTable->scrollTo(index);
    });
    // showSource waits for the tenant and the twin in their pickers and the source in the table. The tenant picker is
    // heard once a page of tenants is in: while it fills, it still puts back the tenant it had.
    connect(m_tenant, &TenantPicker::namesChanged, this, &SourcesPanel::showPendingSelection);
    connect(m_twin->model(), &QAbstractItemModel::rowsInserted, this, &SourcesPanel::showPendingSelection);
    connect(m_sources, &QAbstractItemModel::rowsInserted, this, &SourcesPanel::showPendingSelection);
    connect(m_poll, &QTimer::timeout, this, [this] {
        if (m_sources->hasWorkInProgress())
            m_sources->refreshInProgress();
        else
            m_poll->stop();
    });

    selectionChanged();
    m_tenant->reload();
}

void SourcesPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    // Tenants created in the Tenants panel meanwhile, also the first ones of a fresh database (an empty picker).
    if (!event->spontaneous())
        m_tenant->reload();
    updateButtons(); // resumes polling the rows the workers are busy with
}

void SourcesPanel::hideEvent(QHideEvent *event)
{
    m_poll->stop(); // nobody looks: showEvent starts it again
    QWidget::hideEvent(event);
}

void SourcesPanel::loadTwins(const QString &cursor, quint64 generation)
{
    const QString tenantId = m_tenant->tenantId();
    if (tenantId.isEmpty())
        return;
    QString path = QStringLiteral("/api/v1/twins?limit=200");
    if (!cursor.isEmpty())
        path += QStringLiteral("&cursor=") + QString::fromLatin1(QUrl::toPercentEncoding(cursor));
    m_client.get(
        path, this,
        [this, generation](const AdminReply &reply) {
            if (generation != m_twinsGeneration)
                return;
            if (!reply.ok()) {
                showError(reply.errorText());
                return;
            }
            const QString before = m_twin->currentData().toString();
            {
                const QSignalBlocker quiet(m_twin);
                for (const QJsonValue &value : reply.body.value(QLatin1String("items")).toArray()) {
                    const QJsonObject twin = value.toObject();
                    m_twin->addItem(twin.value(QLatin1String("name")).toString(),
                                    twin.value(QLatin1String("id")).toString());
                }
            }
            if (m_twin->currentData().toString() != before)
                twinChanged();
            const QString next = reply.body.value(QLatin1String("next_cursor")).toString();
            if (!next.isEmpty())
                loadTwins(next, generation);
        },
        tenantId);
}

void SourcesPanel::refresh()
{
    clearError();
    m_tenant->reload();
    m_sources->reload();
}

void SourcesPanel::showSource(const QString &tenantId, const QString &twinId, const QString &sourceId)
{
    m_pendingSelection = PendingSelection{tenantId, twinId, sourceId};
    showPendingSelection();
}

void SourcesPanel::showPendingSelection()
{
    if (!m_pendingSelection)
        return;
    const PendingSelection pending = *m_pendingSelection;
    if (!m_tenant->choose(pending.tenantId))
        return; // not listed yet
    if (m_twin->currentData().toString() != pending.twinId) {
        const int index = m_twin->findData(pending.twinId);
        if (index < 0)
            return;
        m_twin->setCurrentIndex(index);
    }
    const bool listed = m_sources->tenantId() == pending.tenantId && m_sources->twinId() == pending.twinId;
    const int row = listed ? m_sources->rowOrNextPage(pending.sourceId) : -1;
    if (row < 0)
        return;
    const QModelIndex index = m_sourcesProxy->mapFromSource(m_sources->index(row, SourcesModel::Filename));
    m_sourcesTable->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_sourcesTable->setCurrentIndex(index);
    m_sourcesTable->scrollTo(index);
    m_pendingSelection.reset();
}

void SourcesPanel::twinChanged()
{
    m_sources->setTwin(m_tenant->tenantId(), m_twin->currentData().toString());
    updateButtons();
}

QStringList SourcesPanel::selectedSourceIds() const
{
    QStringList ids;
    for (const QModelIndex &row : m_sourcesTable->selectionModel()->selectedRows())
        ids.append(m_sources->idAt(m_sourcesProxy->mapToSource(row).row()));
    return ids;
}

void SourcesPanel::selectionChanged()
{
    loadHealth();
    updateButtons();
}

void SourcesPanel::updateButtons()
{
    m_uploadButton->setEnabled(!m_sources->twinId().isEmpty() && m_fileReads.idle());
    const QStringList ids = selectedSourceIds();
    bool approvable = !ids.isEmpty();
    bool rejectable = ids.size() == 1;
    for (const QString &id : ids) {
        const QString status = m_sources->statusAt(m_sources->rowOf(id));
        approvable = approvable && status == QLatin1String("pending");
        rejectable = rejectable && status == QLatin1String("pending");
    }
    m_approveButton->setEnabled(approvable);
    m_approveButton->setText(ids.size() > 1 ? tr("Approve %1").arg(ids.size()) : tr("Approve"));
    m_rejectButton->setEnabled(rejectable);
    m_deleteButton->setEnabled(ids.size() == 1);
    if (isVisible() && m_sources->hasWorkInProgress() && !m_poll->isActive())
        m_poll->start();
}

void SourcesPanel::chooseFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Upload a source"), {},
                                                      tr("Text and Markdown (*.txt *.md *.markdown);;All files (*)"));
    if (!path.isEmpty())
        uploadFile(path);
}

void SourcesPanel::uploadFile(const QString &path)
{
    clearError();
    if (m_sources->twinId().isEmpty()) {
        showError(tr("Pick a twin before uploading."));
        return;
    }
    // Read on a worker thread: a file of several MiB (or one on a slow network share) must not freeze the window.
    const QString twinId = m_sources->twinId();
    m_fileReads.run([path] { return readUploadFile(path); },
                    [this, twinId, name = QFileInfo(path).fileName()](const UploadFile &file) {
                        if (m_sources->twinId() != twinId)
                            return; // another twin was picked meanwhile: the file was meant for the old one
                        if (!file.error.isEmpty()) {
                            showError(file.error);
                            return;
                        }
                        m_sources->upload(name, file.content, file.contentType);
                    });
}

void SourcesPanel::approveSelected()
{
    const QStringList ids = selectedSourceIds();
    if (ids.isEmpty())
        return;
    clearError();
    m_sources->approve(ids);
}

void SourcesPanel::askAboutSelected(const QString &dialogName, ConfirmDialog::Question question,
                                    const std::function<void(const QString &sourceId)> &confirmed)
{
    const QStringList ids = selectedSourceIds();
    if (ids.size() != 1)
        return;
    clearError();
    const QString id = ids.first();
    const int row = m_sources->rowOf(id);
    question.object = row < 0 ? id : m_sources->item(row).value(QLatin1String("filename")).toString();
    ConfirmDialog::ask(this, dialogName, question, [confirmed, id] { confirmed(id); });
}

void SourcesPanel::rejectSelected()
{
    askAboutSelected(QStringLiteral("confirmRejectSource"),
                     {tr("Reject source?"),
                      tr("Reject"),
                      {},
                      tr("It will not be indexed, and the twin's answers will not draw on it.")},
                     [this](const QString &id) { m_sources->reject(id); });
}

bool SourcesPanel::deleteSelected()
{
    return clickIfEnabled(m_deleteButton);
}

void SourcesPanel::confirmDeleteSelected()
{
    askAboutSelected(QStringLiteral("confirmDeleteSource"),
                     {tr("Delete source?"),
                      tr("Delete source"),
                      {},
                      tr("Deletes the source with its indexed chunks: the twin's answers stop drawing on it. This "
                         "cannot be undone; Reject keeps a pending source's record instead.")},
                     [this](const QString &id) { m_sources->deleteSource(id); });
}

// The buttons' actions on the row (selected by now, so enabled by their rules), then its copies.
void SourcesPanel::fillRowMenu(QMenu &menu, const QModelIndex &index)
{
    for (QPushButton *button : {m_approveButton, m_rejectButton, m_deleteButton})
        addButtonAction(menu, button);
    menu.addSeparator();
    const QJsonObject source = m_sources->item(m_sourcesProxy->mapToSource(index).row());
    addCopyAction(menu, tr("Copy full id"), source.value(QLatin1String("id")).toString());
    addCopyAction(menu, tr("Copy file name"), source.value(QLatin1String("filename")).toString());
    addCopyAction(menu, tr("Copy last error"), source.value(QLatin1String("last_error")).toString());
}

void SourcesPanel::loadHealth()
{
    const quint64 generation = ++m_healthGeneration;
    const QStringList ids = selectedSourceIds();
    if (ids.size() != 1) {
        m_health->setText(ids.isEmpty() ? tr("Select a source to see its health.")
                                        : tr("%1 sources selected.").arg(ids.size()));
        return;
    }
    m_client.get(
        QStringLiteral("/api/v1/sources/%1/health").arg(QString::fromLatin1(QUrl::toPercentEncoding(ids.first()))),
        this,
        [this, generation](const AdminReply &reply) {
            if (generation == m_healthGeneration)
                showHealth(reply);
        },
        m_sources->tenantId());
}

void SourcesPanel::showHealth(const AdminReply &reply)
{
    if (!reply.ok()) {
        m_health->setText(tr("The health could not be loaded."));
        showError(reply.errorText());
        return;
    }
    const QJsonObject &health = reply.body;
    QStringList lines;
    lines.append(tr("State: %1").arg(health.value(QLatin1String("status")).toString()));
    lines.append(tr("Health: %1").arg(health.value(QLatin1String("health")).toString()));
    lines.append(tr("Chunks: %1").arg(health.value(QLatin1String("chunk_count")).toInteger()));
    const QString lastError = health.value(QLatin1String("last_error")).toString();
    lines.append(tr("Last error: %1").arg(lastError.isEmpty() ? tr("none") : lastError));
    const QJsonArray checks = health.value(QLatin1String("checks")).toArray();
    if (checks.isEmpty())
        lines.append(tr("Checks: none yet"));
    for (const QJsonValue &value : checks) {
        const QJsonObject check = value.toObject();
        QString line
            = tr("Check %1: %2")
                  .arg(check.value(QLatin1String("name")).toString(), check.value(QLatin1String("status")).toString());
        if (const QString message = check.value(QLatin1String("message")).toString(); !message.isEmpty())
            line += QStringLiteral(" — ") + message;
        lines.append(line);
    }
    m_health->setText(lines.join(QLatin1Char('\n')));
}

void SourcesPanel::showError(const QString &message)
{
    m_error->showError(message);
}

void SourcesPanel::clearError()
{
    m_error->clear();
}

} // namespace twinops
