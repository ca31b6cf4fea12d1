#pragma once

#include "core/checkreport.h"
#include "core/time.h"

#include <optional>

typedef struct pg_conn PGconn;

namespace pv {

class LoadFeedback;

/// checkWarehouse() over PostgreSQL, in one read-only repeatable-read transaction on conn.
CheckReport checkPostgresWarehouse(PGconn *conn, std::optional<HourSpan> hours, LoadFeedback *feedback);

} // namespace pv
