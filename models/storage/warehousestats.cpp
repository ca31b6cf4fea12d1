#include "storage/warehousestats.h"

namespace pv {

namespace {
constexpr double hoursInYear = 8760;
constexpr double snapshotsInYear = 365;
} // namespace

std::optional<qint64> WarehouseStats::projectedYearBytes(const Family &family) const
{
    if (loadedHours <= 0 || snapshots < 2)
        return std::nullopt;
    const double byHours = hoursInYear / double(loadedHours);
    switch (family.growth) {
    case Growth::Hours:
    case Growth::Runs: return qint64(double(family.bytes) * byHours);
    case Growth::Snapshots: {
        const double baseline = double(family.bytes) * historyBaselineShare;
        return qint64(baseline + (double(family.bytes) - baseline) * (snapshotsInYear - 1) / double(snapshots - 1));
    }
    case Growth::Users: return family.bytes;
    }
    return family.bytes;
}

std::optional<qint64> WarehouseStats::projectedYearBytes() const
{
    qint64 total = 0;
    for (const Family &family : families) {
        const auto projected = projectedYearBytes(family);
        if (!projected)
            return std::nullopt;
        total += *projected;
    }
    return total;
}

const QList<TableFamily> &tableFamiliesBesideFacts()
{
    using Growth = WarehouseStats::Growth;
    static const QList<TableFamily> families{
        {QStringLiteral("aggregates"), Growth::Hours,
         {QStringLiteral("views_current_hourly"), QStringLiteral("views_at_time_hourly"), QStringLiteral("views_current_daily"),
          QStringLiteral("views_at_time_daily")}},
        {QStringLiteral("history"), Growth::Snapshots, {QStringLiteral("user_postcode_changes"), QStringLiteral("snapshots")}},
        {QStringLiteral("user directory"), Growth::Users,
         {QStringLiteral("user_directory_blocks"), QStringLiteral("postcodes"), QStringLiteral("postcode_current_users")}},
        {QStringLiteral("run log"), Growth::Runs,
         {QStringLiteral("load_runs"), QStringLiteral("load_rejects"), QStringLiteral("load_hour_views"),
          QStringLiteral("pageview_windows"), QStringLiteral("settings"), QStringLiteral("schema_migrations")}},
    };
    return families;
}

QString growthName(WarehouseStats::Growth growth)
{
    switch (growth) {
    case WarehouseStats::Growth::Hours: return QStringLiteral("hours");
    case WarehouseStats::Growth::Snapshots: return QStringLiteral("snapshots");
    case WarehouseStats::Growth::Users: return QStringLiteral("users");
    case WarehouseStats::Growth::Runs: return QStringLiteral("runs");
    }
    return {};
}

} // namespace pv
