#pragma once

#include "core/time.h"

#include <QList>
#include <QString>

#include <optional>
#include <utility>

namespace pv {

/// How fresh the warehouse's data is: what a report's header records and what relative ranges count from.
struct DataFreshness
{
    std::optional<qint64> newestHour;      ///< start of the newest hour whose pageviews file was loaded (seconds since the epoch)
    std::optional<qint64> oldestHour;      ///< start of the oldest hour whose pageviews file was loaded
    std::optional<qint64> latestSnapshot;  ///< as-of of the newest loaded users snapshot
    qint64 loadedHours = 0;                ///< hours whose pageviews file was loaded
    qint64 lastLoadFinishedMs = 0;         ///< when the last successful load finished (ms since the epoch), 0 if none

    /// One line for people: "pageviews 2024-03-01 00:00:00 to 2024-03-04 23:00:00 (96 hours); users as of …".
    QString describe() const;
};

/// The ranges an analyst picks from. "Last …" ranges end with the newest loaded hour (the data's clock,
/// not the wall clock).
enum class RecentRange { LastCompleteDay, Last24Hours, Last7Days, Last30Days, LastYear, AllData };

/// [from, to) in seconds since the epoch for a recent range, in whole periods of the grain: it ends with the
/// newest loaded hour, and its span (24 hours, 7 days, …) is counted back from the end of the newest complete
/// period to the nearest start of a period, and covers at least that one period. So "Last 7 days" by day is
/// the 7 whole days up to the newest complete one and then the newest day so far (partial, and drawn as
/// partial); "Last 30 days" by month is the last whole month and the month so far. The last complete day is
/// the newest day whose 24 hours are all past the newest loaded hour's start (whatever the grain). All loaded
/// data starts with the oldest loaded hour. nullopt when nothing is loaded.
std::optional<std::pair<qint64, qint64>> recentRange(RecentRange range, const DataFreshness &freshness,
                                                     Grain grain = Grain::Hour);

/// Which hours were loaded: a chart shows an hour that was never loaded as a gap, never as a zero, and a
/// period with some hours not loaded as partial (HourCoverage, PeriodCoverage). A read
/// the database fails throws StorageError.
class WarehouseCoverage
{
public:
    virtual ~WarehouseCoverage() = default;

    virtual DataFreshness freshness() const = 0;
    /// Hours (seconds since the epoch, ascending) in [from, to) whose own pageviews file has a live load
    /// (its window is filled). An hour holding only late rows from another hour's file is not loaded.
    virtual QList<qint64> loadedHours(qint64 from, qint64 to) const = 0;
};

} // namespace pv
