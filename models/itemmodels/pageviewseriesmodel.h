#pragma once

#include "query/pageviewquery.h"
#include "query/warehousecoverage.h"

#include <QAbstractTableModel>
#include <QList>
#include <QStringList>

#include <optional>

namespace pv {

/// What a chart draws: every period of a range at one grain, for some postcodes, on both bases, with
/// whether any hour of the period was loaded. A period with no loaded hour has no values (a gap).
struct PageviewSeries
{
    Grain grain = Grain::Day;
    qint64 from = 0;              ///< [from, to) in seconds since the epoch
    qint64 to = 0;
    QList<qint64> periods;        ///< period starts, ascending, every period that meets [from, to)
    QList<bool> loaded;           ///< per period
    QStringList postcodes;
    QList<QList<qint64>> current; ///< [postcode][period]
    QList<QList<qint64>> atTime;  ///< [postcode][period]

    /// Builds the series from the two bases' report rows (PageviewQuery::report at this grain and range)
    /// and the loaded hours (WarehouseCoverage::loadedHours).
    static PageviewSeries fromReports(Grain grain, qint64 from, qint64 to, const QStringList &postcodes,
                                      const QList<ReportRow> &current, const QList<ReportRow> &atTime,
                                      const QList<qint64> &loadedHours);
    /// Reads the series from the warehouse: both bases' reports (reportBothBases) and the loaded hours.
    /// nullopt with *error on an invalid postcode or a failed query.
    static std::optional<PageviewSeries> read(const PageviewQuery &pageviews, const WarehouseCoverage &coverage,
                                              Grain grain, qint64 from, qint64 to, const QStringList &postcodes,
                                              QString *error);
};

/// The series as a table: one row per period; columns period start, loaded, then per postcode its
/// current, at-time and difference (current − at-time) counts. Counts of a period that was never loaded
/// are null, never zero.
class PageviewSeriesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Value { Current, AtTime, Difference };
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
