#pragma once

#include "core/basis.h"
#include "core/pageviewfact.h"
#include "core/time.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace pv {

class UserDirectory;

/// One stored change of a user's postcode at a snapshot's as-of, with the link to the change before it.
struct HistoryChange
{
    quint64 userId = 0;
    qint64 asOf = 0;
    std::optional<quint32> postcodeId;        ///< nullopt: the user left at this snapshot
    std::optional<qint64> previousAsOf;       ///< as stored: the as-of of the user's change before this one
    std::optional<quint32> previousPostcodeId;
};

/// The pageviews a load recorded, as its reader counted them, for one hour.
struct RunHourViews
{
    qint64 runId = 0;
    qint64 hour = 0;
    qint64 views = 0;
    bool live = false; ///< the run succeeded and still counts
};

/// One stored fact segment of a load: its facts and the user range it claims to hold.
struct FactSegment
{
    quint64 firstUser = 0;
    quint64 lastUser = 0;
    std::span<const PageviewFact> facts;
};

enum class AggregateGrain { Hour, Day };

/// One stored aggregate row: pageviews of a postcode in an hour or a day (hours or days since the epoch).
struct AggregateRow
{
    qint64 period = 0;
    quint32 postcodeId = 0;
    qint64 views = 0;
};

/// One row of the postcode dictionary, exactly as stored.
struct StoredPostcode
{
    quint32 id = 0;
    std::string text;
    std::optional<qint64> seal; ///< nullopt: the row has none (it was not written by a load)
};

/// What an engine's own check of its storage structure found (SQLite's quick_check, PostgreSQL's amcheck).
struct StorageStructureCheck
{
    QStringList problems; ///< what the engine reported wrong, each a line of its own
    QString summary;      ///< what was checked, or why it could not be ("amcheck is not installed ...")
};

/// The aggregate table of a basis at a grain (the same name in every engine).
const char *aggregateTableName(Basis basis, AggregateGrain grain);
/// A postcode id as stored in a history change; one outside the ids a warehouse hands out is damage, not
/// a value to compare: throws StorageError.
quint32 storedPostcodeId(qint64 id);

/// What check reads of a warehouse, exactly as stored: an engine implements it with plain reads, and
/// checkWarehouse() recomputes everything from it by code of its own, none shared with the loads.
/// Reads throw StorageError.
class CheckSource
{
public:
    virtual ~CheckSource() = default;

    /// The as-of of every loaded users snapshot.
    virtual std::vector<qint64> snapshotAsOfs() = 0;
    /// Every stored history change, in user then as-of order; stops early when visit returns false.
    virtual void forEachHistoryChange(const std::function<bool(const HistoryChange &)> &visit) = 0;
    /// The stored user directory (current(u) as the loads keep it).
    virtual void readUserDirectory(UserDirectory &directory) = 0;
    /// The stored count of users per current postcode.
    virtual std::vector<std::pair<quint32, qint64>> currentUserCounts() = 0;
    /// Every run's recorded pageviews per hour.
    virtual std::vector<RunHourViews> runHourViews() = 0;
    /// The live load of each pageviews window: (hour, run).
    virtual std::vector<std::pair<qint64, qint64>> windowRuns() = 0;
    /// Every live pageviews run with the window it was loaded for: (hour, run).
    virtual std::vector<std::pair<qint64, qint64>> livePageviewRuns() = 0;
    /// Every run that has stored facts, and whether it is live.
    virtual std::vector<std::pair<qint64, bool>> runsWithFacts() = 0;
    /// A run's fact segments, in first-user order; stops early when visit returns false.
    virtual void forEachFactSegment(qint64 runId, const std::function<bool(const FactSegment &)> &visit) = 0;
    /// The hours the stored aggregates reach (a day row reaches its 24 hours), or nullopt when there are none.
    virtual std::optional<HourSpan> aggregateHours() = 0;
    /// The first hour at or after from that a stored aggregate row reaches (a day row reaches from its first
    /// hour), or nullopt when none does.
    virtual std::optional<qint64> nextAggregateHour(qint64 from) = 0;
    /// The stored aggregate rows of periods [from, to), in period then postcode order.
    virtual void forEachAggregateRow(Basis basis, AggregateGrain grain, qint64 from, qint64 to,
                                     const std::function<void(const AggregateRow &)> &visit) = 0;
    /// A postcode's text, for messages.
    virtual QString postcodeText(quint32 postcodeId) = 0;
    /// Every row of the postcode dictionary, in id order.
    virtual void forEachPostcode(const std::function<void(const StoredPostcode &)> &visit) = 0;
    /// How many postcode ids the loads have handed out (ids 0 to count - 1), or nullopt when not recorded.
    virtual std::optional<qint64> postcodeCount() = 0;
    /// The engine's own check of the database's structure (pages, indexes), within the check's read.
    virtual StorageStructureCheck checkStorageStructure() = 0;
};

} // namespace pv
