#include "query/warehousecoverage.h"

#include "core/time.h"
#include "extract/extractvalidation.h"

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

std::optional<std::pair<qint64, qint64>> recentRange(RecentRange range, const DataFreshness &freshness)
{
    if (!freshness.newestHour)
        return std::nullopt;
    const qint64 to = *freshness.newestHour + secondsPerHour;
    switch (range) {
    case RecentRange::Last24Hours: return std::pair{to - 24 * secondsPerHour, to};
    case RecentRange::Last7Days: return std::pair{to - 7 * 24 * secondsPerHour, to};
    case RecentRange::Last30Days: return std::pair{to - 30 * 24 * secondsPerHour, to};
    case RecentRange::LastYear: return std::pair{to - 365 * 24 * secondsPerHour, to};
    case RecentRange::AllData: return std::pair{*freshness.oldestHour, to};
    }
    return std::nullopt;
}

} // namespace pv
