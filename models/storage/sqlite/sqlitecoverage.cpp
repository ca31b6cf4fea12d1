#include "storage/sqlite/sqlitecoverage.h"

#include "core/time.h"

#include <QSqlQuery>
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

SqliteCoverage::SqliteCoverage(QSqlDatabase db)
    : m_db(std::move(db))
{
}

DataFreshness SqliteCoverage::freshness() const
{
    DataFreshness freshness;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    // The loaded windows: an hour holding only another file's late rows does not make the data fresher.
    if (q.exec(QStringLiteral("SELECT MIN(hour), MAX(hour), COUNT(*) FROM pageview_windows")) && q.next()) {
        if (const auto oldest = optionalValue(q.value(0)))
            freshness.oldestHour = *oldest * secondsPerHour;
        if (const auto newest = optionalValue(q.value(1)))
            freshness.newestHour = *newest * secondsPerHour;
        freshness.loadedHours = q.value(2).toLongLong();
    }
    if (q.exec(QStringLiteral("SELECT MAX(as_of) FROM snapshots")) && q.next())
        freshness.latestSnapshot = optionalValue(q.value(0));
    if (q.exec(QStringLiteral("SELECT MAX(finished_at) FROM load_runs WHERE status = 'succeeded'")) && q.next())
        freshness.lastLoadFinishedMs = q.value(0).toLongLong();
    return freshness;
}

QList<qint64> SqliteCoverage::loadedHours(qint64 from, qint64 to) const
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT hour FROM pageview_windows WHERE hour >= ? AND hour < ? "
                             "UNION SELECT hour FROM load_hour_views WHERE hour >= ? AND hour < ? ORDER BY 1"));
    // An hour counts when its start lies in [from, to), as in PageviewQuery::report.
    for (int i = 0; i < 2; ++i) {
        q.addBindValue(ceilDiv(from, secondsPerHour));
        q.addBindValue(ceilDiv(to, secondsPerHour));
    }
    QList<qint64> hours;
    if (q.exec())
        while (q.next())
            hours << q.value(0).toLongLong() * secondsPerHour;
    return hours;
}

} // namespace pv
