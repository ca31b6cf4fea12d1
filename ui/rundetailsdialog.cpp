#include "rundetailsdialog.h"
#include "loadanywayquestion.h"

#include "load/loadworker.h"
#include "itemmodels/loadrunsmodel.h"
#include "itemmodels/rejectedlinesmodel.h"
#include "export/rejectedlinescsv.h"
#include "query/querythread.h"
#include "storage/runlog.h"
#include "storage/warehouse.h"
#include "core/time.h"

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace pv {

namespace {
QString utc(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"))
                  : QString();
}

} // namespace

RunDetailsDialog::RunDetailsDialog(const QString &warehousePath, qint64 runId, QWidget *parent)
    : QDialog(parent)
    , m_runId(runId)
    , m_queries(new QueryThread(warehousePath, this))
    , m_rejects(new RejectedLinesModel(m_queries, this))
{
    setWindowTitle(tr("Run %1").arg(runId));
    setAttribute(Qt::WA_DeleteOnClose);
    resize(1000, 640);
    auto *layout = new QVBoxLayout(this);
    layout->setSpacing(10);
    m_reading = new QLabel(tr("Reading run %1…").arg(runId), this);
    layout->addWidget(m_reading);
    // Kept for the dialog's life: a read that fails later (a batch of rejected lines) is said here too,
    // never taken for the end of the list.
    m_reading->setWordWrap(true);
    connect(m_queries, &QueryThread::failed, this, [this](const QString &message) {
        m_reading->setText(message);
        m_reading->setStyleSheet(QStringLiteral("QLabel { color: #8a1c1c; }"));
        m_reading->show();
    });
    m_queries->request(QStringLiteral("run"), [this, runId](Warehouse &warehouse) -> std::function<void()> {
        const std::optional<LoadRun> found = warehouse.runLog().run(runId);
        return [this, found] { showRun(found); };
    });
}

void RunDetailsDialog::showRun(const std::optional<LoadRun> &found)
{
    auto *layout = static_cast<QVBoxLayout *>(this->layout());
    m_reading->hide();
    const qint64 runId = m_runId;
    const LoadRun run = found.value_or(LoadRun{});
    const QLocale locale;
    auto *title = new QLabel(this);
    title->setTextFormat(Qt::RichText);
    title->setText(found ? tr("<h3>Run %1 — %2 — %3</h3>")
                               .arg(run.id)
                               .arg(extractKindName(run.kind), runStatusName(run.status).toHtmlEscaped())
                         : tr("<h3>Run %1 is not in this warehouse</h3>").arg(runId));
    layout->addWidget(title);

    auto *facts = new QGridLayout;
    facts->setHorizontalSpacing(24);
    facts->setVerticalSpacing(4);
    QList<std::pair<QString, QString>> left{
        {tr("File"), run.file},
        {run.kind == ExtractKind::UsersSnapshot ? tr("As of") : tr("Window (hour)"),
         !run.windowHour && !run.asOf ? tr("not known (the file was not read that far)")
                                      : formatTimestamp(run.windowHour ? *run.windowHour : *run.asOf).left(16) + tr(" UTC")},
        {tr("Started"), utc(run.startedAtMs)},
        {tr("Finished"), run.finishedAtMs > 0 ? utc(run.finishedAtMs) + tr(" (%1)").arg(durationText(run.durationMs()))
                                              : tr("not finished")},
        {tr("Content SHA-256"), run.contentHash.isEmpty() ? tr("not computed") : run.contentHash}};
    // A run that committed nothing shows what it found in the file, never as if it had been loaded.
    const bool committed = run.status == RunStatus::Succeeded || run.status == RunStatus::Replaced;
    const bool running = run.status == RunStatus::Running;
    const auto inFile = [&](const QString &counts) {
        return committed ? counts : running ? tr("%1 (loading)").arg(counts) : tr("%1 found in the file, not loaded").arg(counts);
    };
    const QString nothingLoaded = tr("none: nothing was loaded");
    QList<std::pair<QString, QString>> right{{tr("Rows read"), locale.toString(run.rowsRead)},
                                            {tr("Rows loaded"), committed || running ? locale.toString(run.rowsLoaded) : nothingLoaded},
                                            {tr("Rows rejected"), locale.toString(run.rowsRejected)}};
    if (run.kind == ExtractKind::UsersSnapshot) {
        right << std::pair{tr("Users new / moved / removed"), inFile(tr("%1 / %2 / %3")
                                                                        .arg(locale.toString(run.usersAdded),
                                                                             locale.toString(run.usersMoved),
                                                                             locale.toString(run.usersRemoved)))};
        right << std::pair{tr("Facts re-attributed"), committed || running ? locale.toString(run.factsReattributed) : nothingLoaded};
    } else {
        right << std::pair{tr("Late rows (other hours)"), inFile(locale.toString(run.lateRows))};
    }
    if (run.replacedRun)
        right << std::pair{tr("Replaced"), tr("run %1 (an earlier file for the same %2)")
                                               .arg(run.replacedRun)
                                               .arg(run.kind == ExtractKind::UsersSnapshot ? tr("as-of") : tr("hour"))};
    if (run.replacedBy)
        right << std::pair{tr("Replaced by"), tr("run %1; this run's rows no longer count").arg(run.replacedBy)};
    const auto addFacts = [&](const QList<std::pair<QString, QString>> &rows, int column) {
        for (int row = 0; row < rows.size(); ++row) {
            auto *name = new QLabel(rows[row].first + QLatin1Char(':'), this);
            name->setStyleSheet(QStringLiteral("color: palette(mid);"));
            auto *value = new QLabel(rows[row].second, this);
            value->setTextInteractionFlags(Qt::TextSelectableByMouse);
            value->setWordWrap(column == 0);
            facts->addWidget(name, row, column, Qt::AlignTop);
            facts->addWidget(value, row, column + 1, Qt::AlignTop);
        }
    };
    addFacts(left, 0);
    addFacts(right, 2);
    facts->setColumnStretch(1, 3);
    facts->setColumnStretch(3, 1);
    layout->addLayout(facts);

    m_outcome = new QLabel(this);
    m_outcome->setObjectName(QStringLiteral("runOutcome"));
    m_outcome->setWordWrap(true);
    m_outcome->setTextInteractionFlags(Qt::TextSelectableByMouse);
    const bool bad = needsAttention(run.status);
    if (!run.error.isEmpty())
        m_outcome->setText(desktopMessage(run.error));
    else if (run.status == RunStatus::Succeeded)
        m_outcome->setText(tr("Loaded and committed."));
    else if (run.status == RunStatus::Replaced)
        m_outcome->setText(tr("Loaded, then replaced by run %1: its rows no longer count.").arg(run.replacedBy));
    else if (run.status == RunStatus::Running)
        m_outcome->setText(tr("Still running."));
    m_outcome->setStyleSheet(bad ? QStringLiteral("QLabel { background: #fdecea; color: #8a1c1c; padding: 8px; "
                                                  "border: 1px solid #f5c2c0; border-radius: 4px; }")
                                 : QStringLiteral("QLabel { background: #eef6ee; padding: 8px; border: 1px solid #cfe3cf; "
                                                  "border-radius: 4px; }"));
    layout->addWidget(m_outcome);

    auto *rejectsBox = new QGroupBox(run.rowsRejected > 0 ? tr("Rejected lines (%1)").arg(locale.toString(run.rowsRejected))
                                                          : tr("Rejected lines (none)"),
                                     this);
    auto *rejectsLayout = new QVBoxLayout(rejectsBox);
    m_view = new QTableView(rejectsBox);
    m_view->setObjectName(QStringLiteral("rejectsView"));
    m_view->setModel(m_rejects);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setWordWrap(false);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_view->setColumnWidth(RejectedLinesModel::Line, 80);
    m_view->setColumnWidth(RejectedLinesModel::Reason, 560);
    m_view->horizontalHeader()->setStretchLastSection(true);
    rejectsLayout->addWidget(m_view);
    layout->addWidget(rejectsBox, 1);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *copy = buttons->addButton(tr("Copy"), QDialogButtonBox::ActionRole);
    copy->setToolTip(tr("Copy the selected rejected lines (all shown when none is selected) as tab-separated text"));
    auto *exportButton = buttons->addButton(tr("Export CSV…"), QDialogButtonBox::ActionRole);
    exportButton->setToolTip(tr("Write every rejected line of this run to a CSV file"));
    if (refusedByRemovalGuard(run)) {
        auto *loadAnyway = buttons->addButton(loadAnywayText(), QDialogButtonBox::ActionRole);
        loadAnyway->setObjectName(QStringLiteral("loadAnyway"));
        loadAnyway->setToolTip(tr("Load %1 again at the same as-of, past the removal guard: the users missing from it "
                                  "are recorded as removed")
                                   .arg(QFileInfo(run.file).fileName()));
        connect(loadAnyway, &QPushButton::clicked, this, [this, run, loadAnyway] {
            const LoadRequest request = loadAnywayRequest(run);
            if (!askToLoadAnyway(this, request))
                return;
            loadAnyway->setEnabled(false);
            emit loadRequested(request);
        });
    }
    if (const std::optional<LoadRequest> retry = retryRequest(run)) {
        auto *retryButton = buttons->addButton(tr("Retry"), QDialogButtonBox::ActionRole);
        retryButton->setObjectName(QStringLiteral("retryRun"));
        retryButton->setToolTip(tr("Load %1 again as it is now").arg(QFileInfo(run.file).fileName()));
        retryButton->setEnabled(QFileInfo::exists(retry->path));
        if (!retryButton->isEnabled())
            retryButton->setToolTip(tr("%1 is not there any more").arg(retry->path));
        connect(retryButton, &QPushButton::clicked, this, [this, request = *retry, retryButton] {
            retryButton->setEnabled(false);
            emit loadRequested(request);
        });
    }
    copy->setEnabled(run.rowsRejected > 0);
    exportButton->setEnabled(run.rowsRejected > 0);
    connect(copy, &QPushButton::clicked, this, &RunDetailsDialog::copyRejects);
    connect(exportButton, &QPushButton::clicked, this, &RunDetailsDialog::exportRejects);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    m_rejects->setRun(found ? runId : 0);
    emit runShown();
}

QString RunDetailsDialog::outcomeText() const
{
    return m_outcome ? m_outcome->text() : QString();
}

void RunDetailsDialog::copyRejects()
{
    if (!m_view)
        return;
    QList<int> rows;
    for (const QModelIndex &index : m_view->selectionModel()->selectedRows())
        rows << index.row();
    if (rows.isEmpty())
        for (int row = 0; row < m_rejects->rowCount(); ++row)
            rows << row;
    std::sort(rows.begin(), rows.end());
    QString text = tr("line\treason\traw\n");
    for (const int row : std::as_const(rows)) {
        const RejectedLine line = m_rejects->lineAt(row);
        text += QStringLiteral("%1\t%2\t%3\n").arg(line.line).arg(line.reason, QString::fromUtf8(line.raw).simplified());
    }
    QApplication::clipboard()->setText(text);
}

void RunDetailsDialog::exportRejects()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export rejected lines"),
                                                      QStringLiteral("run-%1-rejects.csv").arg(m_runId),
                                                      tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    m_queries->request(QStringLiteral("export"), [this, path, runId = m_runId](Warehouse &warehouse) -> std::function<void()> {
        QString error;
        const qint64 written = exportRejectedLinesCsv(warehouse.runLog(), runId, path, &error);
        return [this, path, written, error] {
            if (written < 0)
                QMessageBox::warning(this, tr("Export failed"), error);
            else
                QMessageBox::information(this, tr("Exported"),
                                         tr("%1 rejected lines written to %2.").arg(QLocale().toString(written), path));
        };
    });
}

} // namespace pv
