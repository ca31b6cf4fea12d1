#include "itemmodels/loadrunsmodel.h"

#include "extract/extractvalidation.h"
#include "storage/sqlite/warehouse.h"
#include "core/time.h"

#include <QDateTime>
#include <QFileInfo>
#include <QLocale>
#include <QScopedValueRollback>
#include <QSqlQuery>

namespace pv {

namespace {
/// The SQL expression each column sorts by; never NULL, so keyset comparisons stay simple.
const char *sortExpression(int column)
{
    switch (column) {
    case LoadRunsModel::Kind: return "kind";
    case LoadRunsModel::Status: return "status";
    case LoadRunsModel::File: return "file";
    case LoadRunsModel::WindowOrAsOf: return "COALESCE(window_hour, as_of, -1)";
    case LoadRunsModel::Started: return "started_at";
    case LoadRunsModel::Duration: return "COALESCE(finished_at - started_at, -1)";
    case LoadRunsModel::RowsRead: return "rows_read";
    case LoadRunsModel::RowsLoaded: return "rows_loaded";
    case LoadRunsModel::RowsRejected: return "rows_rejected";
    case LoadRunsModel::LateRows: return "late_rows";
    default: return "id";
    }
}

} // namespace

QString runWindowText(const LoadRun &run)
{
    if (run.windowHour)
        return formatTimestamp(*run.windowHour).left(16);
    if (run.asOf)
        return QStringLiteral("as of %1").arg(formatTimestamp(*run.asOf).left(16));
    return {};
}

LoadRunsModel::LoadRunsModel(const Warehouse &warehouse, QObject *parent)
    : QAbstractTableModel(parent)
    , m_warehouse(warehouse)
{
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
        case LateRows: return locale.toString(run.lateRows);
        }
        break;
    case Qt::ToolTipRole:
        if (!run.error.isEmpty())
            return run.error;
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

QString LoadRunsModel::whereClause(QVariantList *binds) const
{
    QStringList conditions;
    if (!m_text.isEmpty()) {
        QString escaped = m_text;
        escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
            .replace(QLatin1Char('%'), QLatin1String("\\%"))
            .replace(QLatin1Char('_'), QLatin1String("\\_"));
        const QString like = QLatin1Char('%') + escaped + QLatin1Char('%');
        conditions << QStringLiteral("(file LIKE ? ESCAPE '\\' OR status LIKE ? ESCAPE '\\' OR kind LIKE ? ESCAPE '\\' "
                                     "OR COALESCE(error, '') LIKE ? ESCAPE '\\' OR CAST(id AS TEXT) = ?)");
        *binds << like << like << like << like << m_text.trimmed();
    }
    if (!m_statuses.isEmpty()) {
        QStringList marks;
        for (const QString &status : m_statuses) {
            marks << QStringLiteral("?");
            *binds << status;
        }
        conditions << QStringLiteral("status IN (%1)").arg(marks.join(QLatin1Char(',')));
    }
    return conditions.join(QStringLiteral(" AND "));
}

QVariant LoadRunsModel::sortKey(const LoadRun &run) const
{
    switch (m_sortColumn) {
    case Kind: return extractKindName(run.kind);
    case Status: return runStatusName(run.status);
    case File: return run.file;
    case WindowOrAsOf: return run.windowHour ? *run.windowHour : run.asOf ? *run.asOf : qint64(-1);
    case Started: return run.startedAtMs;
    case Duration: return run.finishedAtMs > 0 ? run.durationMs() : qint64(-1);
    case RowsRead: return run.rowsRead;
    case RowsLoaded: return run.rowsLoaded;
    case RowsRejected: return run.rowsRejected;
    case LateRows: return run.lateRows;
    default: return run.id;
    }
}

void LoadRunsModel::fetchMore(const QModelIndex &parent)
{
    // A view (or a model tester) may ask for more while the rows of this batch are being announced.
    if (m_fetching || parent.isValid() || m_atEnd || !m_warehouse.isOpen())
        return;
    const QScopedValueRollback fetching(m_fetching, true);
    const QList<LoadRun> batch = fetchBatch();
    m_atEnd = batch.size() < batchSize;
    if (batch.isEmpty())
        return;
    beginInsertRows({}, int(m_runs.size()), int(m_runs.size() + batch.size()) - 1);
    m_runs += batch;
    endInsertRows();
}

QList<LoadRun> LoadRunsModel::fetchBatch() const
{
    QVariantList binds;
    QStringList conditions;
    if (const QString filter = whereClause(&binds); !filter.isEmpty())
        conditions << filter;
    const QString key = QString::fromLatin1(sortExpression(m_sortColumn));
    const bool descending = m_sortOrder == Qt::DescendingOrder;
    const QString direction = descending ? QStringLiteral("DESC") : QStringLiteral("ASC");
    if (!m_runs.isEmpty()) {
        const LoadRun &last = m_runs.constLast();
        const QString beyond = descending ? QStringLiteral("<") : QStringLiteral(">");
        if (m_sortColumn == Id) {
            conditions << QStringLiteral("id %1 ?").arg(beyond);
        } else {
            conditions << QStringLiteral("(%1 %2 ? OR (%1 = ? AND id %2 ?))").arg(key, beyond);
            binds << sortKey(last) << sortKey(last);
        }
        binds << last.id;
    }
    QString sql = QStringLiteral("SELECT %1 FROM load_runs").arg(QString::fromLatin1(loadRunColumns));
    if (!conditions.isEmpty())
        sql += QStringLiteral(" WHERE ") + conditions.join(QStringLiteral(" AND "));
    if (m_sortColumn == Id)
        sql += QStringLiteral(" ORDER BY id %1 LIMIT %2").arg(direction).arg(batchSize);
    else
        sql += QStringLiteral(" ORDER BY %1 %2, id %2 LIMIT %3").arg(key, direction).arg(batchSize);

    QSqlQuery q(m_warehouse.database());
    q.setForwardOnly(true);
    q.prepare(sql);
    for (const QVariant &bind : std::as_const(binds))
        q.addBindValue(bind);
    QList<LoadRun> batch;
    if (q.exec())
        while (q.next())
            batch << runFromQuery(q);
    return batch;
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
    if (text == m_text)
        return;
    m_text = text;
    reload();
}

void LoadRunsModel::setStatusFilter(const QStringList &statuses)
{
    if (statuses == m_statuses)
        return;
    m_statuses = statuses;
    reload();
}

void LoadRunsModel::reload()
{
    beginResetModel();
    m_runs.clear();
    m_atEnd = !m_warehouse.isOpen();
    m_matching = 0;
    if (!m_atEnd)
        readFirstBatch();
    // Views asking for more while the reset is announced get it on their next request.
    const QScopedValueRollback fetching(m_fetching, true);
    endResetModel();
}

void LoadRunsModel::readFirstBatch()
{
    QVariantList binds;
    const QString filter = whereClause(&binds);
    QSqlQuery q(m_warehouse.database());
    q.prepare(QStringLiteral("SELECT COUNT(*) FROM load_runs") + (filter.isEmpty() ? QString() : QStringLiteral(" WHERE ") + filter));
    for (const QVariant &bind : std::as_const(binds))
        q.addBindValue(bind);
    if (q.exec() && q.next())
        m_matching = q.value(0).toLongLong();
    m_runs = fetchBatch();
    m_atEnd = m_runs.size() < batchSize;
}

LoadRun LoadRunsModel::runAt(int row) const
{
    return row >= 0 && row < m_runs.size() ? m_runs.at(row) : LoadRun{};
}

} // namespace pv
