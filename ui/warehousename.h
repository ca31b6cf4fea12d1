#pragma once

#include <QString>

namespace pv {

/// How the desktop names a warehouse to the operator: a file by its path; a PostgreSQL URL as
/// "DATABASE on HOST:PORT (PostgreSQL)"; libpq keywords (or a URL QUrl cannot read) as given.
QString warehouseName(const QString &location);

} // namespace pv
