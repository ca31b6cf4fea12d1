#include "itemmodels/rejectedlinesmodel.h"

#include "export/csvwriter.h"
#include "export/savefile.h"
#include "storage/runlog.h"
#include "storage/warehouse.h"

#include <QScopedValueRollback>

namespace pv {

RejectedLinesModel::RejectedLinesModel(const Warehouse &warehouse, QObject *parent)
    : QAbstractTableModel(parent)
    , m_warehouse(warehouse)
{
}

void RejectedLinesModel::setRun(qint64 runId)
{
    beginResetModel();
    m_runId = runId;
    m_lines.clear();
    m_atEnd = runId == 0 || !m_warehouse.isOpen();
    if (!m_atEnd) {
        m_lines = m_warehouse.runLog().rejects(m_runId, 0, batchSize);
        m_atEnd = m_lines.size() < batchSize;
    }
    // Views asking for more while the reset is announced get it on their next request.
    const QScopedValueRollback fetching(m_fetching, true);
    endResetModel();
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
    // A view (or a model tester) may ask for more while the rows of this batch are being announced.
    if (m_fetching || parent.isValid() || m_atEnd || !m_warehouse.isOpen())
        return;
    const QScopedValueRollback fetching(m_fetching, true);
    const qint64 after = m_lines.isEmpty() ? 0 : m_lines.constLast().line;
    const QList<RejectedLine> batch = m_warehouse.runLog().rejects(m_runId, after, batchSize);
    m_atEnd = batch.size() < batchSize;
    if (batch.isEmpty())
        return;
    beginInsertRows({}, int(m_lines.size()), int(m_lines.size() + batch.size()) - 1);
    m_lines += batch;
    endInsertRows();
}

RejectedLine RejectedLinesModel::lineAt(int row) const
{
    return row >= 0 && row < m_lines.size() ? m_lines.at(row) : RejectedLine{};
}

qint64 RejectedLinesModel::writeCsv(QIODevice *out, QString *error) const
{
    constexpr int batchLines = 10000;
    if (!m_warehouse.isOpen()) {
        if (error)
            *error = QStringLiteral("no warehouse is open");
        return -1;
    }
    CsvWriter csv(out);
    csv.addText(QStringLiteral("line")).addText(QStringLiteral("reason")).addText(QStringLiteral("raw")).endRow();
    qint64 written = 0;
    qint64 after = 0;
    const LoadRunLog &log = m_warehouse.runLog();
    for (bool more = true; more && !csv.hasFailed();) {
        const QList<RejectedLine> batch = log.rejects(m_runId, after, batchLines);
        for (const RejectedLine &line : batch)
            csv.addNumber(line.line).addText(line.reason).addBytes(line.raw).endRow();
        written += batch.size();
        more = batch.size() == batchLines;
        if (more)
            after = batch.constLast().line;
    }
    if (!csv.finish()) {
        if (error)
            *error = QStringLiteral("cannot write: %1").arg(csv.errorString());
        return -1;
    }
    return written;
}

qint64 RejectedLinesModel::exportCsv(const QString &path, QString *error) const
{
    qint64 written = -1;
    const WriteOutcome saved = saveWholeFile(path, [&](QIODevice *out, QString *reason) {
        written = writeCsv(out, reason);
        return written >= 0 ? WriteOutcome::Written : WriteOutcome::Failed;
    }, error);
    return saved == WriteOutcome::Written ? written : -1;
}

} // namespace pv
