#include "query/periodcoverage.h"

#include "query/pageviewquery.h"
#include "query/warehousecoverage.h"

#include <QObject>

#include <algorithm>

namespace pv {

QString PeriodCoverage::describe() const
{
    return QObject::tr("%1 of %2 hours loaded").arg(hoursLoaded).arg(hours);
}

HourCoverage::HourCoverage(qint64 from, qint64 to, QList<qint64> loadedHours)
    : m_from(ceilDiv(from, secondsPerHour) * secondsPerHour)
    , m_to(ceilDiv(to, secondsPerHour) * secondsPerHour)
    , m_loaded(std::move(loadedHours))
{
}

HourCoverage HourCoverage::read(const WarehouseCoverage &coverage, std::optional<qint64> from, std::optional<qint64> to)
{
    const qint64 first = firstHourFrom(from) * secondsPerHour;
    const qint64 end = endHourFrom(to) * secondsPerHour;
    return HourCoverage(first, end, coverage.loadedHours(first, end));
}

PeriodCoverage HourCoverage::period(Grain grain, qint64 periodStart) const
{
    const qint64 end = periodEnd(grain, periodStart);
    const qint64 low = std::max(periodStart, m_from);
    const qint64 high = std::min(end, m_to);
    PeriodCoverage coverage;
    coverage.hours = (end - periodStart) / secondsPerHour;
    if (low < high)
        coverage.hoursLoaded = std::lower_bound(m_loaded.cbegin(), m_loaded.cend(), high)
            - std::lower_bound(m_loaded.cbegin(), m_loaded.cend(), low);
    return coverage;
}

} // namespace pv
