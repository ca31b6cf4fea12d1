#pragma once

#include "core/extractkind.h"
#include "core/runstatus.h"

#include <QString>
#include <QStringList>
#include <QVariant>

#include <optional>

namespace pv {

/// One load attempt as the job tracker records it.
struct LoadRun
{
    qint64 id = 0;
    ExtractKind kind = ExtractKind::Unknown;
    QString file;
    QString contentHash;
    std::optional<qint64> windowHour; ///< pageviews: start of the file's hour, seconds since the epoch
    std::optional<qint64> asOf;       ///< users: the snapshot's as-of, seconds since the epoch
    qint64 startedAtMs = 0;
    qint64 finishedAtMs = 0;
    qint64 rowsRead = 0;
    qint64 rowsLoaded = 0;
    qint64 rowsRejected = 0;
    qint64 lateRows = 0;
    qint64 usersAdded = 0;
    qint64 usersMoved = 0;
    qint64 usersRemoved = 0;
    qint64 factsReattributed = 0;
    qint64 replacedRun = 0;
    qint64 replacedBy = 0;
    RunStatus status = RunStatus::Running;
    QString error;

    qint64 durationMs() const { return finishedAtMs > 0 ? finishedAtMs - startedAtMs : 0; }
};

/// The error an interrupted run records: its load stopped (crashed, killed, its connection lost) before
/// it finished.
QString interruptedRunError();

/// What the job tracker's runs can be ordered by (ties by id, in the same direction).
enum class RunOrder { Id, Kind, Status, File, WindowOrAsOf, Started, Duration, RowsRead, RowsLoaded, RowsRejected, LateRows };

/// The value a run sorts by in an order; never null, so a page can start after any run.
QVariant runSortValue(const LoadRun &run, RunOrder order);

/// Which runs a listing shows.
struct RunFilter
{
    QString text;        ///< file, status, kind or error contain it (case-insensitive), or it is the id; empty: all
    QStringList statuses; ///< stored status names; empty: all
};

/// One page of the job tracker: runs matching filter in order, after a run already shown (keyset paging).
struct RunPage
{
    RunFilter filter;
    RunOrder order = RunOrder::Id;
    bool descending = false;
    std::optional<LoadRun> after; ///< the last run of the previous page
    int limit = -1;               ///< -1: every run
};

} // namespace pv
