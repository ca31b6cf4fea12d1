#pragma once

#include <QtGlobal>

#include <limits>
#include <optional>
#include <vector>

namespace pv {

inline constexpr qint64 openEnded = std::numeric_limits<qint64>::max();

/// One SCD2 row of a user's history: postcodeId from validFrom until validTo (openEnded while current).
struct PostcodePeriod
{
    qint64 validFrom = 0;
    qint64 validTo = openEnded;
    quint32 postcodeId = 0;

    bool operator==(const PostcodePeriod &) const = default;
};

/// postcode_at(u, t) over one user's history sorted by validFrom (docs/contract.md §2): the postcode of the
/// latest period starting at or before t, else of the earliest period; UNKNOWN (0) without history.
quint32 postcodeAt(const std::vector<PostcodePeriod> &history, qint64 t);

/// current(u): the postcode of the latest period; UNKNOWN (0) without history.
quint32 currentPostcode(const std::vector<PostcodePeriod> &history);

/// A user's history after loading a snapshot as of asOf in which the user is absent (nullopt) or has
/// postcodeId. nextAsOf is the as-of of the next loaded snapshot after asOf (openEnded when none).
/// Handles the newest snapshot, a backfilled older one, and a replacement for an as-of already loaded.
std::vector<PostcodePeriod> applySnapshotState(const std::vector<PostcodePeriod> &history, qint64 asOf,
                                               qint64 nextAsOf, std::optional<quint32> postcodeId);

/// One row of user_postcode_changes: at asOf the user got postcodeId, or left the snapshots (nullopt).
/// previousAsOf and previousPostcodeId describe the change before it (nullopt for the first change).
struct PostcodeChange
{
    qint64 asOf = 0;
    std::optional<quint32> postcodeId;
    std::optional<qint64> previousAsOf;
    std::optional<quint32> previousPostcodeId;

    bool operator==(const PostcodeChange &) const = default;
};

/// The changes that make up a history (a period starts with a change to its postcode; a period that
/// ends without the next one starting then ends with a change to none), each linked to the one before.
std::vector<PostcodeChange> changesOf(const std::vector<PostcodePeriod> &history);

/// The as-of of a history's newest change; the history must not be empty.
qint64 newestChangeOf(const std::vector<PostcodePeriod> &history);

} // namespace pv
