#pragma once

#include "core/pageviewfact.h"

#include <QByteArray>

#include <string_view>
#include <vector>

namespace pv {

/// The packed layout of one segment of a load's pageview facts, the same in every storage engine: up to
/// factsPerSegment facts (sorted by user, then hour) as four little-endian columns in one blob. Every
/// write uses format 2; reads decode format 1 too. The layouts are described in
/// resources/migrations/0002_fact_segment_format.sql. A blob that does not match its header throws
/// StorageError ("damaged").
constexpr size_t factsPerSegment = 1 << 16;
constexpr int currentFactSegmentFormat = 2;

/// Where the segment of facts (sorted by user) starting at start ends: at most factsPerSegment facts, and
/// a user's facts never straddle two segments, so a segment's user range says where a user is.
size_t factSegmentEnd(const std::vector<PageviewFact> &facts, size_t start);

/// facts[0, count) packed in the current format.
QByteArray encodeFactSegment(const PageviewFact *facts, size_t count);

/// A stored segment read in place: its facts one at a time or its user column alone, without decoding
/// the rest (a snapshot looks for a few users in many segments).
class FactSegmentView
{
public:
    FactSegmentView(qint64 format, std::string_view data);

    size_t count() const;
    /// Resizes facts to count() and fills only their user ids.
    void readUsers(std::vector<PageviewFact> &facts) const;
    PageviewFact factAt(size_t i) const;
    /// Every fact, in stored order.
    void decode(std::vector<PageviewFact> &facts) const;
    /// The facts of users (sorted) held here, in stored order, and their positions; only the user column
    /// is decoded to find them.
    void factsOfUsers(const std::vector<quint64> &users, std::vector<size_t> &positions,
                      std::vector<PageviewFact> &matched) const;
    /// The segment packed again with the postcode ids of matched (from factsOfUsers) at their positions.
    QByteArray withPostcodes(const std::vector<size_t> &positions, const std::vector<PageviewFact> &matched) const;

private:
    std::string_view m_data;
    qint64 m_format;
};

} // namespace pv
