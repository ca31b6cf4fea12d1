#include "query/postcodedirectory.h"

#include "query/pageviewquery.h"

#include <QHash>

#include <algorithm>

namespace pv {

QList<PostcodeRanking> topPostcodes(const PageviewQuery &query, qint64 from, qint64 to, int n, Basis rankBy)
{
    // Ranked on one basis, then the same postcodes' totals on the other: both through the one query path.
    const Basis other = rankBy == Basis::Current ? Basis::AtTime : Basis::Current;
    QString error;
    QList<PostcodeRanking> ranking;
    QStringList postcodes;
    for (const PostcodeTotal &t : query.totals(rankBy, from, to, -1, {}, &error).value_or(QList<PostcodeTotal>{})) {
        if (t.postcode == QLatin1String("UNKNOWN"))
            continue;
        PostcodeRanking r;
        r.postcode = t.postcode;
        (rankBy == Basis::Current ? r.current : r.atTime) = t.pageviews;
        ranking << r;
        postcodes << t.postcode;
        if (ranking.size() == n)
            break;
    }
    if (ranking.isEmpty())
        return ranking;
    QHash<QString, qint64> otherTotals;
    for (const PostcodeTotal &t : query.totals(other, from, to, -1, postcodes, &error).value_or(QList<PostcodeTotal>{}))
        otherTotals.insert(t.postcode, t.pageviews);
    for (PostcodeRanking &r : ranking)
        (other == Basis::Current ? r.current : r.atTime) = otherTotals.value(r.postcode);
    return ranking;
}

} // namespace pv
