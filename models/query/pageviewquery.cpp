#include "query/pageviewquery.h"

#include "extract/extractvalidation.h"
#include "storage/sqlite/sqlitestatement.h"

#include <QMap>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
#include <unordered_map>
#include <vector>

namespace pv {

PageviewQuery::PageviewQuery(QSqlDatabase db)
    : m_db(std::move(db))
{
}

struct PageviewQuery::Filter
{
    bool all = true;
    QList<qint64> postcodeIds; ///< when not all: the known ones among the requested postcodes
};

std::optional<PageviewQuery::Filter> PageviewQuery::filter(const QStringList &postcodes, QString *error) const
{
    Filter result;
    result.all = postcodes.isEmpty();
    for (const QString &postcode : postcodes) {
        QString normalised = QStringLiteral("UNKNOWN");
        if (postcode.trimmed().compare(QLatin1String("UNKNOWN"), Qt::CaseInsensitive) != 0) {
            const QByteArray utf8 = postcode.toUtf8();
            QString reason;
            const auto value = normalisePostcode(std::string_view(utf8.constData(), size_t(utf8.size())), &reason);
            if (!value) {
                *error = QStringLiteral("--postcode '%1': %2").arg(postcode, reason);
                return std::nullopt;
            }
            normalised = QString::fromUtf8(*value);
        }
        QSqlQuery q(m_db);
        q.prepare(QStringLiteral("SELECT id FROM postcodes WHERE postcode = ?"));
        q.addBindValue(normalised);
        if (q.exec() && q.next() && !result.postcodeIds.contains(q.value(0).toLongLong()))
            result.postcodeIds << q.value(0).toLongLong(); // a postcode never seen simply has no rows
    }
    return result;
}

template<typename Visit>
bool PageviewQuery::forEachCount(Basis basis, Grain grain, qint64 fromHour, qint64 toHour, const Filter &filter,
                                 QString *error, Visit visit) const
{
    const QString prefix = basis == Basis::Current ? QStringLiteral("views_current_") : QStringLiteral("views_at_time_");
    const QVariant handle = m_db.driver()->handle();
    if (qstrcmp(handle.typeName(), "sqlite3*") != 0) {
        *error = QStringLiteral("the warehouse connection is not open");
        return false;
    }
    sqlite3 *db = *static_cast<sqlite3 *const *>(handle.data());
    auto scan = [&](const QString &table, const QString &period, qint64 from, qint64 to, qint64 hoursPer) {
        if (from >= to)
            return true;
        const QByteArray sql = (filter.all
            ? QStringLiteral("SELECT %2, postcode_id, views FROM %1 WHERE %2 >= ?1 AND %2 < ?2").arg(table, period)
            : QStringLiteral("SELECT %2, postcode_id, views FROM %1 WHERE postcode_id = ?3 AND %2 >= ?1 AND %2 < ?2")
                  .arg(table, period)).toUtf8();
        try {
            SqliteStatement select(db, sql.constData());
            const QList<qint64> ids = filter.all ? QList<qint64>{-1} : filter.postcodeIds;
            for (qint64 id : ids) {
                select.bind(1, from).bind(2, to);
                if (!filter.all)
                    select.bind(3, id);
                while (select.step())
                    visit(select.int64(0) * hoursPer, select.int64(1), select.int64(2));
                select.reset();
            }
        } catch (const SqliteError &e) {
            *error = QStringLiteral("query failed: %1").arg(e.message);
            return false;
        }
        return true;
    };
    const QString hourly = prefix + QStringLiteral("hourly"), daily = prefix + QStringLiteral("daily");
    const qint64 fromDay = ceilDiv(fromHour, hoursPerDay), toDay = floorDiv(toHour, hoursPerDay);
    if (grain == Grain::Hour || fromDay >= toDay)
        return scan(hourly, QStringLiteral("hour"), fromHour, toHour, 1);
    return scan(hourly, QStringLiteral("hour"), fromHour, fromDay * 24, 1)
        && scan(daily, QStringLiteral("day"), fromDay, toDay, 24)
        && scan(hourly, QStringLiteral("hour"), toDay * 24, toHour, 1);
}

QHash<qint64, QString> PageviewQuery::postcodeTexts(const QList<qint64> &ids) const
{
    QHash<qint64, QString> texts;
    QStringList list;
    for (qint64 id : ids)
        list << QString::number(id);
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (q.exec(QStringLiteral("SELECT id, postcode FROM postcodes WHERE id IN (%1)").arg(list.join(QLatin1Char(',')))))
        while (q.next())
            texts.insert(q.value(0).toLongLong(), q.value(1).toString());
    return texts;
}

namespace {
// Hours far outside any data stand for an open end, with room to add 23 without overflow.
constexpr qint64 earliestHour = -(qint64(1) << 40);
constexpr qint64 latestHour = qint64(1) << 40;

/// An hour counts when its start lies in [from, to).
qint64 firstHourFrom(std::optional<qint64> from)
{
    return from ? ceilDiv(*from, secondsPerHour) : earliestHour;
}
} // namespace

std::optional<QList<ReportRow>> PageviewQuery::report(const ReportQuery &query, QString *error) const
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
                                 query.to ? firstHourFrom(query.to) : latestHour, *postcodes, error,
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
    const QHash<qint64, QString> texts = postcodeTexts(ids);
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

std::optional<QList<PostcodeTotal>> PageviewQuery::totals(Basis basis, std::optional<qint64> from, std::optional<qint64> to,
                                                          int limit, const QStringList &postcodes, QString *error) const
{
    const auto selected = filter(postcodes, error);
    if (!selected)
        return std::nullopt;
    QList<PostcodeTotal> result;
    if (!selected->all && selected->postcodeIds.isEmpty())
        return result;
    std::unordered_map<qint64, qint64> totals;
    if (!forEachCount(basis, Grain::Day, firstHourFrom(from), to ? firstHourFrom(to) : latestHour, *selected, error,
                      [&](qint64, qint64 postcodeId, qint64 views) { totals[postcodeId] += views; }))
        return std::nullopt;
    QList<qint64> ids;
    for (const auto &[id, views] : totals)
        if (views != 0)
            ids << id;
    const QHash<qint64, QString> texts = postcodeTexts(ids);
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
