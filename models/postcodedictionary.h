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
    /// The id of an existing postcode, or -1 when the warehouse has never seen it.
    qint64 find(std::string_view postcode) const;
    QString text(quint32 id) const;
    /// Inserts the postcodes created by idFor() since the last call.
    void writeNew();

private:
    struct Hash
    {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    sqlite3 *m_db;
    std::unordered_map<std::string, quint32, Hash, std::equal_to<>> m_ids;
    std::vector<std::string> m_texts;
    size_t m_written = 0;
};

} // namespace pv
