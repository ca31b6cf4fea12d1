#pragma once

#include "core/runstatus.h"
#include "core/extractkind.h"

#include <QList>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>

#include <optional>
#include <vector>

struct sqlite3;

namespace pv {

/// One load attempt as recorded in load_runs: the job tracker's row.
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

/// The load_runs columns, in the order runFromQuery() reads them (for SELECTs that page or sort differently).
extern const char *const loadRunColumns;
/// A LoadRun from a query that selected loadRunColumns first.
LoadRun runFromQuery(const QSqlQuery &query);

/// Reading the job tracker: every run, one run, a run's rejected lines.
class LoadRunLog
{
public:
    explicit LoadRunLog(QSqlDatabase db);

    /// Runs in id order, starting after afterId, at most limit of them (keyset paging).
    QList<LoadRun> runs(qint64 afterId = 0, int limit = -1) const;
    std::optional<LoadRun> run(qint64 id) const;
    qint64 runCount() const;
    /// Runs that failed, were refused or were interrupted (needsAttention()).
    qint64 runsNeedingAttention() const;
    /// Rejected lines of a run in line order, starting after afterLine, at most limit.
    QList<RejectedLine> rejects(qint64 runId, qint64 afterLine = 0, int limit = -1) const;
    /// Marks the runs left `running` by a process that no longer exists (a crash or a kill) `interrupted`.
    void markInterruptedRuns() const;

private:
    QSqlDatabase m_db;
};

/// Writing the job tracker on a load's own connection, inside or beside its transaction.
class LoadRunRecorder
{
public:
    explicit LoadRunRecorder(sqlite3 *db);

    /// Inserts the run (setting run.id) or updates it, with its rejected lines and this process's id
    /// (for interrupted-run detection).
    void write(LoadRun &run, bool insert, const std::vector<RejectedLine> &rejects);
    /// write() in a transaction of its own (a run that loaded nothing). Returns the reason it could not
    /// be recorded, or an empty string.
    QString writeAlone(LoadRun &run, bool insert, const std::vector<RejectedLine> &rejects);
    /// The live run that loaded identical content (a users snapshot: at the same as-of too), or 0.
    qint64 identicalRun(ExtractKind kind, const QString &contentHash, std::optional<qint64> asOf);
    /// Marks an earlier run as replaced by a later one (a new file for its hour, a corrected snapshot).
    void markReplaced(qint64 earlierRunId, qint64 laterRunId);

private:
    sqlite3 *m_db;
};

} // namespace pv
