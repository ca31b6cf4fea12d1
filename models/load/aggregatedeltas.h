#pragma once

#include "core/basis.h"
#include "core/time.h"

#include <QtGlobal>

#include <unordered_map>
#include <vector>

namespace pv {

/// One change to an aggregate: views added (or, negative, taken away) for a postcode in one period.
struct AggregateDelta
{
    qint64 period = 0; ///< hours or days since the epoch
    quint32 postcodeId = 0;
    qint64 views = 0;
};

/// Changes to the two hourly aggregates (and their day rollups) collected in memory during a load and
/// written once at the end: one change per (period, postcode) touched.
class AggregateDeltas
{
public:
    void addAtTime(qint64 hour, quint32 postcodeId, qint64 views) { add(m_atTime, hour, postcodeId, views); }
    void addCurrent(qint64 hour, quint32 postcodeId, qint64 views) { add(m_current, hour, postcodeId, views); }

    /// The non-zero changes to one basis's aggregate at Grain::Hour or its rollup at Grain::Day, sorted
    /// by period then postcode. A row an aggregate holds that reaches zero views is to be removed.
    std::vector<AggregateDelta> changes(Basis basis, Grain grain) const;

private:
    using Map = std::unordered_map<quint64, qint64>;
    static void add(Map &map, qint64 period, quint32 postcodeId, qint64 views)
    {
        map[(static_cast<quint64>(static_cast<quint32>(period)) << 32) | postcodeId] += views;
    }

    Map m_atTime;
    Map m_current;
};

} // namespace pv
