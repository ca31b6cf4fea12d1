#include "factstore.h"

#include "sqlitestatement.h"

#include <QByteArray>

#include <algorithm>
#include <cstring>

namespace pv {

namespace {
constexpr size_t factsPerSegment = 1 << 16;

// A segment's blob holds four arrays: user ids (u64), hours (i64), postcodes (u32), views (u32).
constexpr size_t bytesPerFact = sizeof(quint64) + sizeof(qint64) + 2 * sizeof(quint32);

QByteArray encode(const PageviewFact *facts, size_t count)
{
    QByteArray data(static_cast<qsizetype>(count * bytesPerFact), Qt::Uninitialized);
    char *users = data.data();
    char *hours = users + count * sizeof(quint64);
    char *postcodes = hours + count * sizeof(qint64);
    char *views = postcodes + count * sizeof(quint32);
    for (size_t i = 0; i < count; ++i) {
        std::memcpy(users + i * sizeof(quint64), &facts[i].userId, sizeof(quint64));
        std::memcpy(hours + i * sizeof(qint64), &facts[i].hour, sizeof(qint64));
        std::memcpy(postcodes + i * sizeof(quint32), &facts[i].postcodeId, sizeof(quint32));
        std::memcpy(views + i * sizeof(quint32), &facts[i].views, sizeof(quint32));
    }
    return data;
}

void decode(const QByteArray &data, std::vector<PageviewFact> &facts)
{
    const size_t count = static_cast<size_t>(data.size()) / bytesPerFact;
    if (count * bytesPerFact != static_cast<size_t>(data.size()))
        throw SqliteError{QStringLiteral("a pageview fact segment has the wrong size: run pvadmin check")};
    facts.resize(count);
    const char *users = data.constData();
    const char *hours = users + count * sizeof(quint64);
    const char *postcodes = hours + count * sizeof(qint64);
    const char *views = postcodes + count * sizeof(quint32);
    for (size_t i = 0; i < count; ++i) {
        std::memcpy(&facts[i].userId, users + i * sizeof(quint64), sizeof(quint64));
        std::memcpy(&facts[i].hour, hours + i * sizeof(qint64), sizeof(qint64));
        std::memcpy(&facts[i].postcodeId, postcodes + i * sizeof(quint32), sizeof(quint32));
        std::memcpy(&facts[i].views, views + i * sizeof(quint32), sizeof(quint32));
    }
}
} // namespace

FactStore::FactStore(sqlite3 *db)
    : m_db(db)
{
}

void FactStore::append(qint64 loadId, const std::vector<PageviewFact> &facts)
{
    SqliteStatement insert(m_db, "INSERT INTO pageview_fact_segments (load_id, first_user, last_user, facts, data) "
                                 "VALUES (?, ?, ?, ?, ?)");
    for (size_t start = 0; start < facts.size();) {
        // A user's facts never straddle two segments, so a segment's user range says where a user is.
        size_t end = std::min(facts.size(), start + factsPerSegment);
        while (end < facts.size() && end > start + 1 && facts[end].userId == facts[end - 1].userId)
            --end;
        const QByteArray data = encode(facts.data() + start, end - start);
        insert.bind(1, loadId).bind(2, static_cast<qint64>(facts[start].userId));
        insert.bind(3, static_cast<qint64>(facts[end - 1].userId)).bind(4, static_cast<qint64>(end - start));
        insert.bindBlob(5, data).execute();
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
    SqliteStatement select(m_db, "SELECT data FROM pageview_fact_segments WHERE load_id = ? ORDER BY first_user");
    select.bind(1, loadId);
    while (select.step()) {
        decode(select.blob(0), segment);
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
    SqliteStatement read(m_db, "SELECT data FROM pageview_fact_segments WHERE id = ?");
    SqliteStatement write(m_db, "UPDATE pageview_fact_segments SET data = ? WHERE id = ?");
    std::vector<PageviewFact> facts;
    for (const Segment &segment : touched) {
        read.bind(1, segment.id);
        if (!read.step()) {
            read.reset();
            continue;
        }
        decode(read.blob(0), facts);
        read.reset();
        if (visit(segment.loadId, facts))
            write.bindBlob(1, encode(facts.data(), facts.size())).bind(2, segment.id).execute();
    }
}

std::vector<std::pair<qint64, PageviewFact>> FactStore::userFacts(quint64 userId)
{
    std::vector<std::pair<qint64, PageviewFact>> result;
    SqliteStatement select(m_db, "SELECT s.load_id, s.data FROM pageview_windows w JOIN pageview_fact_segments s "
                                 "ON s.load_id = w.run_id AND s.first_user <= ?1 AND s.last_user >= ?1");
    select.bind(1, static_cast<qint64>(userId));
    std::vector<PageviewFact> facts;
    while (select.step()) {
        decode(select.blob(1), facts);
        auto it = std::lower_bound(facts.begin(), facts.end(), userId,
                                   [](const PageviewFact &f, quint64 id) { return f.userId < id; });
        for (; it != facts.end() && it->userId == userId; ++it)
            result.emplace_back(select.int64(0), *it);
    }
    return result;
}

void FactStore::forEach(const std::function<void(qint64, const PageviewFact &)> &visit)
{
    SqliteStatement select(m_db, "SELECT load_id, data FROM pageview_fact_segments ORDER BY load_id, first_user");
    std::vector<PageviewFact> facts;
    while (select.step()) {
        decode(select.blob(1), facts);
        const qint64 loadId = select.int64(0);
        for (const PageviewFact &f : facts)
            visit(loadId, f);
    }
}

} // namespace pv
