#pragma once

#include <QtGlobal>

#include <string_view>

namespace pv {

/// The seal of a postcode in the warehouse's dictionary: a 64-bit digest of its id and its text, written
/// beside the text by the load that adds it, and recomputed by check. Every report joins pageviews to their
/// postcode's text through the dictionary, so a text changed afterwards (an UPDATE in a shell, a flipped
/// byte, two texts swapped) would move pageviews to another postcode in every answer; its seal no longer
/// matches. FNV-1a over the id's eight bytes (little-endian) then the text's bytes, with a final mix: any
/// single changed byte always changes the seal, and the id in it tells two swapped texts apart.
qint64 postcodeSeal(quint32 id, std::string_view text);

} // namespace pv
