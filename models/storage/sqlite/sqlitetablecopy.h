#pragma once

#include "storage/tablecopy.h"

#include <memory>

struct sqlite3;

namespace pv {

std::unique_ptr<TableCopySource> sqliteCopySource(sqlite3 *db);
std::unique_ptr<TableCopyTarget> sqliteCopyTarget(sqlite3 *db);

} // namespace pv
