#pragma once

#include <QString>

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct sqlite3;

namespace pv {

/// Id 0 is the reserved postcode for users in no snapshot.
inline constexpr quint32 unknownPostcodeId = 0;

/// Postcode interning for a load: every normalised postcode has a small integer id. Loads the existing
/// ids once, hands out new ids in memory, and writes the new ones inside the load's transaction.
class PostcodeDictionary
{
public:
    explicit PostcodeDictionary(sqlite3 *db);

    quint32 idFor(std::string_view postcode);
    QString text(quint32 id) const;
    /// Inserts the postcodes created by idFor() since the last call.
    void writeNew();

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

    sqlite3 *m_db;
    std::vector<CachedId> m_cache;
    std::unordered_map<std::string, quint32, Hash, std::equal_to<>> m_ids;
    std::vector<std::string> m_texts;
    size_t m_written = 0;
};

} // namespace pv
