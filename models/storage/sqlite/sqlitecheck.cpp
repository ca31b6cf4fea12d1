#include "storage/sqlite/sqlitecheck.h"

#include "core/loadfeedback.h"
#include "core/time.h"
#include "extract/extractvalidation.h"
#include "history/userdirectory.h"
#include "storage/sqlite/factstore.h"
#include "storage/sqlite/sqlitestatement.h"
#include "storage/sqlite/userdirectoryblocks.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace pv {

namespace {
constexpr int maxListed = 20;

QString hourText(qint64 hour)
{
    return formatTimestamp(hour * secondsPerHour);
}

class Checker
{
public:
    Checker(QSqlDatabase db, sqlite3 *handle, LoadFeedback *feedback)
        : m_db(std::move(db))
        , m_handle(handle)
        , m_feedback(feedback)
    {
    }

    CheckReport run()
    {
        // The recomputation's temporary tables can be as big as the facts: keep them on disk, not in memory.
        exec(QStringLiteral("PRAGMA temp_store = FILE"));
        exec(QStringLiteral("BEGIN"));
        const bool finished = steps();
        exec(QStringLiteral("DROP TABLE IF EXISTS temp.check_facts"));
        exec(QStringLiteral("DROP TABLE IF EXISTS temp.check_expected"));
        exec(QStringLiteral("DROP TABLE IF EXISTS temp.check_history"));
        exec(QStringLiteral("ROLLBACK"));
        exec(QStringLiteral("PRAGMA temp_store = MEMORY"));
        m_report.cancelled = !finished;
        return m_report;
    }

private:
    bool steps()
    {
        stage(QStringLiteral("checking history"));
        // The stored changes must link up: each names the change before it, changes something, and happens
        // at a loaded snapshot's as-of.
        listDifferences(QStringLiteral(
            "SELECT 'history: user ' || user_id || ', change at ' || as_of || CASE"
            " WHEN previous_as_of IS NOT before_as_of OR previous_postcode_id IS NOT before_postcode"
            "  THEN ' names the change before it as ' || COALESCE(previous_as_of, 'none') || ' but it is '"
            "       || COALESCE(before_as_of, 'none')"
            " ELSE ' changes nothing' END FROM ("
            " SELECT *, LAG(as_of) OVER w AS before_as_of, LAG(postcode_id) OVER w AS before_postcode"
            " FROM user_postcode_changes WINDOW w AS (PARTITION BY user_id ORDER BY as_of))"
            " WHERE previous_as_of IS NOT before_as_of OR previous_postcode_id IS NOT before_postcode"
            " OR postcode_id IS before_postcode"));
        listDifferences(QStringLiteral(
            "SELECT 'history: user ' || user_id || ' changes at ' || as_of || ', which is no loaded snapshot'"
            " FROM user_postcode_changes WHERE as_of NOT IN (SELECT as_of FROM snapshots)"));
        // The SCD2 rows, keyed by user for the per-fact look-ups below.
        exec(QStringLiteral("CREATE TEMP TABLE check_history (user_id INTEGER, valid_from INTEGER, valid_to INTEGER,"
                            " postcode_id INTEGER, PRIMARY KEY (user_id, valid_from)) WITHOUT ROWID"));
        exec(QStringLiteral("INSERT INTO temp.check_history SELECT user_id, valid_from, valid_to, postcode_id"
                            " FROM user_postcode_history ORDER BY user_id, valid_from"));
        checkUserDirectory();
        if (cancelled())
            return false;

        stage(QStringLiteral("recomputing every fact's postcodes from history"));
        if (!copyFacts())
            return false;
        exec(QStringLiteral(
            "CREATE TEMP TABLE check_facts AS SELECT f.load_id, f.user_id, f.hour, f.views, f.postcode_id AS stored,"
            " COALESCE((SELECT h.postcode_id FROM temp.check_history h WHERE h.user_id = f.user_id"
            "             AND h.valid_from <= f.hour * 3600 ORDER BY h.valid_from DESC LIMIT 1),"
            "          (SELECT h.postcode_id FROM temp.check_history h WHERE h.user_id = f.user_id"
            "             ORDER BY h.valid_from LIMIT 1), 0) AS at_time,"
            " COALESCE((SELECT h.postcode_id FROM temp.check_history h WHERE h.user_id = f.user_id"
            "             ORDER BY h.valid_from DESC LIMIT 1), 0) AS current"
            " FROM temp.check_fact_rows f"));
        exec(QStringLiteral("DROP TABLE temp.check_fact_rows"));
        m_report.factsChecked = scalar(QStringLiteral("SELECT COUNT(*) FROM temp.check_facts"));
        listDifferences(QStringLiteral(
            "SELECT 'facts: user ' || f.user_id || ', hour ' || strftime('%Y-%m-%d %H:00:00', f.hour * 3600, 'unixepoch')"
            " || ' (run ' || f.load_id || ') is stored under ' || ps.postcode || ' but its at-time postcode is '"
            " || pa.postcode FROM temp.check_facts f JOIN postcodes ps ON ps.id = f.stored"
            " JOIN postcodes pa ON pa.id = f.at_time WHERE f.stored <> f.at_time"));
        listDifferences(QStringLiteral(
            "SELECT 'facts: load ' || load_id || ' has facts but is not a live run' FROM"
            " (SELECT DISTINCT load_id FROM temp.check_facts) f WHERE NOT EXISTS"
            " (SELECT 1 FROM load_runs r WHERE r.id = f.load_id AND r.status = 'succeeded')"));
        if (cancelled())
            return false;

        stage(QStringLiteral("comparing aggregates"));
        compareAggregate(QStringLiteral("at_time"), QStringLiteral("views_at_time_hourly"), QStringLiteral("at-time"));
        compareAggregate(QStringLiteral("current"), QStringLiteral("views_current_hourly"), QStringLiteral("current"));
        for (const char *basis : {"at_time", "current"})
            listDifferences(QStringLiteral(
                "WITH expected AS (SELECT (hour - ((hour % 24) + 24) % 24) / 24 AS day, postcode_id, SUM(views) AS views"
                " FROM views_%1_hourly GROUP BY 1, 2)"
                " SELECT 'day rollup %1: day ' || date(COALESCE(e.day, d.day) * 86400, 'unixepoch') || ', postcode #'"
                " || COALESCE(e.postcode_id, d.postcode_id) || ': stored ' || COALESCE(d.views, 0) || ', hours sum to '"
                " || COALESCE(e.views, 0) FROM expected e FULL JOIN views_%1_daily d"
                " ON d.day = e.day AND d.postcode_id = e.postcode_id WHERE d.views IS NOT e.views")
                                .arg(QLatin1String(basis)));
        if (cancelled())
            return false;

        stage(QStringLiteral("reconciling hours"));
        QSqlQuery q(m_db);
        q.setForwardOnly(true);
        q.exec(QStringLiteral(
            "WITH loaded AS (SELECT l.hour, SUM(l.views) AS v FROM load_hour_views l JOIN load_runs r"
            "   ON r.id = l.run_id AND r.status = 'succeeded' GROUP BY l.hour),"
            " facts AS (SELECT hour, SUM(views) AS v FROM temp.check_facts GROUP BY hour),"
            " at_time AS (SELECT hour, SUM(views) AS v FROM views_at_time_hourly GROUP BY hour),"
            " cur AS (SELECT hour, SUM(views) AS v FROM views_current_hourly GROUP BY hour),"
            " hours AS (SELECT hour FROM loaded UNION SELECT hour FROM facts UNION SELECT hour FROM at_time"
            "   UNION SELECT hour FROM cur)"
            " SELECT h.hour, COALESCE(loaded.v, 0), COALESCE(facts.v, 0), COALESCE(at_time.v, 0), COALESCE(cur.v, 0)"
            " FROM hours h LEFT JOIN loaded USING (hour) LEFT JOIN facts USING (hour)"
            " LEFT JOIN at_time USING (hour) LEFT JOIN cur USING (hour) ORDER BY h.hour"));
        while (q.next()) {
            ++m_report.hoursChecked;
            const qint64 loaded = q.value(1).toLongLong(), facts = q.value(2).toLongLong();
            const qint64 atTime = q.value(3).toLongLong(), current = q.value(4).toLongLong();
            if (loaded != facts || facts != atTime || atTime != current)
                add(QStringLiteral("reconciliation: hour %1: %2 pageviews loaded, %3 in facts, %4 at-time, %5 current")
                        .arg(hourText(q.value(0).toLongLong()))
                        .arg(loaded)
                        .arg(facts)
                        .arg(atTime)
                        .arg(current));
        }
        return true;
    }

