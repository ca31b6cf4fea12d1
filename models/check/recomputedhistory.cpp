#include "check/recomputedhistory.h"

#include "core/time.h"

#include <algorithm>

namespace pv {

void RecomputedHistory::reserve(size_t users, size_t changes)
{
    m_users.reserve(users);
    m_firstChange.reserve(users);
    m_asOfIndex.reserve(changes);
    m_postcodes.reserve(changes);
}

void RecomputedHistory::add(quint64 userId, qint64 asOf, std::optional<quint32> postcodeId)
{
    if (m_users.empty() || m_users.back() != userId) {
        m_users.push_back(userId);
        m_firstChange.push_back(static_cast<quint32>(m_postcodes.size()));
    }
    // Neighbouring changes share few as-ofs: the last one found answers most look-ups.
    if (m_asOfs.empty() || m_asOfs[m_lastAsOfIndex] != asOf) {
        const auto [it, added] = m_asOfIndexOf.try_emplace(asOf, static_cast<quint32>(m_asOfs.size()));
        if (added)
            m_asOfs.push_back(asOf);
        m_lastAsOfIndex = it->second;
    }
    m_asOfIndex.push_back(m_lastAsOfIndex);
    m_postcodes.push_back(postcodeId.value_or(departed));
}

size_t RecomputedHistory::seek(quint64 userId, size_t from) const
{
    const size_t n = m_users.size();
    from = std::min(from, n);
    if (from > 0 && m_users[from - 1] >= userId) // behind from: search everything before it
        return size_t(std::lower_bound(m_users.begin(), m_users.begin() + from, userId) - m_users.begin());
    if (from == n || m_users[from] >= userId)
        return from;
    // Gallop forward from from, then search the last step.
    size_t step = 1;
    while (from + step < n && m_users[from + step] < userId)
        step *= 2;
    const auto first = m_users.begin() + from + step / 2;
    const auto last = m_users.begin() + std::min(n, from + step + 1);
    return size_t(std::lower_bound(first, last, userId) - m_users.begin());
}

quint32 RecomputedHistory::atTime(size_t i, qint64 hour) const
{
    const qint64 t = hour * secondsPerHour;
    std::optional<quint32> earliest;
    for (size_t c = periodEnd(i); c-- > m_firstChange[i];) {
        if (m_postcodes[c] == departed)
            continue;
        if (m_asOfs[m_asOfIndex[c]] <= t)
            return m_postcodes[c];
        earliest = m_postcodes[c];
    }
    return earliest.value_or(0);
}

std::pair<quint32, quint32> RecomputedHistory::postcodes(size_t i, qint64 hour) const
{
    const size_t first = m_firstChange[i], end = periodEnd(i);
    if (end - first == 1 && m_postcodes[first] != departed) // most users: one postcode, ever
        return {m_postcodes[first], m_postcodes[first]};
    return {atTime(i, hour), current(i).value_or(0)};
}

std::optional<quint32> RecomputedHistory::current(size_t i) const
{
    for (size_t c = periodEnd(i); c-- > m_firstChange[i];)
        if (m_postcodes[c] != departed)
            return m_postcodes[c];
    return std::nullopt;
}

bool RecomputedHistory::inLatest(size_t i) const
{
    return m_postcodes[periodEnd(i) - 1] != departed;
}

qint64 RecomputedHistory::newestChange(size_t i) const
{
    return m_asOfs[m_asOfIndex[periodEnd(i) - 1]];
}

} // namespace pv
