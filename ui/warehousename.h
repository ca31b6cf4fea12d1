#pragma once

#include <QString>

namespace pv {

/// How the desktop names a warehouse to the operator: a file by its path; a PostgreSQL URL as
/// "DATABASE on HOST:PORT (PostgreSQL)"; libpq keywords (or a URL QUrl cannot read) as given.
QString warehouseName(const QString &location);

/// A settings key for a choice that belongs to one warehouse (the postcodes charted): "GROUP/" and a hash
/// of the location, so a password in a PostgreSQL URL never reaches the settings file.
QString warehouseSettingsKey(const QString &group, const QString &location);

} // namespace pv
