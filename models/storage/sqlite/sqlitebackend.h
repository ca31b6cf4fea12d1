#pragma once

#include "storage/storagebackend.h"

#include <QSqlDatabase>

#include <memory>

class QFileInfo;
struct sqlite3;

namespace pv {

class HeldFile;
class SqlCoverage;
class SqlitePageviewQuery;
class SqlPostcodeDirectory;
class SqlRunLog;
class SqlUserHistory;

/// A warehouse in one SQLite file: one Qt connection (for the small queries) over the native handle (for
/// the bulk paths), in WAL mode with a busy timeout, with the numbered migrations applied.
class SqliteBackend final : public StorageBackend
{
public:
    /// Opens (creating when needed) the warehouse file at path; nullptr with *error set when it cannot.
    /// markInterrupted: mark runs left "running" by a dead process or by this one as interrupted.
    /// mustExist: find a warehouse at its latest schema there and change nothing, or fail (a reading
    /// command); otherwise create one in a new or empty file, or upgrade one. Never in a database that holds
    /// other tables, and the journal mode of a file that is not a warehouse is left alone.
    static std::unique_ptr<SqliteBackend> open(const QString &path, QString *error, bool markInterrupted = true,
                                               bool mustExist = false);
    ~SqliteBackend() override;

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

    /// The native handle, for this folder's bulk paths and the storage tests.
    sqlite3 *handle() const { return m_handle; }
    QSqlDatabase database() const;

private:
    /// How a connection reads the file: through the -wal and -shm beside it with other clients, as it is on
    /// disk (immutable: a folder it may not write, no client there), or alone (the wal-index in this
    /// connection's memory under an exclusive lock: a reading command on a disk with no room for a -shm).
    enum class Access { Shared, AsItIsOnDisk, Alone };

    SqliteBackend(const QString &path, const QString &connectionName);
    static std::unique_ptr<SqliteBackend> connect(const QFileInfo &info, Access access, QString *error);
    bool migrate(QString *error);
    int schemaVersionIfPresent() const;
    bool isWarehouseOrEmpty(bool mustExist, QString *error) const;

    QString m_path;
    QString m_connectionName;
    sqlite3 *m_handle = nullptr;
    std::unique_ptr<HeldFile> m_held; ///< the file counted as held while this connection is open
    std::unique_ptr<SqlRunLog> m_runLog;
    std::unique_ptr<SqlitePageviewQuery> m_pageviews;
    std::unique_ptr<SqlUserHistory> m_userHistory;
    std::unique_ptr<SqlPostcodeDirectory> m_postcodes;
    std::unique_ptr<SqlCoverage> m_coverage;
};

} // namespace pv
