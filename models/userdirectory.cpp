#include "userdirectory.h"

#include "sqlitestatement.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>

namespace pv {

namespace {
constexpr size_t usersPerBlock = 1 << 16;
}

void UserDirectory::read(sqlite3 *db)
{
    m_ids.clear();
    m_postcodes.clear();
    m_pending.clear();
    SqliteStatement blocks(db, "SELECT users, data FROM user_directory_blocks ORDER BY block");
    while (blocks.step()) {
        const auto users = static_cast<size_t>(blocks.int64(0));
        const QByteArray data = blocks.blob(1);
        if (static_cast<size_t>(data.size()) != users * (sizeof(quint64) + sizeof(quint32)))
            throw SqliteError{QStringLiteral("user directory block has the wrong size: run pvadmin check")};
        const size_t start = m_ids.size();
        m_ids.resize(start + users);
        m_postcodes.resize(start + users);
        std::memcpy(m_ids.data() + start, data.constData(), users * sizeof(quint64));
        std::memcpy(m_postcodes.data() + start, data.constData() + users * sizeof(quint64), users * sizeof(quint32));
    }
}

void UserDirectory::write(sqlite3 *db) const
{
    sqliteExec(db, "DELETE FROM user_directory_blocks");
    SqliteStatement insert(db, "INSERT INTO user_directory_blocks (block, first_user, users, data) VALUES (?, ?, ?, ?)");
    QByteArray data;
    for (size_t start = 0, block = 0; start < m_ids.size(); start += usersPerBlock, ++block) {
        const size_t users = std::min(usersPerBlock, m_ids.size() - start);
        data.resize(static_cast<qsizetype>(users * (sizeof(quint64) + sizeof(quint32))));
        std::memcpy(data.data(), m_ids.data() + start, users * sizeof(quint64));
        std::memcpy(data.data() + users * sizeof(quint64), m_postcodes.data() + start, users * sizeof(quint32));
        insert.bind(1, static_cast<qint64>(block)).bind(2, static_cast<qint64>(m_ids[start]));
        insert.bind(3, static_cast<qint64>(users)).bindBlob(4, data).execute();
    }
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

void UserDirectory::set(quint64 userId, quint32 postcodeId, bool inLatest)
{
    const quint32 packed = (postcodeId & postcodeMask) | (inLatest ? inLatestFlag : 0);
    const size_t i = find(userId);
    if (i < size())
        m_postcodes[i] = packed;
    else
        m_pending.emplace_back(userId, packed);
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
            m_postcodes[out++] = m_postcodes[i];
        }
        m_ids.resize(out);
        m_postcodes.resize(out);
        m_removed.clear();
    }
    if (m_pending.empty())
        return;
    std::sort(m_pending.begin(), m_pending.end());
    std::vector<quint64> ids;
    std::vector<quint32> postcodes;
    ids.reserve(m_ids.size() + m_pending.size());
    postcodes.reserve(ids.capacity());
    size_t a = 0, b = 0;
    while (a < m_ids.size() || b < m_pending.size()) {
        if (b == m_pending.size() || (a < m_ids.size() && m_ids[a] < m_pending[b].first)) {
            ids.push_back(m_ids[a]);
            postcodes.push_back(m_postcodes[a++]);
        } else {
            ids.push_back(m_pending[b].first);
            postcodes.push_back(m_pending[b++].second);
        }
    }
    m_ids.swap(ids);
    m_postcodes.swap(postcodes);
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
