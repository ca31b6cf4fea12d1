#pragma once

#include "core/time.h"

#include <QByteArray>
#include <QtGlobal>

#include <string_view>
#include <vector>

namespace pv {

/// Every user the warehouse has seen, sorted by id, with their current postcode, whether they are in
/// the newest snapshot, and the as-of of their newest history change (where a walk back through their
/// history starts). Loads read it whole (about 8 bytes a user stored, in per-block column widths; 16 in
/// memory) rather than looking users up one by one; a users snapshot writes it back inside its
/// transaction. `check` verifies it against the history. The storage keeps it as blocks of up to
/// usersPerBlock users, each encoded here (the layout is described in userdirectory.cpp).
class UserDirectory
{
public:
    static constexpr size_t usersPerBlock = 1 << 16;

    /// Empties the directory before decoding stored blocks, reserving room for users and a snapshot's
    /// new ones, so build() merges them in place.
    void startDecoding(qint64 users);
    /// Appends one stored block; false (and nothing appended) when the block is damaged.
    bool decodeBlock(quint64 firstUser, qint64 users, std::string_view data);
    size_t blockCount() const { return (size() + usersPerBlock - 1) / usersPerBlock; }
    /// Encodes block i: its first user, its users and its data.
    struct Block
    {
        quint64 firstUser = 0;
        qint64 users = 0;
        QByteArray data;
    };
    Block encodeBlock(size_t i) const;

    size_t size() const { return m_ids.size(); }
    quint64 userId(size_t i) const { return m_ids[i]; }
    quint32 postcodeId(size_t i) const { return m_postcodes[i] & postcodeMask; }
    bool inLatest(size_t i) const { return m_postcodes[i] & inLatestFlag; }
    /// The as-of of the user's newest history change (seconds since the epoch).
    qint64 newestChange(size_t i) const { return qint64(m_newestChangeHours[i]) * secondsPerHour; }

    /// Index of the user, or size() when absent. Consecutive lookups in increasing id order are
    /// cheapest through a Cursor.
    size_t find(quint64 userId) const;

    /// Sets (or adds) and removes users; call build() after a batch of changes to restore the sorted order.
    /// known is the user's index (find() or a Cursor), or size() for a user the directory does not have.
    void set(size_t known, quint64 userId, quint32 postcodeId, bool inLatest, qint64 newestChange);
    void remove(quint64 userId);
    void build();

    /// Walks users in increasing id order for merge joins with another sorted list.
    class Cursor
    {
    public:
        explicit Cursor(const UserDirectory &directory) : m_directory(directory) {}
        /// Index of userId, or size(); ids must come in non-decreasing order.
        size_t seek(quint64 userId);

    private:
        const UserDirectory &m_directory;
        size_t m_position = 0;
    };

private:
    static constexpr quint32 inLatestFlag = 0x80000000u;
    static constexpr quint32 postcodeMask = 0x7fffffffu;

    struct Entry
    {
        quint64 userId;
        quint32 packedPostcode;
        qint32 newestChangeHours;
        bool operator<(const Entry &other) const { return userId < other.userId; }
    };

    std::vector<quint64> m_ids;
    std::vector<quint32> m_postcodes;
    std::vector<qint32> m_newestChangeHours; ///< snapshot as-ofs are on the hour
    std::vector<Entry> m_pending;
    std::vector<quint64> m_removed;
};

/// The directory as read at one moment, with the number of directory writes committed by then: a copy
/// read ahead of a load's transaction is current while that number is unchanged.
struct UserDirectoryCopy
{
    UserDirectory directory;
    qint64 generation = -1;
};

} // namespace pv
