#pragma once

#include "core/checkreport.h"
#include "core/time.h"

#include <optional>

struct sqlite3;

namespace pv {

class LoadFeedback;

/// StorageBackend::check on SQLite: checkWarehouse() over plain reads of the stored tables, all in one
/// read transaction, so a concurrent load neither disturbs it nor waits for it.
CheckReport checkSqliteWarehouse(sqlite3 *handle, std::optional<HourSpan> hours, LoadFeedback *feedback);

} // namespace pv
