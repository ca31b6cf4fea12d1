#pragma once

#include <QtGlobal>

#include <unordered_map>

struct sqlite3;

namespace pv {

/// Changes to the two hourly aggregates (and their day rollups) collected in memory during a load, applied
/// once at the end: one upsert per (period, postcode) touched; rows that reach zero are deleted.
class AggregateDeltas
{
public:
    void addAtTime(qint64 hour, quint32 postcodeId, qint64 views) { add(m_atTime, hour, postcodeId, views); }
    void addCurrent(qint64 hour, quint32 postcodeId, qint64 views) { add(m_current, hour, postcodeId, views); }
    /// Writes both aggregates (inside the caller's transaction).
    void apply(sqlite3 *db) const;

private:
    using Map = std::unordered_map<quint64, qint64>;
    static void add(Map &map, qint64 hour, quint32 postcodeId, qint64 views)
    {
        map[(static_cast<quint64>(static_cast<quint32>(hour)) << 32) | postcodeId] += views;
    }
    static Map byDay(const Map &hourly);
    static void apply(sqlite3 *db, const Map &map, const char *table, const char *period);

    Map m_atTime;
    Map m_current;
};

} // namespace pv
