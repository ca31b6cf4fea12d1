#pragma once

#include "core/pageviewfact.h"

#include <QString>

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pv {

/// Postcode interning for a load: every normalised postcode has a small integer id. Starts from the ids
/// the warehouse holds, hands out new ids in memory; the load writes the new ones inside its transaction.
class PostcodeDictionary
{
public:
    /// texts: the stored postcodes, indexed by id (an empty string for an id not in use).
    explicit PostcodeDictionary(std::vector<std::string> texts);

    quint32 idFor(std::string_view postcode);
    QString text(quint32 id) const;

    /// The postcodes idFor() created since the last markWritten(), in id order from firstNewId().
    quint32 firstNewId() const { return static_cast<quint32>(m_written); }
    std::span<const std::string> newPostcodes() const;
    void markWritten() { m_written = m_texts.size(); }

private:
    struct Hash
    {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    /// A direct-mapped cache in front of m_ids, filled by idFor(): a normalised UK postcode fits in 8
    /// bytes, so one integer compare finds it (a 20M-row snapshot interns 20M postcodes).
    struct CachedId
    {
        quint64 packed = 0; ///< the postcode's bytes, zero-padded; 0 for an empty slot
        quint32 id = 0;
    };
    static constexpr int cacheBits = 16;

    std::vector<CachedId> m_cache;
    std::unordered_map<std::string, quint32, Hash, std::equal_to<>> m_ids;
    std::vector<std::string> m_texts;
    size_t m_written = 0;
};

} // namespace pv
