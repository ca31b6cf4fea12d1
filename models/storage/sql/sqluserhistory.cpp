#include "storage/sql/sqluserhistory.h"

#include "storage/sql/sqlquery.h"

#include <QVariant>

#include <QHash>

#include <algorithm>
#include <map>

namespace pv {

SqlUserHistory::SqlUserHistory(QSqlDatabase db, UserFacts userFacts)
    : m_db(std::move(db))
    , m_userFacts(std::move(userFacts))
{
}

QList<UserPostcodePeriod> SqlUserHistory::periods(qint64 userId) const
{
    // Changes happen only at snapshots' as-ofs: one keyed look-up per snapshot finds all of the user's.
    // A period ends at the user's next change; a change to no postcode (left the snapshots) is no period.
    SqlQuery q(m_db,
                  QStringLiteral(
                      "SELECT p.postcode, c.valid_from, c.valid_to FROM ("
                      " SELECT c.as_of AS valid_from, LEAD(c.as_of) OVER (ORDER BY c.as_of) AS valid_to, c.postcode_id"
                      " FROM snapshots s CROSS JOIN user_postcode_changes c WHERE c.as_of = s.as_of AND c.user_id = ?) c"
                      " JOIN postcodes p ON p.id = c.postcode_id ORDER BY c.valid_from"),
                  {userId});
    QList<UserPostcodePeriod> periods;
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

QList<UserPageviews> SqlUserHistory::pageviews(qint64 userId, Grain grain) const
{
    // The user's facts in every live load, each under the postcode the user had then.
    std::map<std::pair<qint64, qint64>, qint64> buckets; // (period, postcode id) → views
    for (const auto &[loadId, fact] : m_userFacts(quint64(userId)))
        buckets[{periodStart(grain, fact.hour), fact.postcodeId}] += fact.views;
    QHash<qint64, QString> postcodes;
    QList<UserPageviews> rows;
    for (const auto &[key, views] : buckets) {
        if (!postcodes.contains(key.second)) {
            SqlQuery q(m_db, QStringLiteral("SELECT postcode FROM postcodes WHERE id = ?"), {key.second});
            postcodes.insert(key.second, q.next() ? q.value(0).toString() : QString());
        }
        if (views != 0)
            rows.append({key.first, postcodes.value(key.second), views});
    }
    std::sort(rows.begin(), rows.end(), [](const UserPageviews &a, const UserPageviews &b) {
        return a.periodStart != b.periodStart ? a.periodStart < b.periodStart : a.atTimePostcode < b.atTimePostcode;
    });
    return rows;
}

} // namespace pv
