#pragma once

#include "extract/extractreader.h"

#include <QAbstractTableModel>
#include <QList>

namespace pv {

class QueryThread;

/// The quarantined lines of one run (line, reason, raw text), fetched in line order in batches on the
/// query thread: setRun() and fetchMore() return at once and the rows follow (batchArrived()).
class RejectedLinesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Line, Reason, RawText, ColumnCount };

    explicit RejectedLinesModel(QueryThread *queries, QObject *parent = nullptr);

    /// Shows the rejects of another run (0: none).
    void setRun(qint64 runId);
    qint64 runId() const { return m_runId; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    RejectedLine lineAt(int row) const;

    /// True while a batch has been asked for and has not arrived.
    bool isFetching() const { return m_fetching; }

    static constexpr int batchSize = 500;

signals:
    void batchArrived();

private:
    void requestBatch();

    QueryThread *m_queries;
    quint64 m_runs = 0; ///< counts setRun(): a batch for an earlier run is dropped
    qint64 m_runId = 0;
    QList<RejectedLine> m_lines;
    bool m_atEnd = true;
    bool m_fetching = false;
};

} // namespace pv
