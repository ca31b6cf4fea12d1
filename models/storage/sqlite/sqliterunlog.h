#pragma once

#include "core/loadrun.h"

#include <QString>

#include <vector>

struct sqlite3;

namespace pv {

/// Marks the runs left `running` by a load that no longer holds its RunningLoadLock (it crashed or was
/// killed, whoever has its process id now) `interrupted`. Best effort: never throws.
void markInterruptedRuns(sqlite3 *db);

/// Writing the job tracker on a load's own connection, inside or beside its transaction.
class LoadRunRecorder
{
public:
    explicit LoadRunRecorder(sqlite3 *db);

    /// Inserts the run (setting run.id) or updates it, with its rejected lines and this process's id
    /// (for interrupted-run detection).
    void write(LoadRun &run, bool insert, const std::vector<RejectedLine> &rejects);
    /// write() in a transaction of its own. Returns the reason it could not be recorded, or an empty string.
    QString writeAlone(LoadRun &run, bool insert, const std::vector<RejectedLine> &rejects);
    /// Inserts the run in a transaction of its own, waiting at most waitMs for the write lock. False (and
    /// run.id 0) when it could not.
    bool insertWithin(LoadRun &run, int waitMs);
    /// Deletes a run that has no rejected lines. Returns the reason it could not, or an empty string.
    QString remove(qint64 runId);
    qint64 identicalRun(ExtractKind kind, const QString &contentHash, std::optional<qint64> asOf);
    void markReplaced(qint64 earlierRunId, qint64 laterRunId);

private:
    sqlite3 *m_db;
};

} // namespace pv