    /// Thrown out of a fact segment walk when the operator cancels.
    struct CopyCancelled
    {
    };

    /// Unpacks every fact segment into a plain temporary table, checking the segments' own invariants.
    bool copyFacts()
    {
        exec(QStringLiteral("CREATE TEMP TABLE check_fact_rows (load_id INTEGER, user_id INTEGER, hour INTEGER,"
                            " postcode_id INTEGER, views INTEGER)"));
        try {
            SqliteStatement insert(m_handle, "INSERT INTO temp.check_fact_rows VALUES (?, ?, ?, ?, ?)");
            qint64 previousLoad = -1;
            quint64 previousUser = 0;
            qint64 previousHour = 0;
            bool ordered = true;
            qint64 copied = 0;
            FactStore(m_handle).forEach([&](qint64 loadId, const PageviewFact &f) {
                if (loadId == previousLoad && (f.userId < previousUser || (f.userId == previousUser && f.hour <= previousHour)))
                    ordered = false;
                previousLoad = loadId;
                previousUser = f.userId;
                previousHour = f.hour;
                insert.bind(1, loadId).bind(2, static_cast<qint64>(f.userId)).bind(3, f.hour);
                insert.bind(4, f.postcodeId).bind(5, f.views).execute();
                if ((++copied & 0xfffff) == 0 && cancelled())
                    throw CopyCancelled{};
            });
            if (!ordered)
                add(QStringLiteral("facts: a load's fact segments are not in user and hour order"));
        } catch (const CopyCancelled &) {
            return false;
        } catch (const StorageError &e) {
            add(QStringLiteral("facts: %1").arg(e.message));
        }
        listDifferences(QStringLiteral(
            "SELECT 'facts: run ' || a.load_id || ' has overlapping fact segments' FROM pageview_fact_segments a"
            " JOIN pageview_fact_segments b ON b.load_id = a.load_id AND b.id > a.id"
            " AND b.first_user <= a.last_user AND b.last_user >= a.first_user"));
        return true;
    }

