#include "core/postcodeseal.h"

namespace pv {

qint64 postcodeSeal(quint32 id, std::string_view text)
{
    constexpr quint64 prime = 0x100000001b3ull;
    quint64 state = 0xcbf29ce484222325ull;
    const auto mix = [&](unsigned char byte) { state = (state ^ byte) * prime; };
    for (int shift = 0; shift < 64; shift += 8)
        mix(static_cast<unsigned char>(quint64(id) >> shift));
    for (const char c : text)
        mix(static_cast<unsigned char>(c));
    // Each step above is a bijection of the state for a given byte, so one changed byte changes the state
    // for good; the finaliser spreads it over every bit (a bijection too).
    state ^= state >> 33;
    state *= 0xff51afd7ed558ccdull;
    state ^= state >> 33;
    return static_cast<qint64>(state);
}

} // namespace pv
