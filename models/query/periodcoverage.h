#pragma once

#include "core/time.h"

#include <QList>
#include <QString>

#include <optional>

namespace pv {

class WarehouseCoverage;

/// How much of a period a count covers. A count is whole only when every hour of its period had a live
/// pageviews load; otherwise it is partial and says so ("5 of 24 hours loaded"), at every grain. Hours of
/// the period outside the range asked for are not counted as loaded: the count does not cover them.
struct PeriodCoverage
{
    qint64 hoursLoaded = 0;  ///< hours of the period, inside the range, whose pageviews file is loaded (live)
    qint64 hours = 0;        ///< hours the period has: 1, 24, 168, 672 to 744

    bool isPartial() const { return hoursLoaded < hours; }
    /// "24 of 24 hours loaded", "5 of 24 hours loaded", "0 of 1 hours loaded".
    QString describe() const;
};

/// The hours of a range whose pageviews file has a live load, asked once and then answered for any period.
class HourCoverage
{
public:
    HourCoverage() = default;
    /// from, to: the range [from, to) (an hour counts when its start lies in it); loadedHours: the starts
    /// of the loaded hours (WarehouseCoverage::loadedHours), ascending.
    HourCoverage(qint64 from, qint64 to, QList<qint64> loadedHours);
    /// Reads the loaded hours of [from, to) (open ends: every hour). Throws StorageError when the read fails.
    static HourCoverage read(const WarehouseCoverage &coverage, std::optional<qint64> from, std::optional<qint64> to);

    PeriodCoverage period(Grain grain, qint64 periodStart) const;

private:
    qint64 m_from = 0;  // first hour start in the range
    qint64 m_to = 0;    // end, on an hour
    QList<qint64> m_loaded;
};

} // namespace pv
