#pragma once

#include <QtGlobal>

namespace pv {

/// Id 0 is the reserved postcode for users in no snapshot (UNKNOWN).
inline constexpr quint32 unknownPostcodeId = 0;

/// One pageview fact: a user's views in one hour, with the postcode the user had then (at-time).
struct PageviewFact
{
    quint64 userId = 0;
    qint64 hour = 0; ///< hours since the epoch
    quint32 postcodeId = 0;
    quint32 views = 0;
};

} // namespace pv
