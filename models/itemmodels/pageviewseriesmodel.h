#pragma once

#include "query/pageviewquery.h"
#include "query/periodcoverage.h"
#include "query/warehousecoverage.h"

#include <QAbstractTableModel>
#include <QList>
#include <QStringList>

#include <optional>

namespace pv {

class Warehouse;

/// What a chart draws: every period of a range at one grain, for some postcodes, on both bases, with how
/// much of each period is loaded. A period with no loaded hour and no count has no values (a gap); a
/// period with some hours not loaded is partial (PeriodCoverage) and is drawn and exported marked as such.
struct PageviewSeries
{
    Grain grain = Grain::Day;
    qint64 from = 0;              ///< [from, to) in seconds since the epoch
    qint64 to = 0;
    QList<qint64> periods;        ///< period starts, ascending, every period that meets [from, to)
    QList<PeriodCoverage> coverage; ///< per period
    QStringList postcodes;        ///< the filter's postcodes the warehouse knows, normalised
    QStringList unknownPostcodes; ///< the filter's postcodes no user has ever had: not drawn
    QList<QList<qint64>> current; ///< [postcode][period]
    QList<QList<qint64>> atTime;  ///< [postcode][period]

    /// A period's value for a postcode, nullopt for a gap: no hour of the period loaded and no count.
    std::optional<qint64> value(int postcode, int period, Basis basis) const;

    /// Builds the series from the two bases' report rows (PageviewQuery::report at this grain and range)
    /// and the loaded hours (WarehouseCoverage::loadedHours).
    static PageviewSeries fromReports(Grain grain, qint64 from, qint64 to, const QStringList &postcodes,
                                      const QList<ReportRow> &current, const QList<ReportRow> &atTime,
                                      const QList<qint64> &loadedHours);
    /// Reads the series from the warehouse: both bases' reports (runReport) and the loaded hours; postcodes
    /// no user has ever had go to unknownPostcodes. nullopt with *error on an invalid postcode or a failed query.
    static std::optional<PageviewSeries> read(const Warehouse &warehouse, Grain grain, qint64 from, qint64 to,
                                              const QStringList &postcodes, QString *error);
};

/// The series as a table: one row per period; columns period start, hours loaded ("5 of 24"; its
/// EditRole the number loaded, PartialRole whether the period is partial), then per postcode its current,
/// at-time and difference (current − at-time) counts. Counts of a gap are null, never zero.
class PageviewSeriesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Value { Current, AtTime, Difference };
    enum Role { PartialRole = Qt::UserRole + 1 };
    static constexpr int FixedColumns = 2;

    explicit PageviewSeriesModel(QObject *parent = nullptr);

    void setSeries(const PageviewSeries &series);
    const PageviewSeries &series() const { return m_series; }

    /// The column of a postcode's value.
    static int column(int postcodeIndex, Value value) { return FixedColumns + postcodeIndex * 3 + value; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    PageviewSeries m_series;
};

/// How a period is written for people at a grain: "2024-03-02 14:00", "2024-03-02", "2024-W09", "2024-03".
QString periodLabel(Grain grain, qint64 periodStart);

} // namespace pv
