#pragma once

#include "core/checkreport.h"
#include "core/time.h"
#include "storage/warehousestats.h"

#include <QString>

#include <memory>
#include <optional>

namespace pv {

class LoadFeedback;
class LoadRunLog;
class LoadStore;
class PageviewQuery;
class PostcodeDirectory;
class TableCopySource;
class TableCopyTarget;
class StorageBackend;
class UserHistory;
class WarehouseCoverage;

/// One open connection to a warehouse: the one way a warehouse is held and passed. Opening creates the
/// warehouse if needed, brings its schema up to date and marks runs left 'running' by a process that no
/// longer exists 'interrupted'. A connection belongs to the thread that opened it. The storage engine
/// behind it (storage/<engine>/) answers the domain interfaces it hands out, valid while it is open.
/// "LOCATION: no warehouse there (...)": opening with Creation::ExistingOnly found none.
QString noWarehouseThere(const QString &location);
/// "LOCATION: the warehouse is at schema version N, older than this pvadmin's M; pvadmin --db LOCATION init
/// upgrades it": opening with Creation::ExistingOnly (a reading command) never upgrades.
QString warehouseNeedsUpgrade(const QString &location, int version, int latest);

class Warehouse
{
public:
    Warehouse();
    ~Warehouse();
    Warehouse(const Warehouse &) = delete;
    Warehouse &operator=(const Warehouse &) = delete;

    /// Whether path names a warehouse on a database server (a PostgreSQL URL or keyword conninfo) rather
    /// than a file.
    static bool isServerLocation(const QString &path);

    /// Whether a server location's address is well formed (checked without connecting; a file's always is),
    /// with *error saying why not: a mistake no retry mends, where a failure to connect may be.
    static bool isWellFormedLocation(const QString &path, QString *error);

    /// What names a server's warehouse for people: the parts its address gives (a URL's, a socket folder or
    /// port given as a query parameter, or libpq keywords), empty where it leaves them to libpq's defaults.
    struct ServerAddress
    {
        QString host; ///< a host name, an address, or a socket folder (/run/postgresql)
        QString port;
        QString database;
        QString user;
    };
    /// nullopt for a file, or an address libpq cannot read.
    static std::optional<ServerAddress> serverAddress(const QString &location);

    /// PVADMIN_DB when set, else warehouse.sqlite in the per-user data location.
    static QString defaultPath();

    /// Who opens: the process's main connection, which marks runs left "running" by a dead load (or by
    /// this process, which has no load of its own running yet) as interrupted, or a reader beside it (a
    /// screen's query thread), which leaves them: this process's own load may be running.
    enum class Role { Main, Reader };

    /// Whether opening may create the warehouse (a new file, the schema in an empty database) or must find
    /// one there (the reading commands, which must not answer from an empty warehouse they made).
    enum class Creation { CreateIfMissing, ExistingOnly };

    bool open(const QString &path, QString *error, Role role = Role::Main, Creation creation = Creation::CreateIfMissing);
    /// Whether the last open() that failed found no server accepting connections (down, restarting,
    /// unreachable): a failure that trying again later may mend.
    bool serverWasUnreachable() const { return m_serverUnreachable; }
    void close();
    bool isOpen() const { return m_backend != nullptr; }
    QString path() const { return m_path; }

    int schemaVersion() const;
    int latestSchemaVersion() const;
    QString setting(const QString &key, const QString &fallback = {}) const;
    bool setSetting(const QString &key, const QString &value);
    /// The reject threshold a load uses when the run does not give one (percent of rows read).
    double defaultMaxRejectPercent() const;
    /// A users snapshot lacking more than this share (percent) of the previous one is refused unless forced.
    double removalGuardPercent() const;
    /// A pageviews load holding more distinct (user, hour) pairs than this is refused while it reads (the
    /// setting max_pageview_pairs; default 16,000,000, about 1 GB at most while reading).
    qint64 maxPageviewPairs() const;

    const LoadRunLog &runLog() const;
    const PageviewQuery &pageviews() const;
    const UserHistory &userHistory() const;
    const PostcodeDirectory &postcodes() const;
    const WarehouseCoverage &coverage() const;
    std::unique_ptr<LoadStore> loadStore();
    /// Why loads are refused on this connection (LoadStore::whyReadOnly), or an empty string.
    QString whyReadOnly();
    /// The warehouse's proof that the incremental path is right (StorageBackend::check).
    /// hours limits the facts, aggregates and reconciliation checked to a range; nullopt checks all.
    CheckReport check(LoadFeedback *feedback = nullptr, std::optional<HourSpan> hours = std::nullopt);
    /// For copyWarehouse() (StorageBackend::copySource, copyTarget).
    std::unique_ptr<TableCopySource> copySource();
    std::unique_ptr<TableCopyTarget> copyTarget();
    /// Facts, sizes and the projection of a year (StorageBackend::stats).
    WarehouseStats stats() const;

    /// While it lives, every read on the connection sees the warehouse as of one moment (one read
    /// transaction), so the figures read together agree even while another connection commits. A screen's
    /// query runs in one; a connection already in a transaction is left as it is.
    class ReadSnapshot
    {
    public:
        explicit ReadSnapshot(Warehouse &warehouse);
        ~ReadSnapshot();
        ReadSnapshot(const ReadSnapshot &) = delete;
        ReadSnapshot &operator=(const ReadSnapshot &) = delete;

    private:
        StorageBackend *m_began = nullptr;
    };

private:
    std::unique_ptr<StorageBackend> m_backend;
    QString m_path;
    bool m_serverUnreachable = false;
};

} // namespace pv
