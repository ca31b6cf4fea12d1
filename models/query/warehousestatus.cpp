#include "query/warehousestatus.h"

#include "query/warehousecoverage.h"
#include "storage/runlog.h"
#include "storage/warehouse.h"
#include "core/time.h"

#include <QStringList>

#include <algorithm>

namespace pv {

std::optional<qint64> WarehouseStatus::newestData() const
{
    if (latestSnapshotAsOf && latestHour)
        return std::max(*latestSnapshotAsOf, *latestHour);
    return latestSnapshotAsOf ? latestSnapshotAsOf : latestHour;
}

bool WarehouseStatus::isSnapshotStale() const
{
    const auto newest = newestData();
    return newest && (!latestSnapshotAsOf || *newest - *latestSnapshotAsOf > snapshotStaleSeconds);
}

bool WarehouseStatus::isHourStale() const
{
    const auto newest = newestData();
    return newest && (!latestHour || *newest - *latestHour > hourStaleSeconds);
}

QString WarehouseStatus::warning() const
{
    QStringList problems;
    const auto newest = newestData();
    if (isSnapshotStale())
        problems << (latestSnapshotAsOf
                         ? QStringLiteral("the latest users snapshot (%1) is %2 hours older than the newest data")
                               .arg(formatTimestamp(*latestSnapshotAsOf))
                               .arg((*newest - *latestSnapshotAsOf) / secondsPerHour)
                         : QStringLiteral("no users snapshot is loaded"));
    if (isHourStale())
        problems << (latestHour ? QStringLiteral("the latest hour loaded (%1) is %2 hours older than the newest snapshot")
                                      .arg(formatTimestamp(*latestHour))
                                      .arg((*newest - *latestHour) / secondsPerHour)
                                : QStringLiteral("no pageviews hour is loaded"));
    return problems.join(QStringLiteral("; "));
}

WarehouseStatus readWarehouseStatus(const Warehouse &warehouse)
{
    WarehouseStatus status;
    if (!warehouse.isOpen())
        return status;
    // The same freshness every screen and report header reads.
    const DataFreshness freshness = warehouse.coverage().freshness();
    status.latestSnapshotAsOf = freshness.latestSnapshot;
    status.latestHour = freshness.newestHour;
    const LoadRunLog &log = warehouse.runLog();
    status.runs = log.runCount();
    status.failedRuns = log.runsNeedingAttention();
    return status;
}

} // namespace pv
