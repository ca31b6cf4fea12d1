#pragma once

#include "core/extractkind.h"
#include "core/loadrun.h"
#include "core/pageviewfact.h"
#include "history/postcodehistory.h"
#include "history/userdirectory.h"

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace pv {

class AggregateDeltas;

/// Everything a load reads and writes in the warehouse, on one connection, for one load. The writes
/// happen between begin() and commit() and land together or not at all; the run log's record of a run
/// that loaded nothing is written on its own (recordRunAlone). Every failure throws StorageError.
/// A backend implements it with bulk writes (a server database: COPY, arrays) and one transaction.
class LoadStore
{
public:
    virtual ~LoadStore() = default;

    /// Why this connection may read the warehouse but not load into it (a read-only file, a role without
    /// the right to write), or an empty string when it may load.
    virtual QString whyReadOnly() = 0;

    // --- the transaction ------------------------------------------------------------------------
    /// Starts the load's write transaction; waits for another load's to finish first. While it waits it
    /// calls waiting with what it waits for (a run, its file and host where the engine can tell), about
    /// every second; waiting may throw to give up (a cancel).
    virtual void begin(const std::function<void(const QString &waitingFor)> &waiting) = 0;
    virtual void commit() = 0;
    /// Rolls back the transaction when one is open; never throws.
    virtual void rollback() noexcept = 0;

    // --- postcodes --------------------------------------------------------------------------------
    /// Every stored postcode indexed by id (empty for an id not in use).
    virtual std::vector<std::string> readPostcodes() = 0;
    /// Stores postcodes with consecutive ids from firstId.
    virtual void addPostcodes(quint32 firstId, std::span<const std::string> texts) = 0;

    // --- the user directory ------------------------------------------------------------------------
    virtual void readUserDirectory(UserDirectory &directory) = 0;
    /// Replaces the stored directory and counts one more directory write.
    virtual void writeUserDirectory(const UserDirectory &directory) = 0;
    /// The directory writes committed so far (see UserDirectoryCopy).
    virtual qint64 userDirectoryGeneration() = 0;
    /// Reads the directory and its generation in one read transaction on a connection of its own: safe
    /// to call from another thread while this store is in use, so a load reads it while it parses its file.
    virtual UserDirectoryCopy readUserDirectoryCopy() const = 0;

    // --- users' postcode history ---------------------------------------------------------------------
    /// A user's history, walking back from their newest change (UserDirectory::newestChange).
    virtual void readHistory(quint64 userId, qint64 newestChange, std::vector<PostcodePeriod> &history) = 0;
    /// Reads ahead the histories readHistory will be asked for ((user, newest change) pairs) in as few round
    /// trips as the engine can, in place of what it read ahead before: a server's engine needs it, one that
    /// reads locally ignores it.
    virtual void prefetchHistories(const std::vector<std::pair<quint64, qint64>> &users) = 0;
    /// Writes the changes that turn the user's stored history before into after.
    virtual void rewriteHistory(quint64 userId, const std::vector<PostcodePeriod> &before,
                                const std::vector<PostcodePeriod> &after) = 0;
    /// Adds a change newer than every change the user has.
    virtual void appendHistory(quint64 userId, const PostcodeChange &change) = 0;

    // --- pageview facts --------------------------------------------------------------------------------
    /// Appends one load's facts (sorted by user, then hour).
    virtual void appendFacts(qint64 runId, const std::vector<PageviewFact> &facts) = 0;
    virtual std::vector<PageviewFact> facts(qint64 runId) = 0;
    virtual void removeFacts(qint64 runId) = 0;
    /// For the stored facts of users (sorted) in every live load, calls visit(runId, facts) with just
    /// those facts in user and hour order; when visit returns true their postcode ids (the only field it
    /// may change) are written back.
    virtual void updateFacts(const std::vector<quint64> &users,
                             const std::function<bool(qint64 runId, std::vector<PageviewFact> &facts)> &visit) = 0;

    // --- aggregates -------------------------------------------------------------------------------------
    /// Adds the deltas to both hourly aggregates and their day rollups; rows reaching zero are removed.
    virtual void applyAggregateDeltas(const AggregateDeltas &deltas) = 0;
    /// Adds to the count of users whose current postcode is each postcode (postcode id → change).
    virtual void applyCurrentUserDeltas(const std::map<quint32, qint64> &deltas) = 0;

    // --- pageview windows (the hour each pageviews file is for) ------------------------------------
    /// The live run holding the window of hour (hours since the epoch), or 0.
    virtual qint64 windowRun(qint64 hour) = 0;
    /// Makes runId the live run of hour's window, with the views it brought into each hour.
    virtual void setWindow(qint64 hour, qint64 runId, const std::map<qint64, qint64> &viewsPerHour) = 0;
    /// Forgets the views a replaced run brought into each hour.
    virtual void removeHourViews(qint64 runId) = 0;

    // --- users snapshots --------------------------------------------------------------------------------
    /// The as-of of the oldest snapshot loaded after asOf.
    virtual std::optional<qint64> nextSnapshotAfter(qint64 asOf) = 0;
    /// The live run of the snapshot at asOf, or 0.
    virtual qint64 snapshotRun(qint64 asOf) = 0;
    virtual void setSnapshot(qint64 asOf, qint64 runId, qint64 users) = 0;

    // --- the run log ---------------------------------------------------------------------------------
    /// Inserts the run (setting run.id) or updates it, with its rejected lines, inside the transaction
    /// when one is open.
    virtual void recordRun(LoadRun &run, bool insert, const std::vector<RejectedLine> &rejects) = 0;
    /// recordRun() in a transaction of its own (a run that loaded nothing). Returns the reason it could
    /// not be recorded, or an empty string.
    virtual QString recordRunAlone(LoadRun &run, bool insert, const std::vector<RejectedLine> &rejects) = 0;
    /// Inserts the run, running, before its file is read, so that a load killed while reading leaves a run
    /// for the next open to mark interrupted. Waits for no other load: false (and run.id 0) when the
    /// database cannot take the record now (another load's write holds SQLite's only write lock); the run
    /// is then recorded when the load's own transaction is about to start, as before.
    virtual bool recordRunStart(LoadRun &run) = 0;
    /// Deletes a run recordRunStart inserted that turned out to change nothing at all (its content was
    /// already loaded): the run log stays as it was. Returns the reason it could not, or an empty string.
    virtual QString forgetRun(qint64 runId) = 0;
    /// The live run that loaded identical content (a users snapshot: at the same as-of too), or 0.
    virtual qint64 identicalRun(ExtractKind kind, const QString &contentHash, std::optional<qint64> asOf) = 0;
    /// Marks an earlier run as replaced by a later one (a new file for its hour, a corrected snapshot).
    virtual void markReplaced(qint64 earlierRunId, qint64 laterRunId) = 0;
};

} // namespace pv
