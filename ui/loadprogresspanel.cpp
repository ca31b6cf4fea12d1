#include "loadprogresspanel.h"
#include "loadanywayquestion.h"

#include "itemmodels/loadrunsmodel.h"
#include "core/time.h"

#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QStyle>
#include <QStyledItemDelegate>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace pv {

namespace {
/// Wraps a tree's text at its column's width (QTreeView sizes rows as if every column were unbounded).
class WrappingDelegate : public QStyledItemDelegate
{
public:
    explicit WrappingDelegate(QTreeView *view)
        : QStyledItemDelegate(view)
        , m_view(view)
    {
    }

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyleOptionViewItem inColumn = option;
        // The style wraps only within a valid rectangle.
        inColumn.rect = QRect(0, 0, m_view->columnWidth(index.column()), option.fontMetrics.height());
        return QStyledItemDelegate::sizeHint(inColumn, index);
    }

private:
    QTreeView *m_view;
};

QString outcomeName(LoadOutcome outcome)
{
    switch (outcome) {
    case LoadOutcome::Loaded: return QObject::tr("Loaded");
    case LoadOutcome::AlreadyLoaded: return QObject::tr("Already loaded");
    case LoadOutcome::Failed: return QObject::tr("Failed");
    case LoadOutcome::Cancelled: return QObject::tr("Cancelled");
    case LoadOutcome::Refused: return QObject::tr("Refused");
    }
    return {};
}

} // namespace

QString LoadProgressPanel::describe(const LoadResult &result)
{
    const QLocale locale;
    const LoadRun &run = result.run;
    switch (result.outcome) {
    case LoadOutcome::Loaded: {
        QString text;
        if (run.kind == ExtractKind::UsersSnapshot)
            text = tr("%1 users loaded as of %2 UTC; %3 new, %4 moved, %5 removed; %6 pageview facts re-attributed")
                       .arg(locale.toString(run.rowsLoaded), runWindowText(run).mid(6), locale.toString(run.usersAdded),
                            locale.toString(run.usersMoved), locale.toString(run.usersRemoved),
                            locale.toString(run.factsReattributed));
        else
            text = tr("%1 rows loaded for %2 UTC; %3 late rows counted in their own hours")
                       .arg(locale.toString(run.rowsLoaded), runWindowText(run), locale.toString(run.lateRows));
        text += run.rowsRejected > 0 ? tr("; %1 rows rejected (open the run to see them)").arg(locale.toString(run.rowsRejected))
                                     : tr("; nothing rejected");
        if (run.replacedRun)
            text += tr("; replaced the earlier load (run %1) of the same %2")
                        .arg(run.replacedRun)
                        .arg(run.kind == ExtractKind::UsersSnapshot ? tr("as-of") : tr("hour"));
        return tr("Run %1: %2.").arg(run.id).arg(text);
    }
    case LoadOutcome::AlreadyLoaded:
        return tr("Already loaded by run %1 (identical content); nothing changed.").arg(result.existingRunId);
    case LoadOutcome::Refused:
    case LoadOutcome::Failed:
    case LoadOutcome::Cancelled:
        break;
    }
    return desktopMessage(result.message);
}

