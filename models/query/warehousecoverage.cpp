#include "query/warehousecoverage.h"

#include "core/time.h"
#include "extract/extractvalidation.h"

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

QString DataFreshness::describe() const
{
    QString text = newestHour ? QStringLiteral("pageviews %1 to %2 (%3 hours loaded)")
                                    .arg(formatTimestamp(*oldestHour), formatTimestamp(*newestHour))
                                    .arg(loadedHours)
                              : QStringLiteral("no pageviews loaded");
    text += latestSnapshot ? QStringLiteral("; users as of %1").arg(formatTimestamp(*latestSnapshot))
                           : QStringLiteral("; no users snapshot loaded");
    return text;
}

std::optional<std::pair<qint64, qint64>> recentRange(RecentRange range, const DataFreshness &freshness)
{
    if (!freshness.newestHour)
        return std::nullopt;
    const qint64 to = *freshness.newestHour + secondsPerHour;
    switch (range) {
    case RecentRange::Last24Hours: return std::pair{to - 24 * secondsPerHour, to};
    case RecentRange::Last7Days: return std::pair{to - 7 * 24 * secondsPerHour, to};
    case RecentRange::Last30Days: return std::pair{to - 30 * 24 * secondsPerHour, to};
    case RecentRange::LastYear: return std::pair{to - 365 * 24 * secondsPerHour, to};
    case RecentRange::AllData: return std::pair{*freshness.oldestHour, to};
    }
    return std::nullopt;
}

WarehouseCoverage::WarehouseCoverage(QSqlDatabase db)
    : m_db(std::move(db))
{
}

DataFreshness WarehouseCoverage::freshness() const
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

QList<qint64> WarehouseCoverage::loadedHours(qint64 from, qint64 to) const
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
