#include "storage/postgres/pgcheck.h"

#include "check/warehousecheck.h"
#include "storage/factsegment.h"
#include "storage/postgres/pgconnection.h"
#include "storage/postgres/pgloadstore.h"

#include <QScopeGuard>

#include <limits>

namespace pv {

namespace {

/// A stored postcode id, or nullopt for NULL (storedPostcodeId).
std::optional<quint32> optionalPostcode(const PgResult &rows, int row, int column)
{
    if (rows.isNull(row, column))
        return std::nullopt;
    const qint64 id = rows.int64(row, column);
    return storedPostcodeId(id);
}

/// Rows of a large answer a batch at a time, through a cursor of the check's transaction.
void forEachBatch(PGconn *conn, const QByteArray &select, const std::function<bool(const PgResult &)> &visit)
{
    pgExec(conn, ("DECLARE pvadmin_check NO SCROLL CURSOR FOR " + select).constData());
    const auto close = qScopeGuard([conn] {
        try {
            pgExec(conn, "CLOSE pvadmin_check");
        } catch (const StorageError &) {
        }
    });
    for (;;) {
        const PgResult batch = pgQuery(conn, "FETCH 100000 FROM pvadmin_check", {}, true);
        if (batch.rows() == 0 || !visit(batch))
            return;
    }
}

class PgCheckSource final : public CheckSource
{
public:
    explicit PgCheckSource(PGconn *conn)
        : m_conn(conn)
    {
    }

    std::vector<qint64> snapshotAsOfs() override
    {
        std::vector<qint64> asOfs;
        const PgResult rows = pgQuery(m_conn, "SELECT as_of FROM snapshots", {}, true);
        for (int row = 0; row < rows.rows(); ++row)
            asOfs.push_back(rows.int64(row, 0));
        return asOfs;
    }

    void forEachHistoryChange(const std::function<bool(const HistoryChange &)> &visit) override
    {
        forEachBatch(m_conn, "SELECT user_id, as_of, postcode_id, previous_as_of, previous_postcode_id "
                             "FROM user_postcode_changes ORDER BY user_id, as_of",
                     [&](const PgResult &rows) {
                         for (int row = 0; row < rows.rows(); ++row) {
                             const HistoryChange change{static_cast<quint64>(rows.int64(row, 0)), rows.int64(row, 1),
                                                        optionalPostcode(rows, row, 2), rows.optionalInt64(row, 3),
                                                        optionalPostcode(rows, row, 4)};
                             if (!visit(change))
                                 return false;
                         }
                         return true;
                     });
    }

    void readUserDirectory(UserDirectory &directory) override { pgReadUserDirectory(m_conn, directory); }

    std::vector<std::pair<quint32, qint64>> currentUserCounts() override
    {
        std::vector<std::pair<quint32, qint64>> counts;
        const PgResult rows = pgQuery(m_conn, "SELECT postcode_id, users FROM postcode_current_users", {}, true);
        for (int row = 0; row < rows.rows(); ++row)
            counts.emplace_back(static_cast<quint32>(rows.int64(row, 0)), rows.int64(row, 1));
        return counts;
    }

    std::vector<RunHourViews> runHourViews() override
    {
        std::vector<RunHourViews> views;
        const PgResult rows = pgQuery(m_conn, "SELECT l.run_id, l.hour, l.views, COALESCE(r.status = 'succeeded', false) "
                                              "FROM load_hour_views l LEFT JOIN load_runs r ON r.id = l.run_id",
                                      {}, true);
        for (int row = 0; row < rows.rows(); ++row)
            views.push_back({rows.int64(row, 0), rows.int64(row, 1), rows.int64(row, 2), rows.int64(row, 3) != 0});
        return views;
    }

    std::vector<std::pair<qint64, qint64>> windowRuns() override { return pairs("SELECT hour, run_id FROM pageview_windows"); }

    std::vector<std::pair<qint64, qint64>> livePageviewRuns() override
    {
        // The run log keeps the window as the instant it starts.
        std::vector<std::pair<qint64, qint64>> runs =
            pairs("SELECT window_hour, id FROM load_runs WHERE kind = 'pageviews' AND status = 'succeeded'");
        for (auto &[window, run] : runs)
            window = hourOf(window);
        return runs;
    }

    std::vector<std::pair<qint64, bool>> runsWithFacts() override
    {
        std::vector<std::pair<qint64, bool>> runs;
        const PgResult rows = pgQuery(m_conn, "SELECT s.load_id, COALESCE(r.status = 'succeeded', false) FROM "
                                              "(SELECT DISTINCT load_id FROM pageview_fact_segments) s "
                                              "LEFT JOIN load_runs r ON r.id = s.load_id",
                                      {}, true);
        for (int row = 0; row < rows.rows(); ++row)
            runs.emplace_back(rows.int64(row, 0), rows.int64(row, 1) != 0);
        return runs;
    }

