#include "storage/sqlite/aggregatedeltas.h"

#include "storage/sqlite/sqlitestatement.h"

#include <algorithm>
#include <vector>

namespace pv {

void AggregateDeltas::apply(sqlite3 *db) const
{
    apply(db, m_atTime, "views_at_time_hourly", "hour");
    apply(db, m_current, "views_current_hourly", "hour");
    apply(db, byDay(m_atTime), "views_at_time_daily", "day");
    apply(db, byDay(m_current), "views_current_daily", "day");
}

AggregateDeltas::Map AggregateDeltas::byDay(const Map &hourly)
{
    Map daily;
    for (const auto &[key, views] : hourly) {
        const qint64 hour = static_cast<qint32>(static_cast<quint32>(key >> 32));
        const qint64 day = hour >= 0 ? hour / 24 : -((-hour + 23) / 24);
        add(daily, day, static_cast<quint32>(key & 0xffffffffu), views);
    }
    return daily;
}

void AggregateDeltas::apply(sqlite3 *db, const Map &map, const char *table, const char *period)
{
    std::vector<std::pair<quint64, qint64>> sorted(map.begin(), map.end());
    std::sort(sorted.begin(), sorted.end());
    const QByteArray upsertSql = QByteArray("INSERT INTO ") + table + " (" + period
        + ", postcode_id, views) VALUES (?, ?, ?) ON CONFLICT (" + period
        + ", postcode_id) DO UPDATE SET views = views + excluded.views";
    const QByteArray deleteSql = QByteArray("DELETE FROM ") + table + " WHERE " + period
        + " = ? AND postcode_id = ? AND views = 0";
    SqliteStatement upsert(db, upsertSql.constData());
    SqliteStatement deleteZero(db, deleteSql.constData());
    for (const auto &[key, views] : sorted) {
        if (views == 0)
            continue;
        const auto hour = static_cast<qint64>(static_cast<qint32>(static_cast<quint32>(key >> 32)));
        const auto postcodeId = static_cast<qint64>(key & 0xffffffffu);
        upsert.bind(1, hour).bind(2, postcodeId).bind(3, views).execute();
        if (views < 0)
            deleteZero.bind(1, hour).bind(2, postcodeId).execute();
    }
}

} // namespace pv
