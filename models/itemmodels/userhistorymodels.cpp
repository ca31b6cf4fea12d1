#include "itemmodels/userhistorymodels.h"

#include "core/time.h"
#include "itemmodels/pageviewseriesmodel.h"
#include "itemmodels/reporttablemodels.h"

namespace pv {

PostcodeHistoryModel::PostcodeHistoryModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void PostcodeHistoryModel::setPeriods(const QList<UserPostcodePeriod> &periods)
{
    beginResetModel();
    m_periods = periods;
    endResetModel();
}

int PostcodeHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_periods.size());
}

int PostcodeHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PostcodeHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid) || role != Qt::DisplayRole)
        return {};
    const UserPostcodePeriod &period = m_periods[index.row()];
    switch (index.column()) {
    case PostcodeColumn: return period.postcode;
    case ValidFromColumn: return formatTimestamp(period.validFrom);
    case ValidToColumn: return period.validTo ? formatTimestamp(*period.validTo) : tr("—");
    case CurrentColumn:
        if (!period.current)
            return QString();
        return period.validTo ? tr("current (not in the latest snapshot)") : tr("current");
    }
    return {};
}

QVariant PostcodeHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole || orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case PostcodeColumn: return tr("Postcode");
    case ValidFromColumn: return tr("Valid from (UTC)");
    case ValidToColumn: return tr("Valid to (UTC)");
    case CurrentColumn: return tr("Current");
    }
    return {};
}

UserPageviewsModel::UserPageviewsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void UserPageviewsModel::setPageviews(Grain grain, const QList<UserPageviews> &rows)
{
    beginResetModel();
    m_grain = grain;
    m_rows = rows;
    endResetModel();
}

int UserPageviewsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int UserPageviewsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UserPageviewsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const UserPageviews &row = m_rows[index.row()];
    if (role == Qt::TextAlignmentRole)
        return index.column() == PageviewsColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    switch (index.column()) {
    case PeriodColumn: return periodLabel(m_grain, row.periodStart);
    case PostcodeColumn: return row.atTimePostcode;
    case PageviewsColumn: return role == Qt::DisplayRole ? QVariant(countText(row.pageviews)) : QVariant(row.pageviews);
    }
    return {};
}

QVariant UserPageviewsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole || orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case PeriodColumn: return tr("Period (UTC)");
    case PostcodeColumn: return tr("At-time postcode");
    case PageviewsColumn: return tr("Pageviews");
    }
    return {};
}

PostcodeMovesModel::PostcodeMovesModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void PostcodeMovesModel::setMoves(const QList<PostcodeMove> &moves)
{
    beginResetModel();
    m_moves = moves;
    endResetModel();
}

int PostcodeMovesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_moves.size());
}

int PostcodeMovesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PostcodeMovesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid) || (role != Qt::DisplayRole && role != Qt::EditRole))
        return {};
    const PostcodeMove &move = m_moves[index.row()];
    const bool in = move.direction == PostcodeMove::Direction::In;
    switch (index.column()) {
    case AtColumn: return formatTimestamp(move.at);
    case UserColumn: return role == Qt::DisplayRole ? QVariant(QString::number(move.userId)) : QVariant(move.userId); // an id, never grouped
    case DirectionColumn: return in ? tr("moved in") : tr("moved out");
    case FromColumn: return move.fromPostcode.isEmpty() ? tr("(new to the snapshots)") : move.fromPostcode;
    case ToColumn: return move.toPostcode.isEmpty() ? tr("(left the snapshots)") : move.toPostcode;
    }
    return {};
}

QVariant PostcodeMovesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole || orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case AtColumn: return tr("Snapshot as of (UTC)");
    case UserColumn: return tr("User");
    case DirectionColumn: return tr("Move");
    case FromColumn: return tr("From");
    case ToColumn: return tr("To");
    }
    return {};
}

} // namespace pv
