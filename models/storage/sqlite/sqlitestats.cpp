#include "storage/sqlite/sqlitestats.h"

#include "core/time.h"
#include "storage/sql/sqlquery.h"

#include <QSqlDatabase>

namespace pv {

namespace {

qint64 single(const QSqlDatabase &db, const QString &sql, const QVariantList &binds = {})
{
    SqlQuery q(db, sql, binds);
    return q.next() ? q.value(0).toLongLong() : 0;
}

/// Pages used by these tables and every index on them.
qint64 familyBytes(const QSqlDatabase &db, const QStringList &tables)
{
    qint64 bytes = 0;
    for (const QString &table : tables)
        bytes += single(db, QStringLiteral("SELECT COALESCE(SUM(d.pgsize), 0) FROM sqlite_schema s, dbstat('main', 1) d "
                                           "WHERE s.tbl_name = ? AND d.name = s.name"),
                        {table});
    return bytes;
}

} // namespace

WarehouseStats readSqliteStats(const QSqlDatabase &db)
{
    WarehouseStats stats;
    stats.engine = QStringLiteral("SQLite");
    const qint64 pageSize = single(db, QStringLiteral("PRAGMA page_size"));
    stats.fileBytes = single(db, QStringLiteral("PRAGMA page_count")) * pageSize;
    stats.freeBytes = single(db, QStringLiteral("PRAGMA freelist_count")) * pageSize;
    {
        // length() of a blob reads its size from the row, not the blob's overflow pages.
        SqlQuery q(db, QStringLiteral("SELECT COUNT(*), COALESCE(SUM(facts), 0), COALESCE(SUM(length(data)), 0) "
                                         "FROM pageview_fact_segments"));
        if (q.next()) {
            stats.segments = q.value(0).toLongLong();
            stats.facts = q.value(1).toLongLong();
            stats.factBytes = q.value(2).toLongLong();
        }
    }
    {
        SqlQuery q(db, QStringLiteral("SELECT COUNT(*), MIN(hour), MAX(hour) FROM pageview_windows"));
        if (q.next()) {
            stats.loadedHours = q.value(0).toLongLong();
            if (!q.value(1).isNull()) {
                stats.firstHour = q.value(1).toLongLong() * secondsPerHour;
                stats.lastHour = q.value(2).toLongLong() * secondsPerHour;
            }
        }
    }
    stats.snapshots = single(db, QStringLiteral("SELECT COUNT(*) FROM snapshots"));
    if (const qint64 changes = single(db, QStringLiteral("SELECT COUNT(*) FROM user_postcode_changes")); changes > 0)
        stats.historyBaselineShare = double(single(db, QStringLiteral("SELECT COUNT(*) FROM user_postcode_changes "
                                                                      "WHERE as_of = (SELECT MIN(as_of) FROM snapshots)")))
            / double(changes);
    stats.users = single(db, QStringLiteral("SELECT COALESCE(SUM(users), 0) FROM user_directory_blocks"));
    stats.runs = single(db, QStringLiteral("SELECT COUNT(*) FROM load_runs"));

    using Growth = WarehouseStats::Growth;
    const auto family = [&](const QString &name, Growth growth, const QStringList &tables, qint64 bytes = -1) {
        stats.families.append({name, tables.join(QStringLiteral(", ")), growth, bytes >= 0 ? bytes : familyBytes(db, tables)});
    };
    // The fact segments: their packed blobs and the index over them. (The table's own pages beyond the
    // blobs are not walked: that would read every blob.)
    family(QStringLiteral("facts"), Growth::Hours, {QStringLiteral("pageview_fact_segments (blob bytes)")},
           stats.factBytes
               + single(db, QStringLiteral("SELECT COALESCE(SUM(pgsize), 0) FROM dbstat('main', 1) "
                                           "WHERE name = 'pageview_fact_segments_load'")));
    for (const TableFamily &f : tableFamiliesBesideFacts())
        family(f.name, f.growth, f.tables);
    return stats;
}

} // namespace pv
