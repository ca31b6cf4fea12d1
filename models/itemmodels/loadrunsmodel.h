#pragma once

#include "core/loadrun.h"

#include <QAbstractTableModel>
#include <QList>
#include <QStringList>
#include <QVariant>

namespace pv {

class QueryThread;

/// The job tracker as a table: one row per load run. Rows arrive in batches as the view scrolls
/// (canFetchMore/fetchMore), each batch one keyset query on the current sort key, so a warehouse with
/// 100,000 runs opens and scrolls without reading them all. Sorting and filtering are done by the queries,
/// which run on the query thread: reload() and fetchMore() return at once and the rows follow
/// (batchArrived()).
class LoadRunsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    /// In RunOrder's order: a column is the order it sorts by.
    enum Column { Id, Kind, Status, File, WindowOrAsOf, Started, Duration, RowsRead, RowsLoaded, RowsRejected,
                  LateRows, ColumnCount };
    enum Role { RunIdRole = Qt::UserRole + 1, StatusRole, SortValueRole };

    explicit LoadRunsModel(QueryThread *queries, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    /// Runs whose file, status, kind, error or id contain text (case-insensitive); empty shows all.
    void setTextFilter(const QString &text);
    /// Runs with one of these statuses ("succeeded", "failed", ...); empty shows all.
    void setStatusFilter(const QStringList &statuses);
    /// Re-reads from the warehouse, keeping sort and filter: the rows are replaced (a model reset) when
    /// the first batch arrives.
    void reload();
    /// True while a batch has been asked for and has not arrived.
    bool isFetching() const { return m_fetching; }

    /// Runs matching the filter in the warehouse (not only the ones fetched so far).
    qint64 matchingRunCount() const { return m_matching; }
    LoadRun runAt(int row) const;

    static constexpr int batchSize = 256;

signals:
    /// A batch of rows arrived (after reload() or fetchMore()).
    void batchArrived();

private:
    RunOrder order() const;
    /// The next batch after the last run held, in the current order and filter.
    RunPage nextPage() const;
    QVariant sortKey(const LoadRun &run) const;

    QueryThread *m_queries;
    quint64 m_reloads = 0;
    QList<LoadRun> m_runs;
    bool m_atEnd = true;
    bool m_fetching = false;
    qint64 m_matching = 0;
    int m_sortColumn = Id;
    Qt::SortOrder m_sortOrder = Qt::DescendingOrder;
    RunFilter m_filter;
};

/// "2024-03-01 05:00" for a pageviews window or "as of 2024-03-01 00:00" for a snapshot, UTC.
QString runWindowText(const LoadRun &run);

} // namespace pv
