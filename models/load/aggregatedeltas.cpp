#include "load/aggregatedeltas.h"

#include <algorithm>

namespace pv {

std::vector<AggregateDelta> AggregateDeltas::changes(Basis basis, Grain grain) const
{
    const Map &hourly = basis == Basis::AtTime ? m_atTime : m_current;
    Map daily;
    if (grain == Grain::Day)
        for (const auto &[key, views] : hourly) {
            const qint64 hour = static_cast<qint32>(static_cast<quint32>(key >> 32));
            add(daily, floorDiv(hour, hoursPerDay), static_cast<quint32>(key & 0xffffffffu), views);
        }
    const Map &map = grain == Grain::Day ? daily : hourly;
    std::vector<std::pair<quint64, qint64>> sorted;
    sorted.reserve(map.size());
    for (const auto &[key, views] : map)
        if (views != 0)
            sorted.emplace_back(key, views);
    std::sort(sorted.begin(), sorted.end());
    std::vector<AggregateDelta> result;
    result.reserve(sorted.size());
    for (const auto &[key, views] : sorted)
        result.push_back({static_cast<qint32>(static_cast<quint32>(key >> 32)), static_cast<quint32>(key & 0xffffffffu), views});
    return result;
}

} // namespace pv
