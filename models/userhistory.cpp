#include "userhistory.h"

#include <QSqlQuery>
#include <QVariant>

#include <map>

namespace pv {

UserHistory::UserHistory(QSqlDatabase db)
    : m_db(std::move(db))
{
}

QList<UserPostcodePeriod> UserHistory::periods(qint64 userId) const
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT p.postcode, h.valid_from, h.valid_to FROM user_postcode_history h "
                             "JOIN postcodes p ON p.id = h.postcode_id WHERE h.user_id = ? ORDER BY h.valid_from"));
    q.addBindValue(userId);
    QList<UserPostcodePeriod> periods;
    if (q.exec())
        while (q.next()) {
            UserPostcodePeriod period;
            period.postcode = q.value(0).toString();
            period.validFrom = q.value(1).toLongLong();
            if (!q.value(2).isNull())
                period.validTo = q.value(2).toLongLong();
            periods << period;
        }
    if (!periods.isEmpty())
        periods.last().current = true;
    return periods;
}

QList<UserPageviews> UserHistory::pageviews(qint64 userId, Grain grain) const
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    // One seek on the (load_id, user_id, hour) key per live pageviews load: facts have no user index.
    q.prepare(QStringLiteral("SELECT f.hour, p.postcode, SUM(f.views) FROM pageview_facts f "
                             "JOIN postcodes p ON p.id = f.postcode_id "
                             "WHERE f.load_id IN (SELECT run_id FROM pageview_windows) AND f.user_id = ? "
                             "GROUP BY f.hour, f.postcode_id"));
    q.addBindValue(userId);
    std::map<std::pair<qint64, QString>, qint64> buckets;
    if (q.exec())
        while (q.next())
            buckets[{periodStart(grain, q.value(0).toLongLong()), q.value(1).toString()}] += q.value(2).toLongLong();
    QList<UserPageviews> rows;
    for (const auto &[key, views] : buckets)
        if (views != 0)
            rows.append({key.first, key.second, views});
    return rows;
}

} // namespace pv
