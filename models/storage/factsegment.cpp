#include "storage/factsegment.h"

#include "storage/storageerror.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace pv {

namespace {

// The blob layouts (resources/migrations/0002_fact_segment_format.sql) are little-endian, copied with memcpy.
static_assert(std::endian::native == std::endian::little);

constexpr int format1 = 1;
constexpr int format2 = currentFactSegmentFormat;
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

size_t factSegmentEnd(const std::vector<PageviewFact> &facts, size_t start)
{
    size_t end = std::min(facts.size(), start + factsPerSegment);
    while (end < facts.size() && end > start + 1 && facts[end].userId == facts[end - 1].userId)
        --end;
    return end;
}

QByteArray encodeFactSegment(const PageviewFact *facts, size_t count)
{
    return encode(facts, count);
}

FactSegmentView::FactSegmentView(qint64 format, std::string_view data)
    : m_data(data)
    , m_format(format)
{
    columnsOf(m_format, m_data); // refuses a damaged header now, not at first use
}

size_t FactSegmentView::count() const
{
    return columnsOf(m_format, m_data).layout.count;
}

void FactSegmentView::readUsers(std::vector<PageviewFact> &facts) const
{
    const SegmentColumns columns = columnsOf(m_format, m_data);
    const ColumnLayout &layout = columns.layout;
    facts.resize(layout.count);
    readColumn(columns.users, facts.data(), layout.count, &PageviewFact::userId, layout.baseUser, layout.userWidth);
}

PageviewFact FactSegmentView::factAt(size_t i) const
{
    return pv::factAt(columnsOf(m_format, m_data), i);
}

void FactSegmentView::decode(std::vector<PageviewFact> &facts) const
{
    pv::decode(m_format, m_data, facts);
}

void FactSegmentView::factsOfUsers(const std::vector<quint64> &users, std::vector<size_t> &positions,
                                   std::vector<PageviewFact> &matched) const
{
    const SegmentColumns columns = columnsOf(m_format, m_data);
    std::vector<PageviewFact> facts;
    readUsers(facts);
    positions.clear();
    matched.clear();
    auto wanted = std::lower_bound(users.begin(), users.end(), facts.empty() ? 0 : facts.front().userId);
    for (size_t i = 0; i < facts.size() && wanted != users.end(); ++i) {
        while (wanted != users.end() && *wanted < facts[i].userId)
            ++wanted;
        if (wanted != users.end() && *wanted == facts[i].userId) {
            positions.push_back(i);
            matched.push_back(pv::factAt(columns, i));
        }
    }
}

QByteArray FactSegmentView::withPostcodes(const std::vector<size_t> &positions, const std::vector<PageviewFact> &matched) const
{
    std::vector<PageviewFact> facts;
    decode(facts);
    for (size_t k = 0; k < positions.size(); ++k)
        facts[positions[k]].postcodeId = matched[k].postcodeId;
    return encode(facts.data(), facts.size());
}

} // namespace pv
