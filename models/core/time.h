#pragma once

#include <QString>

#include <optional>

namespace pv {

/// Time in the warehouse: seconds since the Unix epoch, naive UTC; hours are numbered from the epoch
/// (hour h covers [h * secondsPerHour, (h + 1) * secondsPerHour)). Every division rounds towards
/// negative infinity, so times before 1970 land in the right hour and day.

inline constexpr qint64 secondsPerHour = 3600;
inline constexpr qint64 hoursPerDay = 24;
inline constexpr qint64 secondsPerDay = secondsPerHour * hoursPerDay;

/// a / b rounded towards negative infinity.
constexpr qint64 floorDiv(qint64 a, qint64 b)
{
    const qint64 q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/// a / b rounded towards positive infinity.
constexpr qint64 ceilDiv(qint64 a, qint64 b) { return -floorDiv(-a, b); }

/// The number of the hour that holds the instant.
constexpr qint64 hourOf(qint64 epochSeconds) { return floorDiv(epochSeconds, secondsPerHour); }
/// The instant the hour that holds epochSeconds starts.
constexpr qint64 startOfHour(qint64 epochSeconds) { return hourOf(epochSeconds) * secondsPerHour; }
/// True for an instant exactly on an hour (HH:00:00).
constexpr bool isOnTheHour(qint64 epochSeconds) { return startOfHour(epochSeconds) == epochSeconds; }
/// The number of the day (since 1970-01-01) that holds the instant.
constexpr qint64 dayOf(qint64 epochSeconds) { return floorDiv(epochSeconds, secondsPerDay); }

/// Hours [first, end), as hours since the epoch.
struct HourSpan
{
    qint64 first = 0;
    qint64 end = 0;
};

/// The periods answers roll hours up to: hours, days, ISO weeks (Monday first), calendar months and years.
enum class Grain { Hour, Day, Week, Month, Year };

/// Every grain, finest first.
inline constexpr Grain allGrains[] = {Grain::Hour, Grain::Day, Grain::Week, Grain::Month, Grain::Year};

QString grainName(Grain grain); ///< "hour" / "day" / "week" / "month" / "year"
std::optional<Grain> grainFromName(const QString &name);

/// Start of the period (seconds since the epoch) containing the given hour: the hour, the day, the ISO
/// week's Monday, the calendar month, the calendar year.
qint64 periodStart(Grain grain, qint64 hour);
/// Start of the period after the one starting at periodStart (the end of that period, exclusive).
qint64 periodEnd(Grain grain, qint64 periodStart);

/// Seconds since the epoch as "YYYY-MM-DD HH:MM:SS".
QString formatTimestamp(qint64 epochSeconds);

/// Days since 1970-01-01 for a proleptic Gregorian date, and back.
qint64 daysFromCivil(int year, int month, int day);
void civilFromDays(qint64 days, int *year, int *month, int *day);

/// A duration for people: "350 ms", "4.2 s", "3 min 05 s", "2 h 07 min".
QString durationText(qint64 ms);

} // namespace pv
