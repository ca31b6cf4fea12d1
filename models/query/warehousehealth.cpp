#include "query/warehousehealth.h"

#include "core/runstatus.h"
#include "core/time.h"
#include "query/warehousecoverage.h"
#include "storage/runlog.h"
#include "storage/warehouse.h"

namespace pv {

namespace {

QString hourText(qint64 seconds)
{
    return formatTimestamp(seconds).left(16) + QStringLiteral(" UTC");
}

QString hoursText(qsizetype count)
{
    return count == 1 ? QStringLiteral("1 hour") : QStringLiteral("%1 hours").arg(count);
}

QString hourList(const QList<qint64> &hours)
{
    QStringList texts;
    for (qsizetype i = 0; i < std::min<qsizetype>(hours.size(), 5); ++i)
        texts << formatTimestamp(hours[i]).left(16);
    if (hours.size() > 5)
        texts << QStringLiteral("…");
    return texts.join(QStringLiteral(", "));
}

} // namespace

WarehouseHealth readWarehouseHealth(const Warehouse &warehouse, const HealthLimits &limits)
{
    WarehouseHealth health;
    const DataFreshness freshness = warehouse.coverage().freshness();
    health.newestHour = freshness.newestHour;
    health.newestSnapshot = freshness.latestSnapshot;

    if (!health.newestHour)
        health.problems << QStringLiteral("no pageviews hour is loaded");
    else if (limits.now - *health.newestHour > limits.maxHourAgeHours * secondsPerHour)
        health.problems << QStringLiteral("the newest hour loaded (%1) started %2 hours ago, more than %3")
                               .arg(hourText(*health.newestHour))
                               .arg((limits.now - *health.newestHour) / secondsPerHour)
                               .arg(limits.maxHourAgeHours);
    if (!health.newestSnapshot)
        health.problems << QStringLiteral("no users snapshot is loaded");
    else if (limits.now - *health.newestSnapshot > limits.maxSnapshotAgeHours * secondsPerHour)
        health.problems << QStringLiteral("the newest users snapshot (as of %1) is %2 hours old, more than %3")
                               .arg(hourText(*health.newestSnapshot))
                               .arg((limits.now - *health.newestSnapshot) / secondsPerHour)
                               .arg(limits.maxSnapshotAgeHours);

    // The hours of the window: loaded when their own file is, failed when the last attempt at them failed
    // (a cancel is the operator's choice, not a failure), missing otherwise — as the Overview's calendar.
    const LoadCalendarRecords records = warehouse.runLog().calendar();
    if (health.newestHour) {
        const qint64 last = hourOf(*health.newestHour);
        // Not before the first loaded hour: a warehouse started yesterday misses nothing from the day before.
        const qint64 first = std::max(last - limits.windowHours + 1, hourOf(freshness.oldestHour.value_or(*health.newestHour)));
        health.windowFrom = first * secondsPerHour;
        health.windowTo = (last + 1) * secondsPerHour;
        for (qint64 hour = first; hour <= last; ++hour) {
            if (records.windows.count(hour))
                continue;
            const auto attempt = records.hourAttempts.find(hour);
            const bool failed = attempt != records.hourAttempts.end() && attempt->second.status != RunStatus::Cancelled;
            (failed ? health.failedHours : health.missingHours) << hour * secondsPerHour;
        }
    }
    if (!health.missingHours.isEmpty())
        health.problems << QStringLiteral("%1 missing in the last %2 hours: %3")
                               .arg(hoursText(health.missingHours.size()))
                               .arg(limits.windowHours)
                               .arg(hourList(health.missingHours));
    if (!health.failedHours.isEmpty())
        health.problems << QStringLiteral("%1 failed in the last %2 hours: %3")
                               .arg(hoursText(health.failedHours.size()))
                               .arg(limits.windowHours)
                               .arg(hourList(health.failedHours));

    const LoadRunLog &log = warehouse.runLog();
    RunPage failures;
    failures.filter.statuses = {runStatusName(RunStatus::Failed), runStatusName(RunStatus::Refused),
                                runStatusName(RunStatus::Interrupted)};
    failures.descending = true;
    failures.limit = 1;
    if (const QList<LoadRun> last = log.runs(failures); !last.isEmpty())
        health.lastFailure = last.first();
    RunFilter running;
    running.statuses = {runStatusName(RunStatus::Running)};
    health.runningRuns = log.runCount(running);
    return health;
}

} // namespace pv
