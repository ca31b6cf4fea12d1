#include "loadsscreen.h"

#include "itemmodels/loadrunsmodel.h"
#include "query/querythread.h"

#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QPushButton>
#include <QShortcut>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace pv {

LoadsScreen::LoadsScreen(const QString &warehousePath, QWidget *parent)
    : QWidget(parent)
    , m_queries(new QueryThread(warehousePath, this))
    , m_model(new LoadRunsModel(m_queries, this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 12, 12, 12);
    layout->setSpacing(8);

    auto *bar = new QHBoxLayout;
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("runFilter"));
    m_filter->setPlaceholderText(tr("Filter by file name, status, error text or run number"));
    m_filter->setClearButtonEnabled(true);
    bar->addWidget(m_filter, 2);
    m_status = new QComboBox(this);
    m_status->setObjectName(QStringLiteral("statusFilter"));
    m_status->addItem(tr("Any status"), QStringList());
    m_status->addItem(tr("Problems: failed, refused, interrupted"),
                      QStringList{runStatusName(RunStatus::Failed), runStatusName(RunStatus::Refused), runStatusName(RunStatus::Interrupted)});
    m_status->addItem(tr("Succeeded"), QStringList{runStatusName(RunStatus::Succeeded)});
    m_status->addItem(tr("Replaced by a later file"), QStringList{runStatusName(RunStatus::Replaced)});
    m_status->addItem(tr("Cancelled"), QStringList{runStatusName(RunStatus::Cancelled)});
    m_status->addItem(tr("Running"), QStringList{runStatusName(RunStatus::Running)});
    bar->addWidget(m_status, 1);
    auto *details = new QPushButton(tr("Details…"), this);
    bar->addWidget(details);
    m_retry = new QPushButton(tr("Retry"), this);
    m_retry->setObjectName(QStringLiteral("retryRun"));
    bar->addWidget(m_retry);
    layout->addLayout(bar);

    m_loading = new QLabel(this);
    m_loading->setObjectName(QStringLiteral("loadingNow"));
    m_loading->setStyleSheet(QStringLiteral("QLabel { background: #e8f0fb; padding: 6px; border: 1px solid #c5d7f0; "
                                            "border-radius: 4px; }"));
    m_loading->hide();
    layout->addWidget(m_loading);

    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("runsView"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    // Every column but the file is as wide as its widest text: a count or a time is never cut. The file
    // takes the rest, shortened in the middle (its whole path is the tooltip).
    m_view->horizontalHeader()->setStretchLastSection(false);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(LoadRunsModel::File, QHeaderView::Stretch);
    m_view->setTextElideMode(Qt::ElideMiddle);
    m_view->horizontalHeader()->setSortIndicator(LoadRunsModel::Id, Qt::DescendingOrder);
    m_view->setSortingEnabled(true);
    layout->addWidget(m_view, 1);

    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("runCount"));
    layout->addWidget(m_count);
    connect(m_queries, &QueryThread::failed, m_count, &QLabel::setText);

    // Filtering runs a query: wait until the operator pauses typing.
    auto *typing = new QTimer(this);
    typing->setSingleShot(true);
    typing->setInterval(250);
    connect(m_filter, &QLineEdit::textChanged, typing, qOverload<>(&QTimer::start));
    connect(typing, &QTimer::timeout, this, [this] { m_model->setTextFilter(m_filter->text().trimmed()); });
    connect(m_status, &QComboBox::currentIndexChanged, this,
            [this] { m_model->setStatusFilter(m_status->currentData().toStringList()); });
    connect(m_model, &QAbstractItemModel::modelReset, this, &LoadsScreen::updateCount);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &LoadsScreen::updateCount);
    connect(m_view, &QTableView::activated, this, &LoadsScreen::openCurrentRun);
    connect(details, &QPushButton::clicked, this, &LoadsScreen::openCurrentRun);
    connect(m_retry, &QPushButton::clicked, this, &LoadsScreen::retryCurrentRun);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &LoadsScreen::updateRetry);
    connect(m_model, &QAbstractItemModel::modelReset, this, &LoadsScreen::updateRetry);
    // The row's own menu: what the buttons above do, and an import of its file with options.
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint &at) {
        const QModelIndex index = m_view->indexAt(at);
        if (!index.isValid())
            return;
        m_view->setCurrentIndex(index);
        QMenu menu(this);
        menu.addAction(tr("Details…"), this, &LoadsScreen::openCurrentRun);
        const std::optional<LoadRequest> retry = currentRetry();
        menu.addAction(tr("Retry"), this, &LoadsScreen::retryCurrentRun)->setEnabled(retry.has_value());
        menu.addAction(tr("Import again with options…"), this, [this, retry] { emit importRequested({retry->path}); })
            ->setEnabled(retry.has_value());
        menu.exec(m_view->viewport()->mapToGlobal(at));
    });
    updateCount();
    updateRetry();
}

void LoadsScreen::reload()
{
    m_model->reload();
}

void LoadsScreen::showLoad(const LoadProgress &progress)
{
    m_loading->setVisible(!progress.path.isEmpty());
    if (progress.path.isEmpty())
        return;
    const QString how = progress.total > 0 && progress.stage == QLatin1String("reading")
        ? tr("%1, %2 %").arg(progress.stage, QLocale().toString(progress.done * 100 / progress.total))
        : progress.stage;
    m_loading->setText(tr("Running now: %1 (file %2 of %3): %4.")
                           .arg(QFileInfo(progress.path).fileName())
                           .arg(progress.fileNumber)
                           .arg(progress.fileCount)
                           .arg(how));
    m_loading->setToolTip(progress.path);
}

QString LoadsScreen::loadText() const
{
    return m_loading->isHidden() ? QString() : m_loading->text();
}

void LoadsScreen::openCurrentRun()
{
    const QModelIndex current = m_view->currentIndex();
    if (current.isValid())
        emit runRequested(current.data(LoadRunsModel::RunIdRole).toLongLong());
}

std::optional<LoadRequest> LoadsScreen::currentRetry() const
{
    const QModelIndex current = m_view->currentIndex();
    if (!current.isValid())
        return std::nullopt;
    return retryRequest(m_model->runAt(current.row()));
}

void LoadsScreen::updateRetry()
{
    const std::optional<LoadRequest> retry = currentRetry();
    m_retry->setEnabled(retry.has_value());
    m_retry->setToolTip(retry ? tr("Load %1 again as it is now").arg(QFileInfo(retry->path).fileName())
                              : tr("Select a run that failed, was refused, interrupted or cancelled to load its file again"));
}

void LoadsScreen::retryCurrentRun()
{
    const std::optional<LoadRequest> retry = currentRetry();
    if (!retry)
        return;
    // Said here, not recorded as one more failed run.
    if (!QFileInfo::exists(retry->path)) {
        m_count->setText(tr("%1 is not there any more: nothing to load again.").arg(retry->path));
        return;
    }
    emit loadRequested(*retry);
}

void LoadsScreen::updateCount()
{
    const QLocale locale;
    const qint64 matching = m_model->matchingRunCount();
    if (m_model->rowCount() >= matching)
        m_count->setText(matching == 1 ? tr("1 run") : tr("%1 runs").arg(locale.toString(matching)));
    else
        m_count->setText(tr("Showing the first %1 of %2 runs; more load as you scroll.")
                             .arg(locale.toString(m_model->rowCount()), locale.toString(matching)));
}

} // namespace pv
