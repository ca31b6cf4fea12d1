#include "storage/sqlite/sqlitepageviewquery.h"

#include "storage/sqlite/sqlitestatement.h"

#include <algorithm>
#include <unordered_map>
#include <vector>

namespace pv {

SqlitePageviewQuery::SqlitePageviewQuery(sqlite3 *db)
    : m_db(db)
{
}

struct SqlitePageviewQuery::Filter
{
    bool all = true;
    QList<qint64> postcodeIds; ///< when not all: the known ones among the requested postcodes
};

std::optional<SqlitePageviewQuery::Filter> SqlitePageviewQuery::filter(const QStringList &postcodes, QString *error) const
{
    const auto normalised = normalisedPostcodeFilter(postcodes, error);
    if (!normalised)
        return std::nullopt;
    Filter result;
    result.all = normalised->isEmpty();
    try {
        SqliteStatement select(m_db, "SELECT id FROM postcodes WHERE postcode = ?");
        for (const QString &postcode : *normalised) {
            const QByteArray utf8 = postcode.toUtf8();
            select.bind(1, std::string_view(utf8.constData(), size_t(utf8.size())));
            if (select.step()) // a postcode never seen simply has no rows
                result.postcodeIds << select.int64(0);
            select.reset();
        }
    } catch (const StorageError &e) {
        *error = QStringLiteral("query failed: %1").arg(e.message);
        return std::nullopt;
    }
    return result;
}

namespace {
/// The buckets leading the aggregates' postcode indexes (migration 0004): a day of hours, 32 days.
constexpr qint64 hourBucket = 24;
constexpr qint64 dayBucket = 32;
} // namespace

template<typename Visit>
bool SqlitePageviewQuery::forEachCount(Basis basis, Grain grain, qint64 fromHour, qint64 toHour, const Filter &filter,
                                 QString *error, Visit visit) const
{
    const QString prefix = basis == Basis::Current ? QStringLiteral("views_current_") : QStringLiteral("views_at_time_");
    // bucket: the period's bucket size in the table's postcode index (migration 0004): a postcode's rows
    // are read one bucket at a time, each a seek and an ordered range.
    auto scan = [&](const QString &table, const QString &period, qint64 from, qint64 to, qint64 hoursPer, qint64 bucket) {
        if (from >= to)
            return true;
        const QByteArray sql = (filter.all
            ? QStringLiteral("SELECT %2, postcode_id, views FROM %1 WHERE %2 >= ?1 AND %2 < ?2").arg(table, period)
            : QStringLiteral("SELECT %2, postcode_id, views FROM %1 WHERE %2 / %3 = ?4 AND postcode_id = ?3 "
                             "AND %2 >= ?1 AND %2 < ?2")
                  .arg(table, period)
                  .arg(bucket)).toUtf8();
        try {
            SqliteStatement select(m_db, sql.constData());
            const auto read = [&] {
                while (select.step())
                    visit(select.int64(0) * hoursPer, select.int64(1), select.int64(2));
                select.reset();
            };
            if (filter.all) {
                select.bind(1, from).bind(2, to);
                read();
                return true;
            }
            // Only the buckets that hold rows: an open range ends at the table's first and last period.
            // Two subqueries: MIN and MAX side by side would scan the table instead of reading its two ends.
            SqliteStatement bounds(m_db, QStringLiteral("SELECT (SELECT MIN(%2) FROM %1), (SELECT MAX(%2) FROM %1)")
                                             .arg(table, period)
                                             .toUtf8()
                                             .constData());
            if (!bounds.step() || bounds.isNull(0))
                return true;
            from = std::max(from, bounds.int64(0));
            to = std::min(to, bounds.int64(1) + 1);
            // SQLite's integer division truncates, as C++'s does: the buckets of [from, to) run from
            // from / bucket to (to - 1) / bucket.
            for (qint64 id : filter.postcodeIds)
                for (qint64 b = from / bucket; b <= (to - 1) / bucket; ++b) {
                    select.bind(1, from).bind(2, to).bind(3, id).bind(4, b);
                    read();
                }
        } catch (const StorageError &e) {
            *error = QStringLiteral("query failed: %1").arg(e.message);
            return false;
        }
        return true;
    };
    const QString hourly = prefix + QStringLiteral("hourly"), daily = prefix + QStringLiteral("daily");
    const qint64 fromDay = ceilDiv(fromHour, hoursPerDay), toDay = floorDiv(toHour, hoursPerDay);
    if (grain == Grain::Hour || fromDay >= toDay)
        return scan(hourly, QStringLiteral("hour"), fromHour, toHour, 1, hourBucket);
    return scan(hourly, QStringLiteral("hour"), fromHour, fromDay * 24, 1, hourBucket)
        && scan(daily, QStringLiteral("day"), fromDay, toDay, 24, dayBucket)
        && scan(hourly, QStringLiteral("hour"), toDay * 24, toHour, 1, hourBucket);
}

QHash<qint64, QString> SqlitePageviewQuery::postcodeTexts(const QList<qint64> &ids) const
{
    QHash<qint64, QString> texts;
    SqliteStatement select(m_db, "SELECT postcode FROM postcodes WHERE id = ?");
    for (qint64 id : ids) {
        if (select.bind(1, id).step())
            texts.insert(id, select.text(0));
        select.reset();
    }
    return texts;
}

std::optional<QList<ReportRow>> SqlitePageviewQuery::report(const ReportQuery &query, QString *error) const
{
    const auto postcodes = filter(query.postcodes, error);
    if (!postcodes)
        return std::nullopt;
    QList<ReportRow> rows;
    if (!postcodes->all && postcodes->postcodeIds.isEmpty())
        return rows;
    struct Count
    {
        qint64 period, postcodeId, views;
    };
    std::vector<Count> counts;
    const bool ok = forEachCount(query.basis, query.grain, firstHourFrom(query.from),
                                 endHourFrom(query.to), *postcodes, error,
                                 [&](qint64 hour, qint64 postcodeId, qint64 views) {
                                     counts.push_back({periodStart(query.grain, hour), postcodeId, views});
                                 });
    if (!ok)
        return std::nullopt;
    // Postcodes ranked by their text, so the sort below compares integers: period, then postcode.
    QList<qint64> ids;
    {
        std::unordered_map<qint64, bool> seen;
        for (const Count &c : counts)
            if (seen.emplace(c.postcodeId, true).second)
                ids << c.postcodeId;
    }
    QHash<qint64, QString> texts;
    try {
        texts = postcodeTexts(ids);
    } catch (const StorageError &e) {
        *error = QStringLiteral("query failed: %1").arg(e.message);
        return std::nullopt;
    }
    std::sort(ids.begin(), ids.end(), [&](qint64 a, qint64 b) { return texts.value(a) < texts.value(b); });
    std::unordered_map<qint64, qint64> rank;
    for (qsizetype i = 0; i < ids.size(); ++i)
        rank[ids[i]] = i;
    for (Count &c : counts)
        c.postcodeId = rank[c.postcodeId];
    std::sort(counts.begin(), counts.end(), [](const Count &a, const Count &b) {
        return a.period != b.period ? a.period < b.period : a.postcodeId < b.postcodeId;
    });
    // Equal keys (the hours of one day, say) add up.
    for (size_t i = 0; i < counts.size();) {
        qint64 views = 0;
        size_t j = i;
        for (; j < counts.size() && counts[j].period == counts[i].period && counts[j].postcodeId == counts[i].postcodeId; ++j)
            views += counts[j].views;
        if (views != 0)
            rows.append({counts[i].period, texts.value(ids[counts[i].postcodeId]), views});
        i = j;
    }
    return rows;
}

std::optional<QList<PostcodeTotal>> SqlitePageviewQuery::totals(Basis basis, std::optional<qint64> from, std::optional<qint64> to,
                                                          int limit, const QStringList &postcodes, QString *error) const
{
    const auto selected = filter(postcodes, error);
    if (!selected)
        return std::nullopt;
    QList<PostcodeTotal> result;
    if (!selected->all && selected->postcodeIds.isEmpty())
        return result;
    std::unordered_map<qint64, qint64> totals;
    if (!forEachCount(basis, Grain::Day, firstHourFrom(from), endHourFrom(to), *selected, error,
                      [&](qint64, qint64 postcodeId, qint64 views) { totals[postcodeId] += views; }))
        return std::nullopt;
    QList<qint64> ids;
    for (const auto &[id, views] : totals)
        if (views != 0)
            ids << id;
    QHash<qint64, QString> texts;
    try {
        texts = postcodeTexts(ids);
    } catch (const StorageError &e) {
        *error = QStringLiteral("query failed: %1").arg(e.message);
        return std::nullopt;
    }
    for (qint64 id : ids)
        result.append({texts.value(id), totals[id]});
    std::sort(result.begin(), result.end(), [](const PostcodeTotal &a, const PostcodeTotal &b) {
        return a.pageviews != b.pageviews ? a.pageviews > b.pageviews : a.postcode < b.postcode;
    });
    if (limit >= 0 && result.size() > limit)
        result.resize(limit);
    return result;
}

} // namespace pv
