#include "storage/sqlite/sqliterunlog.h"

#include "storage/sqlite/sqlitequery.h"
#include "core/time.h"
#include "storage/sqlite/sqlitestatement.h"

#include <QSqlQuery>
#include <QVariant>

#include <sqlite3.h>

#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace pv {

namespace {
const char *const loadRunColumns =
    "id, kind, file, content_hash, window_hour, as_of, started_at, finished_at, rows_read, rows_loaded, "
    "rows_rejected, late_rows, users_added, users_moved, users_removed, facts_reattributed, replaced_run, "
    "replaced_by, status, error";

bool processIsAlive(qint64 pid)
{
    if (pid <= 0)
        return false;
    return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

std::optional<qint64> optionalInt(const QVariant &v)
{
    if (v.isNull())
        return std::nullopt;
    return v.toLongLong();
}

/// The SQL expression each order sorts by; never NULL, so keyset comparisons stay simple (runSortValue).
const char *sortExpression(RunOrder order)
{
    switch (order) {
    case RunOrder::Kind: return "kind";
    case RunOrder::Status: return "status";
    case RunOrder::File: return "file";
    case RunOrder::WindowOrAsOf: return "COALESCE(window_hour, as_of, -1)";
    case RunOrder::Started: return "started_at";
    case RunOrder::Duration: return "COALESCE(finished_at - started_at, -1)";
    case RunOrder::RowsRead: return "rows_read";
    case RunOrder::RowsLoaded: return "rows_loaded";
    case RunOrder::RowsRejected: return "rows_rejected";
    case RunOrder::LateRows: return "late_rows";
    case RunOrder::Id: break;
    }
    return "id";
}

/// The WHERE conditions of a filter, with their bound values appended to binds.
QStringList filterConditions(const RunFilter &filter, QVariantList *binds)
{
    QStringList conditions;
    if (!filter.text.isEmpty()) {
        QString escaped = filter.text;
        escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
            .replace(QLatin1Char('%'), QLatin1String("\\%"))
            .replace(QLatin1Char('_'), QLatin1String("\\_"));
        const QString like = QLatin1Char('%') + escaped + QLatin1Char('%');
        conditions << QStringLiteral("(file LIKE ? ESCAPE '\\' OR status LIKE ? ESCAPE '\\' OR kind LIKE ? ESCAPE '\\' "
                                     "OR COALESCE(error, '') LIKE ? ESCAPE '\\' OR CAST(id AS TEXT) = ?)");
        *binds << like << like << like << like << filter.text.trimmed();
    }
    if (!filter.statuses.isEmpty()) {
        QStringList marks;
        for (const QString &status : filter.statuses) {
            marks << QStringLiteral("?");
            *binds << status;
        }
        conditions << QStringLiteral("status IN (%1)").arg(marks.join(QLatin1Char(',')));
    }
    return conditions;
}

LoadRun runFromQuery(const QSqlQuery &q)
{
    LoadRun run;
    run.id = q.value(0).toLongLong();
    run.kind = extractKindFromName(q.value(1).toString());
    run.file = q.value(2).toString();
    run.contentHash = q.value(3).toString();
    run.windowHour = optionalInt(q.value(4));
    run.asOf = optionalInt(q.value(5));
    run.startedAtMs = q.value(6).toLongLong();
    run.finishedAtMs = q.value(7).toLongLong();
    run.rowsRead = q.value(8).toLongLong();
    run.rowsLoaded = q.value(9).toLongLong();
    run.rowsRejected = q.value(10).toLongLong();
    run.lateRows = q.value(11).toLongLong();
    run.usersAdded = q.value(12).toLongLong();
    run.usersMoved = q.value(13).toLongLong();
    run.usersRemoved = q.value(14).toLongLong();
    run.factsReattributed = q.value(15).toLongLong();
    run.replacedRun = q.value(16).toLongLong();
    run.replacedBy = q.value(17).toLongLong();
    run.status = runStatusFromName(q.value(18).toString());
    run.error = q.value(19).toString();
    return run;
}
} // namespace

SqliteRunLog::SqliteRunLog(QSqlDatabase db)
    : m_db(std::move(db))
{
}

QList<LoadRun> SqliteRunLog::runs(const RunPage &page) const
{
    QVariantList binds;
    QStringList conditions = filterConditions(page.filter, &binds);
    const QString key = QString::fromLatin1(sortExpression(page.order));
    const QString direction = page.descending ? QStringLiteral("DESC") : QStringLiteral("ASC");
    if (page.after) {
        const QString beyond = page.descending ? QStringLiteral("<") : QStringLiteral(">");
        if (page.order == RunOrder::Id) {
            conditions << QStringLiteral("id %1 ?").arg(beyond);
        } else {
            conditions << QStringLiteral("(%1 %2 ? OR (%1 = ? AND id %2 ?))").arg(key, beyond);
            binds << runSortValue(*page.after, page.order) << runSortValue(*page.after, page.order);
        }
        binds << page.after->id;
    }
    QString sql = QStringLiteral("SELECT %1 FROM load_runs").arg(QString::fromLatin1(loadRunColumns));
    if (!conditions.isEmpty())
        sql += QStringLiteral(" WHERE ") + conditions.join(QStringLiteral(" AND "));
    if (page.order == RunOrder::Id)
        sql += QStringLiteral(" ORDER BY id %1 LIMIT %2").arg(direction).arg(page.limit);
    else
        sql += QStringLiteral(" ORDER BY %1 %2, id %2 LIMIT %3").arg(key, direction).arg(page.limit);
    SqliteQuery q(m_db, sql, binds);
    QList<LoadRun> result;
    while (q.next())
        result << runFromQuery(q.query());
    return result;
}

std::optional<LoadRun> SqliteRunLog::run(qint64 id) const
{
    SqliteQuery q(m_db, QStringLiteral("SELECT %1 FROM load_runs WHERE id = ?").arg(QString::fromLatin1(loadRunColumns)),
                  {id});
    if (q.next())
        return runFromQuery(q.query());
    return std::nullopt;
}

qint64 SqliteRunLog::runCount(const RunFilter &filter) const
{
    QVariantList binds;
    const QStringList conditions = filterConditions(filter, &binds);
    SqliteQuery q(m_db, QStringLiteral("SELECT COUNT(*) FROM load_runs")
                      + (conditions.isEmpty() ? QString() : QStringLiteral(" WHERE ") + conditions.join(QStringLiteral(" AND "))),
                  binds);
    return q.next() ? q.value(0).toLongLong() : 0;
}

qint64 SqliteRunLog::runsNeedingAttention() const
{
    SqliteQuery q(m_db, QStringLiteral("SELECT COUNT(*) FROM load_runs WHERE status IN ('failed', 'refused', 'interrupted')"));
    return q.next() ? q.value(0).toLongLong() : 0;
}

QList<RejectedLine> SqliteRunLog::rejects(qint64 runId, qint64 afterLine, int limit) const
{
    SqliteQuery q(m_db,
                  QStringLiteral("SELECT line, reason, raw FROM load_rejects WHERE run_id = ? AND line > ? ORDER BY line LIMIT ?"),
                  {runId, afterLine, limit});
    QList<RejectedLine> result;
    while (q.next())
        result << RejectedLine{q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toByteArray(), 0};
    return result;
}

void SqliteRunLog::markInterruptedRuns() const
{
    QSqlQuery running(m_db);
    running.exec(QStringLiteral("SELECT id, pid FROM load_runs WHERE status = 'running'"));
    QList<qint64> dead;
    while (running.next()) {
        const qint64 pid = running.value(1).toLongLong();
        if (pid == ::getpid() || !processIsAlive(pid))
            dead << running.value(0).toLongLong();
    }
    running.finish();
    for (qint64 id : dead) {
        QSqlQuery mark(m_db);
        mark.prepare(QStringLiteral("UPDATE load_runs SET status = 'interrupted', "
                                    "error = 'the load stopped before it finished (the process crashed or was "
                                    "killed); nothing it read was kept' WHERE id = ? AND status = 'running'"));
        mark.addBindValue(id);
        mark.exec();
    }
}

LoadCalendarRecords SqliteRunLog::calendar() const
{
    LoadCalendarRecords records;
    SqliteQuery windows(m_db, QStringLiteral("SELECT w.hour, w.run_id, COALESCE(r.file, ''), COALESCE(r.rows_loaded, 0), "
                                             "COALESCE(r.replaced_run, 0) FROM pageview_windows w "
                                             "LEFT JOIN load_runs r ON r.id = w.run_id"));
    while (windows.next())
        records.windows[windows.value(0).toLongLong()] = {windows.value(1).toLongLong(), windows.value(2).toString(),
                                                          windows.value(3).toLongLong(), windows.value(4).toLongLong()};
    SqliteQuery snapshots(m_db, QStringLiteral("SELECT s.as_of, s.run_id, COALESCE(r.file, ''), s.users, "
                                               "COALESCE(r.replaced_run, 0) FROM snapshots s "
                                               "LEFT JOIN load_runs r ON r.id = s.run_id"));
    while (snapshots.next())
        records.snapshots[snapshots.value(0).toLongLong()] = {snapshots.value(1).toLongLong(), snapshots.value(2).toString(),
                                                              snapshots.value(3).toLongLong(), snapshots.value(4).toLongLong()};
    SqliteQuery late(m_db, QStringLiteral("SELECT v.hour, v.run_id, v.views FROM load_hour_views v "
                                          "LEFT JOIN pageview_windows w ON w.hour = v.hour "
                                          "WHERE w.run_id IS NULL OR w.run_id <> v.run_id"));
    while (late.next())
        records.lateViews[late.value(0).toLongLong()][late.value(1).toLongLong()] = late.value(2).toLongLong();
    SqliteQuery q(m_db, QStringLiteral("SELECT id, kind, window_hour, as_of, status, COALESCE(error, ''), file FROM load_runs "
                                       "WHERE status IN ('failed', 'refused', 'cancelled', 'interrupted') "
                                       "AND (window_hour IS NOT NULL OR as_of IS NOT NULL) ORDER BY id"));
    while (q.next()) {
        const LoadCalendarRecords::Attempt attempt{q.value(0).toLongLong(), runStatusFromName(q.value(4).toString()),
                                                   q.value(5).toString(), q.value(6).toString()};
        if (extractKindFromName(q.value(1).toString()) == ExtractKind::Pageviews && !q.value(2).isNull())
            records.hourAttempts[floorDiv(q.value(2).toLongLong(), secondsPerHour)] = attempt;
        else if (!q.value(3).isNull())
            records.snapshotAttempts[floorDiv(q.value(3).toLongLong(), secondsPerDay)] = attempt;
    }
    return records;
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
