#include "storage/postgres/postgresbackend.h"

#include "storage/postgres/pgcheck.h"
#include "storage/postgres/pgconnection.h"
#include "storage/postgres/pgloadstore.h"
#include "storage/postgres/pglocks.h"
#include "storage/postgres/pgpageviewquery.h"
#include "storage/postgres/pgstats.h"
#include "storage/postgres/pgtablecopy.h"
#include "storage/sql/sqlcoverage.h"
#include "storage/sql/sqlpostcodedirectory.h"
#include "storage/sql/sqlquery.h"
#include "storage/sql/sqlrunlog.h"
#include "storage/sql/sqluserhistory.h"
#include "storage/warehouse.h"

#include <QAtomicInteger>
#include <QFile>
#include <QRegularExpression>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <libpq-fe.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace pv {

namespace {
QAtomicInteger<quint64> connectionCounter;

/// The schema's numbered steps: SQL, then (for data SQL cannot build) a step in C++.
struct Migration
{
    const char *sql;
    void (*afterSql)(PGconn *conn);
};
const Migration migrations[] = {
    {":/migrations/postgresql/0001_warehouse.sql", nullptr},
    {":/migrations/postgresql/0002_bi_views.sql", nullptr},
    {":/migrations/postgresql/0003_postcode_seals.sql", pgSealStoredPostcodes},
    {":/migrations/postgresql/0004_load_lock_and_warehouse_roles.sql", nullptr},
};

/// The schema version the warehouse records; throws StorageError when it cannot be read.
int storedSchemaVersion(PGconn *conn)
{
    const PgResult version = pgQuery(conn, "SELECT MAX(version) FROM pvadmin.schema_migrations");
    return version.rows() && !version.isNull(0, 0) ? static_cast<int>(version.int64(0, 0)) : 0;
}

/// An address's keywords and their values as libpq reads them (a URL's parts, its query parameters, or
/// keyword=value pairs), the ones it leaves out empty; nullopt when libpq cannot read it.
using AddressOptions = std::vector<std::pair<QByteArray, QString>>;
std::optional<AddressOptions> addressOptions(const QString &location)
{
    char *parseError = nullptr;
    PQconninfoOption *parsed = PQconninfoParse(location.toUtf8().constData(), &parseError);
    if (!parsed) {
        PQfreemem(parseError);
        return std::nullopt;
    }
    AddressOptions options;
    for (const PQconninfoOption *option = parsed; option->keyword; ++option)
        options.emplace_back(QByteArray(option->keyword), option->val ? QString::fromUtf8(option->val) : QString());
    PQconninfoFree(parsed);
    return options;
}

} // namespace

QString PostgresBackend::conninfo(const QString &location, QString *error)
{
    const std::optional<AddressOptions> options = addressOptions(location);
    if (!options) {
        // libpq's reason quotes the address, which may hold a password: neither is repeated.
        *error = QStringLiteral("the --db or PVADMIN_DB address is not a PostgreSQL connection libpq can read "
                                "(postgresql://user@host:port/dbname, or keywords such as host=... dbname=...)");
        return {};
    }
    QStringList pairs;
    for (const auto &[key, value] : *options) {
        if (value.isEmpty())
            continue;
        if (key == "password") {
            // The address is not repeated: it holds the password.
            *error = QStringLiteral("the PostgreSQL address has a password in it, where scripts, logs, shell history "
                                    "and the desktop's recent list would keep it; remove it and put it in ~/.pgpass, "
                                    "PGPASSWORD or a service file");
            return {};
        }
        if (value.contains(QLatin1Char(';'))) {
            // Not the whole address: it may hold what should not be shown.
            *error = QStringLiteral("the PostgreSQL address's %1 contains ';', which pvadmin cannot pass on")
                         .arg(QString::fromUtf8(key));
            return {};
        }
        QString quoted = value;
        quoted.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('\''), QLatin1String("\\'"));
        pairs << QStringLiteral("%1='%2'").arg(QString::fromUtf8(key), quoted);
    }
    // A host that does not answer is given up on after a while, not after the system's TCP timeout (minutes
    // of a frozen window or a watch that cannot be stopped); an address or PGCONNECT_TIMEOUT may say otherwise.
    if (!std::any_of(pairs.cbegin(), pairs.cend(), [](const QString &pair) { return pair.startsWith(QLatin1String("connect_timeout=")); })
        && qEnvironmentVariableIsEmpty("PGCONNECT_TIMEOUT"))
        pairs << QStringLiteral("connect_timeout='10'");
    return pairs.join(QLatin1Char(' '));
}