LoadProgressPanel::LoadProgressPanel(LoadQueue *queue, QWidget *parent)
    : QWidget(parent)
    , m_queue(queue)
{
    setObjectName(QStringLiteral("loadProgressPanel"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 6, 10, 6);
    layout->setSpacing(6);

    auto *top = new QHBoxLayout;
    m_file = new QLabel(tr("No load running."), this);
    m_file->setObjectName(QStringLiteral("progressFile"));
    QFont bold = m_file->font();
    bold.setBold(true);
    m_file->setFont(bold);
    top->addWidget(m_file, 1);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("cancelLoad"));
    m_cancel->setToolTip(tr("Stop the running load (it is rolled back: nothing changes) and drop the files still waiting"));
    m_cancel->setEnabled(false);
    top->addWidget(m_cancel);
    m_loadAnyway = new QPushButton(loadAnywayText(), this);
    m_loadAnyway->setObjectName(QStringLiteral("loadAnyway"));
    m_loadAnyway->setToolTip(tr("Load the selected refused users snapshot again, past the removal guard: the users "
                                "missing from it are recorded as removed"));
    m_loadAnyway->hide();
    top->addWidget(m_loadAnyway);
    layout->addLayout(top);

    m_bar = new QProgressBar(this);
    m_bar->setObjectName(QStringLiteral("progressBar"));
    m_bar->setRange(0, 1000);
    m_bar->setValue(0);
    m_bar->setTextVisible(true);
    layout->addWidget(m_bar);

    // Two figures a row: the panel fits a 1024-wide window without scrolling sideways.
    auto *grid = new QGridLayout;
    grid->setHorizontalSpacing(18);
    grid->setVerticalSpacing(2);
    const auto add = [&](int figure, const QString &name, QLabel **value, const char *objectName) {
        auto *label = new QLabel(name, this);
        label->setStyleSheet(QStringLiteral("color: palette(mid);"));
        grid->addWidget(label, figure / 2, (figure % 2) * 2);
        *value = new QLabel(QStringLiteral("–"), this);
        (*value)->setObjectName(QLatin1String(objectName));
        grid->addWidget(*value, figure / 2, (figure % 2) * 2 + 1);
    };
    add(0, tr("Stage:"), &m_stage, "progressStage");
    add(1, tr("Rows:"), &m_rows, "progressRows");
    add(2, tr("Rate:"), &m_rate, "progressRate");
    add(3, tr("Time left:"), &m_timeLeft, "progressTimeLeft");
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(3, 1);
    layout->addLayout(grid);

    m_results = new QTreeWidget(this);
    m_results->setObjectName(QStringLiteral("loadResults"));
    m_results->setColumnCount(3);
    m_results->setHeaderLabels({tr("Outcome"), tr("File"), tr("What happened")});
    m_results->setRootIsDecorated(false);
    // What happened is read in full: wrapped, never cut with "…" (and whole in its tooltip).
    m_results->setWordWrap(true);
    m_results->setUniformRowHeights(false);
    m_results->setItemDelegate(new WrappingDelegate(m_results));
    connect(m_results->header(), &QHeaderView::sectionResized, m_results, &QTreeView::doItemsLayout);
    m_results->setTextElideMode(Qt::ElideNone);
    m_results->setAlternatingRowColors(true);
    m_results->header()->setStretchLastSection(true);
    m_results->setColumnWidth(0, 130);
    m_results->setColumnWidth(1, 240);
    layout->addWidget(m_results, 1);
    m_tally = new QLabel(this);
    m_tally->setObjectName(QStringLiteral("progressTally"));
    layout->addWidget(m_tally);

    connect(m_cancel, &QPushButton::clicked, this, [this] {
        m_cancel->setEnabled(false);
        m_stage->setText(tr("cancelling: rolling back…"));
        m_queue->cancel();
    });
    connect(m_loadAnyway, &QPushButton::clicked, this, [this] {
        if (const QTreeWidgetItem *item = m_results->currentItem(); item && item->data(1, Qt::UserRole).isValid()) {
            const LoadRequest request = item->data(1, Qt::UserRole).value<LoadRequest>();
            if (!askToLoadAnyway(this, request))
                return;
            m_loadAnyway->hide();
            emit loadAnywayRequested(request);
        }
    });
    connect(m_results, &QTreeWidget::currentItemChanged, this, &LoadProgressPanel::updateLoadAnyway);
    connect(m_results, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        if (const qint64 runId = item->data(0, Qt::UserRole).toLongLong())
            emit runRequested(runId);
    });
    connect(queue, &LoadQueue::fileStarted, this, &LoadProgressPanel::onStarted);
    connect(queue, &LoadQueue::progressChanged, this, &LoadProgressPanel::onProgress);
    connect(queue, &LoadQueue::fileFinished, this, &LoadProgressPanel::onFinished);
    connect(queue, &LoadQueue::idle, this, &LoadProgressPanel::onIdle);
}

void LoadProgressPanel::clearCounts()
{
    m_loaded = m_already = m_failed = m_refused = m_cancelled = 0;
}

