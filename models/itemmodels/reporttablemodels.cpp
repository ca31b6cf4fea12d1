#include "itemmodels/reporttablemodels.h"

#include "core/time.h"

#include <QLocale>

namespace pv {

QString countText(qint64 count)
{
    QLocale locale;
    locale.setNumberOptions(locale.numberOptions() & ~QLocale::OmitGroupSeparator);
    return locale.toString(count);
}

void groupCountDigits()
{
    QLocale locale;
    locale.setNumberOptions(locale.numberOptions() & ~QLocale::OmitGroupSeparator);
    QLocale::setDefault(locale);
}

ReportTableModel::ReportTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void ReportTableModel::setTable(const ReportTable &table)
{
    beginResetModel();
    m_table = table;
    endResetModel();
}

int ReportTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_table.size());
}

int ReportTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_table.basis ? 4 : 6;
}

qsizetype ReportTableModel::partialRows() const
{
    qsizetype partial = 0;
    for (qsizetype row = 0; row < m_table.size(); ++row)
        partial += m_table.periodCoverage(m_table.periodStartAt(row)).isPartial();
    return partial;
}

QVariant ReportTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (role == Qt::TextAlignmentRole)
        return index.column() >= 2 ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    const PeriodCoverage coverage = m_table.periodCoverage(m_table.periodStartAt(index.row()));
    switch (role) {
    case PartialRole: return coverage.isPartial();
    case Qt::ToolTipRole:
        return coverage.isPartial() ? QVariant(tr("Partial period: %1; the count covers only those hours.").arg(coverage.describe()))
                                    : QVariant();
    }
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    if (index.column() == hoursLoadedColumn())
        return role == Qt::DisplayRole ? QVariant(tr("%1 of %2").arg(countText(coverage.hoursLoaded), countText(coverage.hours)))
                                       : QVariant(coverage.hoursLoaded);
    // Counts: grouped text to read, the number itself as the edit role.
    const auto count = [role](qint64 value) { return role == Qt::DisplayRole ? QVariant(countText(value)) : QVariant(value); };
    if (m_table.basis) {
        const ReportRow &row = m_table.rows[index.row()];
        switch (index.column()) {
        case 0: return formatTimestamp(row.periodStart);
        case 1: return row.postcode;
        default: return count(row.pageviews);
        }
    }
    const ComparisonRow &row = m_table.comparison[index.row()];
    switch (index.column()) {
    case 0: return formatTimestamp(row.periodStart);
    case 1: return row.postcode;
    case 2: return count(row.current);
    case 3: return count(row.atTime);
    default: return count(row.difference());
    }
}

QVariant ReportTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole || orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (section == hoursLoadedColumn())
        return tr("Hours loaded");
    switch (section) {
    case 0: return tr("Period start (UTC)");
    case 1: return tr("Postcode");
    case 2: return m_table.basis ? tr("Pageviews (%1)").arg(basisName(*m_table.basis)) : tr("Current");
    case 3: return tr("At-time");
    case 4: return tr("Difference");
    }
    return {};
}

PostcodeRankingModel::PostcodeRankingModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void PostcodeRankingModel::setRanking(const QList<PostcodeRanking> &ranking, qint64 from, qint64 to)
{
    beginResetModel();
    m_ranking = ranking;
    m_from = from;
    m_to = to;
    endResetModel();
}

int PostcodeRankingModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_ranking.size());
}

int PostcodeRankingModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PostcodeRankingModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid) || (role != Qt::DisplayRole && role != Qt::EditRole))
        return {};
    const PostcodeRanking &r = m_ranking[index.row()];
    const auto count = [role](qint64 value) { return role == Qt::DisplayRole ? QVariant(countText(value)) : QVariant(value); };
    switch (index.column()) {
    case PostcodeColumn: return r.postcode;
    case CurrentColumn: return count(r.current);
    case AtTimeColumn: return count(r.atTime);
    case DifferenceColumn: return count(r.current - r.atTime);
    }
    return {};
}

QVariant PostcodeRankingModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole || orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case PostcodeColumn: return tr("Postcode");
    case CurrentColumn: return tr("Current");
    case AtTimeColumn: return tr("At-time");
    case DifferenceColumn: return tr("Difference");
    }
    return {};
}

} // namespace pv