std::optional<Warehouse::ServerAddress> PostgresBackend::address(const QString &location)
{
    const std::optional<AddressOptions> options = addressOptions(location.trimmed());
    if (!options)
        return std::nullopt;
    Warehouse::ServerAddress address;
    QString hostAddress;
    for (const auto &[key, value] : *options) {
        if (key == "host")
            address.host = value;
        else if (key == "hostaddr")
            hostAddress = value;
        else if (key == "port")
            address.port = value;
        else if (key == "dbname")
            address.database = value;
        else if (key == "user")
            address.user = value;
    }
    if (address.host.isEmpty())
        address.host = hostAddress;
    return address;
}

bool PostgresBackend::isLocation(const QString &location)
{
    // Any "keyword=" start is libpq's keyword form, whatever the keyword (sslmode=, connect_timeout=, password=):
    // such an address must never be taken for a file name and created as one.
    static const QRegularExpression keywordForm(QStringLiteral("^\\s*[A-Za-z_][A-Za-z0-9_]*\\s*="));
    return location.startsWith(QLatin1String("postgresql://")) || location.startsWith(QLatin1String("postgres://"))
        || keywordForm.match(location).hasMatch();
}

PostgresBackend::PostgresBackend(QString location, QString connectionName)
    : m_location(std::move(location))
    , m_connectionName(std::move(connectionName))
{
}

PostgresBackend::~PostgresBackend()
{
    m_runLog.reset();
    m_pageviews.reset();
    m_userHistory.reset();
    m_postcodes.reset();
    m_coverage.reset();
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

std::unique_ptr<PostgresBackend> PostgresBackend::open(const QString &location, QString *error, bool markInterrupted,
                                                      bool mustExist, bool *unreachable)
{
    if (unreachable)
        *unreachable = false;
    const QString conninfo = PostgresBackend::conninfo(location, error);
    if (conninfo.isEmpty())
        return nullptr;
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL"))) {
        *error = QStringLiteral("%1: Qt's PostgreSQL driver is not installed (Debian: libqt6sql6-psql)").arg(location);
        return nullptr;
    }
    const QString name = QStringLiteral("pvadmin-pg-%1").arg(connectionCounter.fetchAndAddRelaxed(1));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        // The whole conninfo goes in as options (the driver joins them to its own, empty, keywords).
        db.setConnectOptions(conninfo + QStringLiteral(";application_name='pvadmin'"));
        // Asked of the server itself after a failure: no answer, or one that it does not accept connections now
        // (starting up, shutting down). A server that accepts them again by then (it was starting up a moment
        // ago) is tried once more, so that a restart is never taken for a refusal.
        bool opened = db.open();
        PGPing ping = PQPING_OK;
        if (!opened) {
            ping = PQping(conninfo.toUtf8().constData());
            if (ping == PQPING_OK)
                opened = db.open();
        }
        if (!opened) {
            // One line: libpq adds hints ("Is the server running...") on lines of their own.
            *error = QStringLiteral("%1: cannot connect: %2")
                         .arg(location, db.lastError().databaseText().trimmed().section(QLatin1Char('\n'), 0, 0).trimmed());
            if (unreachable)
                *unreachable = ping == PQPING_NO_RESPONSE || ping == PQPING_REJECT;
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(name);
            return nullptr;
        }
    }
    std::unique_ptr<PostgresBackend> backend(new PostgresBackend(location, name));
    backend->m_conninfo = conninfo;
    const QSqlDatabase db = QSqlDatabase::database(name, false);
    const QVariant handle = db.driver()->handle();
    if (qstrcmp(handle.typeName(), "pg_conn*") != 0 || !*static_cast<PGconn *const *>(handle.data())) {
        *error = QStringLiteral("%1: cannot connect: the PostgreSQL driver gave no handle").arg(location);
        return nullptr;
    }
    backend->m_conn = *static_cast<PGconn *const *>(handle.data());
    if (!backend->migrate(error, mustExist)) {
        // The server went away between the connect and the first statement (a restart, a terminated
        // backend): as unreachable as one that refused, and as likely to be back.
        if (unreachable)
            *unreachable = PQstatus(backend->m_conn) == CONNECTION_BAD;
        return nullptr;
    }
    backend->m_runLog = std::make_unique<SqlRunLog>(db);
    backend->m_pageviews = std::make_unique<PgPageviewQuery>(backend->m_conn);
    backend->m_userHistory = std::make_unique<SqlUserHistory>(
        db, [conn = backend->m_conn](quint64 userId) { return pgUserFacts(conn, userId); });
    backend->m_postcodes = std::make_unique<SqlPostcodeDirectory>(db);
    backend->m_coverage = std::make_unique<SqlCoverage>(db);
    if (markInterrupted)
        backend->markInterruptedRuns();
    return backend;
}

