#pragma once

#include "storage/warehousestats.h"

class QSqlDatabase;

namespace pv {

/// WarehouseStats of a SQLite warehouse. Page counts come from the dbstat table for every table but the
/// fact segments, whose size is their blobs' length (read without the blobs: a year of facts is too
/// large to walk page by page), so it takes seconds on any warehouse. Throws StorageError.
WarehouseStats readSqliteStats(const QSqlDatabase &db);

} // namespace pv
