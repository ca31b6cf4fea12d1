#include "storage/sqlite/loadrun.h"

#include <QSqlQuery>
#include <QVariant>

namespace pv {

const char *const loadRunColumns =
    "id, kind, file, content_hash, window_hour, as_of, started_at, finished_at, rows_read, rows_loaded, "
    "rows_rejected, late_rows, users_added, users_moved, users_removed, facts_reattributed, replaced_run, "
    "replaced_by, status, error";

namespace {
std::optional<qint64> optionalInt(const QVariant &v)
{
    if (v.isNull())
        return std::nullopt;
    return v.toLongLong();
}
} // namespace

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

LoadRunLog::LoadRunLog(QSqlDatabase db)
    : m_db(std::move(db))
{
}

QList<LoadRun> LoadRunLog::runs(qint64 afterId, int limit) const
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT %1 FROM load_runs WHERE id > ? ORDER BY id LIMIT ?")
                  .arg(QString::fromLatin1(loadRunColumns)));
    q.addBindValue(afterId);
    q.addBindValue(limit);
    QList<LoadRun> result;
    if (q.exec())
        while (q.next())
            result << runFromQuery(q);
    return result;
}

std::optional<LoadRun> LoadRunLog::run(qint64 id) const
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT %1 FROM load_runs WHERE id = ?").arg(QString::fromLatin1(loadRunColumns)));
    q.addBindValue(id);
    if (q.exec() && q.next())
        return runFromQuery(q);
    return std::nullopt;
}

qint64 LoadRunLog::runCount() const
{
    QSqlQuery q(m_db);
    if (q.exec(QStringLiteral("SELECT COUNT(*) FROM load_runs")) && q.next())
        return q.value(0).toLongLong();
    return 0;
}

QList<RejectedLine> LoadRunLog::rejects(qint64 runId, qint64 afterLine, int limit) const
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT line, reason, raw FROM load_rejects WHERE run_id = ? AND line > ? "
                             "ORDER BY line LIMIT ?"));
    q.addBindValue(runId);
    q.addBindValue(afterLine);
    q.addBindValue(limit);
    QList<RejectedLine> result;
    if (q.exec())
        while (q.next())
            result << RejectedLine{q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toByteArray(), 0};
    return result;
}

} // namespace pv