int PostgresBackend::latestSchemaVersion() const
{
    return static_cast<int>(std::size(migrations));
}

int PostgresBackend::schemaVersion() const
{
    try {
        return storedSchemaVersion(m_conn);
    } catch (const StorageError &) {
        return 0;
    }
}

bool PostgresBackend::migrate(QString *error, bool mustExist)
{
    try {
        // The server's notices (a temporary table already there, say) are not the operator's business.
        pgExec(m_conn, "SET client_min_messages TO warning");
        // Every name the engine uses is in its schema; the BI views and the analyst role see only it. What
        // this role may do there is asked first: a role that may only read is never made to create anything,
        // and is told what it can do rather than to run init.
        const PgResult access = pgQuery(
            m_conn,
            "SELECT current_user, current_database(), n.oid IS NOT NULL,"
            " COALESCE(has_schema_privilege(n.oid, 'USAGE'), false),"
            " CASE WHEN has_schema_privilege(n.oid, 'USAGE') AND to_regclass('pvadmin.schema_migrations') IS NOT NULL"
            "  THEN has_table_privilege('pvadmin.schema_migrations', 'SELECT') ELSE false END,"
            " COALESCE(pg_has_role(n.nspowner, 'USAGE'), has_database_privilege(current_database(), 'CREATE'))"
            " FROM (SELECT 1) one LEFT JOIN pg_namespace n ON n.nspname = 'pvadmin'");
        const QString role = access.text(0, 0), database = access.text(0, 1);
        const bool schemaThere = access.text(0, 2) == QLatin1String("t");
        const bool canReadTables = access.text(0, 4) == QLatin1String("t");
        const bool canMigrate = access.text(0, 5) == QLatin1String("t");
        if (schemaThere && access.text(0, 3) != QLatin1String("t")) {
            *error = QStringLiteral("%1: the role %2 may not read this warehouse; a superuser grants it pvadmin_reader_%3 "
                                    "(pvadmin's commands and the desktop, read-only) or pvadmin_bi_%3 (the BI views only)")
                         .arg(m_location, role, database);
            return false;
        }
        if (schemaThere && !canReadTables) {
            *error = QStringLiteral("%1: the role %2 may read only this warehouse's BI views (pvadmin.pageviews_hourly, "
                                    "_daily, _weekly and _monthly, from any SQL client); pvadmin's commands and the desktop "
                                    "need a role that reads its tables: pvadmin_reader_%3 to read, its owner to load")
                         .arg(m_location, role, database);
            return false;
        }
        if (!schemaThere && mustExist && canMigrate) {
            *error = noWarehouseThere(m_location);
            return false;
        }
        if (!schemaThere && !canMigrate) {
            *error = QStringLiteral("%1: no warehouse there, and the role %2 may not create one (that needs CREATE on the "
                                    "database %3): the database's owner runs pvadmin init")
                         .arg(m_location, role, database);
            return false;
        }
        // A failed read (a connection cut while opening) is an error here, never "version 0".
        const int stored = schemaThere ? storedSchemaVersion(m_conn) : 0;
        if (schemaThere && stored == latestSchemaVersion()) {
            pgExec(m_conn, "SET search_path TO pvadmin");
            return true;
        }
        if (schemaThere && stored < latestSchemaVersion() && (mustExist || !canMigrate)) {
            *error = canMigrate ? warehouseNeedsUpgrade(m_location, stored, latestSchemaVersion())
                                : QStringLiteral("%1: the warehouse is at schema version %2, older than this pvadmin's %3; "
                                                 "the role %4 may not upgrade it: its owner runs pvadmin init")
                                      .arg(m_location)
                                      .arg(stored)
                                      .arg(latestSchemaVersion())
                                      .arg(role);
            return false;
        }
        pgExec(m_conn, "BEGIN");
        // Two clients opening a new warehouse at once: the second waits, then finds it migrated.
        pgQuery(m_conn, "SELECT pg_advisory_xact_lock($1, $2)", PgParams().add(pgLockClass).add(pgMigrationLock));
        pgExec(m_conn, "CREATE SCHEMA IF NOT EXISTS pvadmin; SET LOCAL search_path TO pvadmin;"
                       "CREATE TABLE IF NOT EXISTS schema_migrations (version bigint PRIMARY KEY, applied_at timestamptz NOT NULL)");
        const int current = schemaVersion();
        if (current > latestSchemaVersion()) {
            pgExec(m_conn, "ROLLBACK");
            *error = QStringLiteral("%1: the warehouse is at schema version %2, newer than this pvadmin (%3); use a newer pvadmin")
                         .arg(m_location)
                         .arg(current)
                         .arg(latestSchemaVersion());
            return false;
        }
        for (int version = current + 1; version <= latestSchemaVersion(); ++version) {
            const Migration &migration = migrations[version - 1];
            QFile file(QString::fromLatin1(migration.sql));
            if (!file.open(QIODevice::ReadOnly))
                throw StorageError{QStringLiteral("migration %1 is missing from the build").arg(version)};
            pgExec(m_conn, file.readAll().constData());
            if (migration.afterSql)
                migration.afterSql(m_conn);
            pgQuery(m_conn, "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())", PgParams().add(qint64(version)));
        }
        pgExec(m_conn, "COMMIT; SET search_path TO pvadmin");
    } catch (const StorageError &e) {
        if (PQtransactionStatus(m_conn) != PQTRANS_IDLE)
            PQclear(PQexec(m_conn, "ROLLBACK"));
        *error = QStringLiteral("%1: cannot prepare the warehouse schema: %2").arg(m_location, e.message);
        return false;
    }
    return true;
}

