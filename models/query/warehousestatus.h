#pragma once

#include <QString>

#include <optional>

namespace pv {

class Warehouse;

/// How complete the warehouse is: the newest users snapshot and hour loaded, and whether either lags
/// behind the newest data (a snapshot more than 26 hours, an hour more than 2 hours).
struct WarehouseStatus
{
    static constexpr qint64 snapshotStaleSeconds = 26 * 3600;
    static constexpr qint64 hourStaleSeconds = 2 * 3600;

    std::optional<qint64> latestSnapshotAsOf; ///< seconds since the epoch
    std::optional<qint64> latestHour;         ///< start of the newest hour with a live load
    qint64 runs = 0;
    qint64 failedRuns = 0;                    ///< failed, refused or interrupted

    /// The newest point the data reaches: the later of the newest snapshot's as-of and the newest hour.
    std::optional<qint64> newestData() const;
    bool isSnapshotStale() const;
    bool isHourStale() const;
    /// One sentence per problem, for the operator; empty when both are fresh.
    QString warning() const;
};

WarehouseStatus readWarehouseStatus(const Warehouse &warehouse);

} // namespace pv
