#include "storage/sqlite/userdirectory.h"

#include "storage/sqlite/sqlitestatement.h"

#include <QScopeGuard>

#include <sqlite3.h>

#include <algorithm>
#include <cstring>

namespace pv {

namespace {
constexpr size_t usersPerBlock = 1 << 16;

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

SqliteError damagedBlock()
{
    return SqliteError{QStringLiteral("a user directory block is damaged: run pvadmin check")};
}
} // namespace

void UserDirectory::read(sqlite3 *db)
{
    m_ids.clear();
    m_postcodes.clear();
    m_newestChangeHours.clear();
    m_pending.clear();
    {
        // Room for a snapshot's new users, so build() merges them in place.
        SqliteStatement total(db, "SELECT COALESCE(SUM(MIN(MAX(users, 0), ?)), 0) FROM user_directory_blocks");
        total.bind(1, static_cast<qint64>(usersPerBlock)); // a damaged count must not decide an allocation
        const auto users = static_cast<size_t>(total.step() ? std::max<qint64>(total.int64(0), 0) : 0);
        const size_t room = users + users / 50 + usersPerBlock;
        m_ids.reserve(room);
        m_postcodes.reserve(room);
        m_newestChangeHours.reserve(room);
    }
    SqliteStatement blocks(db, "SELECT first_user, users, data FROM user_directory_blocks ORDER BY block");
    while (blocks.step()) {
        const auto firstUser = static_cast<quint64>(blocks.int64(0));
        const auto users = static_cast<size_t>(blocks.int64(1));
        const std::string_view blob = blocks.blobView(2);
        if (users > usersPerBlock)
            throw damagedBlock();
        BlockHeader header;
        if (blob.size() < sizeof header)
            throw damagedBlock();
        std::memcpy(&header, blob.data(), sizeof header);
        const bool known = (header.idWidth == 4 || header.idWidth == 8) && (header.postcodeWidth == 2 || header.postcodeWidth == 4)
            && (header.hourWidth == 2 || header.hourWidth == 4) && header.zero == 0;
        if (!known || blob.size() != sizeof header + users * (header.idWidth + header.postcodeWidth + header.hourWidth))
            throw damagedBlock();
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
    }
}

void UserDirectory::write(sqlite3 *db) const
{
    sqliteExec(db, "INSERT INTO settings (key, value) VALUES ('user_directory_generation', 1) "
                   "ON CONFLICT (key) DO UPDATE SET value = value + 1");
    sqliteExec(db, "DELETE FROM user_directory_blocks");
    SqliteStatement insert(db, "INSERT INTO user_directory_blocks (block, first_user, users, data) VALUES (?, ?, ?, ?)");
    QByteArray data;
    for (size_t start = 0, block = 0; start < m_ids.size(); start += usersPerBlock, ++block) {
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
        data.resize(static_cast<qsizetype>(sizeof header + users * (header.idWidth + header.postcodeWidth + header.hourWidth)));
        char *to = data.data();
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
        insert.bind(1, static_cast<qint64>(block)).bind(2, static_cast<qint64>(firstUser));
        insert.bind(3, static_cast<qint64>(users)).bindBlob(4, data).execute();
    }
}

qint64 UserDirectory::generation(sqlite3 *db)
{
    SqliteStatement select(db, "SELECT value FROM settings WHERE key = 'user_directory_generation'");
    return select.step() ? select.int64(0) : 0;
}

UserDirectory::Copy UserDirectory::readCopy(const QString &databasePath)
{
    sqlite3 *db = nullptr;
    const int rc = sqlite3_open_v2(databasePath.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr);
    const auto closeDb = qScopeGuard([db] { sqlite3_close(db); });
    if (rc != SQLITE_OK)
        throw SqliteError{QString::fromUtf8(sqlite3_errstr(rc))};
    sqlite3_busy_timeout(db, 10000);
    // One read transaction: the generation and the blocks are of the same moment.
    sqliteExec(db, "BEGIN");
    Copy copy;
    copy.generation = generation(db);
    copy.directory.read(db);
    sqliteExec(db, "COMMIT");
    return copy;
}

void UserDirectory::rebuildFromHistory(sqlite3 *db)
{
    // A user's current postcode is that of their newest change with one; they are in the newest snapshot
    // when their newest change gives a postcode.
    UserDirectory directory;
    SqliteStatement changes(db, "SELECT user_id, as_of, postcode_id FROM user_postcode_changes ORDER BY user_id, as_of");
    Entry entry{};
    bool haveUser = false;
    while (changes.step()) {
        const auto userId = static_cast<quint64>(changes.int64(0));
        if (haveUser && userId != entry.userId)
            directory.append(entry);
        if (!haveUser || userId != entry.userId)
            entry = {userId, 0, 0};
        haveUser = true;
        entry.newestChangeHours = static_cast<qint32>(changes.int64(1) / secondsPerHour);
        if (changes.isNull(2))
            entry.packedPostcode &= postcodeMask;
        else
            entry.packedPostcode = (static_cast<quint32>(changes.int64(2)) & postcodeMask) | inLatestFlag;
    }
    if (haveUser)
        directory.append(entry);
    directory.write(db);
}

void UserDirectory::append(const Entry &entry)
{
    m_ids.push_back(entry.userId);
    m_postcodes.push_back(entry.packedPostcode);
    m_newestChangeHours.push_back(entry.newestChangeHours);
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