void PostgresBackend::markInterruptedRuns()
{
    // A running load holds the lock named by its run for as long as its session lives (pglocks.h): a run
    // whose lock anyone can take has no load behind it, wherever that load ran. Best effort, as on SQLite.
    try {
        const PgResult running = pgQuery(m_conn, "SELECT id FROM load_runs WHERE status = 'running'");
        for (int row = 0; row < running.rows(); ++row) {
            const qint64 runId = running.int64(row, 0);
            const PgParams lock = PgParams().add(pgRunLockClass).add(pgRunLockKey(runId));
            if (!pgQuery(m_conn, "SELECT pg_try_advisory_lock($1, $2)", lock).int64(0, 0))
                continue;
            // The lock is given back whatever the update does: a reader's role cannot mark the run, and must
            // not keep it from every other client for as long as it stays open.
            try {
                pgQuery(m_conn, "UPDATE load_runs SET status = 'interrupted', error = $1 WHERE id = $2 AND status = 'running'",
                        PgParams().add(interruptedRunError()).add(runId));
            } catch (const StorageError &) {
            }
            pgQuery(m_conn, "SELECT pg_advisory_unlock($1, $2)", lock);
        }
    } catch (const StorageError &) {
    }
}

std::optional<QString> PostgresBackend::setting(const QString &key) const
{
    try {
        const PgResult value = pgQuery(m_conn, "SELECT value FROM settings WHERE key = $1", PgParams().add(key));
        if (value.rows())
            return value.text(0, 0);
    } catch (const StorageError &) {
    }
    return std::nullopt;
}

bool PostgresBackend::setSetting(const QString &key, const QString &value)
{
    try {
        pgQuery(m_conn, "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                PgParams().add(key).add(value));
        return true;
    } catch (const StorageError &) {
        return false;
    }
}

const LoadRunLog &PostgresBackend::runLog() const
{
    return *m_runLog;
}

const PageviewQuery &PostgresBackend::pageviews() const
{
    return *m_pageviews;
}

const UserHistory &PostgresBackend::userHistory() const
{
    return *m_userHistory;
}

const PostcodeDirectory &PostgresBackend::postcodes() const
{
    return *m_postcodes;
}

const WarehouseCoverage &PostgresBackend::coverage() const
{
    return *m_coverage;
}

std::unique_ptr<LoadStore> PostgresBackend::loadStore()
{
    return std::make_unique<PgLoadStore>(m_conn, m_conninfo);
}

CheckReport PostgresBackend::check(std::optional<HourSpan> hours, LoadFeedback *feedback)
{
    return checkPostgresWarehouse(m_conn, hours, feedback);
}

std::unique_ptr<TableCopySource> PostgresBackend::copySource()
{
    return pgCopySource(m_conn);
}

std::unique_ptr<TableCopyTarget> PostgresBackend::copyTarget()
{
    return pgCopyTarget(m_conn);
}

WarehouseStats PostgresBackend::stats() const
{
    return readPostgresStats(m_conn);
}

bool PostgresBackend::beginReadSnapshot()
{
    if (PQtransactionStatus(m_conn) != PQTRANS_IDLE)
        return false;
    pgExec(m_conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    return true;
}

void PostgresBackend::endReadSnapshot()
{
    // COMMIT also ends a transaction a failed read aborted.
    if (PQtransactionStatus(m_conn) != PQTRANS_IDLE)
        PQclear(PQexec(m_conn, "COMMIT"));
}

} // namespace pv
