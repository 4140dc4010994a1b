#include "movedatabasedialog.h"

#include "storage/database.h"
#include "storage/databasecopy.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMutex>
#include <QProgressBar>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

namespace twinops {

namespace {

constexpr int kProgressRefreshMs = 100;

} // namespace

struct MoveDatabaseDialog::Shared
{
    std::atomic<bool> cancelled{false};
    QMutex mutex;
    CopyProgress latest; // guarded by mutex
};

MoveDatabaseDialog::MoveDatabaseDialog(DatabaseUrl source, QWidget *parent)
    : QDialog(parent)
    , m_source(std::move(source))
    , m_calls(this, [this] { updateButtons(); })
    , m_url(new QLineEdit(this))
    , m_password(new QLineEdit(this))
    , m_progress(new QProgressBar(this))
    , m_status(new QLabel(this))
    , m_start(new QPushButton(tr("Start"), this))
    , m_cancel(new QPushButton(tr("Close"), this))
{
    setObjectName(QStringLiteral("moveDatabaseDialog"));
    setWindowTitle(tr("Move to PostgreSQL"));
    m_url->setObjectName(QStringLiteral("postgresUrl"));
    m_url->setPlaceholderText(QStringLiteral("postgres://user@host:5432/twinops"));
    m_password->setObjectName(QStringLiteral("postgresPassword"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("empty when ~/.pgpass or the server needs none"));
    m_progress->setObjectName(QStringLiteral("copyProgress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_status->setObjectName(QStringLiteral("copyStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_start->setObjectName(QStringLiteral("startCopy"));
    m_cancel->setObjectName(QStringLiteral("cancelCopy"));

    auto *intro = new QLabel(tr("Copies every table of this console's database (%1) into an empty PostgreSQL "
                                "database and verifies the copy. The console keeps running on its database "
                                "meanwhile; what changes after the copy starts is not copied.")
                                 .arg(m_source.redacted()),
                             this);
    intro->setWordWrap(true);
    auto *form = new QFormLayout;
    form->addRow(tr("PostgreSQL URL"), m_url);
    form->addRow(tr("Password"), m_password);
    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_start, QDialogButtonBox::AcceptRole);
    buttons->addButton(m_cancel, QDialogButtonBox::RejectRole);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(buttons);

    connect(m_start, &QPushButton::clicked, this, &MoveDatabaseDialog::start);
    connect(m_cancel, &QPushButton::clicked, this, &MoveDatabaseDialog::cancel);
    m_progressTimer.setInterval(kProgressRefreshMs);
    connect(&m_progressTimer, &QTimer::timeout, this, &MoveDatabaseDialog::showProgress);
    updateButtons();
}

MoveDatabaseDialog::~MoveDatabaseDialog()
{
    // A copy still running finishes on its own thread; told to stop, it empties the target on its way out.
    if (m_shared)
        m_shared->cancelled.store(true);
}

void MoveDatabaseDialog::start()
{
    auto parsed = DatabaseUrl::parse(m_url->text());
    if (!parsed.ok() || parsed->dialect() != Dialect::Postgres) {
        m_status->setText(tr("Type a PostgreSQL URL: postgres://user@host:5432/database."));
        return;
    }
    QUrl withPassword(parsed->postgresUri());
    if (!withPassword.password().isEmpty()) {
        m_status->setText(tr("Type the password into the Password field, not into the URL: the URL is saved as the "
                             "console's database setting."));
        return;
    }
    const QString saved = withPassword.toString();
    if (!m_password->text().isEmpty())
        withPassword.setPassword(m_password->text());
    auto target = DatabaseUrl::parse(withPassword.toString());
    if (!target.ok()) {
        m_status->setText(target.error().message);
        return;
    }
    m_shared = std::make_shared<Shared>();
    const std::shared_ptr<Shared> shared = m_shared;
    const DatabaseUrl source = m_source, to = *target;
    m_status->setText(tr("Connecting…"));
    m_progress->setRange(0, 0); // busy until the first table
    m_progressTimer.start();
    // Each connection is opened on the copying thread: a connection belongs to the thread that uses it.
    m_calls.run(
        [source, to, shared]() -> Result<CopyReport> {
            TWINOPS_TRY_ASSIGN(const std::unique_ptr<Database> from, Database::open(source));
            TWINOPS_TRY_ASSIGN(const std::unique_ptr<Database> into, Database::open(to));
            DatabaseCopy copy(*from, *into);
            copy.setCancelFlag(&shared->cancelled);
            copy.setProgressCallback([shared](const CopyProgress &progress) {
                const QMutexLocker lock(&shared->mutex);
                shared->latest = progress;
            });
            return copy.run();
        },
        [this, shared, saved](const Result<CopyReport> &report) {
            m_progressTimer.stop();
            if (shared != m_shared)
                return;
            showProgress();
            if (!report.ok()) {
                m_progress->setRange(0, 1);
                m_progress->setValue(0);
                m_status->setText(report.error().code == ErrorCode::Cancelled
                                      ? tr("Cancelled. %1").arg(report.error().message)
                                      : tr("The copy failed: %1").arg(report.error().message));
                emit copyFinished(false);
                return;
            }
            if (!report->verified()) {
                QStringList differing;
                for (const TableVerification &table : report->tables)
                    if (!table.matches())
                        differing.append(table.table);
                m_status->setText(tr("The copy differs from this database in %1: do not use it (drop that database "
                                     "and try again).")
                                      .arg(differing.join(QStringLiteral(", "))));
                emit copyFinished(false);
                return;
            }
            m_progress->setRange(0, 1);
            m_progress->setValue(1);
            m_status->setText(tr("Copied and verified %1 rows in %2 tables. The console's database setting now names "
                                 "%3: restart the console to use it. The password is not saved; put it in ~/.pgpass "
                                 "(host:port:database:user:password, mode 0600) if the server asks for one.")
                                  .arg(report->rows())
                                  .arg(report->tables.size())
                                  .arg(DatabaseUrl::parse(saved)->redacted()));
            emit moved(saved);
            emit copyFinished(true);
        });
}

void MoveDatabaseDialog::cancel()
{
    if (!copying()) {
        reject();
        return;
    }
    m_shared->cancelled.store(true);
    m_status->setText(tr("Cancelling: the PostgreSQL database is being emptied again…"));
    updateButtons();
}

void MoveDatabaseDialog::showProgress()
{
    if (!m_shared)
        return;
    CopyProgress progress;
    {
        const QMutexLocker lock(&m_shared->mutex);
        progress = m_shared->latest;
    }
    if (progress.tableCount == 0 || m_shared->cancelled.load())
        return;
    // Two steps per table: copying it, then verifying it.
    const bool verifying = progress.phase == CopyProgress::Phase::Verifying;
    m_progress->setRange(0, 2 * progress.tableCount);
    m_progress->setValue((verifying ? progress.tableCount : 0) + progress.tableIndex);
    m_status->setText(
        verifying
            ? tr("Verifying %1 (%2 of %3)…").arg(progress.table).arg(progress.tableIndex + 1).arg(progress.tableCount)
            : tr("Copying %1 (%2 of %3): %4 of %5 rows…")
                  .arg(progress.table)
                  .arg(progress.tableIndex + 1)
                  .arg(progress.tableCount)
                  .arg(progress.rowsDone)
                  .arg(progress.rowsTotal));
}

void MoveDatabaseDialog::updateButtons()
{
    const bool busy = copying();
    m_start->setEnabled(!busy);
    m_url->setEnabled(!busy);
    m_password->setEnabled(!busy);
    m_cancel->setText(busy ? tr("Cancel") : tr("Close"));
    m_cancel->setEnabled(!busy || !(m_shared && m_shared->cancelled.load()));
}

} // namespace twinops
