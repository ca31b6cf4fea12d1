#include "itemmodels/rejectedlinesmodel.h"

#include "query/querythread.h"
#include "storage/runlog.h"
#include "storage/warehouse.h"

namespace pv {

RejectedLinesModel::RejectedLinesModel(QueryThread *queries, QObject *parent)
    : QAbstractTableModel(parent)
    , m_queries(queries)
{
    // A failed read delivers nothing: stop waiting for it (the screen shows QueryThread's message).
    connect(m_queries, &QueryThread::failed, this, [this] {
        m_fetching = false;
        m_atEnd = true;
    });
}

void RejectedLinesModel::setRun(qint64 runId)
{
    beginResetModel();
    m_runId = runId;
    m_lines.clear();
    m_atEnd = true;
    m_fetching = false;
    ++m_runs;
    endResetModel();
    if (runId != 0)
        requestBatch();
}

void RejectedLinesModel::requestBatch()
{
    m_fetching = true;
    const qint64 runId = m_runId;
    const qint64 after = m_lines.isEmpty() ? 0 : m_lines.constLast().line;
    const quint64 generation = m_runs;
    m_queries->request(QStringLiteral("rejects"), [this, runId, after, generation](Warehouse &warehouse) -> std::function<void()> {
        const QList<RejectedLine> batch = warehouse.runLog().rejects(runId, after, batchSize);
        return [this, batch, generation] {
            if (generation != m_runs) // another run since
                return;
            // Still fetching while the rows go in (see LoadRunsModel::fetchMore).
            m_atEnd = batch.size() < batchSize;
            if (!batch.isEmpty()) {
                beginInsertRows({}, int(m_lines.size()), int(m_lines.size() + batch.size()) - 1);
                m_lines += batch;
                endInsertRows();
            }
            m_fetching = false;
            emit batchArrived();
        };
    });
}

int RejectedLinesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_lines.size());
}

int RejectedLinesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RejectedLinesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RejectedLine &line = m_lines.at(index.row());
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (index.column()) {
        case Line: return role == Qt::DisplayRole ? QVariant(line.line) : QVariant();
        case Reason: return line.reason;
        case RawText: return QString::fromUtf8(line.raw);
        }
    }
    if (role == Qt::TextAlignmentRole && index.column() == Line)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant RejectedLinesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char *const titles[] = {"Line", "Reason", "Raw text"};
    return tr(titles[section]);
}

bool RejectedLinesModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_atEnd;
}

void RejectedLinesModel::fetchMore(const QModelIndex &parent)
{
    // One batch at a time; a view asks again once the rows it has are shown.
    if (m_fetching || parent.isValid() || m_atEnd)
        return;
    requestBatch();
}

RejectedLine RejectedLinesModel::lineAt(int row) const
{
    return row >= 0 && row < m_lines.size() ? m_lines.at(row) : RejectedLine{};
}

} // namespace pv
