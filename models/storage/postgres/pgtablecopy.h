#pragma once

#include "storage/tablecopy.h"

#include <memory>

typedef struct pg_conn PGconn;

namespace pv {

std::unique_ptr<TableCopySource> pgCopySource(PGconn *conn);
std::unique_ptr<TableCopyTarget> pgCopyTarget(PGconn *conn);

} // namespace pv
