#include "itemmodels/pageviewseriesmodel.h"

#include "core/time.h"
#include "query/basiscomparison.h"
#include "query/reporttable.h"
#include "query/warehousecoverage.h"
#include "storage/warehouse.h"

#include <QDateTime>
#include <QHash>

namespace pv {

std::optional<PageviewSeries> PageviewSeries::read(const Warehouse &warehouse, Grain grain, qint64 from, qint64 to,
                                                   const QStringList &postcodes, QString *error)
{
    ReportQuery query;
    query.grain = grain;
    query.from = from;
    query.to = to;
    query.postcodes = postcodes;
    const auto both = reportBothBases(warehouse.pageviews(), query, error);
    if (!both)
        return std::nullopt;
    // The filter was valid, or the reports would have failed.
    QStringList known = *normalisedPostcodeFilter(postcodes, error);
    const QStringList unknown = pv::unknownPostcodes(warehouse, known);
    for (const QString &postcode : unknown)
        known.removeAll(postcode);
    PageviewSeries series = fromReports(grain, from, to, known, both->current, both->atTime,
                                        warehouse.coverage().loadedHours(from, to));
    series.unknownPostcodes = unknown;
    return series;
}

PageviewSeries PageviewSeries::fromReports(Grain grain, qint64 from, qint64 to, const QStringList &postcodes,
                                           const QList<ReportRow> &current, const QList<ReportRow> &atTime,
                                           const QList<qint64> &loadedHours)
{
    PageviewSeries series;
    series.grain = grain;
    series.from = from;
    series.to = to;
    series.postcodes = postcodes;
    QHash<qint64, qsizetype> periodIndex;
    for (qint64 hour = ceilDiv(from, secondsPerHour); hour < ceilDiv(to, secondsPerHour); ++hour) {
        const qint64 start = periodStart(grain, hour);
        if (series.periods.isEmpty() || series.periods.last() != start) {
            periodIndex.insert(start, series.periods.size());
            series.periods << start;
        }
    }
    const HourCoverage hours(from, to, loadedHours);
    for (const qint64 start : std::as_const(series.periods))
        series.coverage << hours.period(grain, start);
    QHash<QString, qsizetype> postcodeIndex;
    for (qsizetype i = 0; i < postcodes.size(); ++i)
        postcodeIndex.insert(postcodes[i], i);
    const auto fill = [&](const QList<ReportRow> &rows, QList<QList<qint64>> &values) {
        values = QList<QList<qint64>>(postcodes.size(), QList<qint64>(series.periods.size(), 0));
        for (const ReportRow &row : rows) {
            const auto p = postcodeIndex.constFind(row.postcode);
            const auto t = periodIndex.constFind(row.periodStart);
            if (p != postcodeIndex.cend() && t != periodIndex.cend())
                values[*p][*t] += row.pageviews;
        }
    };
    fill(current, series.current);
    fill(atTime, series.atTime);
    return series;
}

std::optional<qint64> PageviewSeries::value(int postcode, int period, Basis basis) const
{
    const qint64 count = (basis == Basis::Current ? current : atTime)[postcode][period];
    // Late rows can count in an hour whose own file never loaded: shown, as a partial period.
    if (coverage[period].hoursLoaded == 0 && current[postcode][period] == 0 && atTime[postcode][period] == 0)
        return std::nullopt;
    return count;
}

QString periodLabel(Grain grain, qint64 periodStart)
{
    const QDateTime t = QDateTime::fromSecsSinceEpoch(periodStart, Qt::UTC);
    switch (grain) {
    case Grain::Hour: return t.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    case Grain::Day: return t.toString(QStringLiteral("yyyy-MM-dd"));
    case Grain::Week: {
        int year = 0;
        const int week = t.date().weekNumber(&year);
        return QStringLiteral("%1-W%2").arg(year).arg(week, 2, 10, QLatin1Char('0'));
    }
    case Grain::Month: return t.toString(QStringLiteral("yyyy-MM"));
    case Grain::Year: return t.toString(QStringLiteral("yyyy"));
    }
    return formatTimestamp(periodStart);
}

PageviewSeriesModel::PageviewSeriesModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void PageviewSeriesModel::setSeries(const PageviewSeries &series)
{
    beginResetModel();
    m_series = series;
    endResetModel();
}

int PageviewSeriesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_series.periods.size());
}

int PageviewSeriesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : FixedColumns + int(m_series.postcodes.size()) * 3;
}

QVariant PageviewSeriesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const int row = index.row();
    if (role == PartialRole)
        return m_series.coverage[row].isPartial();
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    if (index.column() == 0)
        return role == Qt::DisplayRole ? QVariant(periodLabel(m_series.grain, m_series.periods[row]))
                                       : QVariant(m_series.periods[row]);
    const PeriodCoverage &coverage = m_series.coverage[row];
    if (index.column() == 1)
        return role == Qt::DisplayRole ? QVariant(tr("%1 of %2").arg(coverage.hoursLoaded).arg(coverage.hours))
                                       : QVariant(coverage.hoursLoaded);
    const int postcode = (index.column() - FixedColumns) / 3;
    const auto current = m_series.value(postcode, row, Basis::Current);
    if (!current)
        return {};
    const qint64 atTime = *m_series.value(postcode, row, Basis::AtTime);
    switch ((index.column() - FixedColumns) % 3) {
    case Current: return *current;
    case AtTime: return atTime;
    default: return *current - atTime;
    }
}

QVariant PageviewSeriesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return section + 1;
    if (section == 0)
        return tr("Period (UTC)");
    if (section == 1)
        return tr("Hours loaded");
    const QString &postcode = m_series.postcodes.value((section - FixedColumns) / 3);
    switch ((section - FixedColumns) % 3) {
    case Current: return tr("%1 current").arg(postcode);
    case AtTime: return tr("%1 at-time").arg(postcode);
    default: return tr("%1 difference").arg(postcode);
    }
}

} // namespace pv
