#pragma once

#include "storage/storagebackend.h"
#include "storage/warehouse.h"

#include <QSqlDatabase>

#include <memory>
#include <optional>

typedef struct pg_conn PGconn;

namespace pv {

class PgPageviewQuery;
class SqlCoverage;
class SqlPostcodeDirectory;
class SqlRunLog;
class SqlUserHistory;

/// A warehouse in a PostgreSQL database, in the schema pvadmin: one Qt connection (for the small queries)
/// over libpq's native connection (for COPY and the bulk reads), with the numbered migrations of
/// resources/migrations/postgresql applied. Loads are serialised by an advisory lock; a running load
/// holds a lock named by its run, so any client can tell a load that died from one still running.
class PostgresBackend final : public StorageBackend
{
public:
    /// Whether location names a PostgreSQL database: a postgresql:// or postgres:// URL, or libpq's
    /// keyword form (host=... dbname=...).
    static bool isLocation(const QString &location);
    /// location as a libpq conninfo in keyword form (key='value' ...), or an empty string with *error set
    /// (not a connection, or a password in it).
    static QString conninfo(const QString &location, QString *error);
    /// The parts of the address that name the warehouse (Warehouse::serverAddress).
    static std::optional<Warehouse::ServerAddress> address(const QString &location);
    /// Connects to the database location names and brings its schema up to date; nullptr with *error set
    /// when it cannot. A password in location is refused: libpq reads it from ~/.pgpass, PGPASSWORD or
    /// a service file. markInterrupted: mark runs whose load is gone interrupted.
    /// *unreachable (when given) says whether a failure to connect found no server accepting connections
    /// (down, starting up, shutting down, unreachable): a failure a later try may mend, unlike a refused
    /// login, a missing database or a warehouse this pvadmin cannot use.
    static std::unique_ptr<PostgresBackend> open(const QString &location, QString *error, bool markInterrupted = true,
                                                 bool mustExist = false, bool *unreachable = nullptr);
    ~PostgresBackend() override;

    int schemaVersion() const override;
    int latestSchemaVersion() const override;
    std::optional<QString> setting(const QString &key) const override;
    bool setSetting(const QString &key, const QString &value) override;

    const LoadRunLog &runLog() const override;
    const PageviewQuery &pageviews() const override;
    const UserHistory &userHistory() const override;
    const PostcodeDirectory &postcodes() const override;
    const WarehouseCoverage &coverage() const override;
    std::unique_ptr<LoadStore> loadStore() override;
    CheckReport check(std::optional<HourSpan> hours, LoadFeedback *feedback) override;
    std::unique_ptr<TableCopySource> copySource() override;
    std::unique_ptr<TableCopyTarget> copyTarget() override;
    WarehouseStats stats() const override;
    bool beginReadSnapshot() override;
    void endReadSnapshot() override;

private:
    PostgresBackend(QString location, QString connectionName);
    bool migrate(QString *error, bool mustExist);
    void markInterruptedRuns();

    QString m_location;
    QString m_connectionName;
    QString m_conninfo; ///< the libpq conninfo, for the connections a load opens beside this one
    PGconn *m_conn = nullptr;
    std::unique_ptr<SqlRunLog> m_runLog;
    std::unique_ptr<PgPageviewQuery> m_pageviews;
    std::unique_ptr<SqlUserHistory> m_userHistory;
    std::unique_ptr<SqlPostcodeDirectory> m_postcodes;
    std::unique_ptr<SqlCoverage> m_coverage;
};

} // namespace pv
