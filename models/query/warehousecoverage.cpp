#include "query/warehousecoverage.h"

#include "core/time.h"

namespace pv {

QString DataFreshness::describe() const
{
    QString text = newestHour ? QStringLiteral("pageviews %1 to %2 (%3 hours loaded)")
                                    .arg(formatTimestamp(*oldestHour), formatTimestamp(*newestHour))
                                    .arg(loadedHours)
                              : QStringLiteral("no pageviews loaded");
    text += latestSnapshot ? QStringLiteral("; users as of %1").arg(formatTimestamp(*latestSnapshot))
                           : QStringLiteral("; no users snapshot loaded");
    return text;
}

std::optional<std::pair<qint64, qint64>> recentRange(RecentRange range, const DataFreshness &freshness, Grain grain)
{
    if (!freshness.newestHour)
        return std::nullopt;
    const qint64 to = *freshness.newestHour + secondsPerHour;
    if (range == RecentRange::LastCompleteDay) {
        const qint64 dayEnd = floorDiv(to, secondsPerDay) * secondsPerDay;
        return std::pair{dayEnd - secondsPerDay, dayEnd};
    }
    // The newest period is complete when the newest loaded hour is its last; else the whole ones end before it.
    // (periodStart takes hours since the epoch, and gives seconds.)
    const auto startOf = [grain](qint64 seconds) { return periodStart(grain, floorDiv(seconds, secondsPerHour)); };
    const qint64 newest = startOf(*freshness.newestHour);
    const qint64 wholeEnd = periodEnd(grain, newest) == to ? to : newest;
    qint64 span = 0;
    switch (range) {
    case RecentRange::Last24Hours: span = 24; break;
    case RecentRange::Last7Days: span = 7 * 24; break;
    case RecentRange::Last30Days: span = 30 * 24; break;
    case RecentRange::LastYear: span = 365 * 24; break;
    case RecentRange::AllData: return std::pair{*freshness.oldestHour, to};
    case RecentRange::LastCompleteDay: break; // answered above
    }
    // The period boundary nearest the span's start (the earlier on a tie): "Last 30 days" by month is the last
    // whole month, "Last year" by month the last 12; at least the newest whole period.
    const qint64 target = wholeEnd - span * secondsPerHour;
    const qint64 before = startOf(target);
    const qint64 after = before == target ? before : periodEnd(grain, before);
    qint64 from = target - before <= after - target ? before : after;
    if (from >= wholeEnd)
        from = startOf(wholeEnd - secondsPerHour);
    return std::pair{from, to};
}

} // namespace pv
