#include "storage/sqlite/postcodedictionary.h"

#include "storage/sqlite/sqlitestatement.h"

#include <cstring>

namespace pv {

PostcodeDictionary::PostcodeDictionary(sqlite3 *db)
    : m_db(db)
    , m_cache(size_t(1) << cacheBits)
{
    SqliteStatement all(db, "SELECT id, postcode FROM postcodes ORDER BY id");
    while (all.step()) {
        const auto id = static_cast<quint32>(all.int64(0));
        const std::string text = all.text(1).toStdString();
        if (m_texts.size() <= id)
            m_texts.resize(id + 1);
        m_texts[id] = text;
        m_ids.emplace(text, id);
    }
    m_written = m_texts.size();
}

quint32 PostcodeDictionary::idFor(std::string_view postcode)
{
    quint64 packed = 0;
    CachedId *slot = nullptr;
    if (!postcode.empty() && postcode.size() <= sizeof packed) {
        std::memcpy(&packed, postcode.data(), postcode.size());
        slot = &m_cache[(packed * 0x9e3779b97f4a7c15ull) >> (64 - cacheBits)];
        if (slot->packed == packed)
            return slot->id;
    }
    quint32 id;
    if (const auto it = m_ids.find(postcode); it != m_ids.end()) {
        id = it->second;
    } else {
        id = static_cast<quint32>(m_texts.size());
        m_texts.emplace_back(postcode);
        m_ids.emplace(std::string(postcode), id);
    }
    if (slot)
        *slot = {packed, id};
    return id;
}

QString PostcodeDictionary::text(quint32 id) const
{
    return id < m_texts.size() ? QString::fromStdString(m_texts[id]) : QString();
}

void PostcodeDictionary::writeNew()
{
    SqliteStatement insert(m_db, "INSERT INTO postcodes (id, postcode) VALUES (?, ?)");
    for (; m_written < m_texts.size(); ++m_written)
        insert.bind(1, static_cast<qint64>(m_written)).bind(2, m_texts[m_written]).execute();
}

} // namespace pv
