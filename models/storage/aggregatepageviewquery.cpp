#include "storage/aggregatepageviewquery.h"

#include "storage/storageerror.h"

#include <algorithm>
#include <unordered_map>
#include <vector>

namespace pv {

namespace {
/// Runs a read, turning its StorageError into *error.
template <typename Read>
bool answered(QString *error, Read &&read)
{
    try {
        read();
    } catch (const StorageError &e) {
        *error = QStringLiteral("query failed: %1").arg(e.message);
        return false;
    }
    return true;
}

const AggregateTable atTimeHourly{"views_at_time_hourly", "hour", 24};
const AggregateTable currentHourly{"views_current_hourly", "hour", 24};
const AggregateTable atTimeDaily{"views_at_time_daily", "day", 32};
const AggregateTable currentDaily{"views_current_daily", "day", 32};
} // namespace

struct AggregatePageviewQuery::Filter
{
    bool all = true;
    QList<qint64> postcodeIds; ///< when not all: the known ones among the requested postcodes
};

std::optional<AggregatePageviewQuery::Filter> AggregatePageviewQuery::filter(const QStringList &postcodes, QString *error) const
{
    const auto normalised = normalisedPostcodeFilter(postcodes, error);
    if (!normalised)
        return std::nullopt;
    Filter result;
    result.all = normalised->isEmpty();
    const bool ok = answered(error, [&] {
        for (const QString &postcode : *normalised)
            if (const auto id = postcodeId(postcode)) // a postcode never seen simply has no rows
                result.postcodeIds << *id;
    });
    return ok ? std::optional<Filter>(result) : std::nullopt;
}

bool AggregatePageviewQuery::forEachCount(Basis basis, Grain grain, qint64 fromHour, qint64 toHour, const Filter &filter,
                                          QString *error, const CountVisitor &visit) const
{
    const AggregateTable &hourly = basis == Basis::Current ? currentHourly : atTimeHourly;
    const AggregateTable &daily = basis == Basis::Current ? currentDaily : atTimeDaily;
    const QList<qint64> *ids = filter.all ? nullptr : &filter.postcodeIds;
    const auto hours = [&](qint64 from, qint64 to) {
        if (from < to)
            scan(hourly, from, to, ids, visit);
    };
    return answered(error, [&] {
        const qint64 fromDay = ceilDiv(fromHour, hoursPerDay), toDay = floorDiv(toHour, hoursPerDay);
        if (grain == Grain::Hour || fromDay >= toDay) {
            hours(fromHour, toHour);
            return;
        }
        hours(fromHour, fromDay * hoursPerDay);
        scan(daily, fromDay, toDay, ids, [&](qint64 day, qint64 postcodeId, qint64 views) {
            visit(day * hoursPerDay, postcodeId, views);
        });
        hours(toDay * hoursPerDay, toHour);
    });
}

std::optional<QList<ReportRow>> AggregatePageviewQuery::report(const ReportQuery &query, QString *error) const
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
    if (!answered(error, [&] { texts = postcodeTexts(ids); }))
        return std::nullopt;
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

std::optional<QList<PostcodeTotal>> AggregatePageviewQuery::totals(Basis basis, std::optional<qint64> from, std::optional<qint64> to,
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
    if (!answered(error, [&] { texts = postcodeTexts(ids); }))
        return std::nullopt;
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
