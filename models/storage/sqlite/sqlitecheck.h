#pragma once

#include "core/checkreport.h"

#include <QSqlDatabase>

struct sqlite3;

namespace pv {

class LoadFeedback;

/// StorageBackend::check on SQLite: recomputes both hourly aggregates and every fact's at-time postcode
/// from the facts and the history in temporary tables, checks the history's shape, the user directory
/// and the current-user counts, and reconciles every hour (pageviews loaded = sum at-time = sum current).
/// Runs in one read transaction so a concurrent load does not disturb it.
CheckReport checkSqliteWarehouse(QSqlDatabase db, sqlite3 *handle, LoadFeedback *feedback);

} // namespace pv
