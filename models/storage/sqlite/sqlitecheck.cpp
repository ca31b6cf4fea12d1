#include "storage/sqlite/sqlitecheck.h"

#include "check/warehousecheck.h"
#include "core/time.h"
#include "storage/sqlite/factstore.h"
#include "storage/sqlite/sqlitestatement.h"
#include "storage/sqlite/userdirectoryblocks.h"

#include <QScopeGuard>

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <limits>
#include <memory>

namespace pv {

namespace {

std::optional<qint64> optionalInt(const SqliteStatement &row, int column)
{
    return row.isNull(column) ? std::nullopt : std::optional<qint64>(row.int64(column));
}

/// A stored postcode id, or nullopt for NULL (storedPostcodeId).
std::optional<quint32> optionalPostcode(const SqliteStatement &row, int column)
{
    if (row.isNull(column))
        return std::nullopt;
    const qint64 id = row.int64(column);
    return storedPostcodeId(id);
}

class SqliteCheckSource final : public CheckSource
{
public:
    explicit SqliteCheckSource(sqlite3 *db)
        : m_db(db)
    {
    }

    std::vector<qint64> snapshotAsOfs() override
    {
        std::vector<qint64> asOfs;
        SqliteStatement select(m_db, "SELECT as_of FROM snapshots");
        while (select.step())
            asOfs.push_back(select.int64(0));
        return asOfs;
    }

    /// The changes are stored by as-of, then user: one cursor per as-of, merged by user.
    void forEachHistoryChange(const std::function<bool(const HistoryChange &)> &visit) override
    {
        struct Cursor
        {
            qint64 asOf;
            std::unique_ptr<SqliteStatement> rows;
            qint64 user; // the current row's user
        };
        std::vector<Cursor> cursors;
        SqliteStatement nextAsOf(m_db, "SELECT MIN(as_of) FROM user_postcode_changes WHERE as_of > ?");
        for (qint64 after = std::numeric_limits<qint64>::min();;) {
            nextAsOf.bind(1, after);
            if (!nextAsOf.step() || nextAsOf.isNull(0))
                break;
            after = nextAsOf.int64(0);
            nextAsOf.reset();
            auto rows = std::make_unique<SqliteStatement>(
                m_db, "SELECT user_id, postcode_id, previous_as_of, previous_postcode_id FROM user_postcode_changes "
                      "WHERE as_of = ? ORDER BY user_id");
            rows->bind(1, after);
            if (rows->step()) {
                const qint64 user = rows->int64(0);
                cursors.push_back({after, std::move(rows), user});
            }
        }
        // A heap of cursors by (user, as-of): the smallest on top.
        const auto later = [](const Cursor &a, const Cursor &b) { return a.user != b.user ? a.user > b.user : a.asOf > b.asOf; };
        std::make_heap(cursors.begin(), cursors.end(), later);
        while (!cursors.empty()) {
            std::pop_heap(cursors.begin(), cursors.end(), later);
            Cursor &c = cursors.back();
            const SqliteStatement &row = *c.rows;
            const HistoryChange change{static_cast<quint64>(c.user), c.asOf, optionalPostcode(row, 1), optionalInt(row, 2),
                                       optionalPostcode(row, 3)};
            if (!visit(change))
                return;
            if (c.rows->step()) {
                c.user = c.rows->int64(0);
                std::push_heap(cursors.begin(), cursors.end(), later);
            } else {
                cursors.pop_back();
            }
        }
    }

    void readUserDirectory(UserDirectory &directory) override { pv::readUserDirectory(m_db, directory); }

    std::vector<std::pair<quint32, qint64>> currentUserCounts() override
    {
        std::vector<std::pair<quint32, qint64>> counts;
        SqliteStatement select(m_db, "SELECT postcode_id, users FROM postcode_current_users");
        while (select.step())
            counts.emplace_back(static_cast<quint32>(select.int64(0)), select.int64(1));
        return counts;
    }

