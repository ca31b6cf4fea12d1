#pragma once

#include <QString>

#include <optional>

namespace pv {

/// Which postcode a pageview counts under: the user's current (latest known) postcode, or the postcode
/// the user had when the pageview happened (docs/contract.md §2).
enum class Basis { Current, AtTime };

QString basisName(Basis basis); ///< "current" / "at-time"
std::optional<Basis> basisFromName(const QString &name);

} // namespace pv