    void forEachFactSegment(qint64 runId, const std::function<bool(const FactSegment &)> &visit) override
    {
        std::vector<PageviewFact> facts;
        const QByteArray select = "SELECT first_user, last_user, format, data FROM pageview_fact_segments WHERE load_id = "
            + QByteArray::number(runId) + " ORDER BY first_user";
        // A few segments a batch: each is up to a few hundred kilobytes.
        pgExec(m_conn, ("DECLARE pvadmin_segments NO SCROLL CURSOR FOR " + select).constData());
        const auto close = qScopeGuard([this] {
            try {
                pgExec(m_conn, "CLOSE pvadmin_segments");
            } catch (const StorageError &) {
            }
        });
        for (;;) {
            const PgResult rows = pgQuery(m_conn, "FETCH 32 FROM pvadmin_segments", {}, true);
            if (rows.rows() == 0)
                return;
            for (int row = 0; row < rows.rows(); ++row) {
                FactSegmentView(rows.int64(row, 2), rows.bytes(row, 3)).decode(facts);
                if (!visit({static_cast<quint64>(rows.int64(row, 0)), static_cast<quint64>(rows.int64(row, 1)), facts}))
                    return;
            }
        }
    }

    std::optional<HourSpan> aggregateHours() override
    {
        const PgResult bounds = pgQuery(m_conn, "SELECT (SELECT MIN(hour) FROM views_at_time_hourly), (SELECT MAX(hour) FROM views_at_time_hourly),"
                                                " (SELECT MIN(hour) FROM views_current_hourly), (SELECT MAX(hour) FROM views_current_hourly),"
                                                " (SELECT MIN(day) FROM views_at_time_daily) * 24, (SELECT MAX(day) FROM views_at_time_daily) * 24 + 23,"
                                                " (SELECT MIN(day) FROM views_current_daily) * 24, (SELECT MAX(day) FROM views_current_daily) * 24 + 23",
                                        {}, true);
        std::optional<HourSpan> span;
        for (int column = 0; column < 8; column += 2) {
            if (bounds.isNull(0, column))
                continue;
            const qint64 first = bounds.int64(0, column), end = bounds.int64(0, column + 1) + 1;
            span = HourSpan{span ? std::min(span->first, first) : first, span ? std::max(span->end, end) : end};
        }
        return span;
    }

    std::optional<qint64> nextAggregateHour(qint64 from) override
    {
        // LEAST skips NULLs: four seeks down the tables' keys.
        const PgResult next = pgQuery(m_conn, "SELECT LEAST((SELECT MIN(hour) FROM views_at_time_hourly WHERE hour >= $1),"
                                              " (SELECT MIN(hour) FROM views_current_hourly WHERE hour >= $1),"
                                              " (SELECT MIN(day) FROM views_at_time_daily WHERE day >= $2) * 24,"
                                              " (SELECT MIN(day) FROM views_current_daily WHERE day >= $2) * 24)",
                                      PgParams().add(from).add(floorDiv(from, hoursPerDay)), true);
        return next.optionalInt64(0, 0);
    }

    void forEachAggregateRow(Basis basis, AggregateGrain grain, qint64 from, qint64 to,
                             const std::function<void(const AggregateRow &)> &visit) override
    {
        const char *period = grain == AggregateGrain::Hour ? "hour" : "day";
        const QByteArray sql = QStringLiteral("SELECT %1, postcode_id, views FROM %2 WHERE %1 >= $1 AND %1 < $2 ORDER BY %1, postcode_id")
                                   .arg(QLatin1String(period), QLatin1String(aggregateTableName(basis, grain)))
                                   .toUtf8();
        const PgResult rows = pgQuery(m_conn, sql.constData(), PgParams().add(from).add(to), true);
        for (int row = 0; row < rows.rows(); ++row)
            visit({rows.int64(row, 0), static_cast<quint32>(rows.int64(row, 1)), rows.int64(row, 2)});
    }

    QString postcodeText(quint32 postcodeId) override
    {
        const PgResult text = pgQuery(m_conn, "SELECT postcode FROM postcodes WHERE id = $1", PgParams().add(qint64(postcodeId)));
        return text.rows() ? text.text(0, 0) : QStringLiteral("#%1").arg(postcodeId);
    }

