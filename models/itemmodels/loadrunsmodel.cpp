#include "itemmodels/loadrunsmodel.h"

#include "core/extractkind.h"
#include "load/loadworker.h"
#include "query/querythread.h"
#include "storage/runlog.h"
#include "storage/warehouse.h"
#include "core/time.h"

#include <QDateTime>
#include <QFileInfo>
#include <QLocale>

namespace pv {

QString runWindowText(const LoadRun &run)
{
    if (run.windowHour)
        return formatTimestamp(*run.windowHour).left(16);
    if (run.asOf)
        return QStringLiteral("as of %1").arg(formatTimestamp(*run.asOf).left(16));
    return {};
}

LoadRunsModel::LoadRunsModel(QueryThread *queries, QObject *parent)
    : QAbstractTableModel(parent)
    , m_queries(queries)
{
    // A failed read delivers nothing: stop waiting for it (the screen shows QueryThread's message).
    connect(m_queries, &QueryThread::failed, this, [this] {
        m_fetching = false;
        m_atEnd = true;
    });
    reload();
}

int LoadRunsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int LoadRunsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LoadRunsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const LoadRun &run = m_runs.at(index.row());
    const QLocale locale;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Id: return run.id;
        case Kind: return extractKindName(run.kind);
        case Status: return runStatusName(run.status);
        case File: return QFileInfo(run.file).fileName();
        case WindowOrAsOf: return runWindowText(run);
        case Started:
            return QDateTime::fromMSecsSinceEpoch(run.startedAtMs, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case Duration: return run.finishedAtMs > 0 ? durationText(run.durationMs()) : QString();
        case RowsRead: return locale.toString(run.rowsRead);
        case RowsLoaded: return locale.toString(run.rowsLoaded);
        case RowsRejected: return locale.toString(run.rowsRejected);
        case LateRows: // found in a file that was not loaded, they count nowhere; a snapshot has no hours
            return run.kind == ExtractKind::Pageviews
                    && (run.status == RunStatus::Succeeded || run.status == RunStatus::Replaced || run.status == RunStatus::Running)
                ? locale.toString(run.lateRows)
                : QString();
        }
        break;
    case Qt::ToolTipRole:
        if (!run.error.isEmpty())
            return desktopMessage(run.error);
        if (index.column() == File)
            return run.file;
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == Id || index.column() >= Duration)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case RunIdRole: return run.id;
    case StatusRole: return runStatusName(run.status);
    case SortValueRole: return sortKey(run);
    }
    return {};
}

QVariant LoadRunsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char *const titles[] = {"Run", "Kind", "Status", "File", "Window / as-of (UTC)", "Started (UTC)",
                                         "Duration", "Rows read", "Loaded", "Rejected", "Late rows"};
    return tr(titles[section]);
}

bool LoadRunsModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_atEnd;
}

RunOrder LoadRunsModel::order() const
{
    static_assert(int(RunOrder::LateRows) == LoadRunsModel::LateRows, "the columns are in RunOrder's order");
    return static_cast<RunOrder>(m_sortColumn);
}

QVariant LoadRunsModel::sortKey(const LoadRun &run) const
{
    return runSortValue(run, order());
}

void LoadRunsModel::fetchMore(const QModelIndex &parent)
{
    // One batch at a time; a view asks again once the rows it has are shown.
    if (m_fetching || parent.isValid() || m_atEnd)
        return;
    m_fetching = true;
    RunPage page = nextPage();
    const quint64 reload = m_reloads;
    m_queries->request(QStringLiteral("runs-more"), [this, page, reload](Warehouse &warehouse) -> std::function<void()> {
        const QList<LoadRun> batch = warehouse.runLog().runs(page);
        return [this, batch, reload] {
            if (reload != m_reloads) // a reload since: its own first batch replaces everything
                return;
            // Still fetching while the rows go in: a fetchMore() from a view reacting to the insertion would
            // otherwise ask again for the batch being inserted.
            m_atEnd = batch.size() < batchSize;
            if (!batch.isEmpty()) {
                beginInsertRows({}, int(m_runs.size()), int(m_runs.size() + batch.size()) - 1);
                m_runs += batch;
                endInsertRows();
            }
            m_fetching = false;
            emit batchArrived();
        };
    });
}

RunPage LoadRunsModel::nextPage() const
{
    RunPage page;
    page.filter = m_filter;
    page.order = order();
    page.descending = m_sortOrder == Qt::DescendingOrder;
    if (!m_runs.isEmpty())
        page.after = m_runs.constLast();
    page.limit = batchSize;
    return page;
}

void LoadRunsModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= ColumnCount)
        column = Id;
    if (column == m_sortColumn && order == m_sortOrder)
        return;
    m_sortColumn = column;
    m_sortOrder = order;
    reload();
}

void LoadRunsModel::setTextFilter(const QString &text)
{
    if (text == m_filter.text)
        return;
    m_filter.text = text;
    reload();
}

void LoadRunsModel::setStatusFilter(const QStringList &statuses)
{
    if (statuses == m_filter.statuses)
        return;
    m_filter.statuses = statuses;
    reload();
}

void LoadRunsModel::reload()
{
    const quint64 reload = ++m_reloads;
    m_fetching = true; // no batch after the old rows while the new first one is on its way
    RunPage page = nextPage();
    page.after.reset();
    m_queries->request(QStringLiteral("runs"), [this, page, reload](Warehouse &warehouse) -> std::function<void()> {
        const qint64 matching = warehouse.runLog().runCount(page.filter);
        const QList<LoadRun> runs = warehouse.runLog().runs(page);
        return [this, matching, runs, reload] {
            if (reload != m_reloads)
                return;
            beginResetModel();
            m_runs = runs;
            m_matching = matching;
            m_atEnd = runs.size() < batchSize;
            endResetModel();
            m_fetching = false;
            emit batchArrived();
        };
    });
}

LoadRun LoadRunsModel::runAt(int row) const
{
    return row >= 0 && row < m_runs.size() ? m_runs.at(row) : LoadRun{};
}

} // namespace pv
