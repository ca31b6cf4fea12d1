#include "storage/sql/sqlrunlog.h"

#include "storage/sql/sqlquery.h"
#include "core/time.h"

#include <QSqlQuery>
#include <QVariant>

namespace pv {

namespace {
const char *const loadRunColumns =
    "id, kind, file, content_hash, window_hour, as_of, started_at, finished_at, rows_read, rows_loaded, "
    "rows_rejected, late_rows, users_added, users_moved, users_removed, facts_reattributed, replaced_run, "
    "replaced_by, status, error";

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
        // LOWER on both sides: SQLite's LIKE ignores ASCII case and PostgreSQL's does not.
        conditions << QStringLiteral("(LOWER(file) LIKE LOWER(?) ESCAPE '\\' OR status LIKE LOWER(?) ESCAPE '\\' "
                                     "OR kind LIKE LOWER(?) ESCAPE '\\' OR LOWER(COALESCE(error, '')) LIKE LOWER(?) ESCAPE '\\' "
                                     "OR CAST(id AS TEXT) = ?)");
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

SqlRunLog::SqlRunLog(QSqlDatabase db)
    : m_db(std::move(db))
{
}

QList<LoadRun> SqlRunLog::runs(const RunPage &page) const
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
        sql += QStringLiteral(" ORDER BY id %1").arg(direction);
    else
        sql += QStringLiteral(" ORDER BY %1 %2, id %2").arg(key, direction);
    if (page.limit >= 0)
        sql += QStringLiteral(" LIMIT %1").arg(page.limit);
    SqlQuery q(m_db, sql, binds);
    QList<LoadRun> result;
    while (q.next())
        result << runFromQuery(q.query());
    return result;
}

std::optional<LoadRun> SqlRunLog::run(qint64 id) const
{
    SqlQuery q(m_db, QStringLiteral("SELECT %1 FROM load_runs WHERE id = ?").arg(QString::fromLatin1(loadRunColumns)),
                  {id});
    if (q.next())
        return runFromQuery(q.query());
    return std::nullopt;
}

qint64 SqlRunLog::runCount(const RunFilter &filter) const
{
    QVariantList binds;
    const QStringList conditions = filterConditions(filter, &binds);
    SqlQuery q(m_db, QStringLiteral("SELECT COUNT(*) FROM load_runs")
                      + (conditions.isEmpty() ? QString() : QStringLiteral(" WHERE ") + conditions.join(QStringLiteral(" AND "))),
                  binds);
    return q.next() ? q.value(0).toLongLong() : 0;
}

qint64 SqlRunLog::runsNeedingAttention() const
{
    SqlQuery q(m_db, QStringLiteral("SELECT COUNT(*) FROM load_runs WHERE status IN ('failed', 'refused', 'interrupted')"));
    return q.next() ? q.value(0).toLongLong() : 0;
}

QList<RejectedLine> SqlRunLog::rejects(qint64 runId, qint64 afterLine, int limit) const
{
    QString sql = QStringLiteral("SELECT line, reason, raw FROM load_rejects WHERE run_id = ? AND line > ? ORDER BY line");
    if (limit >= 0)
        sql += QStringLiteral(" LIMIT %1").arg(limit);
    SqlQuery q(m_db, sql, {runId, afterLine});
    QList<RejectedLine> result;
    while (q.next())
        result << RejectedLine{q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toByteArray(), 0};
    return result;
}

LoadCalendarRecords SqlRunLog::calendar() const
{
    LoadCalendarRecords records;
    SqlQuery windows(m_db, QStringLiteral("SELECT w.hour, w.run_id, COALESCE(r.file, ''), COALESCE(r.rows_loaded, 0), "
                                             "COALESCE(r.replaced_run, 0) FROM pageview_windows w "
                                             "LEFT JOIN load_runs r ON r.id = w.run_id"));
    while (windows.next())
        records.windows[windows.value(0).toLongLong()] = {windows.value(1).toLongLong(), windows.value(2).toString(),
                                                          windows.value(3).toLongLong(), windows.value(4).toLongLong()};
    SqlQuery snapshots(m_db, QStringLiteral("SELECT s.as_of, s.run_id, COALESCE(r.file, ''), s.users, "
                                               "COALESCE(r.replaced_run, 0), COALESCE(r.rows_loaded, 0) FROM snapshots s "
                                               "LEFT JOIN load_runs r ON r.id = s.run_id"));
    while (snapshots.next())
        records.snapshots[snapshots.value(0).toLongLong()] = {snapshots.value(1).toLongLong(), snapshots.value(2).toString(),
                                                              snapshots.value(3).toLongLong(), snapshots.value(4).toLongLong(),
                                                              snapshots.value(5).toLongLong()};
    SqlQuery late(m_db, QStringLiteral("SELECT v.hour, v.run_id, v.views FROM load_hour_views v "
                                          "LEFT JOIN pageview_windows w ON w.hour = v.hour "
                                          "WHERE w.run_id IS NULL OR w.run_id <> v.run_id"));
    while (late.next())
        records.lateViews[late.value(0).toLongLong()][late.value(1).toLongLong()] = late.value(2).toLongLong();
    SqlQuery q(m_db, QStringLiteral("SELECT id, kind, window_hour, as_of, status, COALESCE(error, ''), file FROM load_runs "
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


} // namespace pv
