#include "storage/warehousechanges.h"

#include "storage/postgres/pgchangewatcher.h"
#include "storage/postgres/postgresbackend.h"
#include "storage/sqlite/sqlitechangewatcher.h"

namespace pv {

WarehouseChangeWatcher::~WarehouseChangeWatcher() = default;

std::unique_ptr<WarehouseChangeWatcher> WarehouseChangeWatcher::watch(const QString &location, QString *error)
{
    if (!PostgresBackend::isLocation(location))
        return SqliteChangeWatcher::open(location, error);
    const QString conninfo = PostgresBackend::conninfo(location, error);
    if (conninfo.isEmpty())
        return nullptr;
    return PgChangeWatcher::open(conninfo, error);
}

} // namespace pv
