#pragma once

#include "core/loadrun.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace pv {

class Warehouse;

/// What `pvadmin status` judges a warehouse by. Ages are measured against the wall clock (now), since a
/// monitor asks whether today's files arrived; the window of hours looked at ends with the newest loaded hour.
struct HealthLimits
{
    qint64 now = 0;                ///< seconds since the epoch
    qint64 windowHours = 48;       ///< hours looked at for missing and failed ones, ending with the newest
                                   ///< loaded (and starting no earlier than the oldest loaded)
    qint64 maxHourAgeHours = 3;    ///< the newest hour loaded may start at most this long before now
    qint64 maxSnapshotAgeHours = 26; ///< the newest users snapshot's as-of may be at most this old
};

/// A warehouse's health for monitoring: fresh data, no missing or failed hours lately, and the last failure.
struct WarehouseHealth
{
    enum class Verdict { Healthy, Attention };

    std::optional<qint64> newestHour;      ///< start of the newest loaded hour
    std::optional<qint64> newestSnapshot;  ///< as-of of the newest loaded users snapshot
    qint64 windowFrom = 0;                 ///< [windowFrom, windowTo): the hours looked at
    qint64 windowTo = 0;
    QList<qint64> missingHours;            ///< in the window: never loaded, no failed attempt
    QList<qint64> failedHours;             ///< in the window: not loaded, the last attempt failed
    std::optional<LoadRun> lastFailure;    ///< the newest run that failed, was refused or interrupted
    qint64 runningRuns = 0;                ///< loads running now (or left running by a crash not yet seen)
    QStringList problems;                  ///< one line each; empty when healthy

    Verdict verdict() const { return problems.isEmpty() ? Verdict::Healthy : Verdict::Attention; }
};

/// Reads the health of the warehouse against the limits. A read the database fails throws StorageError.
WarehouseHealth readWarehouseHealth(const Warehouse &warehouse, const HealthLimits &limits);

} // namespace pv
