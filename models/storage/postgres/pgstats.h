#pragma once

#include "storage/warehousestats.h"

typedef struct pg_conn PGconn;

namespace pv {

/// What a PostgreSQL warehouse holds and its tables' sizes on the server (with their indexes and TOAST).
WarehouseStats readPostgresStats(PGconn *conn);

} // namespace pv