    void checkUserDirectory()
    {
        UserDirectory directory;
        try {
            readUserDirectory(m_handle, directory);
        } catch (const StorageError &e) {
            add(QStringLiteral("user directory: %1").arg(e.message));
            return;
        }
        exec(QStringLiteral("CREATE TEMP TABLE check_directory (user_id INTEGER PRIMARY KEY, postcode_id INTEGER,"
                            " in_latest INTEGER, newest_change INTEGER)"));
        SqliteStatement insert(m_handle, "INSERT INTO temp.check_directory VALUES (?, ?, ?, ?)");
        for (size_t i = 0; i < directory.size(); ++i) {
            if (i > 0 && directory.userId(i) <= directory.userId(i - 1)) {
                add(QStringLiteral("user directory: not sorted at user %1").arg(directory.userId(i)));
                return;
            }
            insert.bind(1, static_cast<qint64>(directory.userId(i))).bind(2, directory.postcodeId(i));
            insert.bind(3, directory.inLatest(i) ? 1 : 0).bind(4, directory.newestChange(i)).execute();
        }
        m_report.usersChecked = static_cast<qint64>(directory.size());
        // current(u) is the postcode of the user's latest period; every user with history is in the directory.
        listDifferences(QStringLiteral(
            "SELECT 'current: user ' || COALESCE(l.user_id, d.user_id) || ' should be ' || COALESCE(pl.postcode, 'absent')"
            " || ' but the user directory says ' || COALESCE(pd.postcode, 'absent') FROM ("
            " SELECT user_id, postcode_id, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY valid_from DESC) AS rn"
            " FROM temp.check_history) l"
            " FULL JOIN temp.check_directory d ON d.user_id = l.user_id"
            " LEFT JOIN postcodes pl ON pl.id = l.postcode_id LEFT JOIN postcodes pd ON pd.id = d.postcode_id"
            " WHERE (l.rn = 1 OR l.rn IS NULL) AND l.postcode_id IS NOT d.postcode_id"));
        listDifferences(QStringLiteral(
            "SELECT 'user directory: user ' || d.user_id || CASE d.in_latest WHEN 1 THEN ' is marked' ELSE ' is not marked' END"
            " || ' as in the newest snapshot, but has ' || CASE d.in_latest WHEN 1 THEN 'no' ELSE 'an' END || ' open period'"
            " FROM temp.check_directory d WHERE d.in_latest <> EXISTS (SELECT 1 FROM temp.check_history h"
            " WHERE h.user_id = d.user_id AND h.valid_to IS NULL)"));
        listDifferences(QStringLiteral(
            "SELECT 'user directory: user ' || COALESCE(c.user_id, d.user_id) || ' has the newest change at '"
            " || COALESCE(c.newest, 'none') || ' but the user directory says ' || COALESCE(d.newest_change, 'none')"
            " FROM (SELECT user_id, MAX(as_of) AS newest FROM user_postcode_changes GROUP BY user_id) c"
            " FULL JOIN temp.check_directory d ON d.user_id = c.user_id WHERE c.newest IS NOT d.newest_change"));
        listDifferences(QStringLiteral(
            "WITH counted AS (SELECT postcode_id, COUNT(*) AS users FROM temp.check_directory GROUP BY postcode_id)"
            " SELECT 'current users: postcode #' || COALESCE(c.postcode_id, s.postcode_id) || ' has ' || COALESCE(c.users, 0)"
            " || ' users with it as current, but ' || COALESCE(s.users, 0) || ' are recorded'"
            " FROM counted c FULL JOIN postcode_current_users s ON s.postcode_id = c.postcode_id"
            " WHERE c.users IS NOT s.users"));
        exec(QStringLiteral("DROP TABLE temp.check_directory"));
    }

