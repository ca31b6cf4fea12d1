#include "load/postcodedictionary.h"

#include <cstring>

namespace pv {

PostcodeDictionary::PostcodeDictionary(std::vector<std::string> texts)
    : m_cache(size_t(1) << cacheBits)
    , m_texts(std::move(texts))
{
    for (size_t id = 0; id < m_texts.size(); ++id)
        if (!m_texts[id].empty())
            m_ids.emplace(m_texts[id], static_cast<quint32>(id));
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

std::span<const std::string> PostcodeDictionary::newPostcodes() const
{
    return std::span<const std::string>(m_texts).subspan(m_written);
}

} // namespace pv
