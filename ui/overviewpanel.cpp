#include "overviewpanel.h"

#include "admin/adminclient.h"
#include "checks/databaseinspection.h"
#include "rowtable.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QPushButton>
#include <QScrollArea>
#include <QShowEvent>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace twinops {

namespace {

constexpr int kCardColumns = 3;
constexpr int kFigureWidth = 240; // pixels
constexpr auto kDatabaseInterval = std::chrono::minutes(5);

using Column = OverviewModel::Column;

QString bytesText(qint64 bytes)
{
    return bytes < 0 ? QStringLiteral("—") : QLocale().formattedDataSize(bytes);
}

QString migrationsText(const Result<MigrationStatus> &migrations)
{
    if (!migrations.ok())
        return QObject::tr("Migrations: %1").arg(migrations.error().message);
    const MigrationStatus &s = *migrations;
    QString text = QObject::tr("Migrations: %1 applied of the %2 this console knows")
                       .arg(s.applied.size())
                       .arg(s.shipped.size());
    if (!s.pending.isEmpty())
        text += QObject::tr("; %n pending (the next `twinopsd migrate` there applies them)", nullptr,
                            int(s.pending.size()));
    if (!s.newer.isEmpty())
        text += QObject::tr("; one from a newer release (%1)").arg(s.newer.first().name);
    return text;
}

// The details of one database: what it is, its migrations, the lint's findings, its tables. Widgets only: the
// inspection is read once it is there, nothing here touches the database.
QDialog *databaseDialog(const QString &environment, const Result<DatabaseInspection> &inspection, QWidget *parent)
{
    auto *dialog = new QDialog(parent);
    dialog->setObjectName(QStringLiteral("databaseDetails"));
    dialog->setWindowTitle(QObject::tr("Database of %1").arg(environment));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    auto *layout = new QVBoxLayout(dialog);
    auto *summary = new QLabel(dialog);
    summary->setObjectName(QStringLiteral("databaseSummary"));
    summary->setWordWrap(true);
    summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(summary);
    if (!inspection.ok()) {
        summary->setText(inspection.error().message);
    } else {
        summary->setText(
            QObject::tr("%1 (read-only)\n%2").arg(inspection->description, migrationsText(inspection->migrations)));
        auto *tabs = new QTabWidget(dialog);
        auto *lint = new QTreeWidget(tabs);
        lint->setObjectName(QStringLiteral("lintFindings"));
        lint->setRootIsDecorated(false);
        lint->setHeaderLabels(
            {QObject::tr("Level"), QObject::tr("Rule"), QObject::tr("Object"), QObject::tr("Problem")});
        if (!inspection->lint) {
            lint->setHeaderLabels({QObject::tr("The database lint reads PostgreSQL catalogs; this is SQLite")});
        } else if (!inspection->lint->ok()) {
            lint->setHeaderLabels({QObject::tr("The lint could not run: %1").arg(inspection->lint->error().message)});
        } else {
            for (const LintFinding &f : **inspection->lint) {
                auto *item = new QTreeWidgetItem(lint, {f.level, f.rule, f.object, f.title});
                item->setToolTip(3, f.detail + QStringLiteral("\n\n") + f.remediation);
            }
        }
        setRowMenu(lint, [](QMenu &menu, const QModelIndex &index) {
            addCopyAction(menu, QObject::tr("Copy object"), index.siblingAtColumn(2).data().toString());
            addCopyAction(menu, QObject::tr("Copy problem and remedy"),
                          index.siblingAtColumn(3).data().toString() + u'\n'
                              + index.siblingAtColumn(3).data(Qt::ToolTipRole).toString());
        });
        tabs->addTab(lint, QObject::tr("Lint"));
        auto *tables = new QTreeWidget(tabs);
        tables->setObjectName(QStringLiteral("tableSizes"));
        tables->setRootIsDecorated(false);
        if (inspection->tables.ok()) {
            tables->setHeaderLabels({QObject::tr("Table"), QObject::tr("Size"), QObject::tr("Rows")});
            for (const TableSize &t : *inspection->tables) {
                new QTreeWidgetItem(tables,
                                    {t.table, bytesText(t.bytes),
                                     t.rows < 0 ? QObject::tr("not analysed yet") : QLocale().toString(t.rows)});
            }
        } else {
            tables->setHeaderLabels({inspection->tables.error().message});
        }
        setRowMenu(tables, [](QMenu &menu, const QModelIndex &index) {
            addCopyAction(menu, QObject::tr("Copy table name"), index.siblingAtColumn(0).data().toString());
        });
        tabs->addTab(tables, QObject::tr("Tables"));
        layout->addWidget(tabs);
    }
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    layout->addWidget(buttons);
    dialog->resize(900, 520);
    return dialog;
}

} // namespace

OverviewPanel::OverviewPanel(QList<OverviewEnvironment> environments, QWidget *parent)
    : QWidget(parent)
    , m_environments(std::move(environments))
    , m_model(
          [this] {
              QList<AdminClient *> clients;
              for (const OverviewEnvironment &e : m_environments)
                  clients.append(e.client);
              return clients;
          }(),
          this)
    , m_calls(this, [] {})
{
    auto *cards = new QWidget(this);
    auto *grid = new QGridLayout(cards);
    for (int row = 0; row < m_model.rowCount(); ++row) {
        grid->addWidget(makeCard(row), row / kCardColumns, row % kCardColumns);
        m_inspecting.append(false);
    }
    grid->setRowStretch(grid->rowCount(), 1);
    grid->setColumnStretch(kCardColumns, 1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setWidget(cards);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);

    connect(&m_model, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &topLeft) { updateCard(topLeft.row()); });
    m_databaseTimer.setInterval(kDatabaseInterval);
    connect(&m_databaseTimer, &QTimer::timeout, this, &OverviewPanel::inspectDatabases);
}

