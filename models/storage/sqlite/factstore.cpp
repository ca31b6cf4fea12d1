#include "storage/sqlite/factstore.h"

#include "storage/factsegment.h"
#include "storage/sqlite/sqlitestatement.h"

#include <algorithm>

namespace pv {

FactStore::FactStore(sqlite3 *db)
    : m_db(db)
{
}

void FactStore::append(qint64 loadId, const std::vector<PageviewFact> &facts)
{
    SqliteStatement insert(m_db, "INSERT INTO pageview_fact_segments (load_id, first_user, last_user, facts, format, data) "
                                 "VALUES (?, ?, ?, ?, ?, ?)");
    for (size_t start = 0; start < facts.size();) {
        const size_t end = factSegmentEnd(facts, start);
        const QByteArray data = encodeFactSegment(facts.data() + start, end - start);
        insert.bind(1, loadId).bind(2, static_cast<qint64>(facts[start].userId));
        insert.bind(3, static_cast<qint64>(facts[end - 1].userId)).bind(4, static_cast<qint64>(end - start));
        insert.bind(5, currentFactSegmentFormat).bindBlob(6, data).execute();
        start = end;
    }
}

void FactStore::remove(qint64 loadId)
{
    SqliteStatement(m_db, "DELETE FROM pageview_fact_segments WHERE load_id = ?").bind(1, loadId).execute();
}

std::vector<PageviewFact> FactStore::loadFacts(qint64 loadId)
{
    std::vector<PageviewFact> all, segment;
    SqliteStatement select(m_db, "SELECT format, data FROM pageview_fact_segments WHERE load_id = ? ORDER BY first_user");
    select.bind(1, loadId);
    while (select.step()) {
        FactSegmentView(select.int64(0), select.blobView(1)).decode(segment);
        all.insert(all.end(), segment.begin(), segment.end());
    }
    return all;
}

void FactStore::update(const std::vector<quint64> &users,
                       const std::function<bool(qint64, std::vector<PageviewFact> &)> &visit)
{
    if (users.empty())
        return;
    struct Segment
    {
        qint64 id, loadId;
    };
    std::vector<Segment> touched;
    {
        SqliteStatement ranges(m_db, "SELECT s.id, s.load_id, s.first_user, s.last_user FROM pageview_fact_segments s "
                                     "JOIN pageview_windows w ON w.run_id = s.load_id");
        while (ranges.step()) {
            const auto first = static_cast<quint64>(ranges.int64(2));
            const auto last = static_cast<quint64>(ranges.int64(3));
            const auto it = std::lower_bound(users.begin(), users.end(), first);
            if (it != users.end() && *it <= last)
                touched.push_back({ranges.int64(0), ranges.int64(1)});
        }
    }
    SqliteStatement read(m_db, "SELECT format, data FROM pageview_fact_segments WHERE id = ?");
    SqliteStatement write(m_db, "UPDATE pageview_fact_segments SET format = ?, data = ? WHERE id = ?");
    std::vector<PageviewFact> matched;
    std::vector<size_t> positions;
    for (const Segment &segment : touched) {
        read.bind(1, segment.id);
        if (!read.step()) {
            read.reset();
            continue;
        }
        const FactSegmentView stored(read.int64(0), read.blobView(1));
        stored.factsOfUsers(users, positions, matched);
        if (matched.empty() || !visit(segment.loadId, matched)) {
            read.reset();
            continue;
        }
        const QByteArray data = stored.withPostcodes(positions, matched);
        read.reset();
        write.bind(1, currentFactSegmentFormat).bindBlob(2, data).bind(3, segment.id).execute();
    }
}

std::vector<std::pair<qint64, PageviewFact>> FactStore::userFacts(quint64 userId)
{
    std::vector<std::pair<qint64, PageviewFact>> result;
    SqliteStatement select(m_db, "SELECT s.load_id, s.format, s.data FROM pageview_windows w JOIN pageview_fact_segments s "
                                 "ON s.load_id = w.run_id AND s.first_user <= ?1 AND s.last_user >= ?1");
    select.bind(1, static_cast<qint64>(userId));
    const std::vector<quint64> users{userId};
    std::vector<PageviewFact> facts;
    std::vector<size_t> positions;
    while (select.step()) {
        FactSegmentView(select.int64(1), select.blobView(2)).factsOfUsers(users, positions, facts);
        for (const PageviewFact &fact : facts)
            result.emplace_back(select.int64(0), fact);
    }
    return result;
}

void FactStore::forEachSegment(qint64 loadId,
                               const std::function<bool(quint64, quint64, const std::vector<PageviewFact> &)> &visit)
{
    SqliteStatement select(m_db, "SELECT first_user, last_user, format, data FROM pageview_fact_segments "
                                 "WHERE load_id = ? ORDER BY first_user");
    select.bind(1, loadId);
    std::vector<PageviewFact> facts;
    while (select.step()) {
        FactSegmentView(select.int64(2), select.blobView(3)).decode(facts);
        if (!visit(static_cast<quint64>(select.int64(0)), static_cast<quint64>(select.int64(1)), facts))
            return;
    }
}

} // namespace pv
