#include "history/userdirectory.h"

#include <algorithm>
#include <cstring>

namespace pv {

namespace {
// A block: an 8-byte header (the widths in bytes of the id, postcode and newest-change columns, a zero,
// and the i32 hour the newest changes count from), then the three columns, each at the narrowest width
// the block's values allow: ids as u32 (or u64) offsets from first_user; postcode ids as u16 (or u32) with
// the in-newest-snapshot flag in the top bit; newest changes as u16 (or i32) hours after the base hour.
// A 20M-user directory is 8 bytes a user, and a users snapshot rewrites all of it.
struct BlockHeader
{
    quint8 idWidth, postcodeWidth, hourWidth, zero;
    qint32 baseHour;
};
static_assert(sizeof(BlockHeader) == 8);

template <typename Stored, typename Value, typename Encode>
char *putColumn(char *to, const Value *values, size_t count, Encode encode)
{
    for (size_t i = 0; i < count; ++i) {
        const auto stored = static_cast<Stored>(encode(values[i]));
        std::memcpy(to + i * sizeof(Stored), &stored, sizeof(Stored));
    }
    return to + count * sizeof(Stored);
}

template <typename Stored, typename Value, typename Decode>
const char *takeColumn(const char *from, Value *values, size_t count, Decode decode)
{
    for (size_t i = 0; i < count; ++i) {
        Stored stored;
        std::memcpy(&stored, from + i * sizeof(Stored), sizeof(Stored));
        values[i] = static_cast<Value>(decode(stored));
    }
    return from + count * sizeof(Stored);
}
} // namespace

void UserDirectory::startDecoding(qint64 users)
{
    m_ids.clear();
    m_postcodes.clear();
    m_newestChangeHours.clear();
    m_pending.clear();
    m_removed.clear();
    const auto count = static_cast<size_t>(std::max<qint64>(users, 0));
    const size_t room = count + count / 50 + usersPerBlock;
    m_ids.reserve(room);
    m_postcodes.reserve(room);
    m_newestChangeHours.reserve(room);
}

bool UserDirectory::decodeBlock(quint64 firstUser, qint64 storedUsers, std::string_view blob)
{
    if (storedUsers < 0 || storedUsers > qint64(usersPerBlock))
        return false;
    const auto users = static_cast<size_t>(storedUsers);
    BlockHeader header;
    if (blob.size() < sizeof header)
        return false;
    std::memcpy(&header, blob.data(), sizeof header);
    const bool known = (header.idWidth == 4 || header.idWidth == 8) && (header.postcodeWidth == 2 || header.postcodeWidth == 4)
        && (header.hourWidth == 2 || header.hourWidth == 4) && header.zero == 0;
    if (!known || blob.size() != sizeof header + users * (header.idWidth + header.postcodeWidth + header.hourWidth))
        return false;
    const size_t start = m_ids.size();
    m_ids.resize(start + users);
    m_postcodes.resize(start + users);
    m_newestChangeHours.resize(start + users);
    const char *from = blob.data() + sizeof header;
    const auto offsetFrom = [](quint64 base) { return [base](auto offset) { return base + offset; }; };
    from = header.idWidth == 4 ? takeColumn<quint32>(from, m_ids.data() + start, users, offsetFrom(firstUser))
                               : takeColumn<quint64>(from, m_ids.data() + start, users, offsetFrom(0));
    from = header.postcodeWidth == 2
        ? takeColumn<quint16>(from, m_postcodes.data() + start, users,
                              [](quint16 p) { return quint32(p & 0x7fff) | (p & 0x8000 ? inLatestFlag : 0); })
        : takeColumn<quint32>(from, m_postcodes.data() + start, users, [](quint32 p) { return p; });
    if (header.hourWidth == 2)
        takeColumn<quint16>(from, m_newestChangeHours.data() + start, users,
                            [base = header.baseHour](quint16 h) { return base + h; });
    else
        takeColumn<qint32>(from, m_newestChangeHours.data() + start, users, [](qint32 h) { return h; });
    return true;
}

UserDirectory::Block UserDirectory::encodeBlock(size_t block) const
{
    const size_t start = block * usersPerBlock;
    const size_t users = std::min(usersPerBlock, m_ids.size() - start);
    const quint64 *ids = m_ids.data() + start;
    const quint32 *postcodes = m_postcodes.data() + start;
    const qint32 *hours = m_newestChangeHours.data() + start;
    quint32 maxPostcode = 0;
    for (size_t i = 0; i < users; ++i)
        maxPostcode = std::max(maxPostcode, postcodes[i] & postcodeMask);
    const auto [minHour, maxHour] = std::minmax_element(hours, hours + users);
    BlockHeader header{};
    header.idWidth = ids[users - 1] - ids[0] > 0xffffffffu ? 8 : 4;
    header.postcodeWidth = maxPostcode < 0x8000 ? 2 : 4;
    header.hourWidth = qint64(*maxHour) - *minHour < 0x10000 ? 2 : 4;
    header.baseHour = header.hourWidth == 2 ? *minHour : 0;
    Block result;
    result.firstUser = ids[0];
    result.users = static_cast<qint64>(users);
    result.data.resize(static_cast<qsizetype>(sizeof header + users * (header.idWidth + header.postcodeWidth + header.hourWidth)));
    char *to = result.data.data();
    std::memcpy(to, &header, sizeof header);
    to += sizeof header;
    const quint64 firstUser = ids[0];
    to = header.idWidth == 4 ? putColumn<quint32>(to, ids, users, [=](quint64 id) { return id - firstUser; })
                             : putColumn<quint64>(to, ids, users, [](quint64 id) { return id; });
    to = header.postcodeWidth == 2
        ? putColumn<quint16>(to, postcodes, users,
                             [](quint32 p) { return (p & postcodeMask) | (p & inLatestFlag ? 0x8000u : 0u); })
        : putColumn<quint32>(to, postcodes, users, [](quint32 p) { return p; });
    if (header.hourWidth == 2)
        putColumn<quint16>(to, hours, users, [base = header.baseHour](qint32 h) { return h - base; });
    else
        putColumn<qint32>(to, hours, users, [](qint32 h) { return h; });
    return result;
}

size_t UserDirectory::find(quint64 userId) const
{
    const auto it = std::lower_bound(m_ids.begin(), m_ids.end(), userId);
    return it != m_ids.end() && *it == userId ? static_cast<size_t>(it - m_ids.begin()) : m_ids.size();
}

void UserDirectory::set(size_t known, quint64 userId, quint32 postcodeId, bool inLatest, qint64 newestChange)
{
    const Entry entry{userId, (postcodeId & postcodeMask) | (inLatest ? inLatestFlag : 0),
                      static_cast<qint32>(newestChange / secondsPerHour)};
    if (const size_t i = known; i < size()) {
        m_postcodes[i] = entry.packedPostcode;
        m_newestChangeHours[i] = entry.newestChangeHours;
    } else {
        m_pending.push_back(entry);
    }
}

void UserDirectory::remove(quint64 userId)
{
    m_removed.push_back(userId);
}

void UserDirectory::build()
{
    if (!m_removed.empty()) {
        std::sort(m_removed.begin(), m_removed.end());
        size_t out = 0;
        for (size_t i = 0; i < m_ids.size(); ++i) {
            if (std::binary_search(m_removed.begin(), m_removed.end(), m_ids[i]))
                continue;
            m_ids[out] = m_ids[i];
            m_postcodes[out] = m_postcodes[i];
            m_newestChangeHours[out++] = m_newestChangeHours[i];
        }
        m_ids.resize(out);
        m_postcodes.resize(out);
        m_newestChangeHours.resize(out);
        m_removed.clear();
    }
    if (m_pending.empty())
        return;
    std::sort(m_pending.begin(), m_pending.end());
    // Merged in place from the back: read() left room, so 20M users are not copied to add a few.
    const size_t old = m_ids.size();
    const size_t total = old + m_pending.size();
    m_ids.resize(total);
    m_postcodes.resize(total);
    m_newestChangeHours.resize(total);
    for (size_t a = old, b = m_pending.size(), out = total; b > 0;) {
        --out;
        if (a > 0 && m_ids[a - 1] > m_pending[b - 1].userId) {
            --a;
            m_ids[out] = m_ids[a];
            m_postcodes[out] = m_postcodes[a];
            m_newestChangeHours[out] = m_newestChangeHours[a];
        } else {
            --b;
            m_ids[out] = m_pending[b].userId;
            m_postcodes[out] = m_pending[b].packedPostcode;
            m_newestChangeHours[out] = m_pending[b].newestChangeHours;
        }
    }
    m_pending.clear();
}

size_t UserDirectory::Cursor::seek(quint64 userId)
{
    const auto &ids = m_directory.m_ids;
    // Gallop forward from the last position: merge joins of two sorted lists stay linear.
    size_t step = 1;
    size_t low = m_position;
    while (low + step < ids.size() && ids[low + step] < userId) {
        low += step;
        step *= 2;
    }
    const auto begin = ids.begin() + static_cast<std::ptrdiff_t>(low);
    const auto end = ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), low + step + 1));
    const auto it = std::lower_bound(begin, end, userId);
    m_position = static_cast<size_t>(it - ids.begin());
    return it != ids.end() && *it == userId ? m_position : ids.size();
}

} // namespace pv
