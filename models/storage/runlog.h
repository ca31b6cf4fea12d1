#pragma once

#include "core/extractkind.h"
#include "core/loadrun.h"

#include <QList>

#include <map>
#include <optional>

namespace pv {

/// What the load calendar is drawn from.
struct LoadCalendarRecords
{
    struct LiveRun
    {
        qint64 runId = 0;
        QString file;
        qint64 rows = 0;        ///< a window: rows loaded; a snapshot: its users
        qint64 replacedRun = 0; ///< the run it replaced, if any
        qint64 rowsLoaded = 0;  ///< a snapshot: the rows its run loaded (users whose rows were rejected stay in it unchanged)
    };
    struct Attempt
    {
        qint64 runId = 0;
        RunStatus status = RunStatus::Failed;
        QString error;
        QString file;
    };
    std::map<qint64, LiveRun> windows;                    ///< hour (since the epoch) → its live run
    std::map<qint64, LiveRun> snapshots;                  ///< as-of (seconds) → its live run
    std::map<qint64, std::map<qint64, qint64>> lateViews; ///< hour → run of another window → views it brought
    std::map<qint64, Attempt> hourAttempts;               ///< hour → the last unsuccessful attempt at it
    std::map<qint64, Attempt> snapshotAttempts;           ///< day (since the epoch) → the last unsuccessful attempt
};

/// Reading the job tracker: runs, one run, a run's rejected lines, and the calendar of what is loaded.
/// (Loads write it through their LoadStore.) A read the database fails throws StorageError.
class LoadRunLog
{
public:
    virtual ~LoadRunLog() = default;

    /// One page of runs (RunPage: filter, order, keyset).
    virtual QList<LoadRun> runs(const RunPage &page = {}) const = 0;
    virtual std::optional<LoadRun> run(qint64 id) const = 0;
    virtual qint64 runCount(const RunFilter &filter = {}) const = 0;
    /// Runs that failed, were refused or were interrupted (needsAttention()).
    virtual qint64 runsNeedingAttention() const = 0;
    /// Rejected lines of a run in line order, starting after afterLine, at most limit (-1: all).
    virtual QList<RejectedLine> rejects(qint64 runId, qint64 afterLine = 0, int limit = -1) const = 0;
    virtual LoadCalendarRecords calendar() const = 0;
};

} // namespace pv