    void compareAggregate(const QString &column, const QString &table, const QString &label)
    {
        exec(QStringLiteral("DROP TABLE IF EXISTS temp.check_expected"));
        exec(QStringLiteral("CREATE TEMP TABLE check_expected (hour INTEGER, postcode_id INTEGER, views INTEGER,"
                            " PRIMARY KEY (hour, postcode_id)) WITHOUT ROWID"));
        exec(QStringLiteral("INSERT INTO temp.check_expected SELECT hour, %1, SUM(views) FROM temp.check_facts"
                            " GROUP BY hour, %1")
                 .arg(column));
        QSqlQuery q(m_db);
        q.setForwardOnly(true);
        q.exec(QStringLiteral(
            "SELECT e.hour, e.postcode_id, e.views, COALESCE(a.views, 0) FROM temp.check_expected e"
            " LEFT JOIN %1 a ON a.hour = e.hour AND a.postcode_id = e.postcode_id WHERE a.views IS NOT e.views"
            " UNION ALL SELECT a.hour, a.postcode_id, 0, a.views FROM %1 a WHERE NOT EXISTS"
            " (SELECT 1 FROM temp.check_expected e WHERE e.hour = a.hour AND e.postcode_id = a.postcode_id)"
            " ORDER BY 1, 2")
                   .arg(table));
        while (q.next())
            add(QStringLiteral("%1 aggregate: hour %2, postcode %3: stored %4, recomputed %5")
                    .arg(label, hourText(q.value(0).toLongLong()), postcodeText(q.value(1).toLongLong()))
                    .arg(q.value(3).toLongLong())
                    .arg(q.value(2).toLongLong()));
    }

    QString postcodeText(qint64 id)
    {
        QSqlQuery q(m_db);
        q.prepare(QStringLiteral("SELECT postcode FROM postcodes WHERE id = ?"));
        q.addBindValue(id);
        return q.exec() && q.next() ? q.value(0).toString() : QStringLiteral("#%1").arg(id);
    }

    void listDifferences(const QString &sql)
    {
        QSqlQuery q(m_db);
        q.setForwardOnly(true);
        if (!q.exec(sql)) {
            add(QStringLiteral("check query failed: %1").arg(q.lastError().text()));
            return;
        }
        while (q.next())
            add(q.value(0).toString());
    }

    void add(const QString &difference)
    {
        if (m_listed < maxListed)
            m_report.differences << difference;
        else if (m_listed == maxListed)
            m_report.differences << QStringLiteral("... (further differences not listed)");
        ++m_listed;
    }

    void exec(const QString &sql)
    {
        QSqlQuery q(m_db);
        if (!q.exec(sql))
            add(QStringLiteral("check query failed: %1: %2").arg(sql.left(60), q.lastError().text()));
    }

    qint64 scalar(const QString &sql)
    {
        QSqlQuery q(m_db);
        return q.exec(sql) && q.next() ? q.value(0).toLongLong() : 0;
    }

    void stage(const QString &name)
    {
        if (m_feedback)
            m_feedback->setStage(name);
    }

    bool cancelled() const { return m_feedback && m_feedback->isCancelled(); }

    QSqlDatabase m_db;
    sqlite3 *m_handle;
    LoadFeedback *m_feedback;
    CheckReport m_report;
    int m_listed = 0;
};
} // namespace

CheckReport checkSqliteWarehouse(QSqlDatabase db, sqlite3 *handle, LoadFeedback *feedback)
{
    return Checker(std::move(db), handle, feedback).run();
}

} // namespace pv
