#include "arguments.h"
#include "core/filename.h"
#include "command.h"
#include "core/runstatus.h"
#include "core/time.h"
#include "query/warehousehealth.h"
#include "storage/storageerror.h"
#include "storage/warehouse.h"
#include "terminal.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace pv::cli {

namespace {

/// What a monitor acts on: 0 healthy, 1 needs attention, 2 cannot tell (no warehouse, a failed read).
enum StatusExit : int { StatusHealthy = 0, StatusAttention = 1, StatusError = 2 };

QJsonValue timeValue(std::optional<qint64> seconds)
{
    return seconds ? QJsonValue(formatTimestamp(*seconds)) : QJsonValue();
}

QJsonArray timeList(const QList<qint64> &hours)
{
    QJsonArray list;
    for (const qint64 hour : hours)
        list.append(formatTimestamp(hour));
    return list;
}

QString ageText(std::optional<qint64> seconds, qint64 now)
{
    if (!seconds)
        return QStringLiteral("none");
    return QStringLiteral("%1 UTC (%2 ago)").arg(formatTimestamp(*seconds).left(16), durationText((now - *seconds) * 1000));
}

int report(bool json, const QString &location, int exitCode, const QString &error, const WarehouseHealth *health,
           const HealthLimits &limits)
{
    static const char *const names[] = {"healthy", "attention", "error"};
    if (json) {
        QJsonObject object{{QStringLiteral("status"), QLatin1String(names[exitCode])},
                           {QStringLiteral("exit_code"), exitCode},
                           {QStringLiteral("warehouse"), location},
                           {QStringLiteral("checked_at"), formatTimestamp(limits.now)}};
        if (!error.isEmpty())
            object.insert(QStringLiteral("error"), error);
        if (health) {
            object.insert(QStringLiteral("newest_hour"), timeValue(health->newestHour));
            object.insert(QStringLiteral("newest_snapshot"), timeValue(health->newestSnapshot));
            object.insert(QStringLiteral("window"),
                          QJsonObject{{QStringLiteral("from"), timeValue(health->newestHour ? std::optional(health->windowFrom) : std::nullopt)},
                                      {QStringLiteral("to"), timeValue(health->newestHour ? std::optional(health->windowTo) : std::nullopt)},
                                      {QStringLiteral("hours"), limits.windowHours},
                                      {QStringLiteral("missing_hours"), timeList(health->missingHours)},
                                      {QStringLiteral("failed_hours"), timeList(health->failedHours)}});
            QJsonValue failure;
            if (health->lastFailure) {
                const LoadRun &run = *health->lastFailure;
                failure = QJsonObject{{QStringLiteral("run"), run.id},
                                      {QStringLiteral("status"), runStatusName(run.status)},
                                      {QStringLiteral("file"), run.file},
                                      {QStringLiteral("started_at"), formatTimestamp(run.startedAtMs / 1000)},
                                      {QStringLiteral("error"), run.error}};
            }
            object.insert(QStringLiteral("last_failure"), failure);
            object.insert(QStringLiteral("running_loads"), health->runningRuns);
            object.insert(QStringLiteral("problems"), QJsonArray::fromStringList(health->problems));
        }
        printOut(QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Indented)));
        return exitCode;
    }
    if (!health) {
        printErr(QStringLiteral("pvadmin status: error: %1\n").arg(error));
        return exitCode;
    }
    QString text = QStringLiteral("%1: %2\n").arg(location, exitCode == StatusHealthy ? QStringLiteral("healthy")
                                                                                      : QStringLiteral("needs attention"));
    text += QStringLiteral("newest hour loaded:    %1\n").arg(ageText(health->newestHour, limits.now));
    text += QStringLiteral("newest users snapshot: %1\n").arg(ageText(health->newestSnapshot, limits.now));
    if (health->newestHour)
        text += QStringLiteral("last %1 hours (%2 to %3 UTC): %4 missing, %5 failed\n")
                    .arg(limits.windowHours)
                    .arg(formatTimestamp(health->windowFrom).left(16), formatTimestamp(health->windowTo).left(16))
                    .arg(health->missingHours.size())
                    .arg(health->failedHours.size());
    if (health->runningRuns > 0)
        text += QStringLiteral("loads running: %1\n").arg(health->runningRuns);
    if (health->lastFailure) {
        const LoadRun &run = *health->lastFailure;
        text += QStringLiteral("last failure: run %1 (%2) %3 at %4 UTC: %5\n")
                    .arg(run.id)
                    .arg(shownFileName(QFileInfo(run.file).fileName()), runStatusName(run.status),
                         formatTimestamp(run.startedAtMs / 1000).left(16), run.error);
    }
    for (const QString &problem : health->problems)
        text += QStringLiteral("attention: %1\n").arg(problem);
    printOut(text);
    return exitCode;
}