void LoadProgressPanel::startBatch()
{
    if (!m_newBatch)
        return;
    m_newBatch = false;
    clearCounts();
    m_results->clear();
    m_tally->setText(tally());
    updateLoadAnyway();
}

void LoadProgressPanel::updateLoadAnyway()
{
    const QTreeWidgetItem *item = m_results->currentItem();
    m_loadAnyway->setVisible(item && item->data(1, Qt::UserRole).isValid());
}

void LoadProgressPanel::onStarted(const QString &path, int fileNumber, int fileCount)
{
    startBatch();
    m_file->setText(tr("File %1 of %2: %3").arg(fileNumber).arg(fileCount).arg(QFileInfo(path).fileName()));
    m_file->setToolTip(path);
    m_stage->setText(tr("opening"));
    m_rows->setText(QStringLiteral("–"));
    m_rate->setText(QStringLiteral("–"));
    m_timeLeft->setText(QStringLiteral("–"));
    m_bar->setRange(0, 0);
    m_cancel->setEnabled(true);
}

void LoadProgressPanel::onProgress(const LoadProgress &p)
{
    const QLocale locale;
    const bool reading = p.stage == QLatin1String("reading");
    if (p.total > 0) {
        m_bar->setRange(0, 1000);
        m_bar->setValue(int(std::min<qint64>(1000, p.done * 1000 / p.total)));
        m_bar->setFormat(reading ? tr("%1: %2 of %3")
                                       .arg(p.stage, locale.formattedDataSize(p.done, 1, QLocale::DataSizeTraditionalFormat),
                                            locale.formattedDataSize(p.total, 1, QLocale::DataSizeTraditionalFormat))
                                 : tr("%1: %2 of %3").arg(p.stage, locale.toString(p.done), locale.toString(p.total)));
    } else {
        m_bar->setRange(0, 0); // a stage that does not know its size
    }
    if (m_cancel->isEnabled())
        m_stage->setText(p.stage);
    if (p.rowsTotal > 0)
        m_rows->setText(tr("%1 of about %2 read").arg(locale.toString(p.rowsDone), locale.toString(p.rowsTotal)));
    else if (p.rowsDone > 0)
        m_rows->setText(tr("%1 read").arg(locale.toString(p.rowsDone)));
    if (reading && p.rowsPerSecond > 0)
        m_rate->setText(tr("%1 rows/s").arg(locale.toString(qint64(p.rowsPerSecond + 0.5))));
    if (!reading && p.rowsPerSecond > 0)
        m_rate->setText(tr("%1 rows/s while reading").arg(locale.toString(qint64(p.rowsPerSecond + 0.5))));
    if (p.stageMsLeft >= 0)
        m_timeLeft->setText(tr("%1 in this stage (%2 elapsed)")
                                .arg(p.stageMsLeft < 1000 ? tr("under a second") : tr("about ") + durationText(p.stageMsLeft / 1000 * 1000),
                                     durationText(p.elapsedMs)));
    else if (p.total > 0)
        m_timeLeft->setText(tr("estimating (%1 elapsed)").arg(durationText(p.elapsedMs)));
    else // a stage that does not know its size has no estimate to wait for
        m_timeLeft->setText(tr("%1… (%2 elapsed)").arg(p.stage, durationText(p.elapsedMs)));
}