    std::vector<RunHourViews> runHourViews() override
    {
        std::vector<RunHourViews> rows;
        SqliteStatement select(m_db, "SELECT l.run_id, l.hour, l.views, COALESCE(r.status = 'succeeded', 0) "
                                     "FROM load_hour_views l LEFT JOIN load_runs r ON r.id = l.run_id");
        while (select.step())
            rows.push_back({select.int64(0), select.int64(1), select.int64(2), select.int64(3) != 0});
        return rows;
    }

    std::vector<std::pair<qint64, qint64>> windowRuns() override
    {
        return pairs("SELECT hour, run_id FROM pageview_windows");
    }

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
        SqliteStatement select(m_db, "SELECT s.load_id, COALESCE(r.status = 'succeeded', 0) FROM "
                                     "(SELECT DISTINCT load_id FROM pageview_fact_segments) s "
                                     "LEFT JOIN load_runs r ON r.id = s.load_id");
        while (select.step())
            runs.emplace_back(select.int64(0), select.int64(1) != 0);
        return runs;
    }

    void forEachFactSegment(qint64 runId, const std::function<bool(const FactSegment &)> &visit) override
    {
        FactStore(m_db).forEachSegment(runId, [&](quint64 firstUser, quint64 lastUser, const std::vector<PageviewFact> &facts) {
            return visit({firstUser, lastUser, facts});
        });
    }

    std::optional<HourSpan> aggregateHours() override
    {
        // Each MIN and MAX alone is one step down an index; together in one SELECT they would scan it.
        SqliteStatement select(m_db, "SELECT (SELECT MIN(hour) FROM views_at_time_hourly), (SELECT MAX(hour) FROM views_at_time_hourly),"
                                     " (SELECT MIN(hour) FROM views_current_hourly), (SELECT MAX(hour) FROM views_current_hourly),"
                                     " (SELECT MIN(day) FROM views_at_time_daily) * 24, (SELECT MAX(day) FROM views_at_time_daily) * 24 + 23,"
                                     " (SELECT MIN(day) FROM views_current_daily) * 24, (SELECT MAX(day) FROM views_current_daily) * 24 + 23");
        std::optional<HourSpan> span;
        if (select.step())
            for (int column = 0; column < 8; column += 2) {
                if (select.isNull(column))
                    continue;
                const qint64 first = select.int64(column), end = select.int64(column + 1) + 1;
                span = HourSpan{span ? std::min(span->first, first) : first, span ? std::max(span->end, end) : end};
            }
        return span;
    }

    std::optional<qint64> nextAggregateHour(qint64 from) override
    {
        // Four seeks down the tables' keys; the aggregate MIN skips the tables with none (min() of several
        // arguments would be NULL).
        SqliteStatement select(m_db, "SELECT MIN(hour) FROM ("
                                     " SELECT (SELECT MIN(hour) FROM views_at_time_hourly WHERE hour >= ?1) AS hour"
                                     " UNION ALL SELECT (SELECT MIN(hour) FROM views_current_hourly WHERE hour >= ?1)"
                                     " UNION ALL SELECT (SELECT MIN(day) FROM views_at_time_daily WHERE day >= ?2) * 24"
                                     " UNION ALL SELECT (SELECT MIN(day) FROM views_current_daily WHERE day >= ?2) * 24)");
        select.bind(1, from).bind(2, floorDiv(from, hoursPerDay));
        return select.step() && !select.isNull(0) ? std::optional<qint64>(select.int64(0)) : std::nullopt;
    }

    void forEachAggregateRow(Basis basis, AggregateGrain grain, qint64 from, qint64 to,
                             const std::function<void(const AggregateRow &)> &visit) override
    {
        const char *period = grain == AggregateGrain::Hour ? "hour" : "day";
        const QByteArray sql = QStringLiteral("SELECT %1, postcode_id, views FROM %2 WHERE %1 >= ? AND %1 < ? ORDER BY %1, postcode_id")
                                   .arg(QLatin1String(period), QLatin1String(aggregateTableName(basis, grain)))
                                   .toUtf8();
        SqliteStatement select(m_db, sql.constData());
        select.bind(1, from).bind(2, to);
        while (select.step())
            visit({select.int64(0), static_cast<quint32>(select.int64(1)), select.int64(2)});
    }

