#include "storage/sqlite/factstore.h"

#include "storage/sqlite/sqlitestatement.h"

#include <QByteArray>

#include <string_view>

#include <algorithm>
#include <bit>
#include <cstring>

namespace pv {

namespace {
constexpr size_t factsPerSegment = 1 << 16;

// The blob layouts (resources/migrations/0002_fact_segment_format.sql) are little-endian, copied with memcpy.
static_assert(std::endian::native == std::endian::little);

constexpr int format1 = 1;
constexpr int format2 = 2;
constexpr size_t format1BytesPerFact = sizeof(quint64) + sizeof(qint64) + 2 * sizeof(quint32);
// format byte, four column widths, u32 fact count, u64 base user, i64 base hour.
constexpr size_t format2HeaderSize = 1 + 4 + sizeof(quint32) + sizeof(quint64) + sizeof(qint64);

// How a segment's four columns are stored: each value is base + an offset of width bytes (modulo 2^64, so
// the base hour is the i64 hour's two's complement). Format 1 is the same with full widths and bases 0, so
// one decoder serves both.
struct ColumnLayout
{
    size_t count;
    quint8 userWidth, hourWidth, postcodeWidth, viewsWidth;
    quint64 baseUser, baseHour;

    size_t bytesPerFact() const { return size_t{userWidth} + hourWidth + postcodeWidth + viewsWidth; }
};

StorageError damaged()
{
    return StorageError{QStringLiteral("a pageview fact segment is damaged: run pvadmin check")};
}

template <typename T>
char *put(char *out, T value)
{
    std::memcpy(out, &value, sizeof value);
    return out + sizeof value;
}

template <typename T>
const char *take(const char *in, T &value)
{
    std::memcpy(&value, in, sizeof value);
    return in + sizeof value;
}

quint8 widthFor(quint64 widest)
{
    return widest <= 0xff ? 1 : widest <= 0xffff ? 2 : widest <= 0xffffffff ? 4 : 8;
}

// Offsets wrap modulo 2^64, so any base works and negative hours round-trip.
template <typename Value>
quint64 maxOffset(const PageviewFact *facts, size_t count, Value PageviewFact::*field, quint64 base)
{
    quint64 widest = 0;
    for (size_t i = 0; i < count; ++i)
        widest = std::max(widest, static_cast<quint64>(facts[i].*field) - base);
    return widest;
}

template <typename Offset, typename Value>
void writeOffsets(char *out, const PageviewFact *facts, size_t count, Value PageviewFact::*field, quint64 base)
{
    for (size_t i = 0; i < count; ++i) {
        const auto offset = static_cast<Offset>(static_cast<quint64>(facts[i].*field) - base);
        std::memcpy(out + i * sizeof(Offset), &offset, sizeof(Offset));
    }
}

template <typename Offset, typename Value>
void readOffsets(const char *in, PageviewFact *facts, size_t count, Value PageviewFact::*field, quint64 base)
{
    for (size_t i = 0; i < count; ++i) {
        Offset offset;
        std::memcpy(&offset, in + i * sizeof(Offset), sizeof(Offset));
        facts[i].*field = static_cast<Value>(base + offset);
    }
}

// Calls column with a zero of the unsigned type width bytes wide: the width is chosen once a column, so each
// column is one tight loop, never a branch a fact.
template <typename Column>
void atWidth(quint8 width, Column &&column)
{
    switch (width) {
    case 1: column(quint8{}); break;
    case 2: column(quint16{}); break;
    case 4: column(quint32{}); break;
    default: column(quint64{}); break;
    }
}

template <typename Value>
char *writeColumn(char *out, const PageviewFact *facts, size_t count, Value PageviewFact::*field, quint64 base,
                  quint8 width)
{
    atWidth(width, [&](auto offset) { writeOffsets<decltype(offset)>(out, facts, count, field, base); });
    return out + count * width;
}

template <typename Value>
const char *readColumn(const char *in, PageviewFact *facts, size_t count, Value PageviewFact::*field, quint64 base,
                       quint8 width)
{
    atWidth(width, [&](auto offset) { readOffsets<decltype(offset)>(in, facts, count, field, base); });
    return in + count * width;
}

// Always format 2: user ids from the first user, hours from the segment's earliest hour, postcodes and views
// from 0, each at the narrowest of 1, 2, 4 or 8 bytes its range in this segment allows.
QByteArray encode(const PageviewFact *facts, size_t count)
{
    const quint64 baseUser = count ? facts[0].userId : 0;
    const auto byHour = [](const PageviewFact &a, const PageviewFact &b) { return a.hour < b.hour; };
    const quint64 baseHour = count ? static_cast<quint64>(std::min_element(facts, facts + count, byHour)->hour) : 0;
    const ColumnLayout layout{count,
                              widthFor(maxOffset(facts, count, &PageviewFact::userId, baseUser)),
                              widthFor(maxOffset(facts, count, &PageviewFact::hour, baseHour)),
                              widthFor(maxOffset(facts, count, &PageviewFact::postcodeId, 0)),
                              widthFor(maxOffset(facts, count, &PageviewFact::views, 0)),
                              baseUser,
                              baseHour};

    QByteArray data(static_cast<qsizetype>(format2HeaderSize + count * layout.bytesPerFact()), Qt::Uninitialized);
    char *out = data.data();
    for (const quint8 byte : {quint8{format2}, layout.userWidth, layout.hourWidth, layout.postcodeWidth, layout.viewsWidth})
        out = put(out, byte);
    out = put(out, static_cast<quint32>(count));
    out = put(out, baseUser);
    out = put(out, baseHour);
    out = writeColumn(out, facts, count, &PageviewFact::userId, baseUser, layout.userWidth);
    out = writeColumn(out, facts, count, &PageviewFact::hour, baseHour, layout.hourWidth);
    out = writeColumn(out, facts, count, &PageviewFact::postcodeId, 0, layout.postcodeWidth);
    writeColumn(out, facts, count, &PageviewFact::views, 0, layout.viewsWidth);
    return data;
}

ColumnLayout format1Layout(std::string_view data)
{
    const size_t count = static_cast<size_t>(data.size()) / format1BytesPerFact;
    if (count * format1BytesPerFact != static_cast<size_t>(data.size()))
        throw damaged();
    return {count, sizeof(quint64), sizeof(qint64), sizeof(quint32), sizeof(quint32), 0, 0};
}

// Refuses any header whose widths or count do not match the blob, so decoding never reads past its end.
ColumnLayout format2Layout(std::string_view data)
{
    if (static_cast<size_t>(data.size()) < format2HeaderSize)
        throw damaged();
    const char *in = data.data();
    quint8 format;
    quint32 count;
    ColumnLayout layout{};
    for (quint8 *byte : {&format, &layout.userWidth, &layout.hourWidth, &layout.postcodeWidth, &layout.viewsWidth})
        in = take(in, *byte);
    in = take(in, count);
    in = take(in, layout.baseUser);
    take(in, layout.baseHour);
    layout.count = count;
    // Postcode ids and views are 32-bit values: a wider column could only be damage.
    const auto valid = [](quint8 width, quint8 widest) { return std::has_single_bit(width) && width <= widest; };
    if (format != format2 || !valid(layout.userWidth, 8) || !valid(layout.hourWidth, 8)
        || !valid(layout.postcodeWidth, 4) || !valid(layout.viewsWidth, 4)
        || static_cast<size_t>(data.size()) != format2HeaderSize + layout.count * layout.bytesPerFact())
        throw damaged();
    return layout;
}

// Where a segment's four columns start, so single facts can be read without decoding the segment.
struct SegmentColumns
{
    ColumnLayout layout;
    const char *users, *hours, *postcodes, *views;
};

SegmentColumns columnsOf(qint64 format, std::string_view data)
{
    SegmentColumns columns;
    const char *in = data.data();
    if (format == format1) {
        columns.layout = format1Layout(data);
    } else if (format == format2) {
        columns.layout = format2Layout(data);
        in += format2HeaderSize;
    } else {
        throw damaged();
    }
    const ColumnLayout &layout = columns.layout;
    columns.users = in;
    columns.hours = columns.users + layout.count * layout.userWidth;
    columns.postcodes = columns.hours + layout.count * layout.hourWidth;
    columns.views = columns.postcodes + layout.count * layout.postcodeWidth;
    return columns;
}

void decode(qint64 format, std::string_view data, std::vector<PageviewFact> &facts)
{
    const SegmentColumns columns = columnsOf(format, data);
    const ColumnLayout &layout = columns.layout;
    facts.resize(layout.count);
    readColumn(columns.users, facts.data(), layout.count, &PageviewFact::userId, layout.baseUser, layout.userWidth);
    readColumn(columns.hours, facts.data(), layout.count, &PageviewFact::hour, layout.baseHour, layout.hourWidth);
    readColumn(columns.postcodes, facts.data(), layout.count, &PageviewFact::postcodeId, 0, layout.postcodeWidth);
    readColumn(columns.views, facts.data(), layout.count, &PageviewFact::views, 0, layout.viewsWidth);
}

quint64 valueAt(const char *column, quint8 width, quint64 base, size_t i)
{
    quint64 value = 0;
    atWidth(width, [&](auto offset) {
        std::memcpy(&offset, column + i * sizeof offset, sizeof offset);
        value = base + offset;
    });
    return value;
}

PageviewFact factAt(const SegmentColumns &columns, size_t i)
{
    const ColumnLayout &layout = columns.layout;
    return {valueAt(columns.users, layout.userWidth, layout.baseUser, i),
            static_cast<qint64>(valueAt(columns.hours, layout.hourWidth, layout.baseHour, i)),
            static_cast<quint32>(valueAt(columns.postcodes, layout.postcodeWidth, 0, i)),
            static_cast<quint32>(valueAt(columns.views, layout.viewsWidth, 0, i))};
}
} // namespace

FactStore::FactStore(sqlite3 *db)
    : m_db(db)
{
}

void FactStore::append(qint64 loadId, const std::vector<PageviewFact> &facts)
{
    SqliteStatement insert(m_db, "INSERT INTO pageview_fact_segments (load_id, first_user, last_user, facts, format, data) "
                                 "VALUES (?, ?, ?, ?, ?, ?)");
    for (size_t start = 0; start < facts.size();) {
        // A user's facts never straddle two segments, so a segment's user range says where a user is.
        size_t end = std::min(facts.size(), start + factsPerSegment);
        while (end < facts.size() && end > start + 1 && facts[end].userId == facts[end - 1].userId)
            --end;
        const QByteArray data = encode(facts.data() + start, end - start);
        insert.bind(1, loadId).bind(2, static_cast<qint64>(facts[start].userId));
        insert.bind(3, static_cast<qint64>(facts[end - 1].userId)).bind(4, static_cast<qint64>(end - start));
        insert.bind(5, format2).bindBlob(6, data).execute();
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
        decode(select.int64(0), select.blobView(1), segment);
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
    // Only the user column is decoded to find the users; the segment is decoded whole only to write it back.
    SqliteStatement read(m_db, "SELECT format, data FROM pageview_fact_segments WHERE id = ?");
    SqliteStatement write(m_db, "UPDATE pageview_fact_segments SET format = ?, data = ? WHERE id = ?");
    std::vector<PageviewFact> facts, matched;
    std::vector<size_t> positions;
    for (const Segment &segment : touched) {
        read.bind(1, segment.id);
        if (!read.step()) {
            read.reset();
            continue;
        }
        const qint64 format = read.int64(0);
        const std::string_view data = read.blobView(1);
        const SegmentColumns columns = columnsOf(format, data);
        const ColumnLayout &layout = columns.layout;
        facts.resize(layout.count);
        readColumn(columns.users, facts.data(), layout.count, &PageviewFact::userId, layout.baseUser, layout.userWidth);
        positions.clear();
        matched.clear();
        auto wanted = std::lower_bound(users.begin(), users.end(), layout.count ? facts.front().userId : 0);
        for (size_t i = 0; i < layout.count && wanted != users.end(); ++i) {
            while (wanted != users.end() && *wanted < facts[i].userId)
                ++wanted;
            if (wanted != users.end() && *wanted == facts[i].userId) {
                positions.push_back(i);
                matched.push_back(factAt(columns, i));
            }
        }
        if (matched.empty() || !visit(segment.loadId, matched)) {
            read.reset();
            continue;
        }
        decode(format, data, facts);
        read.reset();
        for (size_t k = 0; k < positions.size(); ++k)
            facts[positions[k]].postcodeId = matched[k].postcodeId;
        write.bind(1, format2).bindBlob(2, encode(facts.data(), facts.size())).bind(3, segment.id).execute();
    }
}

std::vector<std::pair<qint64, PageviewFact>> FactStore::userFacts(quint64 userId)
{
    std::vector<std::pair<qint64, PageviewFact>> result;
    SqliteStatement select(m_db, "SELECT s.load_id, s.format, s.data FROM pageview_windows w JOIN pageview_fact_segments s "
                                 "ON s.load_id = w.run_id AND s.first_user <= ?1 AND s.last_user >= ?1");
    select.bind(1, static_cast<qint64>(userId));
    std::vector<PageviewFact> facts;
    while (select.step()) {
        decode(select.int64(1), select.blobView(2), facts);
        auto it = std::lower_bound(facts.begin(), facts.end(), userId,
                                   [](const PageviewFact &f, quint64 id) { return f.userId < id; });
        for (; it != facts.end() && it->userId == userId; ++it)
            result.emplace_back(select.int64(0), *it);
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
        decode(select.int64(2), select.blobView(3), facts);
        if (!visit(static_cast<quint64>(select.int64(0)), static_cast<quint64>(select.int64(1)), facts))
            return;
    }
}

} // namespace pv