int runStatus(const Invocation &invocation)
{
    HealthLimits limits;
    limits.now = QDateTime::currentSecsSinceEpoch();
    QString error;
    std::optional<qint64> now;
    if (!dateTimeOption(invocation, QStringLiteral("now"), &now, &error))
        return invocation.usageError(error);
    if (now)
        limits.now = *now;
    for (const auto &[option, value] : {std::pair{QStringLiteral("window"), &limits.windowHours},
                                        std::pair{QStringLiteral("max-hour-age"), &limits.maxHourAgeHours},
                                        std::pair{QStringLiteral("max-snapshot-age"), &limits.maxSnapshotAgeHours}}) {
        if (!invocation.isSet(option))
            continue;
        const auto hours = positiveInteger(invocation.value(option));
        if (!hours)
            return invocation.usageError(QStringLiteral("--%1 must be a whole number of hours above zero").arg(option));
        *value = *hours;
    }
    const bool json = invocation.isSet(QStringLiteral("json"));
    Warehouse warehouse;
    if (!warehouse.open(invocation.warehousePath, &error, Warehouse::Role::Main, Warehouse::Creation::ExistingOnly))
        return report(json, invocation.warehousePath, StatusError, error, nullptr, limits);
    try {
        const Warehouse::ReadSnapshot snapshot(warehouse);
        const WarehouseHealth health = readWarehouseHealth(warehouse, limits);
        return report(json, invocation.warehousePath,
                      health.verdict() == WarehouseHealth::Verdict::Healthy ? StatusHealthy : StatusAttention, {},
                      &health, limits);
    } catch (const StorageError &e) {
        return report(json, invocation.warehousePath, StatusError, QStringLiteral("cannot read the warehouse: %1").arg(e.message),
                      nullptr, limits);
    }
}

} // namespace

CommandSpec statusCommand()
{
    return {QStringLiteral("status"), QString(), QStringLiteral("the warehouse's health, for monitoring"),
            QStringLiteral("Says whether the warehouse is up to date, for a monitor: the newest hour and users snapshot "
                           "loaded and how old they are, the hours missing or failed among the last --window hours "
                           "(ending with the newest loaded), loads running, and the last failed, refused or interrupted "
                           "run. Exit code 0: healthy; 1: needs attention (no data, the newest hour or snapshot older "
                           "than its limit, or a missing or failed hour in the window); 2: cannot tell (no warehouse "
                           "there, a failed read). Ages count from the wall clock (or --now). Read-only."),
            {{QStringLiteral("json"), QString(), QStringLiteral("print one JSON object (status, exit_code, newest_hour, "
                                                                 "newest_snapshot, window, last_failure, running_loads, "
                                                                 "problems) instead of text, also on error")},
             {QStringLiteral("window"), QStringLiteral("HOURS"), QStringLiteral("hours looked at for missing and failed ones"), QStringLiteral("48")},
             {QStringLiteral("max-hour-age"), QStringLiteral("HOURS"),
              QStringLiteral("the newest loaded hour may start at most this long ago"), QStringLiteral("3")},
             {QStringLiteral("max-snapshot-age"), QStringLiteral("HOURS"),
              QStringLiteral("the newest users snapshot's as-of may be at most this old"), QStringLiteral("26")},
             {QStringLiteral("now"), QStringLiteral("DATETIME"), QStringLiteral("judge ages as of this time, UTC (default: the clock)")}},
            Arity::None, WarehouseUse::Read, &runStatus};
}

} // namespace pv::cli
