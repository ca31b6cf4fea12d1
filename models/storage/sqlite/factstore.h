#pragma once

#include "core/pageviewfact.h"

#include <QtGlobal>

#include <functional>
#include <vector>

struct sqlite3;

namespace pv {

/// The warehouse's pageview facts. Each load's facts, sorted by user then hour, are stored as segments of
/// up to 65,536 facts packed into one blob row (pageview_fact_segments): an hourly load appends a few dozen
/// rows instead of millions, replacing a load deletes its segments, and a users snapshot rewrites only
/// the segments holding a changed user. Everything stays in the one database and the load's transaction.
/// Every write uses the compact format 2 and reads decode format 1 too; the blob layouts are described in
/// resources/migrations/0002_fact_segment_format.sql.
class FactStore
{
public:
    explicit FactStore(sqlite3 *db);

    /// Appends one load's facts (sorted by user, then hour).
    void append(qint64 loadId, const std::vector<PageviewFact> &facts);
    void remove(qint64 loadId);
    std::vector<PageviewFact> loadFacts(qint64 loadId);

    /// For every segment of a live load (one that holds its window) holding facts of users (sorted),
    /// calls visit(loadId, facts) with just those facts, in user and hour order; when visit returns true,
    /// their postcode ids (the only field it may change) are written back.
    void update(const std::vector<quint64> &users,
                const std::function<bool(qint64 loadId, std::vector<PageviewFact> &facts)> &visit);

    /// A user's facts in every live load, with the load id.
    std::vector<std::pair<qint64, PageviewFact>> userFacts(quint64 userId);

    /// A load's segments as stored, in first-user order, with the user range each claims (for check);
    /// stops early when visit returns false.
    void forEachSegment(qint64 loadId,
                        const std::function<bool(quint64 firstUser, quint64 lastUser, const std::vector<PageviewFact> &facts)> &visit);

private:
    sqlite3 *m_db;
};

} // namespace pv
