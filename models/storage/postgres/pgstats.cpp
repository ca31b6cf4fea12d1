#include "storage/postgres/pgstats.h"

#include "core/time.h"
#include "storage/postgres/pgconnection.h"

namespace pv {

namespace {
qint64 single(PGconn *conn, const char *sql)
{
    const PgResult value = pgQuery(conn, sql);
    return value.rows() && !value.isNull(0, 0) ? value.int64(0, 0) : 0;
}

/// The bytes of these tables on the server, with their indexes and out-of-line (TOAST) storage.
qint64 familyBytes(PGconn *conn, const QStringList &tables)
{
    std::string names = "{";
    for (const QString &table : tables)
        names += (names.size() > 1 ? "," : "") + table.toStdString();
    names += '}';
    const PgResult bytes = pgQuery(conn, "SELECT COALESCE(SUM(pg_total_relation_size(('pvadmin.' || t)::regclass)), 0)::bigint "
                                         "FROM unnest($1::text[]) t",
                                   PgParams().add(std::string_view(names)));
    return bytes.int64(0, 0);
}
} // namespace

WarehouseStats readPostgresStats(PGconn *conn)
{
    WarehouseStats stats;
    stats.engine = QStringLiteral("PostgreSQL");
    stats.fileBytes = single(conn, "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c "
                                   "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'pvadmin' AND c.relkind = 'r'");
    // Free space inside the tables is the server's to reuse (vacuum); it is not reported here.
    {
        // octet_length of a bytea stored out of line reads its size, not the value.
        const PgResult facts = pgQuery(conn, "SELECT COUNT(*), COALESCE(SUM(facts), 0)::bigint, COALESCE(SUM(octet_length(data)), 0)::bigint "
                                             "FROM pageview_fact_segments");
        stats.segments = facts.int64(0, 0);
        stats.facts = facts.int64(0, 1);
        stats.factBytes = facts.int64(0, 2);
    }
    {
        const PgResult hours = pgQuery(conn, "SELECT COUNT(*), MIN(hour), MAX(hour) FROM pageview_windows");
        stats.loadedHours = hours.int64(0, 0);
        if (!hours.isNull(0, 1)) {
            stats.firstHour = hours.int64(0, 1) * secondsPerHour;
            stats.lastHour = hours.int64(0, 2) * secondsPerHour;
        }
    }
    stats.snapshots = single(conn, "SELECT COUNT(*) FROM snapshots");
    if (const qint64 changes = single(conn, "SELECT COUNT(*) FROM user_postcode_changes"); changes > 0)
        stats.historyBaselineShare = double(single(conn, "SELECT COUNT(*) FROM user_postcode_changes "
                                                         "WHERE as_of = (SELECT MIN(as_of) FROM snapshots)"))
            / double(changes);
    stats.users = single(conn, "SELECT COALESCE(SUM(users), 0)::bigint FROM user_directory_blocks");
    stats.runs = single(conn, "SELECT COUNT(*) FROM load_runs");

    using Growth = WarehouseStats::Growth;
    const auto family = [&](const QString &name, Growth growth, const QStringList &tables) {
        stats.families.append({name, tables.join(QStringLiteral(", ")), growth, familyBytes(conn, tables)});
    };
    family(QStringLiteral("facts"), Growth::Hours, {QStringLiteral("pageview_fact_segments")});
    for (const TableFamily &f : tableFamiliesBesideFacts())
        family(f.name, f.growth, f.tables);
    return stats;
}

} // namespace pv