    QString postcodeText(quint32 postcodeId) override
    {
        SqliteStatement select(m_db, "SELECT postcode FROM postcodes WHERE id = ?");
        select.bind(1, static_cast<qint64>(postcodeId));
        return select.step() ? select.text(0) : QStringLiteral("#%1").arg(postcodeId);
    }

    void forEachPostcode(const std::function<void(const StoredPostcode &)> &visit) override
    {
        SqliteStatement select(m_db, "SELECT id, postcode, seal FROM postcodes ORDER BY id");
        StoredPostcode postcode;
        while (select.step()) {
            postcode.id = storedPostcodeId(select.int64(0));
            const std::string_view text = select.blobView(1);
            postcode.text.assign(text.data(), text.size());
            postcode.seal = optionalInt(select, 2);
            visit(postcode);
        }
    }

    std::optional<qint64> postcodeCount() override
    {
        SqliteStatement select(m_db, "SELECT value FROM settings WHERE key = 'postcode_count'");
        if (!select.step())
            return std::nullopt;
        bool ok = false;
        const qint64 count = select.text(0).toLongLong(&ok);
        if (!ok)
            throw StorageError{QStringLiteral("the setting postcode_count is not a number: '%1'").arg(select.text(0))};
        return count;
    }

    /// SQLite's quick_check: every page, record and free list, and each index's entries in order
    /// (not that an index holds exactly its table's rows: integrity_check does that, in far longer).
    StorageStructureCheck checkStorageStructure() override
    {
        StorageStructureCheck structure;
        SqliteStatement check(m_db, "PRAGMA quick_check");
        while (check.step())
            if (const QString line = check.text(0); line != QLatin1String("ok"))
                structure.problems << QStringLiteral("SQLite quick_check: %1").arg(line);
        structure.summary = QStringLiteral("SQLite's quick_check %1").arg(structure.problems.isEmpty() ? QStringLiteral("passed")
                                                                                                        : QStringLiteral("failed"));
        // Not a difference, but worth saying where it is read: pvadmin makes a warehouse 0600; one made
        // otherwise, or chmodded since, lets other users of the machine read (or change) it.
        struct stat st;
        if (const char *file = sqlite3_db_filename(m_db, "main"); file && *file && ::stat(file, &st) == 0
            && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
            structure.summary += QStringLiteral("; the file is %1: other users of this machine may %2 it (chmod 600 "
                                                "keeps it its owner's)")
                                     .arg(QString::number(st.st_mode & 0777, 8).rightJustified(4, QLatin1Char('0')))
                                     .arg((st.st_mode & (S_IWGRP | S_IWOTH)) ? QStringLiteral("read and change")
                                                                             : QStringLiteral("read"));
        return structure;
    }

private:
    std::vector<std::pair<qint64, qint64>> pairs(const char *sql)
    {
        std::vector<std::pair<qint64, qint64>> rows;
        SqliteStatement select(m_db, sql);
        while (select.step())
            rows.emplace_back(select.int64(0), select.int64(1));
        return rows;
    }

    sqlite3 *m_db;
};

} // namespace

CheckReport checkSqliteWarehouse(sqlite3 *handle, std::optional<HourSpan> hours, LoadFeedback *feedback)
{
    sqliteExec(handle, "BEGIN");
    // Nothing was written: ending the read transaction cannot lose anything, so its failure is not news.
    const auto end = qScopeGuard([handle] {
        try {
            sqliteExec(handle, "ROLLBACK");
        } catch (const StorageError &) {
        }
    });
    SqliteCheckSource source(handle);
    return checkWarehouse(source, hours, feedback);
}

} // namespace pv