void LoadProgressPanel::onFinished(const QString &path, const LoadResult &result)
{
    startBatch(); // a file skipped before any started
    switch (result.outcome) {
    case LoadOutcome::Loaded: ++m_loaded; break;
    case LoadOutcome::AlreadyLoaded: ++m_already; break;
    case LoadOutcome::Failed: ++m_failed; break;
    case LoadOutcome::Refused: ++m_refused; break;
    case LoadOutcome::Cancelled: ++m_cancelled; break;
    }
    const bool ok = result.outcome == LoadOutcome::Loaded || result.outcome == LoadOutcome::AlreadyLoaded;
    auto *item = new QTreeWidgetItem(m_results, {outcomeName(result.outcome), QFileInfo(path).fileName(), describe(result)});
    item->setIcon(0, style()->standardIcon(ok ? QStyle::SP_DialogApplyButton
                                              : result.outcome == LoadOutcome::Cancelled ? QStyle::SP_BrowserStop
                                                                                         : QStyle::SP_MessageBoxCritical));
    const qint64 runId = result.run.id ? result.run.id : result.existingRunId;
    item->setData(0, Qt::UserRole, runId);
    item->setToolTip(2, describe(result) + (runId ? tr("\nDouble-click to open run %1.").arg(runId) : QString()));
    item->setToolTip(1, path);
    if (refusedByRemovalGuard(result.run)) {
        item->setData(1, Qt::UserRole, QVariant::fromValue(loadAnywayRequest(result.run)));
        item->setToolTip(2, item->toolTip(2) + tr("\n“%1” loads it past the removal guard.").arg(loadAnywayText()));
    }
    if (!ok)
        for (int column = 0; column < 3; ++column)
            item->setForeground(column, QColor(0xa3, 0x1d, 0x1d));
    m_results->scrollToItem(item);
    if (refusedByRemovalGuard(result.run))
        m_results->setCurrentItem(item);
    m_tally->setText(tally());
    // A file the cancel dropped before it started has no run and no figures: the bar, rows, rate and time
    // stay those of the last file that ran (the cancelled run, whose rows read pvadmin runs records).
    if (result.run.id == 0 && result.outcome == LoadOutcome::Cancelled && result.run.rowsRead == 0)
        return;
    // Full only for a file that loaded: a cancelled or failed one stops where it was.
    if (m_bar->maximum() == 0)
        m_bar->setRange(0, 1000);
    if (ok)
        m_bar->setValue(m_bar->maximum());
    m_bar->setFormat(outcomeName(result.outcome));
    m_rows->setText(result.outcome == LoadOutcome::Loaded
                        ? tr("%1 read, %2 loaded").arg(QLocale().toString(result.run.rowsRead), QLocale().toString(result.run.rowsLoaded))
                        : tr("%1 read, nothing loaded").arg(QLocale().toString(result.run.rowsRead)));
    m_timeLeft->setText(result.run.finishedAtMs > 0 ? tr("done in %1").arg(durationText(result.run.durationMs())) : tr("done"));
    // The run's own figures, as pvadmin runs records them: its rows read over its whole duration.
    if (result.run.finishedAtMs > 0 && result.run.durationMs() > 0 && result.run.rowsRead > 0)
        m_rate->setText(tr("%1 rows/s over the whole run")
                            .arg(QLocale().toString(result.run.rowsRead * 1000 / result.run.durationMs())));
    else
        m_rate->setText(QStringLiteral("–"));
    m_stage->setText(result.outcome == LoadOutcome::Cancelled ? tr("cancelled: rolled back, nothing changed")
                                                              : outcomeName(result.outcome).toLower());
}

void LoadProgressPanel::onIdle()
{
    m_newBatch = true;
    m_cancel->setEnabled(false);
    m_file->setText(tr("No load running. Last batch: %1").arg(tally()));
    // The bar speaks for the batch, not for its last file: "Loaded" after a refused file would be wrong.
    if (!batchSucceeded())
        m_bar->setFormat(tr("Batch done: %1 not loaded").arg(QLocale().toString(m_failed + m_refused + m_cancelled)));
}

QString LoadProgressPanel::tally() const
{
    const QLocale locale;
    const int files = m_loaded + m_already + m_failed + m_refused + m_cancelled;
    if (files == 0)
        return tr("No file of this batch has finished yet.");
    QStringList parts;
    const auto add = [&](int count, const QString &text) {
        if (count)
            parts << text.arg(locale.toString(count));
    };
    add(m_loaded, tr("%1 loaded"));
    add(m_already, tr("%1 already loaded"));
    add(m_failed, tr("%1 failed"));
    add(m_refused, tr("%1 refused"));
    add(m_cancelled, tr("%1 cancelled"));
    return (files == 1 ? tr("1 file: %1") : tr("%1 files: %2").arg(locale.toString(files))).arg(parts.join(QStringLiteral(", ")));
}

bool LoadProgressPanel::batchSucceeded() const
{
    return m_failed + m_refused + m_cancelled == 0;
}

} // namespace pv
