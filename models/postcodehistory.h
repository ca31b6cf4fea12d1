#pragma once

#include <QtGlobal>

#include <limits>
#include <memory>
#include <optional>
#include <vector>

struct sqlite3;

namespace pv {

class SqliteStatement;

inline constexpr qint64 openEnded = std::numeric_limits<qint64>::max();

/// One SCD2 row of a user's history: postcodeId from validFrom until validTo (openEnded while current).
struct PostcodePeriod
{
    qint64 validFrom = 0;
    qint64 validTo = openEnded;
    quint32 postcodeId = 0;

    bool operator==(const PostcodePeriod &) const = default;
};

/// postcode_at(u, t) over one user's history sorted by validFrom (DESIGN.md §2): the postcode of the
/// latest period starting at or before t, else of the earliest period; UNKNOWN (0) without history.
quint32 postcodeAt(const std::vector<PostcodePeriod> &history, qint64 t);

/// current(u): the postcode of the latest period; UNKNOWN (0) without history.
quint32 currentPostcode(const std::vector<PostcodePeriod> &history);

/// A user's history after loading a snapshot as of asOf in which the user is absent (nullopt) or has
/// postcodeId. nextAsOf is the as-of of the next loaded snapshot after asOf (openEnded when none).
/// Handles the newest snapshot, a backfilled older one, and a replacement for an as-of already loaded.
std::vector<PostcodePeriod> applySnapshotState(const std::vector<PostcodePeriod> &history, qint64 asOf,
                                               qint64 nextAsOf, std::optional<quint32> postcodeId);

/// Reads one user's history rows from the warehouse (a reusable prepared statement).
class PostcodeHistoryReader
{
public:
    explicit PostcodeHistoryReader(sqlite3 *db);
    ~PostcodeHistoryReader();
    void read(quint64 userId, std::vector<PostcodePeriod> &history);

private:
    std::unique_ptr<SqliteStatement> m_select;
};

} // namespace pv