OverviewPanel::~OverviewPanel() = default;

QWidget *OverviewPanel::makeCard(int row)
{
    auto *box = new QGroupBox(m_model.data(m_model.index(row, Column::Name)).toString(), this);
    box->setObjectName(QStringLiteral("overviewCard%1").arg(row));
    auto *form = new QFormLayout(box);
    Card card;
    card.figures.resize(Column::ColumnCount, nullptr);
    const auto figure = [&](Column column, const char *name, std::function<void()> onClick) {
        auto *button = new QPushButton(box);
        button->setObjectName(QLatin1String(name));
        button->setFlat(true);
        button->setStyleSheet(QStringLiteral("text-align: left; padding: 0;"));
        if (onClick) {
            button->setCursor(Qt::PointingHandCursor);
            connect(button, &QPushButton::clicked, this, onClick);
        } else {
            button->setFocusPolicy(Qt::NoFocus);
        }
        form->addRow(m_model.headerData(column, Qt::Horizontal).toString(), button);
        card.figures[column] = button;
    };
    const auto open = [this, row](Destination destination) {
        return [this, row, destination] { emit openRequested(row, destination); };
    };
    const auto details = [this, row] { showDatabaseDetails(row); };
    figure(Column::Version, "version", {});
    figure(Column::SchemaVersion, "schemaVersion", m_environments.at(row).dsn ? details : std::function<void()>());
    figure(Column::Health, "health", open(Destination::Dashboards));
    figure(Column::LastChecklist, "lastChecklist", open(Destination::Checklists));
    figure(Column::QueueDepth, "queueDepth", open(Destination::Jobs));
    figure(Column::OldestWaitingSeconds, "oldestWaiting", open(Destination::Jobs));
    figure(Column::ErrorRatePercent, "errorRate", open(Destination::Dashboards));
    figure(Column::LatencyP95Seconds, "latencyP95", open(Destination::Dashboards));
    figure(Column::FiringAlerts, "firingAlerts", open(Destination::Alerts));
    card.alertsLabel = qobject_cast<QLabel *>(form->labelForField(card.figures[Column::FiringAlerts]));
    if (m_environments.at(row).dsn)
        figure(Column::Database, "database", details);
    card.error = new QLabel(box);
    card.error->setObjectName(QStringLiteral("cardError"));
    card.error->setWordWrap(true);
    card.error->setStyleSheet(QStringLiteral("color: #b00020;"));
    card.error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(card.error);
    m_cards.append(card);
    updateCard(row);
    return box;
}

void OverviewPanel::updateCard(int row)
{
    if (row < 0 || row >= int(m_cards.size()))
        return;
    const Card &card = m_cards.at(row);
    for (int column = 0; column < Column::ColumnCount; ++column) {
        if (QPushButton *button = card.figures.at(column)) {
            // Cards keep their width: a long text (an error) is elided, whole in the tooltip.
            const QString text = m_model.data(m_model.index(row, column)).toString();
            button->setText(button->fontMetrics().elidedText(text, Qt::ElideRight, kFigureWidth));
            button->setToolTip(text);
        }
    }
    // The slot exists only where the environment has the alerts API; never a made-up zero.
    const QVariant alerts = m_model.data(m_model.index(row, Column::FiringAlerts), OverviewModel::RawRole);
    card.figures.at(Column::FiringAlerts)->setVisible(alerts.isValid());
    if (card.alertsLabel)
        card.alertsLabel->setVisible(alerts.isValid());
    const QString error = m_model.data(m_model.index(row, Column::Error)).toString();
    card.error->setText(error);
    card.error->setVisible(!error.isEmpty());
}

void OverviewPanel::inspectDatabases()
{
    for (int row = 0; row < int(m_environments.size()); ++row) {
        const auto &dsn = m_environments.at(row).dsn;
        if (!dsn || m_inspecting.at(row))
            continue;
        m_inspecting[row] = true;
        m_calls.run(
            [dsn]() -> Result<DatabaseInspection> {
                TWINOPS_TRY_ASSIGN(const QString text, dsn());
                if (text.isEmpty())
                    return Error::notFound(QStringLiteral("no DSN saved (Environments…)"));
                return inspectDatabase(text);
            },
            [this, row](Result<DatabaseInspection> inspection) {
                m_inspecting[row] = false;
                m_model.setDatabase(row, std::move(inspection));
            });
    }
}

void OverviewPanel::showDatabaseDetails(int row)
{
    const auto &inspection = m_model.database(row);
    const Result<DatabaseInspection> shown
        = inspection ? *inspection : Result<DatabaseInspection>(Error::notFound(tr("not read yet")));
    databaseDialog(m_model.data(m_model.index(row, Column::Name)).toString(), shown, this)->open();
}

void OverviewPanel::refresh()
{
    m_model.refresh();
    inspectDatabases();
}

void OverviewPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_model.setActive(true);
    if (!m_databaseTimer.isActive()) {
        m_databaseTimer.start();
        inspectDatabases();
    }
}

void OverviewPanel::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_model.setActive(false);
    m_databaseTimer.stop();
}

} // namespace twinops
