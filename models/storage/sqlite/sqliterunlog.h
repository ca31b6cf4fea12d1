#pragma once

#include "storage/runlog.h"

#include <QSqlDatabase>
#include <QString>

#include <vector>

struct sqlite3;

namespace pv {

/// The job tracker on SQLite (load_runs, load_rejects), read through Qt's driver.
class SqliteRunLog final : public LoadRunLog
{
public:
    explicit SqliteRunLog(QSqlDatabase db);

    QList<LoadRun> runs(const RunPage &page = {}) const override;
    std::optional<LoadRun> run(qint64 id) const override;
    qint64 runCount(const RunFilter &filter = {}) const override;
    qint64 runsNeedingAttention() const override;
    QList<RejectedLine> rejects(qint64 runId, qint64 afterLine = 0, int limit = -1) const override;
    LoadCalendarRecords calendar() const override;

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
    /// write() in a transaction of its own. Returns the reason it could not be recorded, or an empty string.
    QString writeAlone(LoadRun &run, bool insert, const std::vector<RejectedLine> &rejects);
    qint64 identicalRun(ExtractKind kind, const QString &contentHash, std::optional<qint64> asOf);
    void markReplaced(qint64 earlierRunId, qint64 laterRunId);

private:
    sqlite3 *m_db;
};

} // namespace pv
