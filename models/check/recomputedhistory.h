#pragma once

#include <QtGlobal>

#include <optional>
#include <utility>
#include <unordered_map>
#include <vector>

namespace pv {

/// Every user's postcode changes, replayed from the stored history by check alone, answering the
/// contract's definitions (DESIGN §2) for facts looked up in user order:
/// - postcode_at(u, t): the postcode of u's latest change at or before t that is not a departure; else
///   u's earliest postcode; UNKNOWN (0) for a user in no snapshot;
/// - current(u): the postcode of u's latest change that is not a departure (a removed user keeps it).
/// Nothing here is shared with the loads' own history code (history/), so the two can disagree.
class RecomputedHistory
{
public:
    void reserve(size_t users, size_t changes);
    /// Appends a change; users arrive in increasing id order, each user's changes in as-of order.
    /// postcodeId nullopt is a departure (the user is absent from that snapshot on).
    void add(quint64 userId, qint64 asOf, std::optional<quint32> postcodeId);

    size_t size() const { return m_users.size(); }
    quint64 userId(size_t i) const { return m_users[i]; }
    /// The first index at or after from whose user id is not below userId (size() when none): a walk over
    /// users in increasing order passes the previous answer as from and pays for the distance only.
    size_t seek(quint64 userId, size_t from) const;

    quint32 atTime(size_t i, qint64 hour) const;
    std::optional<quint32> current(size_t i) const;
    /// Both bases of a pageview in the hour: postcode_at(u, hour) and current(u).
    std::pair<quint32, quint32> postcodes(size_t i, qint64 hour) const;
    /// Whether the user's latest change is not a departure: the user is in the newest snapshot.
    bool inLatest(size_t i) const;
    qint64 newestChange(size_t i) const;

private:
    static constexpr quint32 departed = ~quint32{0};
    size_t periodEnd(size_t i) const { return i + 1 < m_users.size() ? m_firstChange[i + 1] : m_postcodes.size(); }

    std::vector<quint64> m_users;
    std::vector<quint32> m_firstChange;  // per user, the index of its first change
    std::vector<quint32> m_asOfIndex;    // per change, into m_asOfs
    std::vector<quint32> m_postcodes;    // per change, departed for a departure
    std::vector<qint64> m_asOfs;         // the distinct as-ofs
    std::unordered_map<qint64, quint32> m_asOfIndexOf;
    quint32 m_lastAsOfIndex = 0;
};

} // namespace pv
