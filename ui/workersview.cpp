#include "workersview.h"

#include "rowtable.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

namespace twinops {

WorkersView::WorkersView(AdminClient &client, QWidget *parent)
    : QWidget(parent)
    , m_model(new WorkersModel(client, this))
{
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("workersSummary"));
    auto *reloadButton = new QPushButton(tr("Reload"), this);
    reloadButton->setObjectName(QStringLiteral("reloadWorkers"));
    auto *topBar = new QHBoxLayout;
    topBar->addWidget(m_summary, 1);
    topBar->addWidget(reloadButton);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("workersError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_error->hide();

    m_tree = new QTreeView(this);
    m_tree->setObjectName(QStringLiteral("workersTree"));
    m_tree->setModel(m_model);
    m_tree->setUniformRowHeights(true);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->header()->resizeSection(WorkersModel::Name, 260);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(topBar);
    layout->addWidget(m_error);
    layout->addWidget(m_tree, 1);

    m_refresh = new QTimer(this);
    m_refresh->setObjectName(QStringLiteral("workersRefresh"));
    m_refresh->setInterval(kRefreshMs);
    connect(m_refresh, &QTimer::timeout, this, [this] {
        if (!m_model->isLoading())
            reload();
    });
    connect(reloadButton, &QPushButton::clicked, this, &WorkersView::reload);
    connect(m_model, &WorkersModel::errorOccurred, this, [this](const QString &message) {
        m_error->setText(message);
        m_error->show();
    });
    connect(m_model, &WorkersModel::loaded, this, &WorkersView::showSummary);
    setRowMenu(m_tree, [this](QMenu &menu, const QModelIndex &index) {
        const auto cell = [&](WorkersModel::Column column, int role = Qt::DisplayRole) {
            return index.siblingAtColumn(column).data(role).toString();
        };
        const QString jobId = cell(WorkersModel::Job, Qt::ToolTipRole); // a worker's job, in full
        if (index.parent().isValid()) {
            QAction *show = menu.addAction(tr("Show job"), this, [this, jobId] { emit jobRequested(jobId); });
            show->setEnabled(!jobId.isEmpty());
            menu.addSeparator();
            addCopyAction(menu, tr("Copy job id"), jobId);
        } else {
            addCopyAction(menu, tr("Copy name"),
                          m_model->instance(index.row()).value(QLatin1String("name")).toString());
            addCopyAction(menu, tr("Copy host"), cell(WorkersModel::Host));
        }
    });
    // Running instances open, so that their workers (and a stuck one) show without a click.
    connect(m_model, &WorkersModel::modelReset, this, [this] {
        for (int row = 0; row < m_model->rowCount(); ++row)
            if (m_model->instance(row).value(QLatin1String("stopped_at")).isNull())
                m_tree->expand(m_model->index(row, 0));
    });
}

void WorkersView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    reload();
    m_refresh->start();
}

void WorkersView::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_refresh->stop();
}

void WorkersView::reload()
{
    m_model->reload();
}

void WorkersView::showSummary()
{
    m_error->hide();
    int running = 0;
    int workers = 0;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QJsonObject instance = m_model->instance(row);
        if (instance.value(QLatin1String("stopped_at")).isNull() && !instance.value(QLatin1String("stale")).toBool()) {
            ++running;
            workers += m_model->rowCount(m_model->index(row, 0));
        }
    }
    QString text = tr("%n running pool(s)", nullptr, running) + tr(", %n worker(s)", nullptr, workers);
    if (const int stuck = m_model->stuckWorkers(); stuck > 0)
        text += tr(", %n stuck", nullptr, stuck);
    if (const int stale = m_model->staleInstances(); stale > 0)
        text += tr(", %n stale instance(s)", nullptr, stale);
    m_summary->setText(text);
    m_summary->setStyleSheet(m_model->stuckWorkers() + m_model->staleInstances() > 0 ? QStringLiteral("color: #b00020;")
                                                                                     : QString());
}

} // namespace twinops
