#include "query/warehousestatus.h"

#include "extract/extractvalidation.h"
#include "storage/sqlite/warehouse.h"
#include "core/time.h"

#include <QSqlQuery>
#include <QStringList>
#include <QVariant>

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
    QSqlQuery q(warehouse.database());
    if (q.exec(QStringLiteral("SELECT MAX(as_of) FROM snapshots")) && q.next() && !q.value(0).isNull())
        status.latestSnapshotAsOf = q.value(0).toLongLong();
    if (q.exec(QStringLiteral("SELECT MAX(hour) FROM pageview_windows")) && q.next() && !q.value(0).isNull())
        status.latestHour = q.value(0).toLongLong() * 3600;
    if (q.exec(QStringLiteral("SELECT COUNT(*), COALESCE(SUM(status IN ('failed', 'refused', 'interrupted')), 0) "
                              "FROM load_runs"))
        && q.next()) {
        status.runs = q.value(0).toLongLong();
        status.failedRuns = q.value(1).toLongLong();
    }
    return status;
}

} // namespace pv