    void forEachPostcode(const std::function<void(const StoredPostcode &)> &visit) override
    {
        StoredPostcode postcode;
        forEachBatch(m_conn, "SELECT id, postcode, seal FROM postcodes ORDER BY id", [&](const PgResult &rows) {
            for (int row = 0; row < rows.rows(); ++row) {
                postcode.id = storedPostcodeId(rows.int64(row, 0));
                postcode.text.assign(rows.bytes(row, 1));
                postcode.seal = rows.optionalInt64(row, 2);
                visit(postcode);
            }
            return true;
        });
    }

    std::optional<qint64> postcodeCount() override
    {
        const PgResult value = pgQuery(m_conn, "SELECT value FROM settings WHERE key = 'postcode_count'");
        if (!value.rows())
            return std::nullopt;
        bool ok = false;
        const qint64 count = value.text(0, 0).toLongLong(&ok);
        if (!ok)
            throw StorageError{QStringLiteral("the setting postcode_count is not a number: '%1'").arg(value.text(0, 0))};
        return count;
    }

    /// amcheck's bt_index_check on every B-tree index of the warehouse, where the extension is installed in
    /// this database and the role may run it: each index's pages and the order of its keys.
    StorageStructureCheck checkStorageStructure() override
    {
        StorageStructureCheck structure;
        const PgResult amcheck = pgQuery(m_conn, "SELECT quote_ident(n.nspname) FROM pg_extension e "
                                                 "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'amcheck'");
        if (!amcheck.rows()) {
            structure.summary = QStringLiteral("PostgreSQL's index structure not checked: the amcheck extension is not "
                                               "installed in this database (a superuser can run CREATE EXTENSION amcheck)");
            return structure;
        }
        const QString function = amcheck.text(0, 0) + QStringLiteral(".bt_index_check");
        const PgResult allowed = pgQuery(m_conn, "SELECT has_function_privilege($1, 'EXECUTE')",
                                         PgParams().add(function + QStringLiteral("(regclass, boolean)")));
        if (allowed.text(0, 0) != QLatin1String("t")) {
            structure.summary = QStringLiteral("PostgreSQL's index structure not checked: this role may not run %1 "
                                               "(a superuser can GRANT EXECUTE ON FUNCTION %1(regclass, boolean) to it)")
                                    .arg(function);
            return structure;
        }
        const PgResult indexes = pgQuery(m_conn, "SELECT c.oid::bigint, c.relname FROM pg_class c "
                                                 "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am a ON a.oid = c.relam "
                                                 "WHERE n.nspname = current_schema() AND c.relkind = 'i' AND a.amname = 'btree' "
                                                 "ORDER BY c.relname");
        const QByteArray check = QStringLiteral("SELECT %1($1::bigint::oid::regclass, false)").arg(function).toUtf8();
        for (int row = 0; row < indexes.rows(); ++row) {
            // One index's failure is reported and the others still checked: each in a savepoint of its own.
            pgExec(m_conn, "SAVEPOINT pvadmin_amcheck");
            try {
                pgQuery(m_conn, check.constData(), PgParams().add(indexes.int64(row, 0)));
                pgExec(m_conn, "RELEASE SAVEPOINT pvadmin_amcheck");
            } catch (const StorageError &e) {
                pgExec(m_conn, "ROLLBACK TO SAVEPOINT pvadmin_amcheck");
                structure.problems << QStringLiteral("amcheck: index %1: %2").arg(indexes.text(row, 1), e.message);
            }
        }
        structure.summary = QStringLiteral("amcheck %1 on %2 B-tree indexes")
                                .arg(structure.problems.isEmpty() ? QStringLiteral("passed") : QStringLiteral("failed"))
                                .arg(indexes.rows());
        return structure;
    }

private:
    std::vector<std::pair<qint64, qint64>> pairs(const char *sql)
    {
        std::vector<std::pair<qint64, qint64>> result;
        const PgResult rows = pgQuery(m_conn, sql, {}, true);
        for (int row = 0; row < rows.rows(); ++row)
            result.emplace_back(rows.int64(row, 0), rows.int64(row, 1));
        return result;
    }

    PGconn *m_conn;
};

} // namespace

CheckReport checkPostgresWarehouse(PGconn *conn, std::optional<HourSpan> hours, LoadFeedback *feedback)
{
    // One snapshot of the whole warehouse, however long the check takes; loads go on beside it.
    pgExec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const auto end = qScopeGuard([conn] {
        try {
            pgExec(conn, "ROLLBACK");
        } catch (const StorageError &) {
        }
    });
    PgCheckSource source(conn);
    return checkWarehouse(source, hours, feedback);
}

} // namespace pv
