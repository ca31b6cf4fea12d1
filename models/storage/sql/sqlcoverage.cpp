#include "storage/sql/sqlcoverage.h"

#include "storage/sql/sqlquery.h"
#include "core/time.h"

#include <QVariant>

namespace pv {

namespace {

std::optional<qint64> optionalValue(const QVariant &value)
{
    if (value.isNull())
        return std::nullopt;
    return value.toLongLong();
}
} // namespace

SqlCoverage::SqlCoverage(QSqlDatabase db)
    : m_db(std::move(db))
{
}

DataFreshness SqlCoverage::freshness() const
{
    DataFreshness freshness;
    // The loaded windows: an hour holding only another file's late rows does not make the data fresher.
    if (SqlQuery q(m_db, QStringLiteral("SELECT MIN(hour), MAX(hour), COUNT(*) FROM pageview_windows")); q.next()) {
        if (const auto oldest = optionalValue(q.value(0)))
            freshness.oldestHour = *oldest * secondsPerHour;
        if (const auto newest = optionalValue(q.value(1)))
            freshness.newestHour = *newest * secondsPerHour;
        freshness.loadedHours = q.value(2).toLongLong();
    }
    if (SqlQuery q(m_db, QStringLiteral("SELECT MAX(as_of) FROM snapshots")); q.next())
        freshness.latestSnapshot = optionalValue(q.value(0));
    if (SqlQuery q(m_db, QStringLiteral("SELECT MAX(finished_at) FROM load_runs WHERE status = 'succeeded'")); q.next())
        freshness.lastLoadFinishedMs = q.value(0).toLongLong();
    return freshness;
}

QList<qint64> SqlCoverage::loadedHours(qint64 from, qint64 to) const
{
    // An hour counts when its start lies in [from, to), as in PageviewQuery::report.
    const qint64 first = ceilDiv(from, secondsPerHour);
    const qint64 end = ceilDiv(to, secondsPerHour);
    // Late rows another file brought into an hour do not make it loaded: its own file is what fills it.
    SqlQuery q(m_db, QStringLiteral("SELECT hour FROM pageview_windows WHERE hour >= ? AND hour < ? ORDER BY hour"),
               {first, end});
    QList<qint64> hours;
    while (q.next())
        hours << q.value(0).toLongLong() * secondsPerHour;
    return hours;
}

} // namespace pv
