#include "userhistory.h"

#include "factstore.h"

#include <QSqlDriver>
#include <QSqlQuery>
#include <QVariant>

#include <QHash>

#include <algorithm>
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
    // The user's facts in every live load, each under the postcode the user had then.
    const QVariant handle = m_db.driver()->handle();
    if (qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return {};
    std::map<std::pair<qint64, qint64>, qint64> buckets; // (period, postcode id) → views
    for (const auto &[loadId, fact] : FactStore(*static_cast<sqlite3 *const *>(handle.data())).userFacts(quint64(userId)))
        buckets[{periodStart(grain, fact.hour), fact.postcodeId}] += fact.views;
    QHash<qint64, QString> postcodes;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT postcode FROM postcodes WHERE id = ?"));
    QList<UserPageviews> rows;
    for (const auto &[key, views] : buckets) {
        if (!postcodes.contains(key.second)) {
            q.addBindValue(key.second);
            postcodes.insert(key.second, q.exec() && q.next() ? q.value(0).toString() : QString());
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
