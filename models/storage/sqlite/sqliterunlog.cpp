#include "storage/sqlite/sqliterunlog.h"

#include "storage/sqlite/runningloadlock.h"
#include "storage/sqlite/sqlitestatement.h"

#include <sqlite3.h>

#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace pv {

namespace {
/// Whether the load of process pid on the warehouse at path is still running: it holds its lock
/// (RunningLoadLock), or, where that cannot be read, its process exists.
bool loadIsAlive(const QString &path, qint64 pid)
{
    switch (RunningLoadLock::loadOf(path, pid)) {
    case RunningLoadLock::Liveness::Alive:
        return true;
    case RunningLoadLock::Liveness::Dead:
        return false;
    case RunningLoadLock::Liveness::Unknown:
        break;
    }
    return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

} // namespace

void markInterruptedRuns(sqlite3 *db)
{
    // Best effort: a warehouse this process cannot write is still opened to be read.
    try {
        const char *file = sqlite3_db_filename(db, "main");
        const QString path = QString::fromUtf8(file ? file : "");
        std::vector<qint64> dead;
        SqliteStatement running(db, "SELECT id, pid FROM load_runs WHERE status = 'running'");
        while (running.step()) {
            const qint64 pid = running.int64(1);
            // This process's own loads too: its lock tells whether one of them is still running.
            if (!loadIsAlive(path, pid))
                dead.push_back(running.int64(0));
        }
        running.reset();
        SqliteStatement mark(db, "UPDATE load_runs SET status = 'interrupted', error = ? WHERE id = ? AND status = 'running'");
        const std::string error = interruptedRunError().toStdString();
        for (qint64 id : dead)
            mark.bind(1, error).bind(2, id).execute();
    } catch (const StorageError &) {
    }
}

LoadRunRecorder::LoadRunRecorder(sqlite3 *db)
    : m_db(db)
{
}

void LoadRunRecorder::write(LoadRun &run, bool insert, const std::vector<RejectedLine> &rejects)
{
    const char *insertSql =
        "INSERT INTO load_runs (kind, file, content_hash, window_hour, as_of, started_at, finished_at, rows_read, "
        "rows_loaded, rows_rejected, late_rows, users_added, users_moved, users_removed, facts_reattributed, "
        "replaced_run, replaced_by, status, error, pid) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
        "?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)";
    const char *updateSql =
        "UPDATE load_runs SET kind = ?1, file = ?2, content_hash = ?3, window_hour = ?4, as_of = ?5, "
        "started_at = ?6, finished_at = ?7, rows_read = ?8, rows_loaded = ?9, rows_rejected = ?10, "
        "late_rows = ?11, users_added = ?12, users_moved = ?13, users_removed = ?14, facts_reattributed = ?15, "
        "replaced_run = ?16, replaced_by = ?17, status = ?18, error = ?19, pid = ?20 WHERE id = ?21";
    SqliteStatement st(m_db, insert ? insertSql : updateSql);
    const std::string kind = extractKindName(run.kind).toStdString();
    const std::string file = run.file.toStdString();
    const std::string hash = run.contentHash.toStdString();
    const std::string status = runStatusName(run.status).toStdString();
    const std::string error = run.error.toStdString();
    st.bind(1, kind).bind(2, file);
    hash.empty() ? st.bindNull(3) : st.bind(3, hash);
    run.windowHour ? st.bind(4, *run.windowHour) : st.bindNull(4);
    run.asOf ? st.bind(5, *run.asOf) : st.bindNull(5);
    st.bind(6, run.startedAtMs);
    run.finishedAtMs ? st.bind(7, run.finishedAtMs) : st.bindNull(7);
    st.bind(8, run.rowsRead).bind(9, run.rowsLoaded).bind(10, run.rowsRejected).bind(11, run.lateRows);
    st.bind(12, run.usersAdded).bind(13, run.usersMoved).bind(14, run.usersRemoved);
    st.bind(15, run.factsReattributed);
    run.replacedRun ? st.bind(16, run.replacedRun) : st.bindNull(16);
    run.replacedBy ? st.bind(17, run.replacedBy) : st.bindNull(17);
    st.bind(18, status);
    error.empty() ? st.bindNull(19) : st.bind(19, error);
    st.bind(20, static_cast<qint64>(::getpid()));
    if (!insert)
        st.bind(21, run.id);
    st.execute();
    if (insert) {
        run.id = sqlite3_last_insert_rowid(m_db);
    }
    if (!rejects.empty()) {
        SqliteStatement rejectInsert(m_db, "INSERT OR REPLACE INTO load_rejects (run_id, line, reason, raw) "
                                           "VALUES (?, ?, ?, ?)");
        for (const RejectedLine &r : rejects) {
            rejectInsert.bind(1, run.id).bind(2, r.line).bind(3, r.reason.toStdString());
            rejectInsert.bind(4, std::string_view(r.raw.constData(), size_t(r.raw.size()))).execute();
        }
    }
}

QString LoadRunRecorder::writeAlone(LoadRun &run, bool insert, const std::vector<RejectedLine> &rejects)
{
    try {
        sqliteExec(m_db, "BEGIN IMMEDIATE");
        write(run, insert, rejects);
        sqliteExec(m_db, "COMMIT");
    } catch (const StorageError &e) {
        if (!sqlite3_get_autocommit(m_db))
            sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        return e.message;
    }
    return {};
}

bool LoadRunRecorder::insertWithin(LoadRun &run, int waitMs)
{
    sqlite3_busy_timeout(m_db, waitMs);
    const QString notRecorded = writeAlone(run, true, {});
    sqlite3_busy_timeout(m_db, sqliteBusyTimeoutMs);
    if (!notRecorded.isEmpty())
        run.id = 0;
    return notRecorded.isEmpty();
}

QString LoadRunRecorder::remove(qint64 runId)
{
    try {
        SqliteStatement(m_db, "DELETE FROM load_runs WHERE id = ?").bind(1, runId).execute();
    } catch (const StorageError &e) {
        return e.message;
    }
    return {};
}

qint64 LoadRunRecorder::identicalRun(ExtractKind kind, const QString &contentHash, std::optional<qint64> asOf)
{
    // Identical content is the same extract; a users snapshot is also its as-of (a later day's extract may
    // repeat an earlier one byte for byte when every user is back where they were).
    SqliteStatement same(m_db, "SELECT id FROM load_runs WHERE content_hash = ? AND kind = ? "
                               "AND status = 'succeeded' AND (?3 IS NULL OR as_of = ?3)");
    same.bind(1, contentHash.toStdString()).bind(2, extractKindName(kind).toStdString());
    asOf ? same.bind(3, *asOf) : same.bindNull(3);
    return same.step() ? same.int64(0) : 0;
}

void LoadRunRecorder::markReplaced(qint64 earlierRunId, qint64 laterRunId)
{
    SqliteStatement(m_db, "UPDATE load_runs SET status = 'replaced', replaced_by = ? WHERE id = ?")
        .bind(1, laterRunId)
        .bind(2, earlierRunId)
        .execute();
}

} // namespace pv
