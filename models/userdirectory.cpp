#include "userdirectory.h"

#include "sqlitestatement.h"

#include <QScopeGuard>

#include <sqlite3.h>

#include <algorithm>
#include <cstring>

namespace pv {

namespace {
constexpr size_t usersPerBlock = 1 << 16;

template <typename T>
void copyOut(const char *&from, T *to, size_t count)
{
    std::memcpy(to, from, count * sizeof(T));
    from += count * sizeof(T);
}

template <typename T>
void copyIn(char *&to, const T *from, size_t count)
{
    std::memcpy(to, from, count * sizeof(T));
    to += count * sizeof(T);
}
} // namespace

void UserDirectory::read(sqlite3 *db)
{
    m_ids.clear();
    m_postcodes.clear();
    m_newestChangeHours.clear();
    m_pending.clear();
    SqliteStatement blocks(db, "SELECT first_user, users, data FROM user_directory_blocks ORDER BY block");
    std::vector<quint32> offsets;
    while (blocks.step()) {
        const auto firstUser = static_cast<quint64>(blocks.int64(0));
        const auto users = static_cast<size_t>(blocks.int64(1));
        const std::string_view blob = blocks.blobView(2);
        const size_t bytes = blob.size();
        const bool wideIds = bytes == users * (sizeof(quint64) + 2 * sizeof(quint32));
        if (!wideIds && bytes != users * 3 * sizeof(quint32))
            throw SqliteError{QStringLiteral("user directory block has the wrong size: run pvadmin check")};
        const size_t start = m_ids.size();
        m_ids.resize(start + users);
        m_postcodes.resize(start + users);
        m_newestChangeHours.resize(start + users);
        const char *from = blob.data();
        if (wideIds) {
            copyOut(from, m_ids.data() + start, users);
        } else {
            offsets.resize(users);
            copyOut(from, offsets.data(), users);
            for (size_t i = 0; i < users; ++i)
                m_ids[start + i] = firstUser + offsets[i];
        }
        copyOut(from, m_postcodes.data() + start, users);
        copyOut(from, m_newestChangeHours.data() + start, users);
    }
}

void UserDirectory::write(sqlite3 *db) const
{
    sqliteExec(db, "INSERT INTO settings (key, value) VALUES ('user_directory_generation', 1) "
                   "ON CONFLICT (key) DO UPDATE SET value = value + 1");
    sqliteExec(db, "DELETE FROM user_directory_blocks");
    SqliteStatement insert(db, "INSERT INTO user_directory_blocks (block, first_user, users, data) VALUES (?, ?, ?, ?)");
    QByteArray data;
    std::vector<quint32> offsets;
    for (size_t start = 0, block = 0; start < m_ids.size(); start += usersPerBlock, ++block) {
        const size_t users = std::min(usersPerBlock, m_ids.size() - start);
        const quint64 firstUser = m_ids[start];
        const bool wideIds = m_ids[start + users - 1] - firstUser > 0xffffffffu;
        data.resize(static_cast<qsizetype>(users * ((wideIds ? sizeof(quint64) : sizeof(quint32)) + 2 * sizeof(quint32))));
        char *to = data.data();
        if (wideIds) {
            copyIn(to, m_ids.data() + start, users);
        } else {
            offsets.resize(users);
            for (size_t i = 0; i < users; ++i)
                offsets[i] = static_cast<quint32>(m_ids[start + i] - firstUser);
            copyIn(to, offsets.data(), users);
        }
        copyIn(to, m_postcodes.data() + start, users);
        copyIn(to, m_newestChangeHours.data() + start, users);
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

quint32 UserDirectory::currentPostcode(quint64 userId) const
{
    const size_t i = find(userId);
    return i < size() ? postcodeId(i) : 0;
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
    UserDirectory merged;
    merged.m_ids.reserve(m_ids.size() + m_pending.size());
    merged.m_postcodes.reserve(merged.m_ids.capacity());
    merged.m_newestChangeHours.reserve(merged.m_ids.capacity());
    size_t a = 0, b = 0;
    while (a < m_ids.size() || b < m_pending.size()) {
        if (b == m_pending.size() || (a < m_ids.size() && m_ids[a] < m_pending[b].userId)) {
            merged.append({m_ids[a], m_postcodes[a], m_newestChangeHours[a]});
            ++a;
        } else {
            merged.append(m_pending[b++]);
        }
    }
    m_ids.swap(merged.m_ids);
    m_postcodes.swap(merged.m_postcodes);
    m_newestChangeHours.swap(merged.m_newestChangeHours);
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
