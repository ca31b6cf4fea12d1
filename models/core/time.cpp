#include "core/time.h"

#include <QLocale>

#include <array>
#include <cstdio>

namespace pv {

QString formatTimestamp(qint64 epochSeconds)
{
    const qint64 days = dayOf(epochSeconds);
    const auto secondOfDay = static_cast<int>(epochSeconds - days * secondsPerDay);
    int year = 0;
    int month = 0;
    int day = 0;
    civilFromDays(days, &year, &month, &day);
    std::array<char, 80> text{};
    const int length = std::snprintf(text.data(), text.size(), "%04d-%02d-%02d %02d:%02d:%02d", year, month, day,
                                     secondOfDay / int(secondsPerHour), secondOfDay / 60 % 60, secondOfDay % 60);
    return QString::fromLatin1(text.data(), length);
}

// Howard Hinnant's days_from_civil: years are counted from March so the leap day ends the year,
// and 400-year eras make the arithmetic the same for every era.
qint64 daysFromCivil(int year, int month, int day)
{
    const qint64 y = static_cast<qint64>(year) - (month <= 2 ? 1 : 0);
    const qint64 era = floorDiv(y, 400);
    const qint64 yearOfEra = y - era * 400;
    const qint64 dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const qint64 dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146097 + dayOfEra - 719468;
}

void civilFromDays(qint64 days, int *year, int *month, int *day)
{
    const qint64 z = days + 719468;
    const qint64 era = floorDiv(z, 146097);
    const qint64 dayOfEra = z - era * 146097;
    const qint64 yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    const qint64 dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const qint64 monthFromMarch = (5 * dayOfYear + 2) / 153;
    const auto m = static_cast<int>(monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9);
    *day = static_cast<int>(dayOfYear - (153 * monthFromMarch + 2) / 5 + 1);
    *month = m;
    *year = static_cast<int>(yearOfEra + era * 400 + (m <= 2 ? 1 : 0));
}

QString durationText(qint64 ms)
{
    const QLocale locale;
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    if (ms < 60000)
        return QStringLiteral("%1 s").arg(locale.toString(double(ms) / 1000.0, 'f', 1));
    const qint64 seconds = ms / 1000;
    if (seconds < secondsPerHour)
        return QStringLiteral("%1 min %2 s").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 h %2 min").arg(seconds / secondsPerHour).arg((seconds % secondsPerHour) / 60, 2, 10, QLatin1Char('0'));
}

QString grainName(Grain grain)
{
    switch (grain) {
    case Grain::Hour: return QStringLiteral("hour");
    case Grain::Day: return QStringLiteral("day");
    case Grain::Week: return QStringLiteral("week");
    case Grain::Month: return QStringLiteral("month");
    case Grain::Year: return QStringLiteral("year");
    }
    return {};
}

std::optional<Grain> grainFromName(const QString &name)
{
    for (Grain g : allGrains)
        if (grainName(g) == name)
            return g;
    return std::nullopt;
}

qint64 periodStart(Grain grain, qint64 hour)
{
    const qint64 days = floorDiv(hour, hoursPerDay);
    switch (grain) {
    case Grain::Hour:
        return hour * secondsPerHour;
    case Grain::Day:
        return days * secondsPerDay;
    case Grain::Week: {
        // 1970-01-01 was a Thursday: days + 3 counts from a Monday.
        const qint64 monday = days - (((days + 3) % 7) + 7) % 7;
        return monday * secondsPerDay;
    }
    case Grain::Month: {
        int y = 0, m = 0, d = 0;
        civilFromDays(days, &y, &m, &d);
        return daysFromCivil(y, m, 1) * secondsPerDay;
    }
    case Grain::Year: {
        int y = 0, m = 0, d = 0;
        civilFromDays(days, &y, &m, &d);
        return daysFromCivil(y, 1, 1) * secondsPerDay;
    }
    }
    return 0;
}

qint64 periodEnd(Grain grain, qint64 periodStart)
{
    switch (grain) {
    case Grain::Hour: return periodStart + secondsPerHour;
    case Grain::Day: return periodStart + secondsPerDay;
    case Grain::Week: return periodStart + 7 * secondsPerDay;
    case Grain::Month: {
        int y = 0, m = 0, d = 0;
        civilFromDays(floorDiv(periodStart, secondsPerDay), &y, &m, &d);
        return (m == 12 ? daysFromCivil(y + 1, 1, 1) : daysFromCivil(y, m + 1, 1)) * secondsPerDay;
    }
    case Grain::Year: {
        int y = 0, m = 0, d = 0;
        civilFromDays(floorDiv(periodStart, secondsPerDay), &y, &m, &d);
        return daysFromCivil(y + 1, 1, 1) * secondsPerDay;
    }
    }
    return periodStart;
}

} // namespace pv
