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
class UserHistory;
class WarehouseCoverage;

/// One open connection to a warehouse in one storage engine, and the domain interfaces answered on it.
/// A connection belongs to the thread that opened it; a thread that needs the warehouse opens its own.
/// Implemented once per engine under storage/<engine>/ (sqlite/ and postgres/).
class StorageBackend
{
public:
    virtual ~StorageBackend() = default;

    virtual int schemaVersion() const = 0;
    virtual int latestSchemaVersion() const = 0;
    virtual std::optional<QString> setting(const QString &key) const = 0;
    virtual bool setSetting(const QString &key, const QString &value) = 0;

    virtual const LoadRunLog &runLog() const = 0;
    virtual const PageviewQuery &pageviews() const = 0;
    virtual const UserHistory &userHistory() const = 0;
    virtual const PostcodeDirectory &postcodes() const = 0;
    virtual const WarehouseCoverage &coverage() const = 0;
    /// A store for one load on this connection.
    virtual std::unique_ptr<LoadStore> loadStore() = 0;
    /// Recomputes both aggregates, every fact's at-time postcode and the user directory from the facts
    /// and the history, in one read transaction, and reports every difference (checkWarehouse(), over
    /// the engine's CheckSource); hours limits the facts and aggregates checked. Read-only.
    virtual CheckReport check(std::optional<HourSpan> hours, LoadFeedback *feedback) = 0;
    /// Every table's rows as of one moment, for a copy (warehouseTables()).
    virtual std::unique_ptr<TableCopySource> copySource() = 0;
    /// Writes every table whole in one transaction, for a copy.
    virtual std::unique_ptr<TableCopyTarget> copyTarget() = 0;
    /// What the warehouse holds and its size by family of tables. Read-only; throws StorageError.
    virtual WarehouseStats stats() const = 0;
    /// Starts a read transaction, so every read until endReadSnapshot() sees one moment of the warehouse;
    /// false (and nothing started) when a transaction is already open on the connection.
    virtual bool beginReadSnapshot() = 0;
    virtual void endReadSnapshot() = 0;
};

} // namespace pv
